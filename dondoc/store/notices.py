"""Imported notices: one row per notice text, found again by its content hash."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.store.models import Notice, Person, Task


def notice_by_hash(session: Session, content_hash: str) -> Notice | None:
    return session.scalar(select(Notice).where(Notice.content_hash == content_hash))


def tasks_of_notice(session: Session, notice_id: int) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.notice_id == notice_id).order_by(Task.id)))


def add_notice(session: Session, person: Person | None, now: dt.datetime, **fields: object) -> Notice:
    """A new notice row (flushed, so it has its id)."""
    notice = Notice(**fields, created_by_id=person.id if person else None, created_at=now)
    session.add(notice)
    session.flush()
    return notice
