"""Digests: the office's daily one (due soon, overdue, reported today, awaiting confirmation, not yet
acknowledged) and the leaders' weekly one (on-time rate, the most overdue agencies, the chart).

Both are built here from one `Facts`: the per-agency tallies (one row per agency, see
`store.tasks.agency_counts`) and the count of the day's reports, so their cost follows the agencies,
not the tasks. `preview` is what `dondoc digest preview` prints; `send_digest` queues the same for each
recipient, in their language.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dondoc.handlers.messages import Attachment, Reply
from dondoc.handlers.notify import tell, unreached
from dondoc.handlers.render import names_list, rate_phrase
from dondoc.i18n import _, format_date
from dondoc.store.agencies import names_of
from dondoc.store.db import claim
from dondoc.store.exports import AgencySummary, totals_of
from dondoc.store.files import store_file
from dondoc.store.models import DigestLog, Role
from dondoc.store.people import people_with_role
from dondoc.store.tasks import AgencyCounts, agency_counts, reports_since

DAILY = "daily"
WEEKLY = "weekly"
KINDS = (DAILY, WEEKLY)
TOP = 10
CHART_FILENAME = "tien-do-cac-co-quan.png"


@dataclass(frozen=True)
class Facts:
    """What a digest tells, the same for every recipient: per-agency counts (from the tallies, one row
    per agency), the agencies' names and the reports of the day."""

    counts: dict[int, AgencyCounts]
    names: dict[int, str]
    reported: int
    unreached: list[int]  # agencies with work in hand and nobody the bot can reach: whom to phone

    def summaries(self) -> list[AgencySummary]:
        """The tallies as the chart and the on-time rate read them."""
        return [
            AgencySummary(
                agency_id=c.agency_id,
                name=self.names[c.agency_id],
                assigned=c.open + c.awaiting_confirmation + c.done,
                done_on_time=c.done_on_time,
                done_late=c.done_late,
                reported=c.awaiting_confirmation,
                open=c.open,
                overdue=c.overdue,
                dated=c.open + c.awaiting_confirmation + c.done - c.undated,
            )
            for c in self.counts.values()
        ]


def digest_facts(session: Session, today: dt.date, tz: ZoneInfo) -> Facts:
    counts = agency_counts(session, today)
    names = names_of(session, counts)
    busy = [agency_id for agency_id, c in counts.items() if c.open or c.awaiting_confirmation]
    since = dt.datetime.combine(today, dt.time(), tzinfo=tz)
    return Facts(counts, names, reports_since(session, since), unreached(session, busy))


def digest_text(session: Session, kind: str, today: dt.date, tz: ZoneInfo, facts: Facts | None = None) -> str:
    facts = facts or digest_facts(session, today, tz)
    counts = facts.counts.values()
    title = _("Daily digest, {date}") if kind == DAILY else _("Weekly digest, week of {date}")
    lines = [
        title.format(date=format_date(today)),
        _(
            "In progress: {open} · overdue: {overdue} · due within 7 days: {soon} · awaiting confirmation: "
            "{awaiting} · not yet acknowledged: {unreceived} · reports today: {reported}"
        ).format(
            open=sum(c.open for c in counts),
            overdue=sum(c.overdue for c in counts),
            soon=sum(c.due_soon for c in counts),
            awaiting=sum(c.awaiting_confirmation for c in counts),
            unreceived=sum(c.not_received for c in counts),
            reported=facts.reported,
        ),
    ]
    if kind == WEEKLY:
        lines += _weekly_lines(facts)
    else:
        lines += _daily_lines(facts)
    lines.append(_("Details: /quahan, /sapden, /tonghop, /xuat."))
    return "\n".join(lines)


def _daily_lines(facts: Facts) -> list[str]:
    """Per agency, the office's work of the day: overdue, due soon, to confirm, not acknowledged."""
    lines: list[str] = []
    for label, count in (
        (_("Agencies with overdue tasks:"), lambda c: c.overdue),
        (_("Due within 7 days:"), lambda c: c.due_soon),
        (_("Completion reported, awaiting your confirmation (/xacnhan):"), lambda c: c.awaiting_confirmation),
        (_("New tasks not yet acknowledged as received:"), lambda c: c.not_received),
    ):
        lines += _ranked(facts, label, count)
    if facts.unreached:
        lines.append(
            _(
                "Agencies with tasks in hand where nobody can be reached ({count}; phone them): {names}"
            ).format(count=len(facts.unreached), names=names_list([facts.names[a] for a in facts.unreached]))
        )
    return lines


def _weekly_lines(facts: Facts) -> list[str]:
    """The leaders' week: the province's on-time rate, the agencies most overdue, the least on time."""
    total = totals_of(facts.summaries())
    lines = [
        _(
            "Done on time: {rate} ({on_time} of {dated} assignments with a deadline; {late} done late)."
        ).format(
            rate=rate_phrase(total.done_on_time, total.dated),
            on_time=total.done_on_time,
            dated=total.dated,
            late=total.done_late,
        )
    ]
    lines += _ranked(facts, _("The most overdue agencies:"), lambda c: c.overdue)
    return lines


def _ranked(facts: Facts, label: str, count: Callable[[AgencyCounts], int]) -> list[str]:
    """'label' and the agencies with the most of `count`, or nothing when none has any."""
    having = sorted(
        (c for c in facts.counts.values() if count(c)), key=lambda c: (-count(c), facts.names[c.agency_id])
    )
    if not having:
        return []
    lines = [label] + [f"• {facts.names[c.agency_id]}: {count(c)}" for c in having[:TOP]]
    if len(having) > TOP:
        lines.append("• " + _("… and {more} more agencies.").format(more=len(having) - TOP))
    return lines


def chart(facts: Facts, today: dt.date) -> bytes | None:
    """The weekly digest's picture (None when no agency has an assignment yet)."""
    summaries = [s for s in facts.summaries() if s.assigned]
    if not summaries:
        return None
    from dondoc.reports.chart import agency_chart  # matplotlib only when a chart is drawn

    return agency_chart(summaries, title=_("Assignments by agency, {date}").format(date=format_date(today)))


def preview(session: Session, kind: str, now: dt.datetime, tz: ZoneInfo) -> Reply:
    """The digest as a recipient would get it now (in the language in force), nothing recorded."""
    today = now.astimezone(tz).date()
    facts = digest_facts(session, today, tz)
    picture = chart(facts, today) if kind == WEEKLY else None
    attachments = (Attachment(CHART_FILENAME, picture, mime_type="image/png"),) if picture else ()
    return Reply(digest_text(session, kind, today, tz, facts), attachments=attachments)


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
    picture = chart(facts, today) if kind == WEEKLY else None
    file_id = store_file(session, picture, CHART_FILENAME, "image/png", now).id if picture else None
    return tell(
        session,
        recipients,
        now,
        "digest",
        lambda _person: digest_text(session, kind, today, tz, facts),
        file_id=file_id,
    )
