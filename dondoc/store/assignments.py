"""What happens to an assignment: completion reported, confirmed, returned, cancelled, extended.

Each function changes one assignment in the caller's transaction and keeps the task's own status in
step; the handlers decide who may do it (`handlers/access.py`) and who is told.
"""

import datetime as dt
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.store.models import (
    AssignmentState,
    ExtensionRequest,
    ExtensionStatus,
    Person,
    Report,
    Task,
    TaskAgency,
)
from dondoc.store.tasks import refresh_task_status


class Completed(Protocol):
    """What `on_time` reads of an assignment: a `TaskAgency`, or the plain `PartLine` lists read."""

    @property
    def state(self) -> AssignmentState: ...

    @property
    def deadline(self) -> dt.date | None: ...

    @property
    def completed_on(self) -> dt.date | None: ...


def on_time(part: Completed) -> bool | None:
    """Whether a confirmed completion was on time: reported on or before the deadline in force (the
    original one, or an approved extension's date). None while not done or undated."""
    if part.state != AssignmentState.DONE or part.completed_on is None or part.deadline is None:
        return None
    return part.completed_on <= part.deadline


def confirm(
    session: Session, task: Task, part: TaskAgency, person: Person | None, now: dt.datetime, today_of
) -> None:
    """`today_of` turns the completion report's time into a local date (the office's time zone)."""
    report = session.get(Report, part.completion_report_id) if part.completion_report_id else None
    part.state = AssignmentState.DONE
    part.completed_on = today_of(report.created_at) if report else today_of(now)
    part.closed_at, part.closed_by_id, part.state_note = now, person.id if person else None, None
    refresh_task_status(session, task, now)


def return_report(part: TaskAgency, reason: str) -> None:
    part.state = AssignmentState.OPEN
    part.completion_report_id = None
    part.state_note = reason


def cancel(session: Session, part: TaskAgency, person: Person | None, reason: str, now: dt.datetime) -> None:
    """Cancel one part and refuse its pending extension; the caller refreshes the task's status once,
    after all the parts it cancels (`refresh_task_status`)."""
    part.state = AssignmentState.CANCELLED
    part.closed_at, part.closed_by_id, part.state_note = now, person.id if person else None, reason
    for request in session.scalars(
        select(ExtensionRequest).where(
            ExtensionRequest.task_id == part.task_id,
            ExtensionRequest.agency_id == part.agency_id,
            ExtensionRequest.status == ExtensionStatus.PENDING,
        )
    ):
        request.status, request.decided_at, request.decision_note = ExtensionStatus.REFUSED, now, reason


def reopen(session: Session, task: Task, part: TaskAgency, now: dt.datetime) -> None:
    """An agency put back on a task it had been taken off."""
    part.state = AssignmentState.OPEN
    part.closed_at = part.closed_by_id = part.state_note = None
    refresh_task_status(session, task, now)


def pending_extension(session: Session, task_id: int, agency_id: int) -> ExtensionRequest | None:
    return session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.task_id == task_id,
            ExtensionRequest.agency_id == agency_id,
            ExtensionRequest.status == ExtensionStatus.PENDING,
        )
    )


def agencies_with_pending_extension(session: Session, task_id: int) -> set[int]:
    return set(
        session.scalars(
            select(ExtensionRequest.agency_id).where(
                ExtensionRequest.task_id == task_id, ExtensionRequest.status == ExtensionStatus.PENDING
            )
        )
    )


def extensions_of_task(
    session: Session, task_id: int, agency_ids: set[int] | None = None
) -> list[ExtensionRequest]:
    rows = session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.task_id == task_id).order_by(ExtensionRequest.id)
    )
    return [r for r in rows if agency_ids is None or r.agency_id in agency_ids]


def request_extension(
    session: Session, part: TaskAgency, person: Person, new_deadline: dt.date, reason: str, now: dt.datetime
) -> ExtensionRequest:
    request = ExtensionRequest(
        task_id=part.task_id,
        agency_id=part.agency_id,
        person_id=person.id,
        previous_deadline=part.deadline,
        requested_deadline=new_deadline,
        reason=reason,
        status=ExtensionStatus.PENDING,
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request


def approve_extension(
    request: ExtensionRequest, part: TaskAgency, person: Person | None, now: dt.datetime
) -> None:
    """The assignment's deadline moves (and with it its nudges); the original stays on record."""
    request.status, request.decided_at = ExtensionStatus.APPROVED, now
    request.decided_by_id = person.id if person else None
    part.deadline = request.requested_deadline


def refuse_extension(request: ExtensionRequest, person: Person | None, reason: str, now: dt.datetime) -> None:
    request.status, request.decided_at, request.decision_note = ExtensionStatus.REFUSED, now, reason
    request.decided_by_id = person.id if person else None
