"""The audit log: who did what, appended in the same transaction as the change itself."""

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

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


def entries(session: Session, subject: str, limit: int) -> list[AuditLog]:
    """The newest entries about one subject ("task:12"), with who did it."""
    return list(
        session.scalars(
            select(AuditLog)
            .options(joinedload(AuditLog.person))
            .where(AuditLog.subject == subject)
            .order_by(AuditLog.id.desc())
            .limit(limit)
        )
    )
