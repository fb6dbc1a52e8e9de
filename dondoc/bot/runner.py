"""`dondoc run`: the scheduler, the outbox sender and the transports in one event loop."""

import asyncio
import contextlib
import logging
import signal
import sys

from dondoc.bot.app import App
from dondoc.bot.console import ConsoleTransport
from dondoc.bot.outbox_sender import OutboxSender, Transport
from dondoc.bot.scheduler import start_scheduler, stop_scheduler

log = logging.getLogger(__name__)


async def run_bot(app: App, console_user: str, interactive: bool | None = None) -> None:
    """Until SIGTERM/Ctrl-C (or Ctrl-D at the console): messengers answer, nudges are swept and delivered.

    Everything a reply acknowledged is committed before the reply goes out, and queued messages stay in the
    outbox until delivered, so stopping at any moment loses neither.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    transports: list[Transport] = []
    telegram = None
    if app.config.telegram_bot_token:
        from dondoc.bot.telegram import TelegramTransport

        telegram = TelegramTransport(app)
        await telegram.start()
        transports.append(telegram)
    zalo = None
    if app.config.zalo_bot_token:
        from dondoc.bot.zalo import ZaloTransport

        zalo = ZaloTransport(app)
        await zalo.start()
        transports.append(zalo)
    if interactive is None:
        interactive = not transports or sys.stdin.isatty()
    console = ConsoleTransport(app, console_user) if interactive else None
    if console is not None:
        transports.append(console)
    scheduler = start_scheduler(app)
    sending = asyncio.create_task(OutboxSender(app, transports).run(stop))
    try:
        if console is not None:
            await console.interact(stop=stop, deliver=False)
        else:
            await stop.wait()
    finally:
        stop.set()
        await sending
        stop_scheduler(scheduler)
        if telegram is not None:
            await telegram.stop()
        if zalo is not None:
            await zalo.stop()
        log.info("stopped")
