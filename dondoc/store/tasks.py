"""Tasks and reports: creating them, and the rows that lists and summaries read, all counted in SQL.

Everything counted here counts *assignments* (a task's lead agencies, each on its own); the tasks an
agency only cooperates on are listed apart.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from dondoc.store.models import (
    Agency,
    AgencyRole,
    AssignmentState,
    Notice,
    Person,
    Report,
    ReportKind,
    Task,
    TaskAgency,
    TaskStatus,
)

TITLE_LENGTH = 120
UNFINISHED = (AssignmentState.OPEN, AssignmentState.REPORTED)


@dataclass(frozen=True)
class AgencyCounts:
    """One agency's lead assignments (cancelled ones left out)."""

    agency_id: int
    open: int  # being worked on (overdue included)
    overdue: int
    due_soon: int
    awaiting_confirmation: int  # completion reported, the office is to decide
    done: int
    not_received: int  # open and nobody of the agency has said "Đã nhận"

    @property
    def unfinished(self) -> int:
        return self.open + self.awaiting_confirmation


@dataclass(frozen=True)
class Part:
    """An agency's part in a task, as lists show it: the task, the part (with its agency and progress)."""

    task: Task
    part: TaskAgency

    @property
    def report(self) -> Report | None:
        return self.part.last_report


def _urgency_order() -> tuple:
    # Dated first, earliest deadline first; undated (ongoing) after them.
    return (case((TaskAgency.deadline.is_(None), 1), else_=0), TaskAgency.deadline, Task.id, TaskAgency.id)


def _parts(where: Sequence[ColumnElement[bool]]) -> Select:
    return (
        select(TaskAgency)
        .join(Task, Task.id == TaskAgency.task_id)
        .options(
            contains_eager(TaskAgency.task),
            joinedload(TaskAgency.agency),
            joinedload(TaskAgency.last_report),
        )
        .where(*where)
    )


def _page(
    session: Session, where: list[ColumnElement[bool]], limit: int, offset: int
) -> tuple[list[Part], int]:
    rows = (
        []
        if limit <= 0
        else list(
            session.scalars(_parts(where).order_by(*_urgency_order()).limit(limit).offset(offset)).unique()
        )
    )
    total = session.scalar(
        select(func.count()).select_from(TaskAgency).join(Task, Task.id == TaskAgency.task_id).where(*where)
    )
    return [Part(p.task, p) for p in rows], total or 0


def lead_is(*states: AssignmentState) -> list[ColumnElement[bool]]:
    return [TaskAgency.role == AgencyRole.LEAD, TaskAgency.state.in_(states)]


def unfinished_assignments(
    session: Session, limit: int, offset: int = 0, agency_id: int | None = None
) -> tuple[list[Part], int]:
    """Lead assignments still open or waiting for the office, most urgent first; and how many."""
    where = lead_is(*UNFINISHED)
    if agency_id is not None:
        where.append(TaskAgency.agency_id == agency_id)
    return _page(session, where, limit, offset)


def cooperating_parts(session: Session, agency_id: int, limit: int) -> tuple[list[Part], int]:
    """Open tasks the agency cooperates on (its contribution, not an assignment)."""
    where = [
        TaskAgency.agency_id == agency_id,
        TaskAgency.role == AgencyRole.COOP,
        TaskAgency.state == AssignmentState.OPEN,
        Task.status == TaskStatus.OPEN,
    ]
    return _page(session, where, limit, 0)


def overdue_assignments(
    session: Session, today: dt.date, limit: int, agency_id: int | None = None
) -> tuple[list[Part], int]:
    where = [*lead_is(AssignmentState.OPEN), TaskAgency.deadline < today]
    if agency_id is not None:
        where.append(TaskAgency.agency_id == agency_id)
    return _page(session, where, limit, 0)


def due_soon_assignments(
    session: Session, today: dt.date, days: int, limit: int, agency_id: int | None = None
) -> tuple[list[Part], int]:
    where = [
        *lead_is(AssignmentState.OPEN),
        TaskAgency.deadline >= today,
        TaskAgency.deadline <= today + dt.timedelta(days=days),
    ]
    if agency_id is not None:
        where.append(TaskAgency.agency_id == agency_id)
    return _page(session, where, limit, 0)


def awaiting_confirmation(session: Session, limit: int) -> tuple[list[Part], int]:
    return _page(session, lead_is(AssignmentState.REPORTED), limit, 0)


def agency_counts(
    session: Session, today: dt.date, agency_ids: Sequence[int] | None = None, soon_days: int = 7
) -> dict[int, AgencyCounts]:
    """Per lead agency: open, overdue, due within `soon_days`, awaiting confirmation, done, not received."""
    is_open = TaskAgency.state == AssignmentState.OPEN
    query = (
        select(
            TaskAgency.agency_id,
            func.count().filter(is_open),
            func.count().filter(is_open, TaskAgency.deadline < today),
            func.count().filter(
                is_open,
                TaskAgency.deadline >= today,
                TaskAgency.deadline <= today + dt.timedelta(days=soon_days),
            ),
            func.count().filter(TaskAgency.state == AssignmentState.REPORTED),
            func.count().filter(TaskAgency.state == AssignmentState.DONE),
            func.count().filter(is_open, TaskAgency.received_at.is_(None)),
        )
        .where(TaskAgency.role == AgencyRole.LEAD, TaskAgency.state != AssignmentState.CANCELLED)
        .group_by(TaskAgency.agency_id)
    )
    if agency_ids is not None:
        query = query.where(TaskAgency.agency_id.in_(list(agency_ids)))
    return {row[0]: AgencyCounts(*row) for row in session.execute(query).all()}


def parts_of_task(session: Session, task_id: int) -> list[TaskAgency]:
    """Every agency's part in a task, leads first, with agency, progress and who acknowledged."""
    return list(
        session.scalars(
            select(TaskAgency)
            .options(
                joinedload(TaskAgency.agency),
                joinedload(TaskAgency.last_report),
                joinedload(TaskAgency.received_by),
            )
            .where(TaskAgency.task_id == task_id)
            .order_by(TaskAgency.role.desc(), TaskAgency.id)
        )
    )


def reports_of_task(
    session: Session, task_id: int, limit: int, agency_ids: Iterable[int] | None = None
) -> list[Report]:
    """The newest reports of a task, of every agency or of the given ones."""
    query = select(Report).where(Report.task_id == task_id)
    if agency_ids is not None:
        query = query.where(Report.agency_id.in_(list(agency_ids)))
    return list(
        session.scalars(
            query.options(joinedload(Report.agency), joinedload(Report.person))
            .order_by(Report.id.desc())
            .limit(limit)
        )
    )


def reports_since(session: Session, since: dt.datetime) -> int:
    return session.scalar(select(func.count()).select_from(Report).where(Report.created_at >= since)) or 0


def add_task(
    session: Session,
    *,
    text: str,
    title: str,
    leads: Sequence[Agency],
    coops: Sequence[Agency],
    deadline: dt.date | None,
    deadline_text: str | None,
    created_by: Person | None,
    now: dt.datetime,
    notice: Notice | None = None,
    ref: str | None = None,
    recurrence: str | None = None,
    coop_text: str | None = None,
) -> Task:
    task = Task(
        notice_id=notice.id if notice else None,
        ref=ref,
        title=title,
        text=text,
        deadline=deadline,
        deadline_text=deadline_text,
        recurrence=recurrence,
        coop_text=coop_text,
        status=TaskStatus.OPEN,
        created_by_id=created_by.id if created_by else None,
        created_at=now,
    )
    session.add(task)
    session.flush()
    seen: set[int] = set()
    for role, agencies in ((AgencyRole.LEAD, leads), (AgencyRole.COOP, coops)):
        for agency in agencies:
            if agency.id not in seen:
                seen.add(agency.id)
                add_part(session, task, agency, role, now)
    session.flush()
    return task


def add_part(session: Session, task: Task, agency: Agency, role: AgencyRole, now: dt.datetime) -> TaskAgency:
    part = TaskAgency(
        task_id=task.id,
        agency_id=agency.id,
        role=role,
        state=AssignmentState.OPEN,
        deadline=task.deadline,
        original_deadline=task.deadline,
        created_at=now,
    )
    task.agencies.append(part)
    return part


def add_report(
    session: Session,
    *,
    part: TaskAgency,
    person: Person,
    kind: ReportKind,
    percent: int,
    text: str,
    evidence: str | None,
    now: dt.datetime,
) -> Report:
    """A report of the agency on its part; it becomes the part's progress (and says it was received)."""
    report = Report(
        task_id=part.task_id,
        agency_id=part.agency_id,
        person_id=person.id,
        kind=kind,
        percent=percent,
        text=text,
        evidence=evidence,
        created_at=now,
    )
    session.add(report)
    session.flush()
    part.last_report_id = report.id
    mark_received(part, person, now)
    return report


def mark_received(part: TaskAgency, person: Person, now: dt.datetime) -> bool:
    """Record the agency's "Đã nhận" once; True when this was the first."""
    if part.received_at is not None:
        return False
    part.received_at, part.received_by_id = now, person.id
    return True


def refresh_task_status(session: Session, task: Task, now: dt.datetime) -> None:
    """A task is done when every lead assignment still standing is done, cancelled when all are cancelled."""
    session.flush()
    states = set(
        session.scalars(
            select(TaskAgency.state).where(TaskAgency.task_id == task.id, TaskAgency.role == AgencyRole.LEAD)
        )
    )
    if not states or states == {AssignmentState.CANCELLED}:
        status = TaskStatus.CANCELLED
    elif states <= {AssignmentState.DONE, AssignmentState.CANCELLED}:
        status = TaskStatus.DONE
    else:
        status = TaskStatus.OPEN
    if status != task.status:
        task.status = status
        task.closed_at = None if status == TaskStatus.OPEN else now


def open_dated_deadlines(session: Session) -> list[dt.date]:
    """The distinct current deadlines of open lead assignments (from the index)."""
    return list(
        session.scalars(
            select(TaskAgency.deadline)
            .where(*lead_is(AssignmentState.OPEN), TaskAgency.deadline.is_not(None))
            .distinct()
        )
    )


def open_assignments_due(session: Session, deadlines: Iterable[dt.date]) -> list[tuple[int, int, dt.date]]:
    """(task, agency, deadline) of the open lead assignments whose current deadline is one of these."""
    return [
        (t, a, d)
        for t, a, d in session.execute(
            select(TaskAgency.task_id, TaskAgency.agency_id, TaskAgency.deadline).where(
                *lead_is(AssignmentState.OPEN), TaskAgency.deadline.in_(list(deadlines))
            )
        ).all()
    ]


def open_undated_assignments(session: Session, created_before: dt.datetime) -> list[tuple[int, int]]:
    return [
        (t, a)
        for t, a in session.execute(
            select(TaskAgency.task_id, TaskAgency.agency_id).where(
                *lead_is(AssignmentState.OPEN),
                TaskAgency.deadline.is_(None),
                TaskAgency.created_at < created_before,
            )
        ).all()
    ]


def unreceived_created_between(
    session: Session, start: dt.datetime, end: dt.datetime
) -> list[tuple[int, int, dt.datetime]]:
    """(task, agency, created_at) of open lead assignments nobody has acknowledged, given in [start, end)."""
    return [
        (t, a, c)
        for t, a, c in session.execute(
            select(TaskAgency.task_id, TaskAgency.agency_id, TaskAgency.created_at).where(
                *lead_is(AssignmentState.OPEN),
                TaskAgency.received_at.is_(None),
                TaskAgency.created_at >= start,
                TaskAgency.created_at < end,
            )
        ).all()
    ]


def parts_by_key(session: Session, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], TaskAgency]:
    """The parts for (task, agency) pairs, each with its progress loaded."""
    pairs = list(keys)
    if not pairs:
        return {}
    task_ids = {t for t, _a in pairs}
    rows = session.scalars(
        select(TaskAgency).options(joinedload(TaskAgency.last_report)).where(TaskAgency.task_id.in_(task_ids))
    )
    wanted = set(pairs)
    return {(p.task_id, p.agency_id): p for p in rows if (p.task_id, p.agency_id) in wanted}
