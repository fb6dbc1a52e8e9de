"""Broadcasts: whom an audience means, what was sent to whom, and what became of each message."""

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, case, func, insert, select, update
from sqlalchemy.orm import Session, joinedload

from dondoc.store.agencies import COMMUNE_KINDS, DEPARTMENT_KINDS, KINDS
from dondoc.store.models import (
    Agency,
    AssignmentState,
    Broadcast,
    BroadcastRecipient,
    Outbox,
    Person,
    Task,
    TaskAgency,
)

__all__ = ["COMMUNE_KINDS", "DEPARTMENT_KINDS", "EVERY_KIND"]
# "tatca": every agency that takes assignments; not the offices (the sender's own, the party's and the
# assembly's) nor the Party's bodies, which are told only when named.
EVERY_KIND = tuple(kind for kind in KINDS if kind not in ("office", "party"))
# What the outbox sender writes as `last_error` for a chat that blocked the bot or is gone (the value of
# `bot.transport.Delivery.UNREACHABLE`): for a broadcast that person is unreachable, not a failed send.
UNREACHABLE_ERROR = "unreachable"


class Status(enum.StrEnum):
    """What became of one recipient row."""

    NOBODY = "nobody"  # an agency of the audience with nobody registered to receive it
    UNREACHABLE = "unreachable"  # registered, but no reachable chat (when sent, or found blocked later)
    QUEUED = "queued"  # in the outbox, not sent yet
    DELIVERED = "delivered"
    FAILED = "failed"  # the messenger refused it for good


# Audiences ----------------------------------------------------------------------------------


def active_agency_ids(session: Session, kinds: Sequence[str] | None = None) -> list[int]:
    """Every active agency of the directory, or those of these kinds."""
    query = select(Agency.id).where(Agency.active.is_(True))
    if kinds is not None:
        query = query.where(Agency.kind.in_(kinds))
    return list(session.scalars(query.order_by(Agency.id)))


def task_agency_ids(session: Session, task_id: int) -> list[int] | None:
    """The active agencies with a part in the task (lead or cooperating, not cancelled); None when there is
    no such task."""
    if session.get(Task, task_id) is None:
        return None
    return list(
        session.scalars(
            select(TaskAgency.agency_id)
            .join(Agency, Agency.id == TaskAgency.agency_id)
            .where(
                TaskAgency.task_id == task_id,
                TaskAgency.state != AssignmentState.CANCELLED,
                Agency.active.is_(True),
            )
            .order_by(TaskAgency.id)
        )
    )


# Sending ------------------------------------------------------------------------------------


def add_broadcast(
    session: Session,
    *,
    by: Person | None,
    audience: str,
    text: str,
    created_at: dt.datetime,
    confirmed_at: dt.datetime,
) -> Broadcast:
    broadcast = Broadcast(
        created_by_id=by.id if by else None,
        created_at=created_at,
        confirmed_at=confirmed_at,
        audience=audience,
        text=text,
    )
    session.add(broadcast)
    session.flush()
    return broadcast


@dataclass(frozen=True)
class Sent:
    """One recipient row to write: the agency, and the person with their outbox row (None: nobody
    registered / could not be reached)."""

    agency_id: int
    person_id: int | None = None
    outbox_id: int | None = None


def add_recipients(session: Session, broadcast_id: int, rows: Iterable[Sent]) -> None:
    """Every recipient row of a broadcast, in one statement."""
    values = [
        {
            "broadcast_id": broadcast_id,
            "agency_id": r.agency_id,
            "person_id": r.person_id,
            "outbox_id": r.outbox_id,
        }
        for r in rows
    ]
    if values:
        session.execute(insert(BroadcastRecipient.__table__), values)


def acknowledge(
    session: Session, person_id: int, broadcast_id: int | None, now: dt.datetime
) -> tuple[list[int], list[int]]:
    """Mark the person's own recipient row of one broadcast (or of every broadcast they have not yet
    acknowledged, with `broadcast_id` None) acknowledged. Returns the broadcasts newly acknowledged and
    those that already were; both empty when none was sent to them."""
    mine = [BroadcastRecipient.person_id == person_id]
    if broadcast_id is not None:
        mine.append(BroadcastRecipient.broadcast_id == broadcast_id)
    rows = session.execute(
        select(BroadcastRecipient.broadcast_id, BroadcastRecipient.acknowledged_at)
        .where(*mine)
        .order_by(BroadcastRecipient.broadcast_id)
    ).all()
    new = [b for b, at in rows if at is None]
    if new:
        session.execute(
            update(BroadcastRecipient)
            .where(
                *mine, BroadcastRecipient.broadcast_id.in_(new), BroadcastRecipient.acknowledged_at.is_(None)
            )
            .values(acknowledged_at=now)
        )
    return new, [b for b, at in rows if at is not None]


# Reading ------------------------------------------------------------------------------------


def _status() -> ColumnElement[str]:
    """A recipient row's `Status`, from the row and its outbox row (outer-joined)."""
    return case(
        (BroadcastRecipient.person_id.is_(None), Status.NOBODY.value),
        (BroadcastRecipient.outbox_id.is_(None), Status.UNREACHABLE.value),
        (Outbox.last_error == UNREACHABLE_ERROR, Status.UNREACHABLE.value),
        (Outbox.last_error.is_not(None), Status.FAILED.value),
        (Outbox.sent_at.is_(None), Status.QUEUED.value),
        else_=Status.DELIVERED.value,
    )


@dataclass
class Tally:
    """Recipients counted by what became of them: of one agency, or of a whole broadcast."""

    people: int = 0
    delivered: int = 0
    acknowledged: int = 0
    queued: int = 0
    failed: int = 0
    unreachable: int = 0
    agencies: int = 0  # agencies of the audience (with anyone registered or not)
    nobody: int = 0  # of them, with nobody registered

    def add(self, status: Status, count: int, acknowledged: int) -> None:
        self.acknowledged += acknowledged
        if status == Status.NOBODY:
            return
        self.people += count
        if status == Status.DELIVERED:
            self.delivered += count
        elif status == Status.QUEUED:
            self.queued += count
        elif status == Status.FAILED:
            self.failed += count
        else:
            self.unreachable += count

    def add_agency(self, agency: "Tally") -> None:
        for name in ("people", "delivered", "acknowledged", "queued", "failed", "unreachable"):
            setattr(self, name, getattr(self, name) + getattr(agency, name))
        self.agencies += 1
        self.nobody += agency.people == 0


@dataclass
class Counted:
    """A broadcast's tally, and each of its agencies' (by agency id)."""

    total: Tally = field(default_factory=Tally)
    agencies: dict[int, Tally] = field(default_factory=dict)


def tallies(session: Session, broadcast_ids: Iterable[int]) -> dict[int, Counted]:
    """Each broadcast's recipients counted, per agency and in all, by one grouped query."""
    ids = list(broadcast_ids)
    if not ids:
        return {}
    # Grouped by the status column of a subquery: grouping by the CASE itself would repeat its literals as
    # new bound parameters, which PostgreSQL cannot tell are the same expression as the selected one.
    each = (
        select(
            BroadcastRecipient.broadcast_id,
            BroadcastRecipient.agency_id,
            _status().label("status"),
            BroadcastRecipient.acknowledged_at,
        )
        .outerjoin(Outbox, Outbox.id == BroadcastRecipient.outbox_id)
        .where(BroadcastRecipient.broadcast_id.in_(ids))
        .subquery()
    )
    rows = session.execute(
        select(
            each.c.broadcast_id,
            each.c.agency_id,
            each.c.status,
            func.count(),
            func.count(each.c.acknowledged_at),
        ).group_by(each.c.broadcast_id, each.c.agency_id, each.c.status)
    ).all()
    counted: dict[int, Counted] = {i: Counted() for i in ids}
    for broadcast_id, agency_id, state, count, acknowledged in rows:
        counted[broadcast_id].agencies.setdefault(agency_id, Tally()).add(Status(state), count, acknowledged)
    for item in counted.values():
        for agency in item.agencies.values():
            item.total.add_agency(agency)
    return counted


@dataclass(frozen=True)
class Problem:
    """A recipient the office may have to phone: their send failed, or they cannot be reached."""

    agency_id: int
    name: str
    status: Status
    error: str | None


def problems(session: Session, broadcast_id: int) -> list[Problem]:
    status = _status()
    rows = session.execute(
        select(BroadcastRecipient.agency_id, Person.name, status, Outbox.last_error)
        .join(Person, Person.id == BroadcastRecipient.person_id)
        .outerjoin(Outbox, Outbox.id == BroadcastRecipient.outbox_id)
        .where(
            BroadcastRecipient.broadcast_id == broadcast_id,
            status.in_([Status.FAILED.value, Status.UNREACHABLE.value]),
        )
        .order_by(BroadcastRecipient.id)
    ).all()
    return [Problem(agency_id, name, Status(state), error) for agency_id, name, state, error in rows]


def get_broadcast(session: Session, broadcast_id: int) -> Broadcast | None:
    return session.get(Broadcast, broadcast_id, options=[joinedload(Broadcast.created_by)])


def recent_broadcasts(session: Session, limit: int) -> tuple[list[Broadcast], int]:
    """The newest broadcasts, with who sent them; and how many there are."""
    rows = session.scalars(
        select(Broadcast).options(joinedload(Broadcast.created_by)).order_by(Broadcast.id.desc()).limit(limit)
    )
    return list(rows), session.scalar(select(func.count()).select_from(Broadcast)) or 0
