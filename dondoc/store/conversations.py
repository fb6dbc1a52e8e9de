"""Where each person is in a guided flow: one row per person, so a restart loses nothing."""

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from dondoc.store.db import insert_for
from dondoc.store.models import Conversation


def start_conversation(
    session: Session, person_id: int, flow: str, state: dict[str, Any], now: dt.datetime
) -> Conversation:
    conversation = Conversation(person_id=person_id, flow=flow, state=state, updated_at=now)
    session.add(conversation)
    return conversation


def end_conversation(session: Session, conversation: Conversation) -> None:
    if conversation in session:
        session.delete(conversation)


def save_unless_other_flow(
    session: Session, person_id: int, flow: str, state: dict[str, Any], now: dt.datetime
) -> None:
    """Start `flow` for the person, or replace its state; a person in another flow is left in it."""
    insert = insert_for(session)
    session.execute(
        insert(Conversation)
        .values(person_id=person_id, flow=flow, state=state, updated_at=now)
        .on_conflict_do_update(
            index_elements=["person_id"],
            set_={"state": state, "updated_at": now},
            where=Conversation.flow == flow,
        )
    )
