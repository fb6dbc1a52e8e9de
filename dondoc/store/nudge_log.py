"""The nudge log and the sweep's state: what was owed and claimed, so no step is sent twice."""

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dondoc.store.db import claim, insert_for
from dondoc.store.models import NudgeLog, Report, SweepState

QUEUED = "queued"
SKIPPED = "skipped"

Key = tuple[int, int, str, dt.date | None]  # task, agency, step, deadline (or the period's first day)


def logged_keys(session: Session, task_ids: Iterable[int]) -> set[Key]:
    ids = list(task_ids)
    if not ids:
        return set()
    rows = session.execute(
        select(NudgeLog.task_id, NudgeLog.agency_id, NudgeLog.step, NudgeLog.deadline).where(
            NudgeLog.task_id.in_(ids)
        )
    ).all()
    return {(t, a, step, deadline) for t, a, step, deadline in rows}


def last_nudged(session: Session, task_ids: Iterable[int]) -> dict[tuple[int, int], dt.datetime]:
    """When each (task, agency) was last nudged (or skipped)."""
    return _latest(session, NudgeLog, task_ids)


def last_reported(session: Session, task_ids: Iterable[int]) -> dict[tuple[int, int], dt.datetime]:
    """When each (task, agency) last reported anything."""
    return _latest(session, Report, task_ids)


def _latest(
    session: Session, model: type[NudgeLog] | type[Report], task_ids: Iterable[int]
) -> dict[tuple[int, int], dt.datetime]:
    ids = list(task_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(model.task_id, model.agency_id, func.max(model.created_at))
        .where(model.task_id.in_(ids))
        .group_by(model.task_id, model.agency_id)
    ).all()
    return {(t, a): when for t, a, when in rows}


def claim_step(session: Session, key: Key, skipped: bool, due_on: dt.date, now: dt.datetime) -> int | None:
    """The log row's id, or None when another sweep claimed this step first. Logged as queued (or
    skipped); the outbox marks it sent when one of its messages is delivered."""
    task_id, agency_id, step, deadline = key
    return claim(
        session,
        NudgeLog,
        task_id=task_id,
        agency_id=agency_id,
        step=step,
        deadline=deadline,
        outcome=SKIPPED if skipped else QUEUED,
        due_on=due_on,
        created_at=now,
    )


def last_sweep(session: Session, name: str) -> dt.datetime | None:
    state = session.get(SweepState, name)
    return state.last_run_at if state else None


def record_sweep(session: Session, name: str, now: dt.datetime) -> None:
    insert = insert_for(session)
    session.execute(
        insert(SweepState)
        .values(name=name, last_run_at=now)
        .on_conflict_do_update(index_elements=["name"], set_={"last_run_at": now})
    )
