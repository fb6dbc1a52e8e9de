"""Digests: the office's daily one (due soon, overdue, reported today) and the leaders' weekly one."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dondoc.handlers.notify import tell
from dondoc.i18n import _, format_date
from dondoc.store.agencies import names_of
from dondoc.store.db import claim
from dondoc.store.models import DigestLog, Role
from dondoc.store.people import people_with_role
from dondoc.store.tasks import AgencyCounts, agency_counts, reports_since

DAILY = "daily"
WEEKLY = "weekly"
TOP = 10


@dataclass(frozen=True)
class Facts:
    """What a digest tells, the same for every recipient: per-agency counts (from the tallies, one row
    per agency), the agencies' names and the reports of the day."""

    counts: dict[int, AgencyCounts]
    names: dict[int, str]
    reported: int


def digest_facts(session: Session, today: dt.date, tz: ZoneInfo) -> Facts:
    counts = agency_counts(session, today)
    names = names_of(session, counts)
    return Facts(counts, names, reports_since(session, dt.datetime.combine(today, dt.time(), tzinfo=tz)))


def digest_text(session: Session, kind: str, today: dt.date, tz: ZoneInfo, facts: Facts | None = None) -> str:
    facts = facts or digest_facts(session, today, tz)
    counts, names, reported = facts.counts, facts.names, facts.reported
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
    recipients = [
        person
        for person in people_with_role(session, role)
        if claim(session, DigestLog, kind=kind, period=period, person_id=person.id, created_at=now)
    ]
    if not recipients:
        return 0
    facts = digest_facts(session, today, tz)  # counted once, told in each recipient's language
    return tell(
        session, recipients, now, "digest", lambda _person: digest_text(session, kind, today, tz, facts)
    )
