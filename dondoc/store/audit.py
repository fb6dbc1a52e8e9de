"""The audit log: who did what, appended in the same transaction as the change itself."""

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from dondoc.store.models import AuditLog, Person


def record(
    session: Session,
    person: Person | None,
    action: str,
    now: dt.datetime,
    subject: str | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditLog(
            person_id=person.id if person else None,
            action=action,
            subject=subject,
            detail=detail or None,
            created_at=now,
        )
    )
