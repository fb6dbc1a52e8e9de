"""Shared wording: how a task, a deadline, a report or a role reads in the person's language."""

import datetime as dt
from zoneinfo import ZoneInfo

from dondoc.i18n import N_, _, format_date, format_datetime, format_percent_value, ngettext
from dondoc.store.models import Agency, AgencyRole, Report, ReportKind, Role, Task, TaskStatus
from dondoc.text import shorten

ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("office (Văn phòng UBND tỉnh)"),
    Role.LEADER: N_("provincial leader"),
    Role.HEAD: N_("agency head"),
    Role.STAFF: N_("focal officer"),
    Role.GUEST: N_("guest"),
}
STATUS_LABELS: dict[TaskStatus, str] = {
    TaskStatus.OPEN: N_("open"),
    TaskStatus.DONE: N_("done"),
    TaskStatus.CANCELLED: N_("cancelled"),
}


def role_label(role: Role) -> str:
    return _(ROLE_LABELS[role])


def days_phrase(deadline: dt.date, today: dt.date) -> str:
    days = (deadline - today).days
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("{n} day left", "{n} days left", days).format(n=days)
    return ngettext("{n} day late", "{n} days late", -days).format(n=-days)


def deadline_phrase(task: Task, today: dt.date) -> str:
    """'Thứ Ba, 31/3/2026 (còn 5 ngày)', or 'no deadline (ongoing)'."""
    if task.deadline is None:
        return _("no fixed deadline (ongoing)")
    text = _("{date} ({days})").format(
        date=format_date(task.deadline), days=days_phrase(task.deadline, today)
    )
    if task.original_deadline and task.original_deadline != task.deadline:
        text += " " + _("(originally {date})").format(date=format_date(task.original_deadline))
    return text


def progress_phrase(report: Report | None, tz: ZoneInfo) -> str:
    if report is None:
        return _("not reported yet")
    when = format_date(report.created_at.astimezone(tz).date())
    if report.kind == ReportKind.COMPLETION:
        return _("completion reported on {date}, awaiting the office's confirmation").format(date=when)
    return _("{percent} on {date}").format(percent=format_percent_value(report.percent), date=when)


def task_line(
    task: Task, report: Report | None, today: dt.date, tz: ZoneInfo, part: AgencyRole | None = None
) -> str:
    """One task in a list: number, short title, deadline, last progress."""
    marker = "⚠️ " if task.deadline is not None and task.deadline < today else ""
    line = f"{marker}#{task.id} {shorten(task.title, 80)}"
    if part == AgencyRole.COOP:
        line += " " + _("[cooperating]")
    return (
        line
        + "\n   "
        + _("Deadline: {deadline} · Progress: {progress}").format(
            deadline=deadline_phrase(task, today), progress=progress_phrase(report, tz)
        )
    )


def agency_names(agencies: list[Agency]) -> str:
    return "; ".join(a.name for a in agencies) or "—"


def report_line(report: Report, tz: ZoneInfo) -> str:
    when = format_datetime(report.created_at, tz)
    kind = _("completion") if report.kind == ReportKind.COMPLETION else format_percent_value(report.percent)
    line = f"• {when} · {report.agency.name} · {report.person.name}: {kind} — {shorten(report.text, 300)}"
    if report.evidence:
        line += "\n   " + _("Evidence: {evidence}").format(evidence=shorten(report.evidence, 200))
    return line
