"""Task queries: lists, the latest reports, and per-agency counts, all done in SQL."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from dondoc.store.models import (
    Agency,
    AgencyRole,
    Notice,
    Person,
    Report,
    ReportKind,
    Task,
    TaskAgency,
    TaskStatus,
)

TITLE_LENGTH = 120


@dataclass(frozen=True)
class AgencyCounts:
    agency_id: int
    open: int
    overdue: int
    due_soon: int
    awaiting_confirmation: int
    done: int


def _urgency_order() -> tuple:
    # Dated tasks first, earliest deadline first; undated (ongoing) tasks after them.
    return (case((Task.deadline.is_(None), 1), else_=0), Task.deadline, Task.id)


def open_tasks_of_agency(
    session: Session, agency_id: int, limit: int, offset: int = 0
) -> tuple[list[tuple[Task, AgencyRole]], int]:
    """The agency's open tasks, most urgent first, with the agency's part; and how many there are."""
    where = and_(TaskAgency.agency_id == agency_id, Task.status == TaskStatus.OPEN)
    rows = session.execute(
        select(Task, TaskAgency.role, func.count().over())  # the total comes with the page
        .join(TaskAgency, TaskAgency.task_id == Task.id)
        .where(where)
        .order_by(*_urgency_order())
        .limit(limit)
        .offset(offset)
    ).all()
    if rows:
        return [(row[0], row[1]) for row in rows], rows[0][2]
    total = session.scalar(
        select(func.count()).select_from(Task).join(TaskAgency, TaskAgency.task_id == Task.id).where(where)
    )
    return [], total or 0


def open_tasks(session: Session, limit: int) -> tuple[list[Task], int]:
    where = Task.status == TaskStatus.OPEN
    tasks = list(session.scalars(select(Task).where(where).order_by(*_urgency_order()).limit(limit)))
    return tasks, session.scalar(select(func.count()).select_from(Task).where(where)) or 0


def latest_reports(session: Session, task_ids: Iterable[int]) -> dict[int, Report]:
    """The newest report of each task (report ids grow with time)."""
    ids = list(task_ids)
    if not ids:
        return {}
    newest = select(func.max(Report.id)).where(Report.task_id.in_(ids)).group_by(Report.task_id)
    return {r.task_id: r for r in session.scalars(select(Report).where(Report.id.in_(newest)))}


def latest_report_of_agency(session: Session, task_id: int, agency_id: int) -> Report | None:
    return session.scalar(
        select(Report)
        .where(Report.task_id == task_id, Report.agency_id == agency_id)
        .order_by(Report.id.desc())
        .limit(1)
    )


def reports_of_task(session: Session, task_id: int, limit: int) -> list[Report]:
    return list(
        session.scalars(
            select(Report).where(Report.task_id == task_id).order_by(Report.id.desc()).limit(limit)
        )
    )


def task_agencies(session: Session, task_ids: Iterable[int]) -> dict[int, list[tuple[Agency, AgencyRole]]]:
    ids = list(task_ids)
    result: dict[int, list[tuple[Agency, AgencyRole]]] = {i: [] for i in ids}
    if not ids:
        return result
    rows = session.execute(
        select(TaskAgency.task_id, Agency, TaskAgency.role)
        .join(Agency, Agency.id == TaskAgency.agency_id)
        .where(TaskAgency.task_id.in_(ids))
        .order_by(TaskAgency.task_id, TaskAgency.role.desc(), TaskAgency.id)
    ).all()
    for task_id, agency, role in rows:
        result[task_id].append((agency, role))
    return result


def agency_counts(
    session: Session, today: dt.date, agency_ids: Sequence[int] | None = None, soon_days: int = 7
) -> dict[int, AgencyCounts]:
    """Per lead agency: open, overdue, due within `soon_days`, awaiting confirmation, done."""
    is_open = Task.status == TaskStatus.OPEN
    completion_reported = exists().where(Report.task_id == Task.id, Report.kind == ReportKind.COMPLETION)
    query = (
        select(
            TaskAgency.agency_id,
            func.count().filter(is_open),
            func.count().filter(is_open, Task.deadline < today),
            func.count().filter(
                is_open, Task.deadline >= today, Task.deadline <= today + dt.timedelta(days=soon_days)
            ),
            func.count().filter(is_open, completion_reported),
            func.count().filter(Task.status == TaskStatus.DONE),
        )
        .join(Task, Task.id == TaskAgency.task_id)
        .where(TaskAgency.role == AgencyRole.LEAD, Task.status != TaskStatus.CANCELLED)
        .group_by(TaskAgency.agency_id)
    )
    if agency_ids is not None:
        query = query.where(TaskAgency.agency_id.in_(list(agency_ids)))
    return {row[0]: AgencyCounts(*row) for row in session.execute(query).all()}


def overdue_tasks(
    session: Session, today: dt.date, limit: int, agency_id: int | None = None
) -> tuple[list[Task], int]:
    where = [Task.status == TaskStatus.OPEN, Task.deadline < today]
    query = select(Task).where(*where)
    count = select(func.count()).select_from(Task).where(*where)
    if agency_id is not None:
        lead = exists().where(TaskAgency.task_id == Task.id, TaskAgency.agency_id == agency_id)
        query, count = query.where(lead), count.where(lead)
    tasks = list(session.scalars(query.order_by(Task.deadline, Task.id).limit(limit)))
    return tasks, session.scalar(count) or 0


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
        original_deadline=deadline,
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
                session.add(TaskAgency(task_id=task.id, agency_id=agency.id, role=role))
    session.flush()
    return task


def add_report(
    session: Session,
    *,
    task: Task,
    agency_id: int,
    person: Person,
    kind: ReportKind,
    percent: int,
    text: str,
    evidence: str | None,
    now: dt.datetime,
) -> Report:
    report = Report(
        task_id=task.id,
        agency_id=agency_id,
        person_id=person.id,
        kind=kind,
        percent=percent,
        text=text,
        evidence=evidence,
        created_at=now,
    )
    session.add(report)
    session.flush()
    return report


def mark_received(session: Session, task_id: int, agency_id: int, now: dt.datetime) -> None:
    link = session.scalar(
        select(TaskAgency).where(TaskAgency.task_id == task_id, TaskAgency.agency_id == agency_id)
    )
    if link is not None and link.received_at is None:
        link.received_at = now
