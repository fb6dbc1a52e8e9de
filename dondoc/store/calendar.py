"""The office's changes to the public-holiday calendar: extra days off and make-up working days."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.store.models import CalendarDay


def calendar_changes(session: Session) -> list[tuple[dt.date, bool]]:
    """(day, working) for every day the office changed."""
    return [(day, working) for day, working in session.execute(select(CalendarDay.day, CalendarDay.working))]


def calendar_day(session: Session, day: dt.date) -> CalendarDay | None:
    return session.get(CalendarDay, day)


def set_calendar_day(
    session: Session, day: dt.date, working: bool, note: str | None, now: dt.datetime
) -> None:
    row = session.get(CalendarDay, day) or CalendarDay(day=day, created_at=now)
    row.working, row.note = working, note
    session.add(row)
