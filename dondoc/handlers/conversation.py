"""Guided flows: the step a person is at, kept in the database so a restart loses nothing."""

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from dondoc.handlers.messages import Choice, Context, Reply
from dondoc.store.db import insert_for
from dondoc.store.models import Conversation

CHOICES_KEY = "_choices"


def ask(
    ctx: Context, flow: str, state: dict[str, Any], text: str, choices: list[Choice] | None = None
) -> Reply:
    """Save where the person is and ask the next question, with numbered choices if any."""
    assert ctx.person is not None, "flows are for known people"
    offered = list(choices or ())
    data = {**state, CHOICES_KEY: [c.data for c in offered]}
    if ctx.conversation is None:
        ctx.conversation = Conversation(person_id=ctx.person.id, flow=flow, state=data, updated_at=ctx.now)
        ctx.session.add(ctx.conversation)
    else:
        ctx.conversation.flow, ctx.conversation.state, ctx.conversation.updated_at = flow, data, ctx.now
    return Reply(text, tuple(offered))


def end(ctx: Context) -> None:
    if ctx.conversation is not None:
        if ctx.conversation in ctx.session:
            ctx.session.delete(ctx.conversation)
        ctx.conversation = None


def offered_choices(conversation: Conversation) -> list[str]:
    return list(conversation.state.get(CHOICES_KEY, []))


OFFER = "offer"  # answers offered with a queued message; any other text leaves it


def offer(session: Session, person_id: int, commands: list[str], now: dt.datetime) -> None:
    """Let the person answer a queued message's choices by number, unless they are in a guided flow.

    Each choice is a command ("/danhan 12"); a newer offer replaces an older one.
    """
    insert = insert_for(session)
    state = {CHOICES_KEY: commands}
    session.execute(
        insert(Conversation)
        .values(person_id=person_id, flow=OFFER, state=state, updated_at=now)
        .on_conflict_do_update(
            index_elements=["person_id"],
            set_={"state": state, "updated_at": now},
            where=Conversation.flow == OFFER,
        )
    )


def is_offer(conversation: Conversation) -> bool:
    return conversation.flow == OFFER
