"""The audit log: who did what, appended in the same transaction as the change itself."""

import datetime as dt
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, joinedload

from dondoc.store import fast
from dondoc.store.models import AuditLog


class Someone(Protocol):
    """Who did it: a `Person`, or the dispatcher's `Caller`."""

    @property
    def id(self) -> int: ...


class _NamedAgency(Protocol):
    @property
    def name(self) -> str: ...


class AgencyPart(Protocol):
    """An agency's part of a task: a `TaskAgency`, or the plain rows reporting reads."""

    @property
    def task_id(self) -> int: ...

    @property
    def agency_id(self) -> int: ...

    @property
    def agency(self) -> _NamedAgency: ...


# Entries are inserted at once by a statement compiled once, not added to the session as objects for
# its flush: nothing reads an entry back as an object, and later queries in the transaction see it.
_INSERT = insert(AuditLog.__table__)


def record(
    session: Session,
    person: Someone | None,
    action: str,
    now: dt.datetime,
    subject: str | None = None,
    **detail: Any,
) -> None:
    fast.execute(
        session,
        _INSERT,
        {
            "person_id": person.id if person else None,
            "action": action,
            "subject": subject,
            "detail": detail or None,
            "created_at": now,
        },
    )


def entries(session: Session, subject: str, limit: int, without_prefix: str | None = None) -> list[AuditLog]:
    """The newest entries about one subject ("task:12"), with who did it; `without_prefix` leaves out
    actions shown elsewhere ("report." : the reports are listed in full)."""
    query = select(AuditLog).options(joinedload(AuditLog.person)).where(AuditLog.subject == subject)
    if without_prefix:
        query = query.where(AuditLog.action.not_like(f"{without_prefix}%"))
    return list(session.scalars(query.order_by(AuditLog.id.desc()).limit(limit)))


def record_part(
    session: Session, person: Someone | None, action: str, now: dt.datetime, part: AgencyPart, **detail: Any
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
