"""Answers to questions in plain words, each from the store query the matching command uses (/quahan,
/sapden, /tonghop, /xem …), so the numbers agree. `grammar.py` reads the question; `access.py` says what
the person may see."""

import datetime as dt
from collections.abc import Callable, Sequence

from dondoc.handlers import access, parsing
from dondoc.handlers.grammar import Intent, Question, Window
from dondoc.handlers.messages import Context, Reply
from dondoc.handlers.office import counts_sentence, summary
from dondoc.handlers.render import part_deadline, part_line, progress_phrase, state_phrase, where_phrase
from dondoc.i18n import N_, _, format_date, format_datetime, format_percent_value
from dondoc.store.agencies import code_of, names_of
from dondoc.store.models import AgencyRole, AssignmentState, ReportKind
from dondoc.store.tasks import (
    SOON_DAYS,
    Part,
    agency_counts,
    agency_unfinished,
    awaiting_confirmation,
    due_between,
    overdue_assignments,
    parts_of_task,
    reports_between,
    unacknowledged_assignments,
    unfinished_assignments,
    unreported_assignments,
)
from dondoc.text import shorten

READ = 30  # rows read for a list, as /quahan and /sapden read
SHOWN = 5  # of them shown as lines; the rest by number
RANKED = 5
NUMBERS = 30


def answer(ctx: Context, question: Question) -> list[Reply]:
    """The answer to a question whose intent the grammar found."""
    if question.unknown_agency is not None and question.agency_id is None:
        parsing.agency(ctx.session, question.unknown_agency)  # refuses, with the closest names
    assert question.intent is not None
    return [Reply(ANSWERS[question.intent](ctx, question))]


def not_understood(ctx: Context, question: Question, text: str) -> Reply:
    """What the grammar understood, that it cannot answer that, and the commands that would help —
    never a guess."""
    understood = []
    if question.agency_name:
        understood.append(question.agency_name)
    if question.task is not None:
        understood.append(_("task #{number}").format(number=question.task))
    window = question.window or question.past_window
    if window is not None:
        understood.append(_("the days {period}").format(period=_window_phrase(window)))
    if not understood:
        return Reply(
            _(
                "I did not understand the question “{text}”. You can ask, for example: “how many overdue "
                "tasks does STC have?”, “which tasks are due this week?”, “progress of task 12”, “status of "
                "CA tỉnh”; or type /help for the commands."
            ).format(text=shorten(text, 60))
        )
    return Reply(
        _(
            "I understood a question about {what}, but not what to tell you about it, so I cannot answer "
            "it. Ask, for example, “{example}”, or use a command: {commands}."
        ).format(
            what="; ".join(understood),
            example=_example(question),
            commands=_commands(ctx, question),
        )
    )


def _example(question: Question) -> str:
    if question.task is not None:
        return _("progress of task {number}").format(number=question.task)
    name = question.agency_name or "Sở Tài chính"
    return _("how many overdue tasks does {agency} have?").format(agency=name)


def _commands(ctx: Context, question: Question) -> str:
    if question.task is not None:
        return f"/xem {question.task}"
    if not access.sees_every_agency(ctx):
        return "/tiendo, /nhiemvu, /sapden"
    code = code_of(ctx.session, question.agency_id) if question.agency_id else ""
    if code:
        return f"/tonghop {code}, /quahan {code}, /sapden 7 {code}"
    return "/tonghop, /quahan, /sapden"


# The answers ---------------------------------------------------------------------------------------


def _numbers(rows: Sequence[Part], total: int, by_agency: bool) -> str:
    """'#3, #7, #9' (and how many more); across agencies grouped by agency: 'Sở Y tế: #3, #7; …'."""
    if not by_agency:
        text = ", ".join(f"#{r.task.id}" for r in rows[:NUMBERS])
    else:
        grouped: dict[str, list[str]] = {}
        for row in rows[:NUMBERS]:
            grouped.setdefault(row.part.agency.name, []).append(f"#{row.task.id}")
        text = "; ".join(f"{agency}: {', '.join(numbers)}" for agency, numbers in grouped.items())
    shown = min(len(rows), NUMBERS)
    if total > shown:
        text += " " + _("and {more} more").format(more=total - shown)
    return text


def _listing(
    ctx: Context, header: str, rows: Sequence[Part], total: int, agency_id: int | None, more: str
) -> str:
    lines = [header + " " + _numbers(rows, total, agency_id is None) + "."]
    lines += [part_line(row, ctx.today, ctx.tz, show_agency=agency_id is None) for row in rows[:SHOWN]]
    if total > SHOWN:
        lines.append(more)
    return "\n".join(lines)


def _full_list(ctx: Context, command: str, agency_id: int | None) -> str:
    if not access.sees_every_agency(ctx):
        return _("Your agency's whole list: /nhiemvu.")
    code = code_of(ctx.session, agency_id) if agency_id else ""
    return _("The whole list: {command}.").format(command=f"{command} {code}".strip())


def _counted_list(
    ctx: Context, agency_id: int | None, found: tuple[list[Part], int], none: str, some: str, more: str
) -> str:
    """A list answer: `none` (msgid, {where}) when there is nothing, else `some` ({where}, {total}), the
    numbers and the first lines, then `more` (where the whole list is)."""
    rows, total = found
    where = where_phrase(ctx.session, agency_id)
    if total == 0:
        return _(none).format(where=where)
    return _listing(ctx, _(some).format(where=where, total=total), rows, total, agency_id, more)


def _overdue(ctx: Context, q: Question) -> str:
    agency_id = access.agency_in_view(ctx, q.agency_id)
    return _counted_list(
        ctx,
        agency_id,
        overdue_assignments(ctx.session, ctx.today, READ, agency_id),
        N_("{where}: no overdue tasks. ✅"),
        N_("{where}: {total} overdue:"),
        _full_list(ctx, "/quahan", agency_id),
    )


def _due(ctx: Context, q: Question) -> str:
    agency_id = access.agency_in_view(ctx, q.agency_id)
    window = q.window or Window(ctx.today, ctx.today + dt.timedelta(days=SOON_DAYS), "", SOON_DAYS)
    start = max(window.start, ctx.today)
    rows, total = due_between(ctx.session, start, window.end, READ, agency_id)
    where = where_phrase(ctx.session, agency_id)
    period = _window_phrase(Window(start, window.end, window.label))
    if total == 0:
        return _("{where}: nothing due {period}.").format(where=where, period=period)
    header = _("{where}: {total} due {period}:").format(where=where, total=total, period=period)
    days = (window.end - ctx.today).days
    command = f"/sapden {days}" if 1 <= days <= 366 and start == ctx.today else "/sapden"
    return _listing(ctx, header, rows, total, agency_id, _full_list(ctx, command, agency_id))


def _window_phrase(window: Window) -> str:
    if window.start == window.end:
        return _("on {date}").format(date=format_date(window.start))
    return _("from {start} to {end}").format(start=format_date(window.start), end=format_date(window.end))


def _task(ctx: Context, q: Question) -> str:
    assert q.task is not None
    task, _part = access.visible_task_and_part(ctx, q.task)
    parts = parts_of_task(ctx.session, task.id)
    visible = access.visible_agencies(ctx, parts)
    leads = [p for p in parts if p.role == AgencyRole.LEAD and p.state != AssignmentState.CANCELLED]
    shown = [p for p in leads if visible is None or p.agency_id in visible]
    coops = [p for p in parts if p.role == AgencyRole.COOP and (visible is None or p.agency_id in visible)]
    lines = [_("Task #{number}: {title}").format(number=task.id, title=task.title)]
    done = sum(p.state == AssignmentState.DONE for p in leads)
    reported = sum(p.state == AssignmentState.REPORTED for p in leads)
    late = sum(
        p.state == AssignmentState.OPEN and p.deadline is not None and p.deadline < ctx.today for p in leads
    )
    lines.append(
        _(
            "Overall: {done} of {leads} lead agencies done, {reported} awaiting confirmation, {open} in "
            "progress ({late} overdue)."
        ).format(done=done, leads=len(leads), reported=reported, open=len(leads) - done - reported, late=late)
    )
    for part in shown[:10]:
        lines.append(
            f"• {part.agency.name} — {state_phrase(part)} · "
            + _("Deadline: {deadline} · Progress: {progress}").format(
                deadline=part_deadline(part, ctx.today), progress=progress_phrase(part.last_report, ctx.tz)
            )
        )
    if len(shown) > 10:
        lines.append("• " + _("… and {more} more.").format(more=len(shown) - 10))
    if coops:
        reported_coops = sum(p.last_report is not None for p in coops)
        lines.append(
            _("Cooperating agencies: {count}, {reported} of them reported their contribution.").format(
                count=len(coops), reported=reported_coops
            )
        )
    lines.append(_("The task in full, with its reports: /xem {number}.").format(number=task.id))
    return "\n".join(lines)


def _situation(ctx: Context, q: Question) -> str:
    agency_id = access.agency_in_view(ctx, q.agency_id)
    if agency_id is None:
        return summary(ctx, "")[0].text
    name = where_phrase(ctx.session, agency_id)
    counts = agency_counts(ctx.session, ctx.today, [agency_id]).get(agency_id)
    lines = [_("{agency} on {date}:").format(agency=name, date=format_date(ctx.today))]
    if counts is None:
        lines.append(_("No tasks assigned to it as lead."))
        return "\n".join(lines)
    lines.append(
        counts_sentence(
            counts.open, counts.overdue, counts.due_soon, counts.awaiting_confirmation, counts.done
        )
    )
    groups: list[tuple[str, tuple[list[Part], int]]] = [
        (_("Overdue"), overdue_assignments(ctx.session, ctx.today, READ, agency_id)),
        (_("Due within 7 days"), due_between(ctx.session, ctx.today, _soon(ctx), READ, agency_id)),
        (_("Awaiting confirmation"), awaiting_confirmation(ctx.session, READ, agency_id)),
    ]
    for label, (rows, total) in groups:
        if total:
            lines.append(f"{label}: {_numbers(rows, total, False)}")
    lines.append(_full_list(ctx, "/tonghop", agency_id))
    return "\n".join(lines)


def _soon(ctx: Context) -> dt.date:
    return ctx.today + dt.timedelta(days=SOON_DAYS)


def _most_late(ctx: Context, q: Question) -> str:
    access.province_in_view(ctx)
    counts = agency_counts(ctx.session, ctx.today)
    late = [c for c in counts.values() if c.overdue]
    if not late:
        return _("No agency has overdue tasks on {date}. ✅").format(date=format_date(ctx.today))
    names = names_of(ctx.session, [c.agency_id for c in late])
    ranked = sorted(late, key=lambda c: (-c.overdue, names[c.agency_id]))[: q.limit or RANKED]
    lines = [
        _("Agencies with the most overdue tasks on {date} ({count} agencies have some):").format(
            date=format_date(ctx.today), count=len(late)
        )
    ]
    for place, c in enumerate(ranked, start=1):
        rows, total = overdue_assignments(ctx.session, ctx.today, READ, c.agency_id)
        lines.append(
            _("{place}. {agency}: {count} overdue ({numbers})").format(
                place=place, agency=names[c.agency_id], count=c.overdue, numbers=_numbers(rows, total, False)
            )
        )
    lines.append(_("Every agency: /tonghop. Every overdue task: /quahan."))
    return "\n".join(lines)


def _unreported(ctx: Context, q: Question) -> str:
    agency_id = access.agency_in_view(ctx, q.agency_id)
    return _counted_list(
        ctx,
        agency_id,
        unreported_assignments(ctx.session, READ, agency_id),
        N_("{where}: every task in progress has at least one report. ✅"),
        N_("{where}: {total} in progress with no report at all:"),
        _full_list(ctx, "/nhiemvu", agency_id),
    )


def _reported(ctx: Context, q: Question) -> str:
    agency_id = access.agency_in_view(ctx, q.agency_id)
    window = q.past_window or Window(ctx.today, ctx.today, "hom nay")
    end = min(window.end, ctx.today)
    start_at = dt.datetime.combine(window.start, dt.time.min, ctx.tz)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, ctx.tz)
    reports, total = reports_between(ctx.session, start_at, end_at, READ, agency_id)
    where = where_phrase(ctx.session, agency_id)
    period = _window_phrase(Window(window.start, end, window.label))
    if total == 0:
        return _("{where}: no reports {period}.").format(where=where, period=period)
    lines = [_("{where}: {total} reports {period}:").format(where=where, total=total, period=period)]
    for report in reports[:10]:
        kind = (
            _("completion") if report.kind == ReportKind.COMPLETION else format_percent_value(report.percent)
        )
        lines.append(
            f"• #{report.task_id} · {report.agency.name} · {kind} · "
            f"{format_datetime(report.created_at, ctx.tz)} · {report.person.name}"
        )
    if total > 10:
        lines.append(_("… and {more} more.").format(more=total - 10))
    return "\n".join(lines)


def _unacknowledged(ctx: Context, q: Question) -> str:
    if q.task is not None:
        access.visible_task_and_part(ctx, q.task)
    agency_id = access.agency_in_view(ctx, q.agency_id)
    rows, total = unacknowledged_assignments(ctx.session, READ, agency_id, q.task)
    where = where_phrase(ctx.session, agency_id)
    if q.task is not None:
        where = _("Task #{number}").format(number=q.task)
        if agency_id is not None:
            where += f" ({where_phrase(ctx.session, agency_id)})"
    if total == 0:
        return _("{where}: every assignment in progress has been acknowledged as received. ✅").format(
            where=where
        )
    header = _("{where}: {total} not yet acknowledged as received:").format(where=where, total=total)
    if q.task is not None:
        agencies = "; ".join(r.part.agency.name for r in rows)
        return header + " " + agencies + "."
    return _listing(ctx, header, rows, total, agency_id, _full_list(ctx, "/nhiemvu", agency_id))


def _awaiting(ctx: Context, q: Question) -> str:
    agency_id = access.agency_in_view(ctx, q.agency_id)
    return _counted_list(
        ctx,
        agency_id,
        awaiting_confirmation(ctx.session, READ, agency_id),
        N_("{where}: no completion report awaiting confirmation."),
        N_("{where}: {total} completion reports awaiting the office's confirmation:"),
        _("To decide: /xacnhan N or /tralai N reason."),
    )


def _list(ctx: Context, q: Question) -> str:
    agency_id = access.agency_in_view(ctx, q.agency_id)
    if agency_id is None:
        rows, total = unfinished_assignments(ctx.session, limit=READ)
        header = _("Unfinished assignments of all agencies: {total}").format(total=total)
        lines = [header] + [part_line(r, ctx.today, ctx.tz, show_agency=True) for r in rows[:SHOWN]]
        if total > SHOWN:
            lines.append(_("The whole list: {command}.").format(command="/nhiemvu"))
        return "\n".join(lines)
    listed, total = agency_unfinished(ctx.session, agency_id, limit=READ)
    name = where_phrase(ctx.session, agency_id)
    if total == 0:
        return _("{agency} leads no tasks at the moment.").format(agency=name)
    numbers = ", ".join(f"#{row.task.id}" for row in listed[:NUMBERS])
    if total > len(listed[:NUMBERS]):
        numbers += " " + _("and {more} more").format(more=total - len(listed[:NUMBERS]))
    lines = [
        _("Tasks {agency} leads, not finished: {total}").format(agency=name, total=total) + ": " + numbers
    ]
    lines += [part_line(row, ctx.today, ctx.tz) for row in listed[:SHOWN]]
    if total > SHOWN:
        lines.append(_full_list(ctx, "/tonghop", agency_id))
    return "\n".join(lines)


ANSWERS: dict[Intent, Callable[[Context, Question], str]] = {
    Intent.OVERDUE: _overdue,
    Intent.DUE: _due,
    Intent.TASK: _task,
    Intent.SITUATION: _situation,
    Intent.MOST_LATE: _most_late,
    Intent.UNREPORTED: _unreported,
    Intent.REPORTED: _reported,
    Intent.UNACKNOWLEDGED: _unacknowledged,
    Intent.AWAITING: _awaiting,
    Intent.LIST: _list,
}
