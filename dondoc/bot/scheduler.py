"""APScheduler 3 in the bot's event loop: three fixed jobs with stable ids in the project's database.

The database is the truth about what is owed; the jobs only say when to look. Persisted jobs must name
an importable function with picklable arguments, so they carry the app's name and find the running app
in `_RUNNING`, which only `start_scheduler` fills.
"""

import asyncio
import datetime as dt
import logging

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from dondoc.bot.app import App
from dondoc.nudges.digests import DAILY, WEEKLY
from dondoc.store.db import SCHEDULER_TABLE

log = logging.getLogger(__name__)
_RUNNING: dict[str, App] = {}
JOB_IDS = ("sweep", "daily-digest", "weekly-digest")


async def sweep_job(app_name: str) -> None:
    app = _RUNNING[app_name]
    await asyncio.to_thread(app.sweep)


async def digest_job(app_name: str, kind: str) -> None:
    app = _RUNNING[app_name]
    await asyncio.to_thread(app.digest, kind)


def build_scheduler(app: App, name: str = "dondoc") -> AsyncIOScheduler:
    config = app.config
    scheduler = AsyncIOScheduler(
        timezone=config.tz,
        jobstores={"default": SQLAlchemyJobStore(engine=app.engine, tablename=SCHEDULER_TABLE)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    daily_hour, daily_minute = (int(v) for v in config.daily_digest_time.split(":"))
    weekly_hour, weekly_minute = (int(v) for v in config.weekly_digest_time.split(":"))
    scheduler.add_job(
        f"{__name__}:sweep_job",
        "interval",
        minutes=config.sweep_minutes,
        id="sweep",
        args=[name],
        replace_existing=True,
        next_run_time=dt.datetime.now(config.tz),
    )
    scheduler.add_job(
        f"{__name__}:digest_job",
        "cron",
        day_of_week="mon-fri",
        hour=daily_hour,
        minute=daily_minute,
        id="daily-digest",
        args=[name, DAILY],
        replace_existing=True,
    )
    scheduler.add_job(
        f"{__name__}:digest_job",
        "cron",
        day_of_week="mon",
        hour=weekly_hour,
        minute=weekly_minute,
        id="weekly-digest",
        args=[name, WEEKLY],
        replace_existing=True,
    )
    return scheduler


def start_scheduler(app: App, name: str = "dondoc") -> AsyncIOScheduler:
    """Build and start the scheduler; call inside the running event loop."""
    _RUNNING[name] = app
    scheduler = build_scheduler(app, name)
    scheduler.start()
    log.info("scheduler started: %s", ", ".join(JOB_IDS))
    return scheduler


def stop_scheduler(scheduler: AsyncIOScheduler, name: str = "dondoc") -> None:
    scheduler.shutdown(wait=False)
    _RUNNING.pop(name, None)
