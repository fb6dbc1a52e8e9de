"""What an agency sees and says of its tasks: /nhiemvu, /xem N, /tiendo, /sapden, /danhan."""

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from dondoc.handlers import access, parsing
from dondoc.handlers.messages import Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.handlers.render import (
    deadline_phrase,
    names_list,
    part_deadline,
    part_line,
    progress_phrase,
    report_line,
    state_phrase,
)
from dondoc.i18n import N_, _, format_date, format_datetime, format_short_date
from dondoc.store import audit
from dondoc.store.assignments import extensions_of_task
from dondoc.store.models import AgencyRole, AssignmentState, AuditLog, ExtensionRequest, Task, TaskAgency
from dondoc.store.tasks import (
    Listed,
    Part,
    agency_cooperating,
    agency_counts,
    agency_lists,
    cooperating_parts,
    due_soon_assignments,
    mark_received,
    parts_of_task,
    reports_of_task,
    unfinished_assignments,
)
from dondoc.text import shorten

router = Router()
PAGE = 15
COOP_SHOWN = 10
HISTORY = 10
DETAILED_LEADS = 6  # more lead agencies than this: one line each, the silent ones by name
MANY_LEADS_SHOWN = 30
LIST_LIMIT = 30
SOON_DAYS = 7
MAX_SOON_DAYS = 366


def _page(args: str) -> int:
    word = args.split()[0] if args.split() else "1"
    if not (word.isascii() and word.isdigit()) or len(word) > 6 or int(word) < 1:
        raise Refusal(_("Type /nhiemvu for the most urgent tasks, or /nhiemvu 2 for the next page."))
    return int(word)


@router.command(
    "nhiemvu",
    roles=access.MEMBERS | access.READERS,
    summary=N_("open tasks of your agency, most urgent first"),
    syntax=N_("/nhiemvu [page]"),
    aliases=("tasks",),
)
def list_tasks(ctx: Context, args: str) -> list[Reply]:
    page = _page(args)
    offset = (page - 1) * PAGE
    everyone = access.sees_every_agency(ctx)
    agency = None if everyone or ctx.caller is None else ctx.caller.agency
    rows: Sequence[Part | Listed]
    coops: Sequence[Part | Listed] = []
    coop_total = 0
    if agency is not None:
        lists = agency_lists(ctx.session, agency.id, PAGE, offset, COOP_SHOWN)
        rows, total, coops, coop_total = lists.leads, lists.lead_total, lists.coops, lists.coop_total
    else:
        rows, total = unfinished_assignments(ctx.session, limit=PAGE, offset=offset)
    if everyone:
        header = _("Unfinished assignments of all agencies: {total}").format(total=total)
    else:
        assert agency is not None
        header = _("Tasks {agency} leads, not finished: {total}").format(agency=agency.name, total=total)
    if total == 0 and coop_total == 0:
        return [Reply(_("{header}. Nothing to report on at the moment.").format(header=header))]
    if not rows and page > 1:
        raise Refusal(
            _("There is no page {page}; the tasks fit on {pages} page(s).").format(
                page=page, pages=max(1, (total + PAGE - 1) // PAGE)
            )
        )
    lines = [header]
    today = ctx.today
    lines += [part_line(row, today, ctx.tz, show_agency=everyone) for row in rows]
    if total > offset + len(rows):
        lines.append(
            _("… and {more} more. Type /nhiemvu {next} for the next page.").format(
                more=total - offset - len(rows), next=page + 1
            )
        )
    if coop_total and page == 1:
        lines.append("")
        lines.append(
            _("Cooperating (your contribution to another agency's task): {total}").format(total=coop_total)
        )
        lines += [part_line(row, today, ctx.tz) for row in coops]
        if coop_total > len(coops):
            lines.append(_("… and {more} more.").format(more=coop_total - len(coops)))
    if not everyone:
        lines.append(_("To report: /baocao N 60% what was done. For details: /xem N."))
    else:
        lines.append(_("For details: /xem N. Overdue: /quahan. Due soon: /sapden."))
    return [Reply("\n".join(lines))]


@router.command(
    "xem",
    roles=access.MEMBERS | access.READERS,
    summary=N_("one task in full, with its reports"),
    syntax=N_("/xem N"),
    aliases=("view", "chitiet"),
)
def view_task(ctx: Context, args: str) -> list[Reply]:
    word, _rest = parsing.split_first(args)
    task, _part = access.visible_task_and_part(ctx, parsing.task_number(word, "/xem 12"))
    return [Reply(describe_task(ctx, task))]


def describe_task(ctx: Context, task: Task) -> str:
    parts = parts_of_task(ctx.session, task.id)
    visible = access.visible_agencies(ctx, parts)
    shown = [p for p in parts if visible is None or p.agency_id in visible]
    lines = [
        _("Task #{number}").format(number=task.id) + (f" ({task.ref})" if task.ref else ""),
        task.text,
        "",
    ]
    if task.notice is not None:
        source = task.notice.number or shorten(task.notice.title, 120)
        if task.notice.signed_on:
            source += " " + _("of {date}").format(date=format_short_date(task.notice.signed_on))
        lines.append(_("Source: {notice}").format(notice=source))
    lines.append(
        _("Deadline given: {deadline}").format(
            deadline=deadline_phrase(task.deadline, ctx.today, counting=False)
        )
    )
    if task.deadline_text:
        lines.append(_("As written: “{phrase}”").format(phrase=task.deadline_text))
    extensions: dict[int, list[ExtensionRequest]] = {}
    for request in extensions_of_task(ctx.session, task.id, visible):
        extensions.setdefault(request.agency_id, []).append(request)
    leads = [p for p in parts if p.role == AgencyRole.LEAD]
    coops = [p for p in shown if p.role == AgencyRole.COOP]
    lines.append(_("Lead agencies ({count}):").format(count=len(leads)))
    mine = [p for p in leads if p in shown]
    if len(mine) > DETAILED_LEADS:
        lines += _many_leads(ctx, task, mine, extensions)
    else:
        for part in mine:
            lines += _part_lines(ctx, part, extensions.get(part.agency_id, []))
    hidden = [p.agency.name for p in leads if p not in shown and p.state != AssignmentState.CANCELLED]
    if hidden:
        lines.append("• " + _("Also leading: {agencies}").format(agencies=names_list(hidden)))
    if coops or task.coop_text:
        lines.append(_("Cooperating agencies (their contribution):"))
        for part in coops:
            lines += _part_lines(ctx, part, [])
        if task.coop_text:
            lines.append("• " + task.coop_text)
    reports = reports_of_task(ctx.session, task.id, HISTORY, visible)
    lines.append("")
    if reports:
        lines.append(_("Reports (newest first):"))
        lines += [report_line(r, ctx.tz) for r in reports]
    else:
        lines.append(_("No reports yet."))
    history = [
        e
        for e in audit.entries(ctx.session, f"task:{task.id}", HISTORY, without_prefix="report.")
        if visible is None or (e.detail or {}).get("agency_id") in visible | {None}
    ]
    if history:
        lines.append("")
        lines.append(_("Changes (newest first):"))
        lines += [_history_line(e, ctx.tz) for e in history]
    return "\n".join(lines)


def _many_leads(
    ctx: Context, task: Task, parts: list[TaskAgency], extensions: dict[int, list[ExtensionRequest]]
) -> list[str]:
    """A task given to many agencies: how many stand where, one line for each agency with something to
    show (a report, a receipt, an extension, a decision), the names of the silent ones."""
    by_state: dict[str, int] = {}
    for part in parts:
        by_state[state_phrase(part)] = by_state.get(state_phrase(part), 0) + 1
    received = sum(p.received_at is not None for p in parts)
    lines = [
        "   " + "; ".join(f"{state}: {count}" for state, count in by_state.items()),
        "   "
        + _("Acknowledged as received: {received} of {count}").format(received=received, count=len(parts)),
    ]
    silent = [
        p
        for p in parts
        if p.state == AssignmentState.OPEN
        and p.last_report is None
        and p.received_at is None
        and not p.state_note
        and p.agency_id not in extensions
    ]
    active = [p for p in parts if p not in silent]
    for part in active[:MANY_LEADS_SHOWN]:
        progress = progress_phrase(part.last_report, ctx.tz)
        line = f"• {_agency_phrase(part)} — {state_phrase(part)} · {progress}"
        if part.deadline != task.deadline:
            line += " · " + _("Deadline: {deadline}").format(deadline=part_deadline(part, ctx.today))
        line += " · " + _received_phrase(ctx, part)
        lines.append(line)
        lines += ["   " + _extension_line(r) for r in extensions.get(part.agency_id, [])]
    if len(active) > MANY_LEADS_SHOWN:
        lines.append("• " + _("… and {more} more.").format(more=len(active) - MANY_LEADS_SHOWN))
    if silent:
        lines.append(
            "• "
            + _("Not reported, not yet acknowledged as received: {agencies}").format(
                agencies=names_list([p.agency.name for p in silent], limit=len(silent))
            )
        )
    return lines


def _received_phrase(ctx: Context, part: TaskAgency) -> str:
    if part.received_at is None:
        return _("Not yet acknowledged as received")
    who = part.received_by.name if part.received_by is not None else "—"
    return _("Received: {when} ({who})").format(when=format_datetime(part.received_at, ctx.tz), who=who)


def _agency_phrase(part: TaskAgency) -> str:
    """'Sở Tài chính', or after a merger moved the part: 'Sở Tài chính (trước đây giao Sở KH&ĐT)'."""
    if part.former_agency is None:
        return part.agency.name
    before = _("given to {agency} before").format(agency=part.former_agency.name)
    return f"{part.agency.name} ({before})"


def _part_lines(ctx: Context, part: TaskAgency, requests: list[ExtensionRequest]) -> list[str]:
    lines = [f"• {_agency_phrase(part)} — {state_phrase(part)}"]
    if part.role == AgencyRole.LEAD:
        lines.append("   " + _("Deadline: {deadline}").format(deadline=part_deadline(part, ctx.today)))
    lines.append("   " + _("Progress: {progress}").format(progress=progress_phrase(part.last_report, ctx.tz)))
    lines.append("   " + _received_phrase(ctx, part))
    for request in requests:
        lines.append("   " + _extension_line(request))
    return lines


def _extension_line(request: ExtensionRequest) -> str:
    asked = _("Extension asked to {date}: {reason}").format(
        date=format_date(request.requested_deadline), reason=shorten(request.reason, 200)
    )
    if request.status == "approved":
        return asked + " — " + _("approved")
    if request.status == "refused":
        return (
            asked + " — " + _("refused: {reason}").format(reason=shorten(request.decision_note or "—", 200))
        )
    return asked + " — " + _("awaiting the office's decision")


HISTORY_LABELS = {
    "task.create": N_("task created"),
    "assignment.receive": N_("{agency} acknowledged receipt"),
    "task.edit": N_("task changed: {what}"),
    "task.cancel": N_("task cancelled: {reason}"),
    "assignment.add": N_("{agency} added as lead"),
    "assignment.remove": N_("{agency} taken off the task"),
    "coop.add": N_("{agency} added as cooperating"),
    "coop.remove": N_("{agency} no longer cooperating"),
    "assignment.cancel": N_("cancelled for {agency}: {reason}"),
    "assignment.confirm": N_("completion of {agency} confirmed"),
    "assignment.return": N_("report of {agency} returned: {reason}"),
    "extension.request": N_("{agency} asked for a new deadline"),
    "extension.approve": N_("new deadline for {agency} approved"),
    "extension.refuse": N_("new deadline for {agency} refused: {reason}"),
    "assignment.transfer": N_("{former} merged into {agency} as of {on}: the task moved to {agency}"),
    "assignment.combine": N_("{former} merged into {agency} as of {on}: its part joined {agency}'s"),
    "assignment.rename": N_("{former} renamed {agency} as of {on}"),
}


def _history_line(entry: AuditLog, tz: ZoneInfo) -> str:
    detail = entry.detail or {}
    label = HISTORY_LABELS.get(entry.action)
    text = (
        _(label).format(
            agency=detail.get("agency", ""),
            reason=shorten(detail.get("reason", ""), 200),
            what=detail.get("what", ""),
            former=detail.get("former", ""),
            on=format_date(dt.date.fromisoformat(detail["on"])) if "on" in detail else "",
        )
        if label
        else entry.action
    )
    who = entry.person.name if entry.person is not None else "—"
    return f"• {format_datetime(entry.created_at, tz)} · {who}: {text}"


@router.command(
    "tiendo",
    roles=access.MEMBERS,
    summary=N_("your agency at a glance"),
    syntax=N_("/tiendo"),
    aliases=("progress",),
)
def agency_progress(ctx: Context, args: str) -> list[Reply]:
    assert ctx.person is not None and ctx.person.agency is not None
    agency = ctx.person.agency
    counts = agency_counts(ctx.session, ctx.today, [agency.id]).get(agency.id)
    _rows, coop_total = agency_cooperating(ctx.session, agency.id, limit=0)
    if counts is None and coop_total == 0:
        return [Reply(_("{agency} leads no tasks at the moment.").format(agency=agency.name))]
    lines = [_("Progress of {agency} on {date}:").format(agency=agency.name, date=format_date(ctx.today))]
    if counts is not None:
        lines += [
            _("• In progress (tasks it leads): {n}").format(n=counts.open),
            _("• Overdue: {n}").format(n=counts.overdue),
            _("• Due within 7 days: {n}").format(n=counts.due_soon),
            _("• Completion reported, awaiting confirmation: {n}").format(n=counts.awaiting_confirmation),
            _("• Done: {n}").format(n=counts.done),
        ]
        if counts.not_received:
            lines.append(_("• Not yet acknowledged as received: {n}").format(n=counts.not_received))
    lines.append(_("• Cooperating on: {n}").format(n=coop_total))
    lines.append(_("Type /nhiemvu for the list."))
    return [Reply("\n".join(lines))]


@router.command(
    "sapden",
    roles=access.MEMBERS | access.READERS,
    summary=N_("tasks due within the next days (7 unless you say)"),
    syntax=N_("/sapden [days]"),
    aliases=("duesoon",),
)
def due_soon(ctx: Context, args: str) -> list[Reply]:
    word, rest = parsing.split_first(args)
    days = SOON_DAYS
    if word:
        if not (word.isascii() and word.isdigit() and len(word) <= 6) or not 1 <= int(word) <= MAX_SOON_DAYS:
            raise Refusal(
                _(
                    "Type /sapden for the next 7 days, or /sapden 14 for the next 14 days (1 to {max})."
                ).format(max=MAX_SOON_DAYS)
            )
        days = int(word)
    agency = None
    if not access.sees_every_agency(ctx):
        assert ctx.person is not None
        agency = ctx.person.agency
    elif rest.strip():
        agency = parsing.agency(ctx.session, rest)
    rows, total = due_soon_assignments(
        ctx.session, ctx.today, days, LIST_LIMIT, agency.id if agency else None
    )
    until = format_date(ctx.today + dt.timedelta(days=days))
    where = agency.name if agency else _("all agencies")
    if total == 0:
        return [Reply(_("{where}: nothing due from today to {date}.").format(where=where, date=until))]
    lines = [_("{where}: {total} due from today to {date}:").format(where=where, total=total, date=until)]
    lines += [part_line(row, ctx.today, ctx.tz, show_agency=agency is None) for row in rows]
    if total > len(rows):
        lines.append(_("… and {more} more.").format(more=total - len(rows)))
    return [Reply("\n".join(lines))]


@router.command(
    "danhan",
    roles=access.MEMBERS,
    summary=N_("confirm your agency has received a new task"),
    syntax=N_("/danhan [N]"),
    aliases=("received", "danhanduoc"),
)
def acknowledge(ctx: Context, args: str) -> list[Reply]:
    assert ctx.person is not None and ctx.person.agency_id is not None and ctx.person.agency is not None
    words = args.replace(",", " ").split()
    if words:
        numbers = [parsing.task_number(w, "/danhan 12") for w in words[:50]]
        parts = []
        for number in numbers:
            task, part = access.visible_task_and_part(ctx, number)
            if part is None or part.state == AssignmentState.CANCELLED:
                raise Refusal(
                    _(
                        "Task #{number} is not assigned to your agency. Type /nhiemvu to list your tasks."
                    ).format(number=number)
                )
            parts.append(Part(task, part))
    else:
        rows, _total = unfinished_assignments(ctx.session, limit=200, agency_id=ctx.person.agency_id)
        coops, _coop_total = cooperating_parts(ctx.session, ctx.person.agency_id, limit=200)
        parts = [r for r in rows + coops if r.part.received_at is None]
        if not parts:
            return [
                Reply(
                    _(
                        "{agency} has no new task waiting to be acknowledged. Type /nhiemvu for its tasks."
                    ).format(agency=ctx.person.agency.name)
                )
            ]
    new = [p for p in parts if mark_received(p.part, ctx.person, ctx.now)]
    for row in new:
        audit.record_part(
            ctx.session,
            ctx.person,
            "assignment.receive",
            ctx.now,
            row.part,
        )
    numbers_text = ", ".join(f"#{p.task.id}" for p in parts)
    if not new:
        return [
            Reply(
                _("{agency} had already acknowledged {numbers}.").format(
                    agency=ctx.person.agency.name, numbers=numbers_text
                )
            )
        ]
    return [
        Reply(
            _("✅ Recorded: {agency} has received {numbers}. Type /xem N to read a task.").format(
                agency=ctx.person.agency.name, numbers=", ".join(f"#{p.task.id}" for p in new)
            )
        )
    ]
