"""The outbox: messages to people, written in the same transaction as what caused them."""

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.store.models import Outbox, Person
from dondoc.store.people import reachable_link


def enqueue(
    session: Session,
    person: Person,
    text: str,
    now: dt.datetime,
    kind: str = "message",
    nudge_id: int | None = None,
    choices: Sequence[tuple[str, str]] = (),
) -> Outbox | None:
    """Queue `text` for `person` through their newest link; None when they cannot be reached.

    `choices` are (label, command) answers offered with it: buttons on Telegram, numbered lines elsewhere.
    """
    if not person.active:
        return None
    link = reachable_link(session, person.id)
    if link is None:
        return None
    row = Outbox(
        person_id=person.id,
        platform=link.platform,
        chat_id=link.chat_id,
        text=text,
        kind=kind,
        nudge_id=nudge_id,
        choices=[list(c) for c in choices] or None,
        created_at=now,
    )
    session.add(row)
    return row


def pending(
    session: Session, platform: str, chat_ids: Iterable[str] | None = None, limit: int = 100
) -> list[Outbox]:
    query = select(Outbox).where(Outbox.sent_at.is_(None), Outbox.platform == platform)
    if chat_ids is not None:
        query = query.where(Outbox.chat_id.in_(list(chat_ids)))
    return list(session.scalars(query.order_by(Outbox.id).limit(limit)))


def mark_sent(session: Session, row: Outbox, now: dt.datetime) -> None:
    row.sent_at = now
    row.attempts += 1
