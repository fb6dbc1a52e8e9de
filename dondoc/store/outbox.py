"""The outbox: messages to people, written in the same transaction as what caused them."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.orm import Session

from dondoc.store.models import NudgeLog, Outbox, Person
from dondoc.store.people import reachable_address

SENT = "sent"  # a nudge log row's outcome once one of its messages was delivered (queued before)
_INSERT = insert(Outbox.__table__)


def enqueue(
    session: Session,
    person: Person,
    text: str,
    now: dt.datetime,
    kind: str = "message",
    nudge_id: int | None = None,
    choices: Sequence[tuple[str, str]] = (),
    file_id: int | None = None,
) -> int | None:
    """Queue `text` for `person` through their newest link; the new row's id, None when they cannot be
    reached.

    `choices` are (label, command) answers offered with it: buttons on Telegram, numbered lines elsewhere;
    `file_id` a stored file sent with it.
    The row is inserted at once (a statement compiled once), not added to the session to be flushed.
    """
    if not person.active:
        return None
    address = reachable_address(session, person.id)
    if address is None:
        return None
    # An INSERT's result is a CursorResult, which `Session.execute` is not typed to say.
    result = cast(
        CursorResult[Any],
        session.execute(
            _INSERT,
            {
                "person_id": person.id,
                "platform": address[0],
                "chat_id": address[1],
                "text": text,
                "kind": kind,
                "nudge_id": nudge_id,
                "choices": [list(c) for c in choices] or None,
                "file_id": file_id,
                "created_at": now,
            },
        ),
    )
    key = result.inserted_primary_key
    assert key is not None  # typed optional; a one-row INSERT always has it
    return key[0]


def pending(
    session: Session, platform: str, chat_ids: Iterable[str] | None = None, limit: int = 100
) -> list[Outbox]:
    query = select(Outbox).where(Outbox.sent_at.is_(None), Outbox.platform == platform)
    if chat_ids is not None:
        query = query.where(Outbox.chat_id.in_(list(chat_ids)))
    return list(session.scalars(query.order_by(Outbox.id).limit(limit)))


def settle(session: Session, row_id: int, now: dt.datetime, error: str | None = None) -> None:
    """Close an outbox row: delivered (`error` None) or never deliverable. A delivered nudge's log row
    now says sent; until then it says queued."""
    row = session.get(Outbox, row_id)
    if row is None or row.sent_at is not None:
        return
    row.sent_at, row.last_error = now, error
    row.attempts += 1
    if error is None and row.nudge_id is not None:
        session.execute(update(NudgeLog).where(NudgeLog.id == row.nudge_id).values(outcome=SENT))


def drop_pending(session: Session, person_id: int, now: dt.datetime, error: str) -> int:
    """Close every message still queued for a person (taken off: none of it may reach them now) with
    `error` as why; returns how many."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Outbox)
            .where(Outbox.person_id == person_id, Outbox.sent_at.is_(None))
            .values(sent_at=now, last_error=error)
        ),
    )
    return result.rowcount
