"""The office closes the loop: /xacnhan N [AGENCY] confirms a completion report, /tralai N [AGENCY]
lý do returns it."""

from dondoc.handlers import access, notify, picking
from dondoc.handlers.messages import Choice, Context, Reply
from dondoc.handlers.registry import Router
from dondoc.handlers.render import part_line, state_phrase
from dondoc.i18n import N_, _, format_date
from dondoc.store import audit
from dondoc.store.assignments import confirm, return_report
from dondoc.store.models import AssignmentState, Person, Task, TaskAgency
from dondoc.store.tasks import awaiting_confirmation
from dondoc.text import shorten

router = Router()
WAITING_SHOWN = 20
CHOICES_SHOWN = 10


def _reported(part: TaskAgency) -> bool:
    return part.state == AssignmentState.REPORTED


@router.command(
    "xacnhan",
    roles=access.OFFICE,
    summary=N_("confirm a completion report: the assignment is done"),
    syntax=N_("/xacnhan N [AGENCY]"),
    aliases=("confirm",),
)
def confirm_done(ctx: Context, args: str) -> list[Reply]:
    if not args.strip():
        return [_waiting_list(ctx)]
    return picking.run(
        ctx,
        "xacnhan",
        args,
        _reported,
        _(
            "No agency of task #{number} is waiting for confirmation. Type /xem {number} to see where it "
            "stands."
        ),
    )


def _waiting_list(ctx: Context) -> Reply:
    """`/xacnhan` alone: the completion reports waiting for the office, oldest deadline first."""
    rows, total = awaiting_confirmation(ctx.session, WAITING_SHOWN)
    if total == 0:
        return Reply(_("No completion report is waiting for confirmation. ✅"))
    lines = [_("Completion reports waiting for confirmation: {total}").format(total=total)]
    lines += [part_line(row, ctx.today, ctx.tz, show_agency=True) for row in rows]
    if total > len(rows):
        lines.append(_("… and {more} more.").format(more=total - len(rows)))
    lines.append(_("Confirm with /xacnhan N AGENCY, or return with /tralai N AGENCY and the reason."))
    choices = [
        Choice(f"✅ #{row.task.id} {row.part.agency.code}", f"/xacnhan {row.task.id} {row.part.agency.code}")
        for row in rows[:CHOICES_SHOWN]
    ]
    return Reply("\n".join(lines), tuple(choices))


def _confirm(ctx: Context, task: Task, part: TaskAgency, _rest: str) -> list[Reply]:
    access.decidable_part(task, part, AssignmentState.REPORTED)
    confirm(ctx.session, task, part, ctx.person, ctx.now, lambda when: when.astimezone(ctx.tz).date())
    verdict = state_phrase(part)
    audit.record_part(
        ctx.session,
        ctx.person,
        "assignment.confirm",
        ctx.now,
        part,
        on_time=part.completed_on <= part.deadline if part.completed_on and part.deadline else None,
    )

    def told(person: Person) -> str:
        return _(
            "✅ The office has confirmed that {agency} completed task #{number}: {title}\nResult: {verdict} "
            "(completion reported on {date}). Thank you."
        ).format(
            agency=part.agency.name,
            number=task.id,
            title=shorten(task.title, 120),
            verdict=state_phrase(part),
            date=format_date(part.completed_on) if part.completed_on else "—",
        )

    notify.tell_agencies(ctx.session, [part.agency_id], ctx.now, "decision", told)
    reported_on = format_date(part.completed_on) if part.completed_on else "—"
    if part.deadline is None:
        reply = _("✅ Task #{number} is done for {agency} (completion reported on {date}).").format(
            number=task.id, agency=part.agency.name, date=reported_on
        )
    else:
        reply = _(
            "✅ Task #{number} is done for {agency}: {verdict} (completion reported on {date}, deadline "
            "{deadline})."
        ).format(
            number=task.id,
            agency=part.agency.name,
            verdict=verdict,
            date=reported_on,
            deadline=format_date(part.deadline),
        )
    return [Reply(reply)]


@router.command(
    "tralai",
    roles=access.OFFICE,
    summary=N_("return a completion report that shows no concrete result"),
    syntax=N_("/tralai N [AGENCY] reason"),
    aliases=("return",),
)
def return_done(ctx: Context, args: str) -> list[Reply]:
    return picking.run(
        ctx,
        "tralai",
        args,
        _reported,
        _(
            "No agency of task #{number} is waiting for confirmation. Type /xem {number} to see where it "
            "stands."
        ),
        reason_question=_(
            "Why is the report on task #{number} returned? Write the reason; the agency will read it."
        ),
    )


def _return(ctx: Context, task: Task, part: TaskAgency, reason: str) -> list[Reply]:
    access.decidable_part(task, part, AssignmentState.REPORTED)
    return_report(part, reason)
    audit.record_part(
        ctx.session,
        ctx.person,
        "assignment.return",
        ctx.now,
        part,
        reason=reason,
    )

    def told(person: Person) -> str:
        return _(
            "↩️ Dear {agency},\nThe office has returned your completion report on task #{number}: {title}\n"
            "Reason: {reason}\nThe task stays open. When it is finished, report again with its concrete "
            "product: /hoanthanh {number} result (document number, link or file).\nRespectfully."
        ).format(agency=part.agency.name, number=task.id, title=shorten(task.title, 120), reason=reason)

    told_count = notify.tell_agencies(ctx.session, [part.agency_id], ctx.now, "decision", told)
    return [
        Reply(
            _(
                "↩️ Returned the report of {agency} on task #{number}; the task is open for it again. "
                "{told} people were told."
            ).format(agency=part.agency.name, number=task.id, told=told_count)
        )
    ]


picking.ACTIONS.update({"xacnhan": _confirm, "tralai": _return})
