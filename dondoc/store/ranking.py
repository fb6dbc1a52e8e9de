"""What the on-time ranking (`/danhgia`) reads: per agency, its lead assignments due in a period.

An assignment is "due in the period" when its ORIGINAL deadline falls in it, so an approved extension
never moves work out of the period it was assigned to; cancelled ones are left out. Whether it was done
on time is judged by the deadline in force (the rule of `assignments.on_time`), and the results say how
many were on time only thanks to an approved extension.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from dondoc.store.models import Agency, AgencyRole, AssignmentState, Report, TaskAgency

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the configured default (`Config.tz`)


@dataclass(frozen=True)
class AgencyResult:
    """One agency's lead assignments whose original deadline is in the period, cancelled ones left out.

    `due` = done_on_time + done_late + reported + open. `overdue_days` sums, over these assignments, the
    days past the deadline in force: until the completion report's date for those done or reported
    (what a confirmation will record), until today for those still open; never negative.
    """

    agency_id: int
    name: str
    due: int
    done_on_time: int  # done, the completion report dated on or before the deadline in force
    extended_on_time: int  # of done_on_time, after the original deadline: on time thanks to an extension
    done_late: int
    extended_late: int  # of done_late, those whose deadline an approved extension had moved
    reported: int  # completion reported, awaiting the office's confirmation
    open: int  # still being worked on
    overdue: int  # of reported and open, those past the deadline in force today
    overdue_days: int

    @property
    def unfinished(self) -> int:
        return self.reported + self.open


def _in_force() -> ColumnElement[Any]:
    """The deadline in force; the original one if an assignment somehow has none."""
    return func.coalesce(TaskAgency.deadline, TaskAgency.original_deadline)


def _in_period(start: dt.date, end: dt.date) -> list[ColumnElement[bool]]:
    return [
        TaskAgency.role == AgencyRole.LEAD,
        TaskAgency.state != AssignmentState.CANCELLED,
        TaskAgency.original_deadline >= start,
        TaskAgency.original_deadline <= end,
    ]


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _counts(session: Session, start: dt.date, end: dt.date, today: dt.date) -> list[Sequence[Any]]:
    deadline = _in_force()
    done = TaskAgency.state == AssignmentState.DONE
    on_time = and_(done, TaskAgency.completed_on <= deadline)
    late = and_(done, or_(TaskAgency.completed_on > deadline, TaskAgency.completed_on.is_(None)))
    unfinished = TaskAgency.state.in_((AssignmentState.OPEN, AssignmentState.REPORTED))
    query = (
        select(
            TaskAgency.agency_id,
            Agency.name,
            func.count(),
            _count(on_time),
            _count(and_(on_time, TaskAgency.completed_on > TaskAgency.original_deadline)),
            _count(late),
            _count(and_(late, TaskAgency.deadline > TaskAgency.original_deadline)),
            _count(TaskAgency.state == AssignmentState.REPORTED),
            _count(TaskAgency.state == AssignmentState.OPEN),
            _count(and_(unfinished, deadline < today)),
        )
        .join(Agency, Agency.id == TaskAgency.agency_id)
        .where(*_in_period(start, end))
        .group_by(TaskAgency.agency_id, Agency.name)
    )
    return list(session.execute(query))


def _late_rows(session: Session, start: dt.date, end: dt.date, today: dt.date) -> Iterable[Sequence[Any]]:
    """(agency, state, deadline in force, completed_on, completion report's time) of the assignments that
    may count overdue days: the date arithmetic is done in Python, the same on SQLite and PostgreSQL."""
    deadline = _in_force()
    late = or_(
        and_(TaskAgency.state == AssignmentState.DONE, TaskAgency.completed_on > deadline),
        and_(TaskAgency.state.in_((AssignmentState.OPEN, AssignmentState.REPORTED)), deadline < today),
    )
    query = (
        select(TaskAgency.agency_id, TaskAgency.state, deadline, TaskAgency.completed_on, Report.created_at)
        .outerjoin(Report, Report.id == TaskAgency.completion_report_id)
        .where(*_in_period(start, end), late)
    )
    return session.execute(query)


def _days_late(
    state: AssignmentState,
    deadline: dt.date,
    completed_on: dt.date | None,
    reported_at: dt.datetime | None,
    today: dt.date,
    tz: ZoneInfo,
) -> int:
    if state == AssignmentState.DONE and completed_on is not None:
        until = completed_on
    elif state == AssignmentState.REPORTED and reported_at is not None:
        until = reported_at.astimezone(tz).date()
    else:
        until = today
    return max(0, (until - deadline).days)


def period_results(
    session: Session, start: dt.date, end: dt.date, today: dt.date, tz: ZoneInfo = DEFAULT_TZ
) -> list[AgencyResult]:
    """Per agency with any lead assignment originally due from `start` to `end` (both included), its
    results, in no particular order (`reports.ranking.rank` orders them). `tz` turns a completion report's
    time into the local date its lateness is counted to."""
    days: dict[int, int] = defaultdict(int)
    for agency_id, state, deadline, completed_on, reported_at in _late_rows(session, start, end, today):
        days[agency_id] += _days_late(state, deadline, completed_on, reported_at, today, tz)
    return [
        AgencyResult(
            agency_id=row[0],
            name=row[1],
            due=row[2],
            done_on_time=row[3] or 0,
            extended_on_time=row[4] or 0,
            done_late=row[5] or 0,
            extended_late=row[6] or 0,
            reported=row[7] or 0,
            open=row[8] or 0,
            overdue=row[9] or 0,
            overdue_days=days[row[0]],
        )
        for row in _counts(session, start, end, today)
    ]
