"""What the reports read: per-agency figures and the assignments themselves, for the workbook, the chart
and the digests. Counted in SQL; rows streamed, never all held at once."""

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from dondoc.store.models import (
    Agency,
    AgencyRole,
    AssignmentState,
    Notice,
    Report,
    ReportKind,
    Task,
    TaskAgency,
    TaskStatus,
)
from dondoc.text import fold, shorten

BATCH_TASKS = 500  # tasks read per statement by `assignment_rows`: a few hundred rows, whole tasks only
REPORT_LENGTH = 500  # characters of the latest report (and of its evidence) in a row


@dataclass(frozen=True)
class AgencySummary:
    """One agency's lead assignments (cancelled ones left out), for the summary sheet and the chart.

    `open` counts the assignments being worked on, overdue ones included (as /tonghop does); `overdue`
    is the part of them past their deadline in force. `on_time_rate` is done on time ÷ the assignments
    with a deadline ("thường xuyên" work is never late nor on time), None when there are none.
    """

    agency_id: int
    name: str
    assigned: int
    done_on_time: int
    done_late: int
    reported: int  # completion reported, awaiting the office's confirmation
    open: int
    overdue: int
    dated: int  # of the assigned, those with a deadline

    @property
    def on_time_rate(self) -> float | None:
        return self.done_on_time / self.dated if self.dated else None

    @property
    def done(self) -> int:
        """Confirmed done, on time, late or undated (the undated are in neither count): /tonghop's "done"."""
        return self.assigned - self.reported - self.open


_ta, _task, _report, _agency, _notice = (m.__table__.c for m in (TaskAgency, Task, Report, Agency, Notice))


def totals_of(summaries: Sequence[AgencySummary]) -> AgencySummary:
    """The summary sheet's totals row: each count summed (agency id 0, no name)."""

    def total(field: str) -> int:
        return sum(getattr(s, field) for s in summaries)

    return AgencySummary(
        0,
        "",
        total("assigned"),
        total("done_on_time"),
        total("done_late"),
        total("reported"),
        total("open"),
        total("overdue"),
        total("dated"),
    )


def _leads(agency_id: int | None, start: dt.date | None, end: dt.date | None) -> list[ColumnElement[bool]]:
    """Lead assignments, of one agency or all, whose original deadline falls in [start, end] when a
    period is given (undated ones are then left out: they fall in no period)."""
    where: list[ColumnElement[bool]] = [_ta.role == AgencyRole.LEAD]
    if agency_id is not None:
        where.append(_ta.agency_id == agency_id)
    if start is not None:
        where.append(_ta.original_deadline >= start)
    if end is not None:
        where.append(_ta.original_deadline <= end)
    return where


def agency_summaries(
    session: Session,
    today: dt.date,
    agency_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[AgencySummary]:
    """Per agency with lead assignments (cancelled ones left out), one aggregate statement; ordered by
    name (folded, so SQLite and PostgreSQL agree whatever their collation).

    "Done on time" and "done late" follow `store.assignments.on_time`: done, with a completion date and a
    deadline in force, compared; a done assignment without a deadline is in neither. Without a period the
    figures are those of `store.tasks.agency_counts` (/tonghop): `open`, `overdue`, `reported` and `done`.
    """
    is_open = _ta.state == AssignmentState.OPEN
    judged = and_(_ta.state == AssignmentState.DONE, _ta.deadline.is_not(None), _ta.completed_on.is_not(None))

    def counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count(case((condition, 1)))

    query = (
        select(
            _ta.agency_id,
            _agency.name,
            func.count(),
            counted(and_(judged, _ta.completed_on <= _ta.deadline)),
            counted(and_(judged, _ta.completed_on > _ta.deadline)),
            counted(_ta.state == AssignmentState.REPORTED),
            counted(is_open),
            counted(and_(is_open, _ta.deadline < today)),
            func.count(_ta.deadline),
        )
        .select_from(TaskAgency.__table__.join(Agency.__table__, _agency.id == _ta.agency_id))
        .where(*_leads(agency_id, start, end), _ta.state != AssignmentState.CANCELLED)
        .group_by(_ta.agency_id, _agency.name)
    )
    summaries = [AgencySummary(*row) for row in session.execute(query).all()]
    return sorted(summaries, key=lambda s: (fold(s.name), s.name, s.agency_id))


@dataclass(slots=True)
class ExportRow:
    """One lead assignment as the assignments sheet shows it, as plain values. Named as on `TaskAgency`
    where the renderers read them (`handlers.render.state_phrase`)."""

    task_id: int
    task_text: str
    notice_number: str | None
    notice_title: str | None
    ref: str | None
    agency_id: int
    agency_name: str
    cooperating: str  # the cooperating agencies' names, "; "-joined, then the task's own wording
    original_deadline: dt.date | None
    deadline: dt.date | None
    state: AssignmentState
    completed_on: dt.date | None
    state_note: str | None
    progress: int | None  # percent; 100 for a completion report or a confirmed completion
    report_text: str | None
    report_date: dt.date | None  # local date
    evidence: str | None
    received_on: dt.date | None  # local date of "Đã nhận"

    @property
    def extended(self) -> bool:
        return self.deadline != self.original_deadline


_ROW_COLUMNS = (
    _ta.task_id,
    _task.text,
    _notice.number,
    _notice.title,
    _task.ref,
    _ta.agency_id,
    _agency.name,
    _task.coop_text,
    _ta.original_deadline,
    _ta.deadline,
    _ta.state,
    _ta.completed_on,
    _ta.state_note,
    _ta.received_at,
    _report.kind,
    _report.percent,
    # Cut in the database: a long report is not carried whole only to be shortened.
    func.substr(_report.text, 1, REPORT_LENGTH + 100),
    func.substr(_report.evidence, 1, REPORT_LENGTH + 100),
    _report.created_at,
)
_ROWS_FROM = (
    TaskAgency.__table__.join(Task.__table__, _task.id == _ta.task_id)
    .join(Agency.__table__, _agency.id == _ta.agency_id)
    .outerjoin(Notice.__table__, _notice.id == _task.notice_id)
    .outerjoin(Report.__table__, _report.id == _ta.last_report_id)
)
# A cooperating agency counts unless it was taken off the task; when the whole task was cancelled its
# cooperating parts were cancelled with it (at the same moment) and still count.
_COOPERATING = (
    select(_ta.task_id, _agency.name)
    .select_from(
        TaskAgency.__table__.join(Agency.__table__, _agency.id == _ta.agency_id).join(
            Task.__table__, _task.id == _ta.task_id
        )
    )
    .where(
        _ta.role == AgencyRole.COOP,
        _ta.task_id.in_(bindparam("task_ids", expanding=True)),
        or_(
            _ta.state != AssignmentState.CANCELLED,
            and_(_task.status == TaskStatus.CANCELLED, _ta.closed_at >= _task.closed_at),
        ),
    )
)


def assignment_rows(
    session: Session,
    agency_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    tz: dt.tzinfo,
    batch: int = BATCH_TASKS,
) -> Iterator[ExportRow]:
    """The lead assignments, cancelled ones included (with their state: the sheet lists every assignment,
    where the summary counts none cancelled), ordered by task number, then agency name; of one agency
    when `agency_id` is given, and by original deadline in [start, end] as `agency_summaries`.

    Read `batch` whole tasks at a time (keyset on the task number): two statements per batch, one for the
    rows and one for their cooperating agencies, so 100,000 rows are never held at once. Dates of
    reports and acknowledgements are local dates in `tz`.
    """
    where = _leads(agency_id, start, end)
    next_bound = (
        select(_ta.task_id)
        .where(*where, _ta.task_id > bindparam("after"))
        .group_by(_ta.task_id)
        .order_by(_ta.task_id)
        .offset(batch - 1)
        .limit(1)
    )
    rows_after = select(*_ROW_COLUMNS).select_from(_ROWS_FROM).where(*where, _ta.task_id > bindparam("after"))
    bounded = rows_after.where(_ta.task_id <= bindparam("bound")).order_by(_ta.task_id)
    unbounded = rows_after.order_by(_ta.task_id)
    sort_keys: dict[int, str] = {}
    after = 0
    while True:
        bound = session.execute(next_bound, {"after": after}).scalar()
        if bound is None:
            rows = session.execute(unbounded, {"after": after}).all()
        else:
            rows = session.execute(bounded, {"after": after, "bound": bound}).all()
        if not rows:
            return
        yield from _export_rows(session, rows, sort_keys, tz)
        if bound is None:
            return
        after = bound


def _export_rows(
    session: Session, rows: Sequence[Sequence[Any]], sort_keys: dict[int, str], tz: dt.tzinfo
) -> Iterator[ExportRow]:
    task_ids = sorted({row[0] for row in rows})
    cooperating: dict[int, list[str]] = {}
    for task_id, name in session.execute(_COOPERATING, {"task_ids": task_ids}).all():
        cooperating.setdefault(task_id, []).append(name)
    for names in cooperating.values():
        names.sort(key=fold)
    for agency_id, name in {(row[5], row[6]) for row in rows}:
        if agency_id not in sort_keys:
            sort_keys[agency_id] = fold(name)
    ordered = sorted(rows, key=lambda row: (row[0], sort_keys[row[5]], row[6]))
    for (
        task_id,
        task_text,
        notice_number,
        notice_title,
        ref,
        agency_id,
        agency_name,
        coop_text,
        original_deadline,
        deadline,
        state,
        completed_on,
        state_note,
        received_at,
        kind,
        percent,
        report_text,
        evidence,
        reported_at,
    ) in ordered:
        if kind == ReportKind.COMPLETION or state == AssignmentState.DONE:
            progress: int | None = 100
        else:
            progress = percent
        names = cooperating.get(task_id, [])
        yield ExportRow(
            task_id=task_id,
            task_text=task_text,
            notice_number=notice_number,
            notice_title=notice_title,
            ref=ref,
            agency_id=agency_id,
            agency_name=agency_name,
            cooperating="; ".join([*names, coop_text] if coop_text else names),
            original_deadline=original_deadline,
            deadline=deadline,
            state=state,
            completed_on=completed_on,
            state_note=state_note,
            progress=progress,
            report_text=shorten(report_text, REPORT_LENGTH) if report_text else None,
            report_date=reported_at.astimezone(tz).date() if reported_at else None,
            evidence=shorten(evidence, REPORT_LENGTH) if evidence else None,
            received_on=received_at.astimezone(tz).date() if received_at else None,
        )
