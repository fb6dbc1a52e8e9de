"""What an agency sees: /nhiemvu, /xem N, /tiendo."""

from dondoc.handlers import access, parsing
from dondoc.handlers.messages import Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.handlers.render import (
    STATUS_LABELS,
    agency_names,
    deadline_phrase,
    report_line,
    task_line,
)
from dondoc.i18n import N_, _, format_date, format_short_date
from dondoc.store.models import AgencyRole, Task
from dondoc.store.tasks import (
    agency_counts,
    latest_reports,
    mark_received,
    open_tasks,
    open_tasks_of_agency,
    reports_of_task,
    task_agencies,
)

router = Router()
PAGE = 15
HISTORY = 10


def _page(args: str) -> int:
    word = args.split()[0] if args.split() else "1"
    if not word.isdigit() or int(word) < 1:
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
    if access.sees_every_agency(ctx):
        tasks, total = open_tasks(ctx.session, limit=offset + PAGE)
        rows = [(t, None) for t in tasks[offset:]]
        header = _("Open tasks of all agencies: {total}").format(total=total)
    else:
        assert ctx.person is not None and ctx.person.agency is not None
        rows, total = open_tasks_of_agency(ctx.session, ctx.person.agency_id, limit=PAGE, offset=offset)
        header = _("Open tasks of {agency}: {total}").format(agency=ctx.person.agency.name, total=total)
    if total == 0:
        return [Reply(_("{header}. Nothing to report on at the moment.").format(header=header))]
    if not rows:
        raise Refusal(
            _("There is no page {page}; the tasks fit on {pages} page(s).").format(
                page=page, pages=(total + PAGE - 1) // PAGE
            )
        )
    reports = latest_reports(ctx.session, [t.id for t, _part in rows])
    lines = [header]
    lines += [task_line(t, reports.get(t.id), ctx.today, ctx.tz, part) for t, part in rows]
    if total > offset + len(rows):
        lines.append(
            _("… and {more} more. Type /nhiemvu {next} for the next page.").format(
                more=total - offset - len(rows), next=page + 1
            )
        )
    lines.append(_("To report: /baocao N 60% what was done. For details: /xem N."))
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
    task, part = access.visible_task_and_part(ctx, parsing.task_number(word, "/xem 12"))
    if part is not None and ctx.person is not None and ctx.person.agency_id is not None:
        mark_received(ctx.session, task.id, ctx.person.agency_id, ctx.now)
    return [Reply(describe_task(ctx, task))]


def describe_task(ctx: Context, task: Task) -> str:
    agencies = task_agencies(ctx.session, [task.id])[task.id]
    leads = [a for a, role in agencies if role == AgencyRole.LEAD]
    coops = [a for a, role in agencies if role == AgencyRole.COOP]
    lines = [
        _("Task #{number}").format(number=task.id) + (f" ({task.ref})" if task.ref else ""),
        task.text,
        "",
    ]
    if task.notice is not None:
        source = task.notice.number or task.notice.title
        if task.notice.signed_on:
            source += " " + _("of {date}").format(date=format_short_date(task.notice.signed_on))
        lines.append(_("Source: {notice}").format(notice=source))
    lines.append(_("Lead: {agencies}").format(agencies=agency_names(leads)))
    cooperating = agency_names(coops) if coops else ""
    if task.coop_text:
        cooperating = f"{cooperating}; {task.coop_text}" if cooperating else task.coop_text
    if cooperating:
        lines.append(_("Cooperating: {agencies}").format(agencies=cooperating))
    lines.append(_("Deadline: {deadline}").format(deadline=deadline_phrase(task, ctx.today)))
    if task.deadline_text:
        lines.append(_("As written: “{phrase}”").format(phrase=task.deadline_text))
    lines.append(_("Status: {status}").format(status=_(STATUS_LABELS[task.status])))
    reports = reports_of_task(ctx.session, task.id, HISTORY)
    lines.append("")
    if reports:
        lines.append(_("Reports (newest first):"))
        lines += [report_line(r, ctx.tz) for r in reports]
    else:
        lines.append(_("No reports yet."))
    return "\n".join(lines)


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
    _rows, coop_total = open_tasks_of_agency(ctx.session, agency.id, limit=0)
    if counts is None:
        return [Reply(_("{agency} leads no tasks at the moment.").format(agency=agency.name))]
    lines = [
        _("Progress of {agency} on {date}:").format(agency=agency.name, date=format_date(ctx.today)),
        _("• Open tasks it leads: {n}").format(n=counts.open),
        _("• Overdue: {n}").format(n=counts.overdue),
        _("• Due within 7 days: {n}").format(n=counts.due_soon),
        _("• Completion reported, awaiting confirmation: {n}").format(n=counts.awaiting_confirmation),
        _("• Done: {n}").format(n=counts.done),
        _("• Open tasks in all, cooperating ones included: {n}").format(n=coop_total),
        _("Type /nhiemvu for the list."),
    ]
    return [Reply("\n".join(lines))]
