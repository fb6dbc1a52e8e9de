"""Who covers for an agency's head until a day (/uyquyen): a deputy gets what is meant for the head."""

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from dondoc.store.models import Delegation, Person


def _current(agency_ids: list[int], today: dt.date) -> Select[Delegation]:
    return select(Delegation).where(
        Delegation.agency_id.in_(agency_ids), Delegation.ended_at.is_(None), Delegation.until >= today
    )


def current_delegations(session: Session, agency_id: int, today: dt.date) -> list[Delegation]:
    """The delegations of an agency in force today, the soonest to end first."""
    query = _current([agency_id], today).order_by(Delegation.until, Delegation.id)
    return list(session.scalars(query))


def deputies(session: Session, agency_ids: Iterable[int], today: dt.date) -> list[Person]:
    """The people covering today for the head of one of these agencies: still registered, still there."""
    ids = list(agency_ids)
    if not ids:
        return []
    query = (
        select(Person)
        .join(Delegation, Delegation.deputy_id == Person.id)
        .where(
            Delegation.id.in_(_current(ids, today).with_only_columns(Delegation.id)),
            Person.active.is_(True),
            Person.agency_id == Delegation.agency_id,
        )
        .order_by(Person.id)
    )
    return list(dict.fromkeys(session.scalars(query)))


def delegate(
    session: Session, agency_id: int, deputy: Person, until: dt.date, by: Person | None, now: dt.datetime
) -> Delegation:
    """`deputy` covers for the agency's head until `until` (included); a delegation to the same person
    still in force is replaced."""
    session.execute(
        update(Delegation)
        .where(
            Delegation.agency_id == agency_id,
            Delegation.deputy_id == deputy.id,
            Delegation.ended_at.is_(None),
        )
        .values(ended_at=now)
    )
    delegation = Delegation(
        agency_id=agency_id,
        deputy_id=deputy.id,
        until=until,
        created_by_id=by.id if by else None,
        created_at=now,
    )
    session.add(delegation)
    session.flush()
    return delegation


def end_delegations(session: Session, agency_id: int, now: dt.datetime) -> int:
    """End early every delegation of the agency still open; how many."""
    rows = list(
        session.scalars(
            select(Delegation).where(Delegation.agency_id == agency_id, Delegation.ended_at.is_(None))
        )
    )
    for row in rows:
        row.ended_at = now
    return len(rows)
