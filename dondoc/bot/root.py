"""The composition root: config → engine and dispatcher (`App`) → transports → outbox sender → scheduler.

`Bot.build` wires them; `start` starts them in that order and `stop` stops them in reverse. Everything a
reply acknowledged is committed before the reply goes out, and queued messages stay in the outbox until
delivered, so stopping at any moment loses neither.

A transport that cannot start, or whose token is refused, stops alone: the rest of the bot goes on. When
no messenger is left and nobody is at the console, `run` ends with status 1 and says why, so that a
supervisor (systemd, Docker) shows the failure; SIGTERM and Ctrl-C end it with status 0 in any state.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace

from dondoc.bot.app import App
from dondoc.bot.config import Config
from dondoc.bot.console import ConsoleTransport
from dondoc.bot.outbox_sender import OutboxSender
from dondoc.bot.transport import BLOCKED, UNBLOCKED, Delivery, Transport, build_transports, first_of
from dondoc.handlers.dispatch import Clock, utc_now
from dondoc.handlers.messages import Attachment, Incoming

log = logging.getLogger(__name__)


class Bot:
    def __init__(self, app: App, transports: Sequence[Transport], schedule: bool = True) -> None:
        self.app = app
        self.transports = {t.name: t for t in transports}
        self.sender = OutboxSender(app, transports)
        self.schedule = schedule
        self._stopping = asyncio.Event()
        self._stops: list[Callable[[], Awaitable[None]]] = []

    @classmethod
    def build(
        cls,
        config: Config,
        clock: Clock = utc_now,
        app: App | None = None,
        messengers: bool = True,
        schedule: bool = True,
        console_user: str | None = None,
        read_input: bool | None = None,
    ) -> "Bot":
        """The bot as configured. Without `messengers` (the `console` and `say` commands), the console
        alone, speaking as `console_user`."""
        if console_user or read_input is not None:
            console = replace(
                config.console,
                user=console_user or config.console.user,
                read_input=config.console.read_input if read_input is None else read_input,
            )
            config = replace(config, console=console)
        app = app or App(config, clock=clock)
        if messengers:
            transports = build_transports(config, app.menus)
        else:
            transports = [
                ConsoleTransport(config.console, config.default_language, interactive=bool(read_input))
            ]
        return cls(app, transports, schedule=schedule)

    @property
    def console(self) -> ConsoleTransport | None:
        transport = self.transports.get("console")
        return transport if isinstance(transport, ConsoleTransport) else None

    # Lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Transports, then the outbox sender, then the scheduler; on a failure, what started is stopped."""
        try:
            for transport in self.transports.values():
                await self.start_transport(transport)
            sending = asyncio.create_task(self.sender.run(self._stopping))

            async def stop_sending() -> None:
                self._stopping.set()
                await sending

            self._stops.append(stop_sending)
            if self.schedule:
                from dondoc.bot.scheduler import Scheduler  # APScheduler only where nudges are sent

                scheduler = Scheduler(self.app)
                await scheduler.start()
                self._stops.append(scheduler.stop)
        except BaseException:
            await self.stop()
            raise

    async def start_transport(self, transport: Transport) -> None:
        """One transport, its updates answered here (`stop` stops it, even when its start was cut short).
        One that fails to start is logged and left out; the others go on."""
        self._stops.append(transport.stop)
        try:
            await transport.start(self.on_incoming)
        except Exception as exc:  # a messenger logs its own expected failures; this is anything else
            log.error(
                "%s: could not start (%s: %s); it is not running", transport.name, type(exc).__name__, exc
            )
            log.debug("%s: the start-up error", transport.name, exc_info=True)
            transport.done.set()
            return
        if transport.account and transport.name == "telegram" and not self.app.dispatcher.bot_username:
            self.app.dispatcher.bot_username = transport.account  # invites print t.me deep links

    async def stop(self) -> None:
        """Everything started, in reverse order."""
        while self._stops:
            stop = self._stops.pop()
            try:
                await stop()
            except Exception:
                log.exception("stopping a part of the bot failed")

    async def run(self, stop: asyncio.Event | None = None) -> int:
        """Until SIGTERM/Ctrl-C, `stop`, or every transport has stopped receiving (the console's input
        ended and no messenger runs). Returns the exit status: 1 when the messengers all stopped by
        themselves (refused, or could not start) or on an unexpected error, else 0."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        status = 0
        try:
            if await _unless(stop, self.start()):
                await first_of(stop.wait(), _all(t.done for t in self.transports.values()))
            if not stop.is_set() and self._messengers():
                names = ", ".join(t.name for t in self._messengers())
                log.error("no messenger is running (%s); the bot stops, see the lines above", names)
                status = 1
        except Exception as exc:
            log.critical("the bot failed: %s", type(exc).__name__, exc_info=True)
            status = 1
        finally:
            await self.stop()
            log.info("stopped")
        return status

    def _messengers(self) -> list[Transport]:
        """The transports of a messenger (the console delivers to its own addresses only)."""
        return [t for t in self.transports.values() if t.addresses is None]

    # Messages --------------------------------------------------------------------------------

    async def on_incoming(self, incoming: Incoming) -> None:
        """One update from a transport: answered through the same transport, by the one delivery path."""
        transport = self.transports[incoming.platform]
        if incoming.event in (BLOCKED, UNBLOCKED):
            await asyncio.to_thread(
                self.app.mark_reachable, incoming.platform, incoming.chat_id, incoming.event == UNBLOCKED
            )
            return
        # The dispatcher commits everything the message changed before it returns the replies.
        replies = await asyncio.to_thread(self.app.dispatcher.handle, incoming)
        for reply in replies:
            outcome = await transport.send(incoming.chat_id, reply)
            if outcome == Delivery.UNREACHABLE:
                await asyncio.to_thread(self.app.mark_reachable, incoming.platform, incoming.chat_id, False)
                break
            if outcome != Delivery.SENT:
                log.warning("%s: a reply could not be delivered (%s)", incoming.platform, outcome.value)
        if transport.addresses is not None:
            await self.sender.drain(transport)  # a local transport prints its queued messages at once
        else:
            self.sender.wake.set()

    async def say(self, text: str, attachments: tuple[Attachment, ...] = ()) -> None:
        """One console message (`dondoc say`): the replies and the messages queued for the speaker printed."""
        console = self.console
        assert console is not None
        await self.on_incoming(console.incoming(text, attachments))

    def close(self) -> None:
        self.app.close()


async def _all(events: Iterable[asyncio.Event]) -> None:
    for event in list(events):
        await event.wait()


async def _unless(stop: asyncio.Event, work: Awaitable[None]) -> bool:
    """`work` to its end, unless `stop` is set first: then it is cancelled (SIGTERM during a start-up
    that is still retrying). Whether it ended; its error, if it failed, is raised."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # the caller itself was cancelled
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise
    finally:
        stopping.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False
