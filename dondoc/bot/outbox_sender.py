"""The outbox sender: drains queued messages through each transport, closing a row only once it is sent
(or can never be)."""

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from dondoc.bot.app import App
from dondoc.bot.transport import Delivery, Transport, first_of
from dondoc.handlers.messages import Attachment, Choice, Reply
from dondoc.store.files import stored_files
from dondoc.store.outbox import pending, settle

log = logging.getLogger(__name__)
BATCH = 100


class OutboxSender:
    def __init__(self, app: App, transports: Sequence[Transport], interval: float = 2.0) -> None:
        self.app = app
        self.transports = {t.name: t for t in transports}
        self.interval = interval
        self.wake = asyncio.Event()  # set after a message was answered: its queued messages go out now
        self._locks = {name: asyncio.Lock() for name in self.transports}

    async def drain(self, only: Transport | None = None) -> int:
        """Send everything pending now (for one transport, or all), batch by batch; returns how many rows
        were delivered. One drain per transport at a time, so no row is sent twice."""
        delivered = 0
        for transport in [only] if only is not None else list(self.transports.values()):
            async with self._locks[transport.name]:
                delivered += await self._drain(transport)
        return delivered

    async def _drain(self, transport: Transport) -> int:
        delivered = 0
        while True:
            rows = await asyncio.to_thread(self._pending, transport.name, transport.addresses)
            settled = 0
            for row_id, address, message in rows:
                outcome = await transport.send(address, message)
                if outcome != Delivery.LATER:
                    await asyncio.to_thread(self._settle, row_id, transport.name, address, outcome)
                    delivered += outcome == Delivery.SENT
                    settled += 1
            if len(rows) < BATCH or settled == 0:
                return delivered  # done, or only passing failures left: try again on the next round

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.wake.clear()
            try:
                await self.drain()
            except Exception:
                log.exception("outbox sender failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(first_of(stop.wait(), self.wake.wait()), self.interval)

    def _pending(self, name: str, addresses: Sequence[str] | None) -> list[tuple[int, str, Reply]]:
        with self.app.sessions() as session:
            rows = pending(session, name, addresses, limit=BATCH)
            files = stored_files(session, {r.file_id for r in rows if r.file_id is not None})
            return [
                (
                    r.id,
                    r.chat_id,
                    Reply(
                        r.text,
                        tuple(Choice(label, data) for label, data in r.choices or ()),
                        tuple(
                            Attachment(f.filename, f.content, mime_type=f.mime_type)
                            for f in ([files[r.file_id]] if r.file_id in files else [])
                        ),
                        queued=True,
                    ),
                )
                for r in rows
            ]

    def _settle(self, row_id: int, name: str, address: str, outcome: Delivery) -> None:
        with self.app.sessions() as session:
            settle(session, row_id, self.app.clock(), None if outcome == Delivery.SENT else outcome.value)
            session.commit()
        if outcome == Delivery.UNREACHABLE:
            self.app.mark_reachable(name, address, False)
