"""The sweep: from the database, which nudges are owed now; written to the nudge log and the outbox in
one transaction. The nudge log's unique key makes a second sweep, or a second process, harmless.

Everything is per assignment (a task's lead agency, with its own current deadline and state): a
reported, done or cancelled assignment is not nudged, while the other agencies of the same task still
are. Work is driven by what is owed, not by what is stored: the distinct deadlines of open assignments
come from an index, the ladder is computed per deadline, and only assignments whose deadline owes a
step are loaded. An assignment nobody has acknowledged ("Đã nhận") one working day after it was given
gets one reminder, a step of its own.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dondoc.handlers.messages import Choice
from dondoc.handlers.new_tasks import received_choice
from dondoc.handlers.notify import queue
from dondoc.i18n import use_language
from dondoc.nudges.ladder import NudgePolicy, Step, latest_step
from dondoc.nudges.texts import nudge_text
from dondoc.nudges.workdays import WorkCalendar
from dondoc.store.db import rows_by_id
from dondoc.store.delegations import deputies
from dondoc.store.models import Agency, Notice, Person, Role, Task
from dondoc.store.nudge_log import (
    Key,
    claim_step,
    last_nudged,
    last_reported,
    last_sweep,
    logged_keys,
    record_sweep,
)
from dondoc.store.people import people_of_agencies, people_with_role
from dondoc.store.tasks import (
    open_assignments_due,
    open_dated_deadlines,
    open_undated_assignments,
    parts_by_key,
    unreceived_created_between,
)

SWEEP = "nudges"
PERIODIC = "periodic"
RECEIVED = "received"  # the one reminder to say "Đã nhận"
RECEIPT_LOOKBACK = dt.timedelta(days=31)


@dataclass(frozen=True)
class Owed:
    task_id: int
    agency_id: int
    step: Step
    deadline: (
        dt.date
    )  # the assignment's deadline; the period's first day (periodic); the day given (received)
    periodic: bool = False
    skipped: bool = False  # the agency reported since the last nudge

    @property
    def key(self) -> Key:
        return (self.task_id, self.agency_id, self.step.name, self.deadline)


@dataclass(frozen=True)
class Message:
    owed: Owed
    person: Person
    text: str
    choices: tuple[Choice, ...] = ()


@dataclass
class History:
    """What was sent before: the nudge log, plus what a simulation has 'sent' so far."""

    session: Session
    simulated: dict[Key, dt.datetime] = field(default_factory=dict)

    def logged(self, task_ids: list[int]) -> set[Key]:
        return set(self.simulated) | logged_keys(self.session, task_ids)

    def last_nudged(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], dt.datetime]:
        found = last_nudged(self.session, {task for task, _agency in pairs})
        for (task, agency, _step, _deadline), when in self.simulated.items():
            if (task, agency) not in found or found[(task, agency)] < when:
                found[(task, agency)] = when
        return found


def may_send(at: dt.datetime, tz: ZoneInfo, calendar: WorkCalendar, policy: NudgePolicy) -> bool:
    """Nudges go out from the send hour on working days only."""
    local = at.astimezone(tz)
    return local.hour >= policy.hour and calendar.is_working_day(local.date())


def owed_nudges(
    session: Session,
    at: dt.datetime,
    tz: ZoneInfo,
    calendar: WorkCalendar,
    policy: NudgePolicy,
    since: dt.date | None,
    history: History,
) -> list[Owed]:
    """The latest step each open assignment is owed in the window (since … the last due day), not yet
    logged."""
    if not may_send(at, tz, calendar, policy):
        return []
    last_day = at.astimezone(tz).date()
    first_day = min(since, last_day) if since else last_day
    owed_by_deadline: dict[dt.date, Step] = {}
    for deadline in open_dated_deadlines(session):
        step = latest_step(deadline, last_day, calendar, policy)
        if step is not None and step.send_on >= first_day:
            owed_by_deadline[deadline] = step
    owed: list[Owed] = []
    if owed_by_deadline:
        owed = [
            Owed(task, agency, owed_by_deadline[deadline], deadline)
            for task, agency, deadline in open_assignments_due(session, owed_by_deadline)
        ]
    owed += _periodic(session, first_day, last_day, calendar, policy)
    owed += _receipt_reminders(session, first_day, last_day, tz, calendar)
    if not owed:
        return []
    logged = history.logged(sorted({o.task_id for o in owed}))
    owed = [o for o in owed if o.key not in logged]
    return _mark_reported(session, owed, history, policy)


def _periodic(
    session: Session, first_day: dt.date, last_day: dt.date, calendar: WorkCalendar, policy: NudgePolicy
) -> list[Owed]:
    """Report requests for undated (ongoing) tasks on the period's first working day."""
    months = {"monthly": 1, "quarterly": 3}.get(policy.periodic)
    if months is None:
        return []
    period = dt.date(last_day.year, (last_day.month - 1) // months * months + 1, 1)
    send_on = calendar.on_or_before(period) if calendar.is_working_day(period) else calendar.after(period)
    if not first_day <= send_on <= last_day:
        return []
    step = Step(PERIODIC, send_on)
    rows = open_undated_assignments(session, _start_of(send_on))
    return [Owed(task, agency, step, period, periodic=True) for task, agency in rows]


def _receipt_reminders(
    session: Session, first_day: dt.date, last_day: dt.date, tz: ZoneInfo, calendar: WorkCalendar
) -> list[Owed]:
    """One reminder, on the first working day after an assignment was given, if nobody has said
    "Đã nhận" by then; an assignment given before the window (older than the bot's last sweep) is not
    reminded late."""
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=tz) - RECEIPT_LOOKBACK
    end = dt.datetime.combine(last_day, dt.time(), tzinfo=tz)  # given before today
    owed = []
    for task, agency, created in unreceived_created_between(session, start, end):
        given = created.astimezone(tz).date()
        send_on = calendar.after(given)
        if first_day <= send_on <= last_day:
            owed.append(Owed(task, agency, Step(RECEIVED, send_on), given))
    return owed


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _mark_reported(session: Session, owed: list[Owed], history: History, policy: NudgePolicy) -> list[Owed]:
    """A step the agency answered in advance (a report since the last nudge) is skipped, not sent."""
    candidates = {o.key for o in owed if o.periodic or (policy.skip_after_report and o.step.is_before)}
    if not candidates:
        return owed
    pairs = list({(o.task_id, o.agency_id) for o in owed if o.key in candidates})
    last_nudge = history.last_nudged(pairs)
    reports = last_reported(session, [t for t, _a in pairs])
    result = []
    for item in owed:
        pair = (item.task_id, item.agency_id)
        reported = reports.get(pair)
        answered = (
            item.key in candidates
            and reported is not None
            and (pair not in last_nudge or reported > last_nudge[pair])
            and (not item.periodic or reported.date() >= item.deadline)
        )
        result.append(Owed(item.task_id, item.agency_id, item.step, item.deadline, item.periodic, answered))
    return result


def compose(session: Session, owed: Iterable[Owed], today: dt.date, tz: ZoneInfo) -> list[Message]:
    """The messages for the owed nudges: the agency's officers (or its head if it has none); escalations
    also to the head, whoever covers for the head, and the office."""
    items = [o for o in owed if not o.skipped]
    if not items:
        return []
    tasks = rows_by_id(session, Task, {o.task_id for o in items})
    notices = rows_by_id(session, Notice, {t.notice_id for t in tasks.values() if t.notice_id})
    agencies = rows_by_id(session, Agency, {o.agency_id for o in items})
    people: dict[int, list[Person]] = {}
    for person in people_of_agencies(session, agencies, [Role.HEAD, Role.STAFF]):
        people.setdefault(person.agency_id or 0, []).append(person)
    office = people_with_role(session, Role.ADMIN)
    covering: dict[int, list[Person]] = {}  # deputies covering for a head (/uyquyen) get the escalations too
    if any(o.step.escalate for o in items):
        for person in deputies(session, {o.agency_id for o in items if o.step.escalate}, today):
            covering.setdefault(person.agency_id or 0, []).append(person)
    parts = parts_by_key(session, {(o.task_id, o.agency_id) for o in items})
    messages = []
    for item in items:
        task, agency = tasks[item.task_id], agencies[item.agency_id]
        part = parts.get((item.task_id, item.agency_id))
        members = people.get(agency.id, [])
        recipients = [p for p in members if p.role == Role.STAFF] or [
            p for p in members if p.role == Role.HEAD
        ]
        if item.step.escalate:
            recipients += [p for p in members if p.role == Role.HEAD] + covering.get(agency.id, []) + office
        seen: set[int] = set()
        for person in recipients:
            if person.id in seen:
                continue
            seen.add(person.id)
            text = nudge_text(
                person.language,
                task=task,
                notice=notices.get(task.notice_id or 0),
                agency=agency,
                step=item.step.name,
                escalate=item.step.escalate,
                deadline=None if item.periodic or item.step.name == RECEIVED else item.deadline,
                original=part.original_deadline if part is not None else None,
                today=today,
                report=part.last_report if part is not None else None,
                tz=tz,
                period=item.deadline if item.periodic else None,
                given=item.deadline if item.step.name == RECEIVED else None,
                for_office=person.role == Role.ADMIN,
            )
            choices: tuple[Choice, ...] = ()
            if item.step.name == RECEIVED:
                with use_language(person.language):
                    choices = (received_choice([task.id]),)
            messages.append(Message(item, person, text, choices))
    return messages


def _last_sweep_day(session: Session, tz: ZoneInfo) -> dt.date | None:
    """The day of the last completed sweep that was allowed to send: a restart catches up from there,
    never from further back."""
    last = last_sweep(session, SWEEP)
    return last.astimezone(tz).date() if last else None


def run_sweep(
    session: Session, now: dt.datetime, tz: ZoneInfo, calendar: WorkCalendar, policy: NudgePolicy
) -> list[Message]:
    """Log and queue every nudge owed now, in the caller's transaction; returns what was queued.

    A run that may not send (before the send hour, on a day off) leaves the sweep state as it is: were it
    recorded, the next allowed run would start its window today and drop what fell due while the bot was
    down. So after any downtime the first allowed run sends each assignment its latest step, once."""
    if not may_send(now, tz, calendar, policy):
        return []
    owed = owed_nudges(session, now, tz, calendar, policy, _last_sweep_day(session, tz), History(session))
    today = now.astimezone(tz).date()
    # Claimed in key order, so two processes sweeping at once wait for each other instead of deadlocking.
    log_ids: dict[Key, int] = {}
    for item in sorted(owed, key=lambda o: o.key):
        log_id = claim_step(session, item.key, item.skipped, item.step.send_on, now)
        if log_id is not None:
            log_ids[item.key] = log_id
    claimed = [item for item in owed if item.key in log_ids]
    messages = compose(session, claimed, today, tz)
    for message in messages:
        queue(session, message.person, message.text, now, "nudge", message.choices, log_ids[message.owed.key])
    record_sweep(session, SWEEP, now)
    return messages


def preview(
    session: Session, at: dt.datetime, tz: ZoneInfo, calendar: WorkCalendar, policy: NudgePolicy
) -> list[Message]:
    """What a sweep at `at` would send, given what was sent; writes nothing."""
    owed = owed_nudges(session, at, tz, calendar, policy, _last_sweep_day(session, tz), History(session))
    return compose(session, owed, at.astimezone(tz).date(), tz)


def plan(
    session: Session, start: dt.date, end: dt.date, tz: ZoneInfo, calendar: WorkCalendar, policy: NudgePolicy
) -> list[tuple[dt.date, Message]]:
    """Day by day, what the bot would send if it ran every day and every nudge were delivered."""
    history = History(session)
    result: list[tuple[dt.date, Message]] = []
    day = start
    while day <= end:
        at = dt.datetime(day.year, day.month, day.day, policy.hour, tzinfo=tz)
        owed = owed_nudges(session, at, tz, calendar, policy, day, history)
        for item in owed:
            history.simulated[item.key] = at.astimezone(dt.UTC)
        result += [(day, message) for message in compose(session, owed, day, tz)]
        day += dt.timedelta(days=1)
    return result
