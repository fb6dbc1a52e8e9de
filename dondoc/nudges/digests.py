"""Digests: the office's daily one (due soon, overdue, reported today) and the leaders' weekly one."""

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.i18n import _, format_date, use_language
from dondoc.store.db import insert_for
from dondoc.store.models import Agency, DigestLog, Person, Role
from dondoc.store.outbox import enqueue
from dondoc.store.people import people_with_role
from dondoc.store.tasks import agency_counts, reports_since

DAILY = "daily"
WEEKLY = "weekly"
TOP = 10


def _claim(session: Session, kind: str, period: dt.date, person: Person, now: dt.datetime) -> bool:
    insert = insert_for(session)
    statement = (
        insert(DigestLog)
        .values(kind=kind, period=period, person_id=person.id, created_at=now)
        .on_conflict_do_nothing()
        .returning(DigestLog.id)
    )
    return session.scalar(statement) is not None


def digest_text(session: Session, kind: str, today: dt.date, tz: ZoneInfo) -> str:
    counts = agency_counts(session, today)
    names = dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(list(counts)))).all())
    reported = reports_since(session, dt.datetime.combine(today, dt.time(), tzinfo=tz))
    title = _("Daily digest, {date}") if kind == DAILY else _("Weekly digest, week of {date}")
    lines = [
        title.format(date=format_date(today)),
        _(
            "In progress: {open} · overdue: {overdue} · due within 7 days: {soon} · awaiting confirmation: "
            "{awaiting} · not yet acknowledged: {unreceived} · reports today: {reported}"
        ).format(
            open=sum(c.open for c in counts.values()),
            overdue=sum(c.overdue for c in counts.values()),
            soon=sum(c.due_soon for c in counts.values()),
            awaiting=sum(c.awaiting_confirmation for c in counts.values()),
            unreceived=sum(c.not_received for c in counts.values()),
            reported=reported,
        ),
    ]
    late = sorted((c for c in counts.values() if c.overdue), key=lambda c: (-c.overdue, names[c.agency_id]))
    if late:
        lines.append(_("Agencies with overdue tasks:"))
        lines += [f"• {names[c.agency_id]}: {c.overdue}" for c in late[:TOP]]
    lines.append(_("Details: /quahan, /sapden, /tonghop."))
    return "\n".join(lines)


def send_digest(session: Session, kind: str, now: dt.datetime, tz: ZoneInfo) -> int:
    """Queue the digest for each recipient who has not had it for this period; returns how many."""
    today = now.astimezone(tz).date()
    period = today if kind == DAILY else today - dt.timedelta(days=today.weekday())
    role = Role.ADMIN if kind == DAILY else Role.LEADER
    sent = 0
    for person in people_with_role(session, role):
        if _claim(session, kind, period, person, now):
            with use_language(person.language):
                if enqueue(session, person, digest_text(session, kind, today, tz), now, kind="digest"):
                    sent += 1
    return sent
