"""APScheduler 3 in the bot's event loop: three fixed jobs with stable ids.

The database is the truth about what is owed (the nudge log, the sweep state, the digest log); the jobs
only say when to look. So they live in memory, bound to this process's `App`: a restart re-creates them
and the first sweep runs at once, catching up from the database.
"""

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from dondoc.bot.app import App
from dondoc.nudges.digests import DAILY, WEEKLY

log = logging.getLogger(__name__)
JOB_IDS = ("sweep", "daily-digest", "weekly-digest")


class Scheduler:
    def __init__(self, app: App) -> None:
        self.app = app
        self._running: set[asyncio.Future[object]] = set()
        config = app.config
        self.scheduler = AsyncIOScheduler(
            timezone=config.tz,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        daily_hour, daily_minute = (int(v) for v in config.daily_digest_time.split(":"))
        weekly_hour, weekly_minute = (int(v) for v in config.weekly_digest_time.split(":"))
        self.scheduler.add_job(
            self.sweep,
            "interval",
            minutes=config.sweep_minutes,
            id="sweep",
            next_run_time=dt.datetime.now(config.tz),
        )
        self.scheduler.add_job(
            self.digest,
            "cron",
            day_of_week="mon-fri",
            hour=daily_hour,
            minute=daily_minute,
            id="daily-digest",
            args=[DAILY],
        )
        self.scheduler.add_job(
            self.digest,
            "cron",
            day_of_week="mon",
            hour=weekly_hour,
            minute=weekly_minute,
            id="weekly-digest",
            args=[WEEKLY],
        )

    async def sweep(self) -> None:
        await self._run(self.app.sweep)

    async def digest(self, kind: str) -> None:
        await self._run(self.app.digest, kind)

    async def _run(self, work: Callable[..., object], *args: object) -> None:
        """A job's work in a thread; `stop` waits for it, so a stop mid-sweep still commits or rolls back."""
        running = asyncio.ensure_future(asyncio.to_thread(work, *args))
        self._running.add(running)
        running.add_done_callback(self._running.discard)
        with contextlib.suppress(asyncio.CancelledError):  # the scheduler shutting down: `stop` waits
            await asyncio.shield(running)

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs())

    async def start(self) -> None:
        """Start inside the running event loop."""
        self.scheduler.start()
        log.info("scheduler started: %s", ", ".join(JOB_IDS))

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await asyncio.gather(*self._running, return_exceptions=True)
