"""Guided flows: the step a person is at, kept in the database so a restart loses nothing."""

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from dondoc.handlers.messages import Choice, Context, Reply
from dondoc.store.conversations import end_conversation, save_unless_other_flow, start_conversation
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
        ctx.conversation = start_conversation(ctx.session, ctx.person.id, flow, data, ctx.now)
    else:
        ctx.conversation.flow, ctx.conversation.state, ctx.conversation.updated_at = flow, data, ctx.now
    return Reply(text, tuple(offered))


def end(ctx: Context) -> None:
    if ctx.conversation is not None:
        end_conversation(ctx.session, ctx.conversation)
        ctx.conversation = None


def offered_choices(conversation: Conversation) -> list[str]:
    return list(conversation.state.get(CHOICES_KEY, []))


OFFER = "offer"  # answers offered with a queued message; any other text leaves it


def offer(session: Session, person_id: int, commands: list[str], now: dt.datetime) -> None:
    """Let the person answer a queued message's choices by number, unless they are in a guided flow.

    Each choice is a command ("/danhan 12"); a newer offer replaces an older one.
    """
    save_unless_other_flow(session, person_id, OFFER, {CHOICES_KEY: commands}, now)


def is_offer(conversation: Conversation) -> bool:
    return conversation.flow == OFFER
