"""Imported notices: one row per notice, found again by its content hash, or by its number and date."""

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.store.models import Notice, Person, Task


def notice_by_hash(session: Session, content_hash: str) -> Notice | None:
    return session.scalar(select(Notice).where(Notice.content_hash == content_hash))


_SPACES = re.compile(r"\s+")


def same_number(a: str, b: str) -> bool:
    """'123/TB-UBND' and '123 / tb-ubnd' are the same number."""
    return _SPACES.sub("", a).casefold() == _SPACES.sub("", b).casefold()


def notice_by_number(session: Session, number: str | None, signed_on: dt.date | None) -> Notice | None:
    """The notice imported with this number and signing date (the first one, if several), the number
    compared without spaces or case; None when either is missing."""
    if not number or not number.strip() or signed_on is None:
        return None
    rows = session.scalars(
        select(Notice).where(Notice.signed_on == signed_on, Notice.number.is_not(None)).order_by(Notice.id)
    )
    return next((n for n in rows if n.number and same_number(n.number, number)), None)


def tasks_of_notice(session: Session, notice_id: int) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.notice_id == notice_id).order_by(Task.id)))


def add_notice(session: Session, person: Person | None, now: dt.datetime, **fields: object) -> Notice:
    """A new notice row (flushed, so it has its id)."""
    notice = Notice(**fields, created_by_id=person.id if person else None, created_at=now)
    session.add(notice)
    session.flush()
    return notice
