"""The audit log: who did what, appended in the same transaction as the change itself."""

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dondoc.store.models import AuditLog, Person, TaskAgency


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


def entries(session: Session, subject: str, limit: int, without_prefix: str | None = None) -> list[AuditLog]:
    """The newest entries about one subject ("task:12"), with who did it; `without_prefix` leaves out
    actions shown elsewhere ("report." : the reports are listed in full)."""
    query = select(AuditLog).options(joinedload(AuditLog.person)).where(AuditLog.subject == subject)
    if without_prefix:
        query = query.where(AuditLog.action.not_like(f"{without_prefix}%"))
    return list(session.scalars(query.order_by(AuditLog.id.desc()).limit(limit)))


def record_part(
    session: Session, person: Person | None, action: str, now: dt.datetime, part: TaskAgency, **detail: Any
) -> None:
    """An entry about one agency's part of a task: found with the task's entries, named by the agency."""
    record(
        session,
        person,
        action,
        now,
        subject=f"task:{part.task_id}",
        agency_id=part.agency_id,
        agency=part.agency.name,
        **detail,
    )
