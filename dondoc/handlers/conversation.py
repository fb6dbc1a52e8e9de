"""Guided flows: the step a person is at, kept in the database so a restart loses nothing."""

from typing import Any

from dondoc.handlers.messages import Choice, Context, Reply
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
