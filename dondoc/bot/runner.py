"""`dondoc run`: the scheduler, the outbox sender and the transports in one event loop."""

import asyncio
import contextlib
import logging
import signal

from dondoc.bot.app import App
from dondoc.bot.console import ConsoleTransport
from dondoc.bot.outbox_sender import OutboxSender
from dondoc.bot.scheduler import start_scheduler, stop_scheduler

log = logging.getLogger(__name__)


async def run_bot(app: App, console_user: str) -> None:
    """Until Ctrl-D on the console or SIGTERM: nudges are swept on schedule and delivered as they queue."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    scheduler = start_scheduler(app)
    console = ConsoleTransport(app, console_user)
    sender = OutboxSender(app, [console])
    sending = asyncio.create_task(sender.run(stop))
    try:
        await console.interact(stop=stop)
    finally:
        stop.set()
        await sending
        stop_scheduler(scheduler)
        log.info("stopped")
