"""The outbox sender: drains queued messages through each transport, marking a row sent only once it is."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Protocol, TypeVar

from dondoc.bot.app import App
from dondoc.handlers.messages import Choice
from dondoc.store.models import Outbox
from dondoc.store.outbox import mark_sent, pending

log = logging.getLogger(__name__)
BATCH = 100
T = TypeVar("T")


class Delivery(StrEnum):
    SENT = "sent"
    LATER = "later"  # a passing failure: the row stays pending
    FAILED = "failed"  # it will never go through (blocked, unknown chat): the row is closed with the reason


class Transport(Protocol):
    platform: str

    def chat_ids(self) -> list[str] | None:
        """The chats this transport delivers to now (None: every chat of its platform)."""

    async def send(self, chat_id: str, text: str, choices: tuple[Choice, ...] = ()) -> Delivery:
        """Deliver one queued message, with the answers it offers (buttons, or numbered lines)."""


async def send_in_pieces(deliver: Callable[[T], Awaitable[Delivery]], pieces: list[T]) -> Delivery:
    """Send a long text piece by piece; stop at the first piece that did not go out."""
    for piece in pieces:
        outcome = await deliver(piece)
        if outcome != Delivery.SENT:
            return outcome
    return Delivery.SENT


class OutboxSender:
    def __init__(self, app: App, transports: list[Transport], interval: float = 2.0) -> None:
        self.app = app
        self.transports = {t.platform: t for t in transports}
        self.interval = interval

    async def drain(self) -> int:
        """Send everything pending now, batch by batch; returns how many rows were delivered."""
        delivered = 0
        for platform, transport in self.transports.items():
            while True:
                rows = await asyncio.to_thread(self._pending, platform, transport.chat_ids())
                settled = 0
                for row_id, chat_id, text, choices in rows:
                    outcome = await transport.send(chat_id, text, choices)
                    if outcome != Delivery.LATER:
                        await asyncio.to_thread(self._mark, row_id, outcome)
                        delivered += outcome == Delivery.SENT
                        settled += 1
                if len(rows) < BATCH or settled == 0:
                    break  # done, or only passing failures left: try again on the next round
        return delivered

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.drain()
            except Exception:
                log.exception("outbox sender failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    def _pending(
        self, platform: str, chat_ids: list[str] | None
    ) -> list[tuple[int, str, str, tuple[Choice, ...]]]:
        with self.app.sessions() as session:
            return [
                (r.id, r.chat_id, r.text, tuple(Choice(label, data) for label, data in r.choices or ()))
                for r in pending(session, platform, chat_ids, limit=BATCH)
            ]

    def _mark(self, row_id: int, outcome: Delivery) -> None:
        with self.app.sessions() as session:
            row = session.get(Outbox, row_id)
            if row is not None and row.sent_at is None:
                mark_sent(session, row, self.app.clock())
                if outcome == Delivery.FAILED:
                    row.last_error = "undeliverable"
                session.commit()
