"""New deadlines: a lead agency asks (/giahan N dd/mm/yyyy lý do), the office decides (/duyet, /tuchoi).

An approved extension moves the assignment's deadline and its nudges; the original deadline stays on
record, so "done on time" stays honest.
"""

import datetime as dt

from dondoc.handlers import access, notify, parsing, picking
from dondoc.handlers.messages import Choice, Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.i18n import N_, _, format_date, format_short_date
from dondoc.store import audit
from dondoc.store.assignments import (
    agencies_with_pending_extension,
    approve_extension,
    pending_extension,
    refuse_extension,
    request_extension,
)
from dondoc.store.models import AssignmentState, Person, Role, Task, TaskAgency
from dondoc.text import shorten

router = Router()
EXTEND_EXAMPLE = N_("/giahan 12 30/4/2026 Waiting for the ministry's appraisal")


@router.command(
    "giahan",
    roles=access.MEMBERS,
    summary=N_("ask the office for a new deadline"),
    syntax=N_("/giahan N dd/mm/yyyy reason"),
    aliases=("extend",),
)
def ask_extension(ctx: Context, args: str) -> list[Reply]:
    words = args.split(None, 2)
    example = _(EXTEND_EXAMPLE)
    usage = _("Type the task number, the new date and the reason, for example: {example}").format(
        example=example
    )
    if not words:
        raise Refusal(usage)
    task, part = access.extendable_part(ctx, parsing.task_number(words[0], example))
    if len(words) < 2:
        raise Refusal(usage)
    try:
        new_deadline = parsing.date(words[1], ctx.today)
    except Refusal as refusal:
        raise Refusal(f"{refusal.message}\n{usage}") from None
    assert part.deadline is not None and ctx.person is not None and ctx.person.agency is not None
    current = part.deadline  # a request leaves it as it is
    if new_deadline <= part.deadline:
        raise Refusal(
            _(
                "The new date must be after the current deadline, {deadline}. For example: /giahan {number} "
                "{example_date} reason"
            ).format(
                deadline=format_date(part.deadline),
                number=task.id,
                example_date=format_short_date(part.deadline + dt.timedelta(days=30)),
            )
        )
    if len(words) < 3:
        raise Refusal(
            _("Please give the reason after the date. For example: {example}").format(example=example)
        )
    reason = parsing.report_text(words[2], example)
    waiting = pending_extension(ctx.session, task.id, part.agency_id)
    if waiting is not None:
        raise Refusal(
            _(
                "Your agency already asked on {date} for task #{number} to move to {requested}; the office "
                "has "
                "not decided yet. One request at a time: wait for the decision."
            ).format(
                date=format_date(waiting.created_at.astimezone(ctx.tz).date()),
                number=task.id,
                requested=format_date(waiting.requested_deadline),
            )
        )
    request = request_extension(ctx.session, part, ctx.person, new_deadline, reason, ctx.now)
    agency = ctx.person.agency
    audit.record_part(
        ctx.session,
        ctx.person,
        "extension.request",
        ctx.now,
        part,
        requested=new_deadline.isoformat(),
        reason=reason,
    )

    def told(person: Person) -> str:
        text = _(
            "📅 {agency} asks for a new deadline for task #{number}: {title}\nCurrent deadline: {current} "
            "(originally {original})\nRequested: {requested}\nReason: {reason}"
        ).format(
            agency=agency.name,
            number=task.id,
            title=shorten(task.title, 120),
            current=format_date(current),
            original=format_date(part.original_deadline or current),
            requested=format_date(request.requested_deadline),
            reason=shorten(reason, 500),
        )
        if person.role != Role.ADMIN:  # the agency's head reads it; only the office decides
            return text + "\n" + _("The office has been asked to decide.")
        return (
            text
            + "\n"
            + _(
                "Approve with /duyet {number} {code}, or refuse with /tuchoi {number} {code} and the reason."
            ).format(number=task.id, code=agency.code)
        )

    def choices(person: Person) -> list[Choice]:
        return [
            Choice(_("✅ Approve"), f"/duyet {task.id} {agency.code}"),
            Choice(_("❌ Refuse"), f"/tuchoi {task.id} {agency.code}"),
        ]

    notify.tell(ctx.session, notify.office(ctx.session), ctx.now, "decision", told, choices)
    notify.tell(
        ctx.session,
        notify.heads(ctx.session, [agency.id], ctx.today),
        ctx.now,
        "report",
        told,
        skip=ctx.person,
    )
    return [
        Reply(
            _(
                "📅 Sent to the office: {agency} asks to move task #{number} from {current} to {requested}. "
                "You will be told of the decision; until then the current deadline stands."
            ).format(
                agency=agency.name,
                number=task.id,
                current=format_date(part.deadline),
                requested=format_date(new_deadline),
            )
        )
    ]


def _waiting(ctx: Context):
    """Which lead parts have a request waiting: one query per task, however many agencies lead it."""
    pending: dict[int, set[int]] = {}

    def has_request(part: TaskAgency) -> bool:
        if part.task_id not in pending:
            pending[part.task_id] = agencies_with_pending_extension(ctx.session, part.task_id)
        return part.agency_id in pending[part.task_id]

    return has_request


NONE_PENDING = N_(
    "No agency of task #{number} has a request for a new deadline waiting. Type /xem {number} to see its "
    "history."
)


@router.command(
    "duyet",
    roles=access.OFFICE,
    summary=N_("approve a request for a new deadline"),
    syntax=N_("/duyet N [AGENCY]"),
    aliases=("approve",),
)
def approve(ctx: Context, args: str) -> list[Reply]:
    return picking.run(ctx, "duyet", args, _waiting(ctx), _(NONE_PENDING))


@router.command(
    "tuchoi",
    roles=access.OFFICE,
    summary=N_("refuse a request for a new deadline"),
    syntax=N_("/tuchoi N [AGENCY] reason"),
    aliases=("refuse",),
)
def refuse(ctx: Context, args: str) -> list[Reply]:
    return picking.run(
        ctx,
        "tuchoi",
        args,
        _waiting(ctx),
        _(NONE_PENDING),
        reason_question=_(
            "Why is the new deadline for task #{number} refused? Write the reason; the agency will read it."
        ),
    )


def _request_of(ctx: Context, task: Task, part: TaskAgency):
    request = pending_extension(ctx.session, task.id, part.agency_id)
    if request is None:
        raise Refusal(
            _("{agency} has no request for a new deadline of task #{number} waiting.").format(
                agency=part.agency.name, number=task.id
            )
        )
    if part.state != AssignmentState.OPEN:
        raise Refusal(
            _("Task #{number} is no longer open for {agency}; there is no deadline to move.").format(
                number=task.id, agency=part.agency.name
            )
        )
    return request


def _approve(ctx: Context, task: Task, part: TaskAgency, _rest: str) -> list[Reply]:
    request = _request_of(ctx, task, part)
    previous = part.deadline
    approve_extension(request, part, ctx.person, ctx.now)
    audit.record_part(
        ctx.session,
        ctx.person,
        "extension.approve",
        ctx.now,
        part,
        previous=previous.isoformat() if previous else None,
        deadline=request.requested_deadline.isoformat(),
    )

    def told(person: Person) -> str:
        return _(
            "📅 Dear {agency},\nThe office has approved the new deadline for task #{number}: {title}\n"
            "New deadline: {deadline} (originally {original}).\nRespectfully."
        ).format(
            agency=part.agency.name,
            number=task.id,
            title=shorten(task.title, 120),
            deadline=format_date(request.requested_deadline),
            original=format_date(part.original_deadline or request.requested_deadline),
        )

    notify.tell_agencies(ctx.session, [part.agency_id], ctx.now, "decision", told)
    return [
        Reply(
            _(
                "✅ Approved: task #{number} for {agency} is now due {deadline} (originally {original})."
            ).format(
                number=task.id,
                agency=part.agency.name,
                deadline=format_date(request.requested_deadline),
                original=format_date(part.original_deadline or request.requested_deadline),
            )
        )
    ]


def _refuse(ctx: Context, task: Task, part: TaskAgency, reason: str) -> list[Reply]:
    request = _request_of(ctx, task, part)
    refuse_extension(request, ctx.person, reason, ctx.now)
    audit.record_part(
        ctx.session,
        ctx.person,
        "extension.refuse",
        ctx.now,
        part,
        reason=reason,
    )
    deadline = format_date(part.deadline) if part.deadline else "—"

    def told(person: Person) -> str:
        return _(
            "📅 Dear {agency},\nThe office has not approved a new deadline for task #{number}: {title}\n"
            "Reason: {reason}\nThe deadline stays {deadline}.\nRespectfully."
        ).format(
            agency=part.agency.name,
            number=task.id,
            title=shorten(task.title, 120),
            reason=reason,
            deadline=deadline,
        )

    notify.tell_agencies(ctx.session, [part.agency_id], ctx.now, "decision", told)
    return [
        Reply(
            _("Refused: task #{number} for {agency} stays due {deadline}; the agency was told why.").format(
                number=task.id, agency=part.agency.name, deadline=deadline
            )
        )
    ]


picking.ACTIONS.update({"duyet": _approve, "tuchoi": _refuse})
