"""Who may do what: every permission check lives here.

Commands declare the roles that may use them; task-level rules (whose task it is, whose part of it a
person may report on, complete or extend, which agencies' reports they may read) are the functions
below, used by every handler that touches a task.
"""

from typing import TypeVar

from sqlalchemy.orm import Session

from dondoc.handlers.messages import Context, Refusal
from dondoc.handlers.registry import Command
from dondoc.i18n import _, format_date
from dondoc.store.audit import Someone
from dondoc.store.models import AgencyRole, AssignmentState, Person, Role, Task, TaskAgency, TaskStatus
from dondoc.store.people import count_active_with_role
from dondoc.store.tasks import PartHead, TaskHead, task_and_part, task_with_part

OFFICE = frozenset({Role.ADMIN})
READERS = frozenset({Role.ADMIN, Role.LEADER})
MEMBERS = frozenset({Role.HEAD, Role.STAFF})
EVERYONE = frozenset(Role)
PEOPLE = frozenset(Role) - {Role.GUEST}
COVER_GIVERS = frozenset({Role.ADMIN, Role.HEAD})  # who may name someone to cover for a head (/uyquyen)
# What a person the office took off (/nghi) may still do: join again with a new invite, choose a language.
LEFT_COMMANDS = frozenset({"start", "ngonngu"})


def may_use(role: Role, command: Command) -> bool:
    return role in command.roles


def sees_every_agency(ctx: Context) -> bool:
    return ctx.role in READERS


def own_agency_id(ctx: Context) -> int | None:
    return ctx.agency_id


def agency_in_view(ctx: Context, agency_id: int | None) -> int | None:
    """The agency a question may be about: any (None: every agency) for the office and leaders; for
    members their own, which is also what they get when they name none."""
    if sees_every_agency(ctx):
        return agency_id
    own = own_agency_id(ctx)
    if agency_id is not None and agency_id != own:
        raise Refusal(
            _(
                "You can see only the tasks of your own agency; the office and the leaders see the "
                "others'. Ask about your agency, or type /tiendo."
            )
        )
    return own


def has_left(ctx: Context) -> bool:
    """A person the office took off (/nghi): known to the bot, registered once, no longer active."""
    caller = ctx.caller
    return caller is not None and not caller.active and caller.role != Role.GUEST


def left_may_use(command: Command, args: str) -> bool:
    """Whether a person who was taken off may use the command: a new invite (/start CODE), /ngonngu."""
    return command.name in LEFT_COMMANDS and (command.name != "start" or bool(args.strip()))


def members_in_view(ctx: Context, agency_id: int | None) -> int | None:
    """Whose registered people a person may list (/thanhvien): any agency's, or the whole province's
    (None), for the office and leaders; for members their own agency's, also when they name none."""
    if sees_every_agency(ctx):
        return agency_id
    own = own_agency_id(ctx)
    if own is None or (agency_id is not None and agency_id != own):
        raise Refusal(
            _(
                "You can see only who is registered at your own agency; the office and the leaders see "
                "the others. Type /thanhvien for your agency."
            )
        )
    return own


def deactivatable(session: Session, by: Someone | None, person: Person) -> None:
    """Whom the office may take off (/nghi, `dondoc people deactivate`): not themselves, not the last
    officer of the office (the bot would have nobody to run it)."""
    if by is not None and by.id == person.id:
        raise Refusal(_("You cannot take yourself off. Ask another officer of the office to do it."))
    if person.role == Role.ADMIN and count_active_with_role(session, Role.ADMIN) <= 1:
        raise Refusal(
            _(
                "{name} is the last officer of the office registered with the bot and cannot be taken "
                "off. Invite another one first with /moi admin."
            ).format(name=person.name)
        )


def may_cover(ctx: Context, person: Person) -> bool:
    """Whom this person may name to cover for a head: the office, anyone registered at an agency; a
    head, someone else registered at their own agency."""
    if not person.active or person.role not in MEMBERS or person.agency_id is None:
        return False
    if ctx.person is not None and person.id == ctx.person.id:
        return False
    return ctx.role == Role.ADMIN or person.agency_id == own_agency_id(ctx)


def province_in_view(ctx: Context) -> None:
    """Figures across agencies are for the office and leaders."""
    if not sees_every_agency(ctx):
        raise Refusal(
            _(
                "Figures across agencies are for the office and the leaders. For your own agency, "
                "type /tiendo or /nhiemvu."
            )
        )


def visible_task(ctx: Context, number: int) -> Task:
    """Task N if this person may see it; otherwise the same refusal whether it exists or not."""
    return visible_task_and_part(ctx, number)[0]


def visible_task_and_part(ctx: Context, number: int) -> tuple[Task, TaskAgency | None]:
    """Task N and the person's agency's part in it (None when the agency has none: office, leaders)."""
    found = task_with_part(ctx.session, number, own_agency_id(ctx))
    if found is not None and (sees_every_agency(ctx) or found[1] is not None):
        return found
    raise _not_visible(number)


def visible_head(ctx: Context, number: int) -> tuple[TaskHead, PartHead | None]:
    """`visible_task_and_part` as plain values, for the handlers that only read them (and write with
    statements of their own)."""
    who = ctx.caller.id if ctx.caller is not None else None
    found = task_and_part(ctx.session, number, own_agency_id(ctx), who, ctx.today)
    if found is not None and (sees_every_agency(ctx) or found[1] is not None):
        return found
    raise _not_visible(number)


def _not_visible(number: int) -> Refusal:
    return Refusal(
        _("Task #{number} is not among the tasks you can see. Type /nhiemvu to list your tasks.").format(
            number=number
        )
    )


def visible_agencies(ctx: Context, parts: list[TaskAgency]) -> set[int] | None:
    """Whose parts of a task this person may read: everyone's (None) for the office and leaders; for a
    lead agency its own and its cooperating agencies'; for a cooperating agency its own and the leads'."""
    if sees_every_agency(ctx):
        return None
    mine = next((p for p in parts if p.agency_id == own_agency_id(ctx)), None)
    if mine is None:
        return set()
    other_role = AgencyRole.COOP if mine.role == AgencyRole.LEAD else AgencyRole.LEAD
    visible = {mine.agency_id} | {p.agency_id for p in parts if p.role == other_role}
    # A part moved by a merger: what the agency it was given to before reported is its history too.
    return visible | {p.former_agency_id for p in parts if p.agency_id in visible and p.former_agency_id}


def reportable_part(ctx: Context, number: int) -> tuple[Task, TaskAgency]:
    """Task N and the agency's part, if this person may report on it now."""
    task, part = visible_task_and_part(ctx, number)
    return task, _reportable(ctx, task, part)


def reportable(ctx: Context, number: int) -> tuple[TaskHead, PartHead]:
    """`reportable_part` as plain values (the same checks, the same refusals)."""
    task, part = visible_head(ctx, number)
    return task, _reportable(ctx, task, part)


_P = TypeVar("_P", TaskAgency, PartHead)


def _reportable(ctx: Context, task: Task | TaskHead, part: _P | None) -> _P:
    if ctx.role not in MEMBERS or part is None or part.state == AssignmentState.CANCELLED:
        raise Refusal(_("Only the agencies assigned to a task report on it."))
    if part.role == AgencyRole.COOP:
        if task.status != TaskStatus.OPEN:
            raise Refusal(
                _("Task #{number} is already closed; it takes no more reports.").format(number=task.id)
            )
        return part
    if part.state == AssignmentState.REPORTED:
        raise Refusal(
            _(
                "Your agency has reported task #{number} completed; the office is to confirm it. If the "
                "report needs correcting, ask the office to return it."
            ).format(number=task.id)
        )
    if part.state == AssignmentState.DONE:
        raise Refusal(
            _("Task #{number} is done for your agency; it takes no more reports.").format(number=task.id)
        )
    return part


def completable(ctx: Context, number: int) -> tuple[TaskHead, PartHead]:
    """Only a lead agency's report completes its assignment; cooperating agencies report contributions."""
    task, part = reportable(ctx, number)
    if part.role != AgencyRole.LEAD:
        raise Refusal(
            _(
                "Your agency cooperates on task #{number}; only the lead agency reports it completed. "
                "Report your contribution with /baocao {number} 100% …"
            ).format(number=task.id)
        )
    return task, part


def extendable_part(ctx: Context, number: int) -> tuple[Task, TaskAgency]:
    """A lead agency may ask for a new deadline on its own open, dated assignment."""
    task, part = reportable_part(ctx, number)
    if part.role != AgencyRole.LEAD:
        raise Refusal(
            _("Your agency cooperates on task #{number}; only a lead agency asks for a new deadline.").format(
                number=task.id
            )
        )
    if part.deadline is None:
        raise Refusal(
            _("Task #{number} has no fixed deadline (ongoing), so there is nothing to extend.").format(
                number=task.id
            )
        )
    return task, part


def decidable_part(task: Task, part: TaskAgency, wanted: AssignmentState) -> None:
    """The office decides only what is waiting for a decision."""
    if part.state == wanted:
        return
    if part.state == AssignmentState.DONE:
        message = _("Task #{number} is already done for {agency} (confirmed on {date}).").format(
            number=task.id,
            agency=part.agency.name,
            date=format_date(part.completed_on) if part.completed_on else "—",
        )
    elif part.state == AssignmentState.CANCELLED:
        message = _("Task #{number} is cancelled for {agency}.").format(
            number=task.id, agency=part.agency.name
        )
    else:
        message = _(
            "{agency} has not reported task #{number} completed; there is nothing to confirm or return."
        ).format(number=task.id, agency=part.agency.name)
    raise Refusal(message)
