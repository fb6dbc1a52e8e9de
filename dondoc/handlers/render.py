"""Shared wording: how a task, an assignment, a deadline, a report or a role reads in the person's
language."""

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dondoc.i18n import N_, _, format_date, format_datetime, format_percent_value, ngettext
from dondoc.store.agencies import names_of
from dondoc.store.assignments import on_time
from dondoc.store.models import Agency, AgencyRole, AssignmentState, Report, ReportKind
from dondoc.text import shorten

# What the renderers read. Each is met by the ORM rows (`TaskAgency`, `Report`, `Part`) and by the plain
# rows that lists and reporting read instead (`PartLine`, `PartHead`, `ReportLine`, `Listed`).


class DatedPart(Protocol):
    """An agency's part, for its deadline."""

    @property
    def state(self) -> AssignmentState: ...

    @property
    def deadline(self) -> dt.date | None: ...

    @property
    def original_deadline(self) -> dt.date | None: ...


class StatedPart(DatedPart, Protocol):
    """An agency's part, for its state."""

    @property
    def completed_on(self) -> dt.date | None: ...

    @property
    def state_note(self) -> str | None: ...

    @property
    def extended(self) -> bool: ...


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class ListedPart(StatedPart, Protocol):
    """An agency's part, for a list line."""

    @property
    def role(self) -> AgencyRole: ...

    @property
    def agency(self) -> _Named: ...


class Progress(Protocol):
    """A report, for the progress it shows."""

    @property
    def kind(self) -> ReportKind: ...

    @property
    def percent(self) -> int: ...

    @property
    def created_at(self) -> dt.datetime: ...


class _Titled(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def title(self) -> str: ...


class ListRow(Protocol):
    """A list row: the task, the agency's part in it, its progress."""

    @property
    def task(self) -> _Titled: ...

    @property
    def part(self) -> ListedPart: ...

    @property
    def report(self) -> Progress | None: ...


STATE_LABELS: dict[AssignmentState, str] = {
    AssignmentState.OPEN: N_("in progress"),
    AssignmentState.REPORTED: N_("completion reported, awaiting the office's confirmation"),
    AssignmentState.DONE: N_("done"),
    AssignmentState.CANCELLED: N_("cancelled"),
}


def days_phrase(deadline: dt.date, today: dt.date) -> str:
    days = (deadline - today).days
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("{n} day left", "{n} days left", days).format(n=days)
    return ngettext("{n} day late", "{n} days late", -days).format(n=-days)


def deadline_phrase(
    deadline: dt.date | None, today: dt.date, original: dt.date | None = None, counting: bool = True
) -> str:
    """'Thứ Ba, 31/3/2026 (còn 5 ngày)', with the original deadline when an extension moved it."""
    if deadline is None:
        return _("no fixed deadline (ongoing)")
    text = format_date(deadline)
    if counting:
        text = _("{date} ({days})").format(date=text, days=days_phrase(deadline, today))
    if original is not None and original != deadline:
        text += " " + _("(extended; originally {date})").format(date=format_date(original))
    return text


def part_deadline(part: DatedPart, today: dt.date) -> str:
    """The assignment's deadline; days left or late are counted only while it is open."""
    return deadline_phrase(
        part.deadline, today, part.original_deadline, counting=part.state == AssignmentState.OPEN
    )


def progress_phrase(report: Progress | None, tz: ZoneInfo) -> str:
    if report is None:
        return _("not reported yet")
    when = format_date(report.created_at.astimezone(tz).date())
    if report.kind == ReportKind.COMPLETION:
        return _("completion reported on {date}").format(date=when)
    return _("{percent} on {date}").format(percent=format_percent_value(report.percent), date=when)


def state_phrase(part: StatedPart) -> str:
    """'đang thực hiện', 'đã hoàn thành, đúng hạn (đã gia hạn)', 'đã hủy: lý do' …"""
    if part.state == AssignmentState.DONE:
        timely = on_time(part)
        if timely is None:
            return _("done")
        if not timely:
            return _("done late")
        return _("done on time (extended)") if part.extended else _("done on time")
    label = _(STATE_LABELS[part.state])
    if part.state_note and part.state in (AssignmentState.OPEN, AssignmentState.CANCELLED):
        reason = shorten(part.state_note, 200)
        if part.state == AssignmentState.OPEN:
            return _("{state} (report returned: {reason})").format(state=label, reason=reason)
        return f"{label}: {reason}"
    return label


def part_line(row: ListRow, today: dt.date, tz: ZoneInfo, show_agency: bool = False) -> str:
    """One assignment (or contribution) in a list: number, title, whose, deadline, progress, state."""
    part = row.part
    late = part.state == AssignmentState.OPEN and part.deadline is not None and part.deadline < today
    line = f"{'⚠️ ' if late else ''}#{row.task.id} {shorten(row.task.title, 80)}"
    if show_agency:
        line += f" — {part.agency.name}"
    if part.role == AgencyRole.COOP:
        line += " " + _("[cooperating]")
    details = _("Deadline: {deadline} · Progress: {progress}").format(
        deadline=part_deadline(part, today), progress=progress_phrase(row.report, tz)
    )
    if part.state != AssignmentState.OPEN or part.state_note:
        details += " · " + state_phrase(part)
    return line + "\n   " + details


NAMES_SHOWN = 12


def where_phrase(session: Session, agency_id: int | None) -> str:
    """Whom an answer is about: the agency's name, or "all agencies"."""
    return _("all agencies") if agency_id is None else names_of(session, [agency_id])[agency_id]


def names_list(names: list[str], limit: int = NAMES_SHOWN, more: str = N_("and {more} more")) -> str:
    """'A; B; C and 4 more' (`more`: the msgid for the rest, agencies by default)."""
    shown = "; ".join(names[:limit])
    if len(names) > limit:
        shown += " " + _(more).format(more=len(names) - limit)
    return shown


def rate_phrase(part: int, whole: int) -> str:
    """'83%' of the whole, '—' when there is none (an on-time rate with nothing due)."""
    return format_percent_value(round(100 * part / whole)) if whole else "—"


def agency_names(agencies: list[Agency]) -> str:
    return "; ".join(a.name for a in agencies) or "—"


def report_line(report: Report, tz: ZoneInfo) -> str:
    when = format_datetime(report.created_at, tz)
    kind = _("completion") if report.kind == ReportKind.COMPLETION else format_percent_value(report.percent)
    line = f"• {when} · {report.agency.name} · {report.person.name}: {kind} — {shorten(report.text, 300)}"
    if report.evidence and report.evidence != report.text:
        line += "\n   " + _("Evidence: {evidence}").format(evidence=shorten(report.evidence, 200))
    return line
