"""Agencies merged or renamed: the open work moves to the agency that takes it over, nothing is lost.

A merger of OLD… into NEW (an agency of the directory) as of a day:
- each open or reported part of an old agency (lead or cooperating) becomes NEW's, with its deadlines,
  progress, receipt, extension requests and nudges already sent, and remembers whom it was given to
  (`TaskAgency.former_agency_id`); where NEW already had a part in the task, NEW's part is kept (a
  cooperating one becomes the lead, taking over the old lead's progress and deadlines) and the old one is
  closed as cancelled with the reason, so no task is counted twice;
- done and cancelled parts stay with the old agency: done work stays credited to the agency that did it
  (the ranking counts inactive agencies as any other);
- every name of an old agency (its name, code, abbreviations, former names) becomes NEW's, so a notice or a
  command that names it reaches NEW; its unused invites admit to NEW;
- its people move to NEW or are taken off, as the office chooses;
- the old agency is kept, inactive, with the day it ended and its successor.

A rename keeps the agency (and all its work, done or not); the old name stays one of its names.
The per-agency tallies follow by themselves: the database's triggers watch `agency_id` and `role`.
"""

import datetime as dt
import enum
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dondoc.store import audit
from dondoc.store.agencies import AgencyRow, add_agency
from dondoc.store.assignments import cancel
from dondoc.store.audit import Someone
from dondoc.store.models import (
    Agency,
    AgencyAlias,
    AgencyRole,
    AssignmentState,
    ExtensionRequest,
    Invite,
    NudgeLog,
    Person,
    Role,
    Task,
    TaskAgency,
)
from dondoc.store.outbox import drop_pending
from dondoc.store.people import deactivate_person
from dondoc.store.tasks import UNFINISHED, refresh_task_status
from dondoc.text import key

MERGED_ERROR = "agency merged; the person was taken off"


class PeopleChoice(enum.StrEnum):
    MOVE = "move"  # they work at the new agency now
    DEACTIVATE = "deactivate"  # they left: taken off the bot


@dataclass
class MergerPlan:
    """What a merger will do (before it) or did (after): counted per kind of change."""

    moved: int = 0  # open or reported parts that become the new agency's
    combined: int = 0  # parts closed because the new agency already had one in the task
    kept: int = 0  # done parts that stay credited to the old agency
    people: list[Person] = field(default_factory=list)  # registered heads and officers of the old ones
    tasks: set[int] = field(default_factory=set)  # the tasks whose parts change


class ReorganisationError(ValueError):
    """A merger or rename that cannot be done; `reason` names which rule (the handlers word it)."""

    def __init__(self, reason: str, agency: Agency | None = None) -> None:
        super().__init__(reason)
        self.reason, self.agency = reason, agency


def check_merger(olds: list[Agency], new: Agency) -> None:
    if not olds:
        raise ReorganisationError("no_old")
    for agency in [*olds, new]:
        if not agency.active:
            raise ReorganisationError("inactive", agency)
    if new.id in {a.id for a in olds}:
        raise ReorganisationError("into_itself", new)


def _unfinished_parts(session: Session, agency_ids: list[int]) -> list[TaskAgency]:
    return list(
        session.scalars(
            select(TaskAgency)
            .where(TaskAgency.agency_id.in_(agency_ids), TaskAgency.state.in_(UNFINISHED))
            .order_by(TaskAgency.task_id, TaskAgency.id)
        )
    )


def _new_parts(session: Session, new_id: int, task_ids: set[int]) -> dict[int, TaskAgency]:
    if not task_ids:
        return {}
    rows = session.scalars(
        select(TaskAgency).where(TaskAgency.agency_id == new_id, TaskAgency.task_id.in_(task_ids))
    )
    return {part.task_id: part for part in rows}


def _registered(session: Session, agency_ids: list[int]) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .where(
                Person.agency_id.in_(agency_ids),
                Person.active.is_(True),
                Person.role.in_((Role.HEAD, Role.STAFF)),
            )
            .order_by(Person.agency_id, Person.name)
        )
    )


def plan_merger(session: Session, olds: list[Agency], new: Agency) -> MergerPlan:
    """What `merge` would do now: the preview the office confirms."""
    check_merger(olds, new)
    ids = [a.id for a in olds]
    parts = _unfinished_parts(session, ids)
    present = _new_parts(session, new.id, {p.task_id for p in parts})
    plan = MergerPlan(people=_registered(session, ids), tasks={p.task_id for p in parts})
    taken: set[int] = set()
    for part in parts:
        if part.task_id in present or part.task_id in taken:
            plan.combined += 1
        else:
            plan.moved += 1
            taken.add(part.task_id)
    plan.kept = len(
        list(
            session.scalars(
                select(TaskAgency.id).where(
                    TaskAgency.agency_id.in_(ids),
                    TaskAgency.role == AgencyRole.LEAD,
                    TaskAgency.state == AssignmentState.DONE,
                )
            )
        )
    )
    return plan


def _take_over(target: TaskAgency, part: TaskAgency) -> None:
    """The new agency's own part in a task takes the old lead's place (it was cooperating, or the old
    one's is further along): its role, deadlines, receipt and progress."""
    target.role = AgencyRole.LEAD
    target.state = part.state
    target.deadline, target.original_deadline = part.deadline, part.original_deadline
    target.received_at, target.received_by_id = part.received_at, part.received_by_id
    target.last_report_id = part.last_report_id or target.last_report_id
    target.completion_report_id = part.completion_report_id
    target.former_agency_id = part.agency_id


def _move_records(session: Session, task_id: int, old_id: int, new_id: int) -> None:
    """Extension requests and the nudges already sent go with the part (so none is asked again)."""
    session.execute(
        update(ExtensionRequest)
        .where(ExtensionRequest.task_id == task_id, ExtensionRequest.agency_id == old_id)
        .values(agency_id=new_id)
    )
    sent = {
        (step, deadline)
        for step, deadline in session.execute(
            select(NudgeLog.step, NudgeLog.deadline).where(
                NudgeLog.task_id == task_id, NudgeLog.agency_id == new_id
            )
        )
    }
    for row in session.scalars(
        select(NudgeLog).where(NudgeLog.task_id == task_id, NudgeLog.agency_id == old_id)
    ):
        if (row.step, row.deadline) not in sent:
            row.agency_id = new_id


def merge(
    session: Session,
    olds: list[Agency],
    new: Agency,
    on: dt.date,
    people: PeopleChoice,
    by: Someone | None,
    now: dt.datetime,
    combined_note: str,
) -> MergerPlan:
    """Merge `olds` into `new` as of `on`, in the caller's transaction; returns what was done.
    `combined_note` is why a part joined the new agency's own is closed, as the parts' readers see it."""
    plan = plan_merger(session, olds, new)
    ids = [a.id for a in olds]
    names = {a.id: a.name for a in olds}
    parts = _unfinished_parts(session, ids)
    present = _new_parts(session, new.id, {p.task_id for p in parts})
    for part in parts:
        target = present.get(part.task_id)
        if target is None:
            old_id = part.agency_id
            part.agency_id, part.former_agency_id = new.id, old_id
            session.flush()
            _move_records(session, part.task_id, old_id, new.id)
            present[part.task_id] = part
            action = "assignment.transfer"
        else:
            if part.role == AgencyRole.LEAD and (
                target.role == AgencyRole.COOP or target.state == AssignmentState.CANCELLED
            ):
                _take_over(target, part)
                session.flush()
                _move_records(session, part.task_id, part.agency_id, new.id)
            cancel(session, part, None, combined_note, now)
            action = "assignment.combine"
        audit.record(
            session,
            by,
            action,
            now,
            subject=f"task:{part.task_id}",
            agency_id=new.id,
            agency=new.name,
            former=names[part.former_agency_id or part.agency_id],
            on=on.isoformat(),
        )
    session.flush()
    for task in session.scalars(select(Task).where(Task.id.in_(plan.tasks))):
        refresh_task_status(session, task, now)
    session.execute(update(AgencyAlias).where(AgencyAlias.agency_id.in_(ids)).values(agency_id=new.id))
    session.execute(
        update(Invite)
        .where(Invite.agency_id.in_(ids), Invite.used_at.is_(None), Invite.person_id.is_(None))
        .values(agency_id=new.id)
    )
    for person in plan.people:
        if people == PeopleChoice.MOVE:
            person.agency_id = new.id
        else:
            deactivate_person(session, person)
            drop_pending(session, person.id, now, MERGED_ERROR)
    for agency in olds:
        agency.active, agency.successor_id, agency.dissolved_on = False, new.id, on
        audit.record(
            session,
            by,
            "agency.merge",
            now,
            subject=f"agency:{agency.id}",
            name=agency.name,
            into=new.name,
            into_id=new.id,
            on=on.isoformat(),
            people=people.value,
            moved=plan.moved,
            combined=plan.combined,
        )
    session.flush()
    return plan


def rename(
    session: Session,
    agency: Agency,
    name: str,
    on: dt.date,
    by: Someone | None,
    now: dt.datetime,
    code: str | None = None,
) -> str:
    """Give an agency a new name (and code) as of `on`; its old name and code stay names it is found by.
    Returns the former name. Refused when another agency already goes by the new name or code."""
    if not agency.active:
        raise ReorganisationError("inactive", agency)
    for wanted in (name, code or ""):
        owner = session.scalar(select(AgencyAlias.agency_id).where(AgencyAlias.key == key(wanted)))
        if wanted and owner is not None and owner != agency.id:
            raise ReorganisationError("name_taken", session.get(Agency, owner))
    if code and session.scalar(select(Agency.id).where(Agency.code == code, Agency.id != agency.id)):
        raise ReorganisationError("name_taken", session.scalar(select(Agency).where(Agency.code == code)))
    former = agency.name
    agency.name = name
    if code:
        agency.code = code
    session.flush()
    add_agency(session, AgencyRow(agency.code, name, agency.kind, ()), now)
    for task_id in session.scalars(
        select(TaskAgency.task_id).where(TaskAgency.agency_id == agency.id, TaskAgency.state.in_(UNFINISHED))
    ):
        audit.record(
            session,
            by,
            "assignment.rename",
            now,
            subject=f"task:{task_id}",
            agency_id=agency.id,
            agency=name,
            former=former,
            on=on.isoformat(),
        )
    audit.record(
        session,
        by,
        "agency.rename",
        now,
        subject=f"agency:{agency.id}",
        name=name,
        former=former,
        code=agency.code,
        on=on.isoformat(),
    )
    return former
