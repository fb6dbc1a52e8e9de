"""The transport seam: what every messenger (and the console) offers the bot, and the registry of them.

A transport turns its messenger's updates into `Incoming` messages for `on_incoming`, and renders an
outgoing `Reply` (text, choices, attachments) as well as the messenger allows. It is built from its own
config section and knows nothing of the database, the dispatcher or the rest of the bot. Adding a
messenger is one module with a `build(config, menus)` function plus one line in `TRANSPORTS`.
"""

import asyncio
import importlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Protocol, TypeVar

from dondoc.handlers.messages import Incoming, Reply

if TYPE_CHECKING:
    from dondoc.bot.config import Config

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
OnIncoming = Callable[[Incoming], Awaitable[None]]
ATTEMPTS = 4
MAX_BACKOFF = 30.0

# name -> (the module whose `build(config, menus)` makes it, whether the config asks for it). A module is
# imported only when its transport is configured: python-telegram-bot alone costs ~13 MB and ~0.1 s.
TRANSPORTS: dict[str, tuple[str, Callable[["Config"], bool]]] = {
    "telegram": ("dondoc.bot.telegram", lambda config: bool(config.telegram.token)),
    "zalo": ("dondoc.bot.zalo", lambda config: bool(config.zalo.token)),
    "console": ("dondoc.bot.console", lambda config: True),
}


class Delivery(StrEnum):
    SENT = "sent"
    LATER = "later"  # a passing failure: try again later
    FAILED = "failed"  # refused for good (the message itself): the row is closed with the reason
    UNREACHABLE = "unreachable"  # the person blocked the bot or the chat is gone


# Incoming.event values a transport reports besides messages.
BLOCKED = "blocked"
UNBLOCKED = "unblocked"


@dataclass(frozen=True)
class Retry:
    """A passing failure of one attempt: wait `seconds` (None: the growing backoff) and try again."""

    seconds: float | None = None
    error: Exception | None = None


@dataclass(frozen=True)
class Menu:
    """The commands a chat's menu shows; `address` None is the default for everyone (per `language`)."""

    address: str | None
    language: str | None
    commands: tuple[tuple[str, str], ...]  # (command, summary)


# The menus for one address, or (None) the defaults plus every linked person's on that messenger.
MenuSource = Callable[[str | None], list[Menu]]


class Transport(Protocol):
    name: str
    account: str | None  # the bot's public name there (Telegram's @username), known after start
    addresses: Sequence[str] | None  # the only addresses it delivers to (None: all of its messenger's)
    done: asyncio.Event  # set once it will receive nothing more (stopped, input ended, token refused)

    async def start(self, on_incoming: OnIncoming) -> None:
        """Connect and begin passing each person's message to `on_incoming`; returns once running."""

    async def stop(self) -> None: ...

    async def send(self, address: str, message: Reply) -> Delivery:
        """Deliver one message (in pieces if long), retrying passing failures a bounded number of times."""


async def retrying(
    attempt: Callable[[], Awaitable[T | Retry]], sleep: Sleep, attempts: int = ATTEMPTS
) -> T | Retry:
    """Run `attempt` until it gives something other than `Retry`, at most `attempts` times, waiting in
    between what it asks for or a doubling backoff (1 s, 2 s, … up to 30 s). The last `Retry` if none did."""
    delay = 1.0
    result = await attempt()
    for _attempt in range(attempts - 1):
        if not isinstance(result, Retry):
            return result
        await sleep(result.seconds if result.seconds is not None else delay)
        delay = min(delay * 2, MAX_BACKOFF)
        result = await attempt()
    return result


async def send_pieces(
    pieces: Sequence[T], send_piece: Callable[[T], Awaitable[Delivery | Retry]], sleep: Sleep
) -> Delivery:
    """The one delivery path: each piece in order, retried while it fails for a passing reason; stops at
    the first piece that did not go out."""
    for piece in pieces:
        outcome = await retrying(partial(send_piece, piece), sleep)
        if isinstance(outcome, Retry):
            return Delivery.LATER
        if outcome != Delivery.SENT:
            return outcome
    return Delivery.SENT


async def first_of(*waits: Awaitable[object]) -> None:
    """Until the first of `waits` is done; the others are cancelled."""
    futures = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(futures, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for future in futures:
            future.cancel()


def build_transports(config: "Config", menus: Callable[[str, str | None], list[Menu]]) -> list[Transport]:
    """Every configured transport, in registry order (messengers first, the console last); `menus` gives
    a messenger's command menus by its name."""
    return [
        importlib.import_module(module).build(config, partial(menus, name))
        for name, (module, configured) in TRANSPORTS.items()
        if configured(config)
    ]
