"""Who may do what: every permission check lives here.

Commands declare the roles that may use them; task-level rules (whose task it is, who may report
or complete) are the functions below, used by every handler that touches a task.
"""

from sqlalchemy import and_, select

from dondoc.handlers.messages import Context, Refusal
from dondoc.handlers.registry import Command
from dondoc.i18n import _
from dondoc.store.models import AgencyRole, Role, Task, TaskAgency

OFFICE = frozenset({Role.ADMIN})
READERS = frozenset({Role.ADMIN, Role.LEADER})
MEMBERS = frozenset({Role.HEAD, Role.STAFF})
EVERYONE = frozenset(Role)
PEOPLE = frozenset(Role) - {Role.GUEST}


def may_use(role: Role, command: Command) -> bool:
    return role in command.roles


def sees_every_agency(ctx: Context) -> bool:
    return ctx.role in READERS


def visible_task(ctx: Context, number: int) -> Task:
    """Task N if this person may see it; otherwise the same refusal whether it exists or not."""
    return visible_task_and_part(ctx, number)[0]


def reportable_task(ctx: Context, number: int) -> tuple[Task, AgencyRole]:
    """Task N and the agency's part in it, if this person may report on it."""
    task, part = visible_task_and_part(ctx, number)
    if part is None:
        raise Refusal(_("Only the agencies assigned to a task report on it."))
    return task, part


def visible_task_and_part(ctx: Context, number: int) -> tuple[Task, AgencyRole | None]:
    """Task N and the person's agency's part in it (None for the office and leaders)."""
    agency_id = ctx.person.agency_id if ctx.person is not None else None
    row = ctx.session.execute(
        select(Task, TaskAgency.role)
        .outerjoin(TaskAgency, and_(TaskAgency.task_id == Task.id, TaskAgency.agency_id == agency_id))
        .where(Task.id == number)
    ).first()
    if row is not None and (sees_every_agency(ctx) or row[1] is not None):
        return row[0], row[1]
    raise Refusal(
        _("Task #{number} is not among the tasks you can see. Type /nhiemvu to list your tasks.").format(
            number=number
        )
    )
