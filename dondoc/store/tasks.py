"""Tasks and reports: creating them, and the rows that lists and summaries read, all counted in SQL.

Everything counted here counts *assignments* (a task's lead agencies, each on its own); the tasks an
agency only cooperates on are listed apart.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    Update,
    and_,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, contains_eager, joinedload

from dondoc.store import fast
from dondoc.store.models import (
    Agency,
    AgencyRole,
    AgencyTally,
    AssignmentState,
    Delegation,
    Notice,
    Person,
    Report,
    ReportKind,
    Role,
    Task,
    TaskAgency,
    TaskStatus,
)
from dondoc.store.people import AgencyRef

TITLE_LENGTH = 120
UNFINISHED = (AssignmentState.OPEN, AssignmentState.REPORTED)
SOON_DAYS = 7  # "due soon" in the summary and the digests: within a week


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
    done_on_time: int = 0  # done on or before the deadline in force
    done_late: int = 0
    undated: int = 0  # open, awaiting or done, with no deadline ("thường xuyên")

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
    return due_between(session, today, today + dt.timedelta(days=days), limit, agency_id)


def due_between(
    session: Session, start: dt.date, end: dt.date, limit: int, agency_id: int | None = None
) -> tuple[list[Part], int]:
    """Open lead assignments due from `start` to `end`, both days included."""
    where = [*lead_is(AssignmentState.OPEN), TaskAgency.deadline >= start, TaskAgency.deadline <= end]
    if agency_id is not None:
        where.append(TaskAgency.agency_id == agency_id)
    return _page(session, where, limit, 0)


def awaiting_confirmation(
    session: Session, limit: int, agency_id: int | None = None
) -> tuple[list[Part], int]:
    where = lead_is(AssignmentState.REPORTED)
    if agency_id is not None:
        where.append(TaskAgency.agency_id == agency_id)
    return _page(session, where, limit, 0)


def unreported_assignments(
    session: Session, limit: int, agency_id: int | None = None
) -> tuple[list[Part], int]:
    """Open lead assignments their agency has not reported on at all."""
    where = [*lead_is(AssignmentState.OPEN), TaskAgency.last_report_id.is_(None)]
    if agency_id is not None:
        where.append(TaskAgency.agency_id == agency_id)
    return _page(session, where, limit, 0)


def unacknowledged_assignments(
    session: Session, limit: int, agency_id: int | None = None, task_id: int | None = None
) -> tuple[list[Part], int]:
    """Open lead assignments nobody of their agency has acknowledged ("Đã nhận") yet."""
    where = [*lead_is(AssignmentState.OPEN), TaskAgency.received_at.is_(None)]
    if agency_id is not None:
        where.append(TaskAgency.agency_id == agency_id)
    if task_id is not None:
        where.append(TaskAgency.task_id == task_id)
    return _page(session, where, limit, 0)


# One agency's list as plain values ----------------------------------------------------------
# /nhiemvu reads a page of the agency's assignments at every message. As ORM objects (four entities
# a row, the statement built each time) the page cost several times the query; these rows carry what
# a list line shows, read by statements built once. They are read, never changed (not frozen only
# because a frozen dataclass takes five times as long to build, and a page builds dozens).


@dataclass(slots=True)
class TaskLine:
    id: int
    title: str


@dataclass(slots=True)
class ReportLine:
    id: int
    kind: ReportKind
    percent: int
    created_at: dt.datetime


@dataclass(slots=True)
class PartLine:
    """An agency's part as lists show it, named as on `TaskAgency`: the same renderers read both."""

    id: int
    task_id: int
    agency_id: int
    role: AgencyRole
    state: AssignmentState
    deadline: dt.date | None
    original_deadline: dt.date | None
    state_note: str | None
    completed_on: dt.date | None
    received_at: dt.datetime | None
    agency: AgencyRef

    @property
    def extended(self) -> bool:
        return self.deadline != self.original_deadline


@dataclass(slots=True)
class Listed:
    """A list row as plain values, shaped as `Part` is: the task, the part, its progress."""

    task: TaskLine
    part: PartLine
    report: ReportLine | None


_ta, _task, _report, _agency = (m.__table__.c for m in (TaskAgency, Task, Report, Agency))
_LISTED_COLUMNS = (
    _task.id,
    _task.title,
    _ta.id,
    _ta.task_id,
    _ta.agency_id,
    _ta.role,
    _ta.state,
    _ta.deadline,
    _ta.original_deadline,
    _ta.state_note,
    _ta.completed_on,
    _ta.received_at,
    _agency.code,
    _agency.name,
    _report.id,
    _report.kind,
    _report.percent,
    _report.created_at,
)


class _AgencyList:
    """The statements for one agency's parts of one kind (its lead assignments still unfinished, or its
    open contributions to open tasks), most urgent first.

    The page is cut before anything is joined or sorted: for each state, the parts with a deadline are
    read in (deadline, task) order from the index `ix_task_agency_role_state_agency_deadline` and cut at
    offset + limit; those merged, the page is taken, and only its rows are joined to their task, agency
    and latest report. The undated (ongoing) parts come after all dated ones, read the same way, only
    when a page reaches them. The total is a count from the same index.
    """

    def __init__(self, role: AgencyRole, states: Sequence[AssignmentState], task_open: bool) -> None:
        self.role, self.states, self.task_open = role, tuple(states), task_open
        self.count = self._count()
        self.dated_count = self._count(_ta.deadline.is_not(None))
        self.dated = self._page(dated=True)
        self.undated = self._page(dated=False)

    def _from(self) -> FromClause:
        parts = TaskAgency.__table__
        return parts.join(Task.__table__, _task.id == _ta.task_id) if self.task_open else parts

    def _where(self, state: ColumnElement[bool]) -> list[ColumnElement[bool]]:
        where = [_ta.agency_id == bindparam("agency_id"), _ta.role == self.role, state]
        if self.task_open:
            where.append(_task.status == TaskStatus.OPEN)
        return where

    def _count(self, *more: ColumnElement[bool]) -> Select:
        # Equalities, not IN (…): an IN list is expanded again at every execution.
        states = or_(*(_ta.state == state for state in self.states))
        return select(func.count()).select_from(self._from()).where(*self._where(states), *more)

    def _page(self, dated: bool) -> Select:
        has_deadline = _ta.deadline.is_not(None) if dated else _ta.deadline.is_(None)
        arms = [
            select(
                select(_ta.id, _ta.deadline, _ta.task_id)
                .select_from(self._from())
                .where(*self._where(_ta.state == state), has_deadline)
                .order_by(_ta.deadline, _ta.task_id)
                .limit(bindparam("reach"))
                .subquery()
            )
            for state in self.states
        ]
        merged = arms[0] if len(arms) == 1 else union_all(*arms)
        columns = merged.selected_columns
        page = (
            merged.order_by(columns.deadline, columns.task_id)
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
            .subquery("page")
        )
        return (
            select(*_LISTED_COLUMNS)
            .select_from(
                page.join(TaskAgency.__table__, _ta.id == page.c.id)
                .join(Task.__table__, _task.id == _ta.task_id)
                .join(Agency.__table__, _agency.id == _ta.agency_id)
                .outerjoin(Report.__table__, _report.id == _ta.last_report_id)
            )
            .order_by(page.c.deadline, page.c.task_id)
        )

    def read(self, session: Session, agency_id: int, limit: int, offset: int) -> tuple[list[Listed], int]:
        total = fast.execute(session, self.count, {"agency_id": agency_id}).scalar_one()
        return self.page(session, agency_id, limit, offset, total), total

    def page(
        self,
        session: Session,
        agency_id: int,
        limit: int,
        offset: int,
        total: int,
        dated: Sequence[Sequence[Any]] | None = None,
    ) -> list[Listed]:
        """The page of `total` rows at `offset`; `dated` when its dated rows were read already."""
        if limit <= 0 or offset >= total:
            return []
        rows = list(
            fast.execute(
                session,
                self.dated,
                {"agency_id": agency_id, "limit": limit, "offset": offset, "reach": offset + limit},
            )
            if dated is None
            else dated
        )
        if len(rows) < limit and offset + len(rows) < total:  # the page reaches the undated parts
            dated_total = (
                offset + len(rows)
                if rows or offset == 0
                else fast.execute(session, self.dated_count, {"agency_id": agency_id}).scalar_one()
            )
            skip, want = max(0, offset - dated_total), limit - len(rows)
            rows += fast.execute(
                session,
                self.undated,
                {"agency_id": agency_id, "limit": want, "offset": skip, "reach": skip + want},
            )
        return _listed(rows)


def _listed(rows: Iterable[Sequence[Any]]) -> list[Listed]:
    agencies: dict[int, AgencyRef] = {}
    listed = []
    for (
        task_id,
        title,
        part_id,
        _task_id,
        agency_id,
        role,
        state,
        deadline,
        original_deadline,
        state_note,
        completed_on,
        received_at,
        code,
        name,
        report_id,
        kind,
        percent,
        reported_at,
    ) in rows:
        agency = agencies.get(agency_id) or agencies.setdefault(agency_id, AgencyRef(agency_id, code, name))
        part = PartLine(
            part_id,
            task_id,
            agency_id,
            role,
            state,
            deadline,
            original_deadline,
            state_note,
            completed_on,
            received_at,
            agency,
        )
        report = None if report_id is None else ReportLine(report_id, kind, percent, reported_at)
        listed.append(Listed(TaskLine(task_id, title), part, report))
    return listed


_UNFINISHED_LIST = _AgencyList(AgencyRole.LEAD, UNFINISHED, task_open=False)
_COOPERATING_LIST = _AgencyList(AgencyRole.COOP, (AssignmentState.OPEN,), task_open=True)


def agency_unfinished(
    session: Session, agency_id: int, limit: int, offset: int = 0
) -> tuple[list[Listed], int]:
    """`unfinished_assignments` of one agency, as plain rows: the same rows, in the same order."""
    return _UNFINISHED_LIST.read(session, agency_id, limit, offset)


def agency_cooperating(session: Session, agency_id: int, limit: int) -> tuple[list[Listed], int]:
    """`cooperating_parts`, as plain rows: the same rows, in the same order."""
    return _COOPERATING_LIST.read(session, agency_id, limit, 0)


@dataclass(slots=True)
class AgencyLists:
    """An agency's page of unfinished lead assignments and its first open contributions, with totals."""

    leads: list[Listed]
    lead_total: int
    coops: list[Listed]
    coop_total: int


_TOTALS = (
    _UNFINISHED_LIST.count.scalar_subquery().label("lead_total"),
    _COOPERATING_LIST.count.scalar_subquery().label("coop_total"),
)
# The dated page carries both totals: one statement for the page in the common case. Neither count
# depends on the row, so the database computes each once for the statement.
_COUNTED_PAGE = _UNFINISHED_LIST.dated.add_columns(*_TOTALS)
_COUNTS = select(*_TOTALS)


def agency_lists(session: Session, agency_id: int, limit: int, offset: int, coop_limit: int) -> AgencyLists:
    """`agency_unfinished` and `agency_cooperating` together, in as few statements as the page allows."""
    counted = fast.execute(
        session,
        _COUNTED_PAGE,
        {"agency_id": agency_id, "limit": limit, "offset": offset, "reach": offset + limit},
    ).all()
    if counted:
        lead_total, coop_total = counted[0][-2:]
    else:
        lead_total, coop_total = fast.execute(session, _COUNTS, {"agency_id": agency_id}).one()
    dated = [row[:-2] for row in counted]
    leads = _UNFINISHED_LIST.page(session, agency_id, limit, offset, lead_total, dated)
    coops = _COOPERATING_LIST.page(session, agency_id, coop_limit, 0, coop_total)
    return AgencyLists(leads, lead_total, coops, coop_total)


def agency_counts(
    session: Session, today: dt.date, agency_ids: Sequence[int] | None = None, soon_days: int = SOON_DAYS
) -> dict[int, AgencyCounts]:
    """Per lead agency: open, overdue, due within `soon_days`, awaiting confirmation, done, not received.

    Read from the tallies the database keeps as assignments change (`AgencyTally`, one row per agency),
    so the cost follows the agencies, not the tasks. Their overdue and due-soon counts are for the day
    they were last moved to: the first count of a new day moves them on, counting only the open
    assignments due in the days between (from an index); a count for another day or another window is
    corrected the same way, without writing.
    """
    ids = None if agency_ids is None else list(agency_ids)
    _move_tallies_to(session, today, ids)
    tally = AgencyTally
    query = select(
        tally.agency_id,
        tally.open_count,
        tally.overdue,
        tally.due_soon,
        tally.reported_count,
        tally.done_count,
        tally.not_received,
        tally.as_of,
        tally.soon_until,
        tally.done_on_time,
        tally.done_late,
        tally.undated,
    ).where(tally.open_count + tally.reported_count + tally.done_count > 0)
    if ids is not None:
        query = query.where(tally.agency_id.in_(ids))
    rows = session.execute(query).all()
    until = today + dt.timedelta(days=soon_days)
    stale = [(row[0], row[7]) for row in rows if row[7] != today]
    moved = _overdue_moves(session, today, stale) if stale else {}
    recount = {row[0] for row in rows if row[7] != today or row[8] != until}
    soon = _open_due(session, sorted(recount), today, until + dt.timedelta(days=1)) if recount else {}
    counts: dict[int, AgencyCounts] = {}
    for agency_id, open_, overdue, due_soon, reported, done, not_received, _as_of, _until, *rest in rows:
        if agency_id in recount:
            overdue += moved.get(agency_id, 0)
            due_soon = soon.get(agency_id, 0)
        counts[agency_id] = AgencyCounts(
            agency_id, open_, overdue, due_soon, reported, done, not_received, *rest
        )
    return counts


def _move_tallies_to(session: Session, today: dt.date, agency_ids: list[int] | None) -> None:
    """Move the tallies kept for an earlier day (or for none yet) on to `today`. Each row is locked
    first (on PostgreSQL; on SQLite the transaction holds the database): a row another transaction is
    changing is skipped, and `agency_counts` corrects it without writing."""
    tally = AgencyTally
    query = select(tally.agency_id, tally.as_of, tally.overdue).where(
        or_(tally.as_of.is_(None), tally.as_of < today)
    )
    if agency_ids is not None:
        query = query.where(tally.agency_id.in_(agency_ids))
    rows = session.execute(query.with_for_update(skip_locked=True)).all()
    if not rows:
        return
    until = today + dt.timedelta(days=SOON_DAYS)
    moved = _overdue_moves(session, today, [(agency_id, as_of) for agency_id, as_of, _n in rows])
    soon = _open_due(
        session, [agency_id for agency_id, _as_of, _n in rows], today, until + dt.timedelta(days=1)
    )
    session.execute(
        update(tally),
        [
            {
                "agency_id": agency_id,
                "overdue": overdue + moved.get(agency_id, 0),
                "due_soon": soon.get(agency_id, 0),
                "as_of": today,
                "soon_until": until,
            }
            for agency_id, _as_of, overdue in rows
        ],
    )


def _overdue_moves(
    session: Session, today: dt.date, tallies: Sequence[tuple[int, dt.date | None]]
) -> dict[int, int]:
    """How each tally's overdue count, kept for its day (agency, day), changes from that day to `today`:
    the open assignments due from that day up to today have become overdue; those due from today up to
    a later day are not yet."""
    by_day: dict[dt.date | None, list[int]] = defaultdict(list)
    for agency_id, day in tallies:
        if day != today:
            by_day[day].append(agency_id)
    moves: Counter[int] = Counter()
    for day, ids in by_day.items():
        if day is None or day < today:
            moves.update(_open_due(session, ids, day, today))
        else:
            moves.subtract(_open_due(session, ids, today, day))
    return dict(moves)


def _open_due(session: Session, agency_ids: list[int], start: dt.date | None, end: dt.date) -> dict[int, int]:
    """Per agency, its open lead assignments due from `start` (or any day) up to, not including, `end`."""
    query = (
        select(TaskAgency.agency_id, func.count())
        .where(
            TaskAgency.role == AgencyRole.LEAD,
            TaskAgency.state == AssignmentState.OPEN,
            TaskAgency.agency_id.in_(agency_ids),
            TaskAgency.deadline < end,
        )
        .group_by(TaskAgency.agency_id)
    )
    if start is not None:
        query = query.where(TaskAgency.deadline >= start)
    return {agency_id: n for agency_id, n in session.execute(query).all()}


def parts_of_task(session: Session, task_id: int) -> list[TaskAgency]:
    """Every agency's part in a task, leads first, with agency, progress and who acknowledged."""
    return list(
        session.scalars(
            select(TaskAgency)
            .options(
                joinedload(TaskAgency.agency),
                joinedload(TaskAgency.former_agency),
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


def reports_between(
    session: Session, start: dt.datetime, end: dt.datetime, limit: int, agency_id: int | None = None
) -> tuple[list[Report], int]:
    """The reports written from `start` up to `end` (newest first, with agency and author), and how many."""
    where = [Report.created_at >= start, Report.created_at < end]
    if agency_id is not None:
        where.append(Report.agency_id == agency_id)
    rows = session.scalars(
        select(Report)
        .where(*where)
        .options(joinedload(Report.agency), joinedload(Report.person))
        .order_by(Report.id.desc())
        .limit(limit)
    )
    total = session.scalar(select(func.count()).select_from(Report).where(*where)) or 0
    return list(rows), total


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


def mark_received(part: TaskAgency, person: Person, now: dt.datetime) -> bool:
    """Record the agency's "Đã nhận" once; True when this was the first."""
    if part.received_at is not None:
        return False
    part.received_at, part.received_by_id = now, person.id
    return True


# Reporting as plain values -------------------------------------------------------------------
# A report (/baocao, /hoanthanh) reads one task and the reporter's part, then writes the report and
# the part's progress. As ORM objects that was two entity loads, a lazy load of the last report and a
# unit-of-work flush; these are statements built once, executed with the values.


@dataclass(slots=True)
class TaskHead:
    id: int
    title: str
    status: TaskStatus


@dataclass(slots=True)
class PartHead:
    """One agency's part, as reporting checks it, named as on `TaskAgency`."""

    id: int
    task_id: int
    agency_id: int
    role: AgencyRole
    state: AssignmentState
    deadline: dt.date | None
    original_deadline: dt.date | None
    received_at: dt.datetime | None
    last_report: ReportLine | None
    agency: AgencyRef
    other_heads: int  # the agency's active heads and who covers for one, but the asker: told of reports


_person = Person.__table__.c
_delegation = Delegation.__table__.c
_COVERING = select(_delegation.deputy_id).where(
    _delegation.agency_id == bindparam("agency_id"),
    _delegation.ended_at.is_(None),
    _delegation.until >= bindparam("today"),
)
_OTHER_HEADS = (
    select(func.count())
    .where(
        _person.agency_id == bindparam("agency_id"),
        or_(_person.role == Role.HEAD, _person.id.in_(_COVERING)),
        _person.active.is_(True),
        _person.id != bindparam("person_id"),
    )
    .scalar_subquery()
)
_TASK_AND_PART = (
    select(
        _task.id,
        _task.title,
        _task.status,
        _ta.id,
        _ta.role,
        _ta.state,
        _ta.deadline,
        _ta.original_deadline,
        _ta.received_at,
        _agency.code,
        _agency.name,
        _report.id,
        _report.kind,
        _report.percent,
        _report.created_at,
        _OTHER_HEADS,
    )
    .select_from(
        Task.__table__.outerjoin(
            TaskAgency.__table__, (_ta.task_id == _task.id) & (_ta.agency_id == bindparam("agency_id"))
        )
        .outerjoin(Agency.__table__, _agency.id == _ta.agency_id)
        .outerjoin(Report.__table__, _report.id == _ta.last_report_id)
    )
    .where(_task.id == bindparam("task_id"))
)


_TASK_WITH_PART = (
    select(Task, TaskAgency)
    .outerjoin(
        TaskAgency, and_(TaskAgency.task_id == Task.id, TaskAgency.agency_id == bindparam("agency_id"))
    )
    .where(Task.id == bindparam("task_id"))
)


def task_with_part(
    session: Session, task_id: int, agency_id: int | None
) -> tuple[Task, TaskAgency | None] | None:
    """Task N and the agency's part in it, as ORM objects (for handlers that change them); None when
    there is no task N."""
    row = session.execute(_TASK_WITH_PART, {"task_id": task_id, "agency_id": agency_id}).first()
    return (row[0], row[1]) if row is not None else None


def task_and_part(
    session: Session, task_id: int, agency_id: int | None, person_id: int | None, today: dt.date
) -> tuple[TaskHead, PartHead | None] | None:
    """Task N and the agency's part in it (None when it has none); None when there is no task N.
    `person_id` is who asks (their agency's other heads, and who covers for one `today`, are counted)."""
    row = fast.execute(
        session,
        _TASK_AND_PART,
        {"task_id": task_id, "agency_id": agency_id, "person_id": person_id, "today": today},
    ).first()
    if row is None:
        return None
    number, title, status, part_id, role, state, deadline, original, received_at, code, name, *last = row
    *last, heads = last
    task = TaskHead(number, title, status)
    if part_id is None:
        return task, None
    assert agency_id is not None
    report = ReportLine(*last) if last[0] is not None else None
    agency = AgencyRef(agency_id, code, name)
    return task, PartHead(
        part_id, number, agency_id, role, state, deadline, original, received_at, report, agency, heads
    )


_INSERT_REPORT = insert(Report.__table__).returning(Report.__table__.c.id)


def _part_update(received: bool, completion: bool) -> Update:
    values: dict[str, Any] = {"last_report_id": bindparam("report_id")}
    if received:
        values |= {"received_at": bindparam("now"), "received_by_id": bindparam("person_id")}
    if completion:
        values |= {"state": AssignmentState.REPORTED, "completion_report_id": bindparam("report_id")}
    return update(TaskAgency.__table__).where(_ta.id == bindparam("part_id")).values(values)


_PART_UPDATES = {(r, c): _part_update(r, c) for r in (False, True) for c in (False, True)}


def record_report(
    session: Session,
    *,
    part: PartHead,
    person_id: int,
    kind: ReportKind,
    percent: int,
    text: str,
    evidence: str | None,
    now: dt.datetime,
) -> int:
    """A report of the agency on its part, as two statements: the report, and the part's progress with
    its first "received" and, for a lead's completion, its new state (`reported`, awaiting the office).
    Returns the report's id."""
    report_id = fast.execute(
        session,
        _INSERT_REPORT,
        {
            "task_id": part.task_id,
            "agency_id": part.agency_id,
            "person_id": person_id,
            "kind": kind,
            "percent": percent,
            "text": text,
            "evidence": evidence,
            "created_at": now,
        },
    ).scalar()
    fast.execute(
        session,
        _PART_UPDATES[part.received_at is None, kind == ReportKind.COMPLETION],
        {"report_id": report_id, "now": now, "person_id": person_id, "part_id": part.id},
    )
    return report_id


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
        if d is not None  # always so (`in_` matches no NULL); the column itself may be NULL
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
        if c is not None  # always so (compared above); the column itself may be NULL
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
