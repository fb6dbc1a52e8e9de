"""What a nudge says, in the recipient's language and the office's voice."""

import datetime as dt
from zoneinfo import ZoneInfo

from dondoc.handlers.render import days_phrase, deadline_phrase, progress_phrase
from dondoc.i18n import _, format_date, use_language
from dondoc.store.models import Agency, Notice, Report, Task
from dondoc.text import shorten


def source_of(notice: Notice | None) -> str:
    if notice is None:
        return _("assigned by the office")
    return notice.number or shorten(notice.title, 100)


def nudge_text(
    language: str | None,
    *,
    task: Task,
    notice: Notice | None,
    agency: Agency,
    step: str,
    escalate: bool,
    deadline: dt.date | None,
    today: dt.date,
    report: Report | None,
    tz: ZoneInfo,
    original: dt.date | None = None,
    period: dt.date | None = None,
    given: dt.date | None = None,
    for_office: bool = False,
) -> str:
    """The nudge to one person. It offers only commands the reader may use: the agency's people report
    or ask for a new deadline; the office (on an escalation) reads the task."""
    with use_language(language):
        lines: list[str] = []
        if escalate:
            lines.append(
                _("⚠️ Escalation: task #{number} of {agency} is {days}.").format(
                    number=task.id, agency=agency.name, days=days_phrase(deadline, today) if deadline else ""
                )
            )
        elif step.startswith("late"):
            lines.append(_("⚠️ Dear {agency},").format(agency=agency.name))
        else:
            lines.append(_("⏰ Dear {agency},").format(agency=agency.name))
        lines.append(_("Task #{number}: {title}").format(number=task.id, title=shorten(task.title, 160)))
        lines.append(_("From: {notice}").format(notice=source_of(notice)))
        lines.append(_("Lead: {agencies}").format(agencies=agency.name))
        if deadline is not None:
            lines.append(
                _("Deadline: {deadline}").format(deadline=deadline_phrase(deadline, today, original))
            )
        if given is not None:
            lines.append(
                _(
                    "The office assigned this task on {date} and has not yet heard that your agency received "
                    "it. Please confirm: answer “đã nhận {number}” (or /danhan {number})."
                ).format(date=format_date(given), number=task.id)
            )
            lines.append(_("Respectfully."))
            return "\n".join(lines)
        lines.append(_("Last report: {progress}").format(progress=progress_phrase(report, tz)))
        if for_office:
            lines.append(_("For the task and its reports: /xem {number}.").format(number=task.id))
            lines.append(_("Respectfully."))
            return "\n".join(lines)
        if period is not None:
            lines.append(
                _("Please report this ongoing task's progress for the period starting {date}.").format(
                    date=format_date(period)
                )
            )
        elif step.startswith("late"):
            lines.append(
                _(
                    "The task is overdue. Please report its result or progress without delay, or ask for "
                    "a new deadline: /giahan {number} dd/mm/yyyy reason."
                ).format(number=task.id)
            )
        else:
            lines.append(_("Please report progress before the deadline."))
        lines.append(
            _(
                "Answer with: /baocao {number} 60% what was done — or, when finished: /hoanthanh {number} "
                "result."
            ).format(number=task.id)
        )
        lines.append(_("Respectfully."))
        return "\n".join(lines)
