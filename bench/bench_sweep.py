"""One nudge sweep over 1k, 10k and 100k open assignments (one lead agency each) across 100 agencies,
50 nudges owed each time.

Run with `.venv/bin/python bench/bench_sweep.py`. Target: 100k tasks in under 1 s, the time driven by the
nudges owed rather than the tasks stored. Prints the sweep's wall time (median of 3 fresh sweeps) and the
peak Python memory it traced.
"""

import datetime as dt
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select

from dondoc.bot.app import CONSOLE, App
from dondoc.bot.config import Config
from dondoc.store.agencies import AgencyRow, add_agency, list_agencies
from dondoc.store.models import (
    AgencyRole,
    AssignmentState,
    NudgeLog,
    Outbox,
    Role,
    SweepState,
    Task,
    TaskAgency,
    TaskStatus,
)
from dondoc.store.people import add_person

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SWEEP_AT = dt.datetime(2026, 3, 24, 8, 30, tzinfo=TZ)  # Tuesday: before7 of tasks due Tuesday 31/3
OWED = 50
AGENCIES = 100


def seed(app: App, tasks: int) -> None:
    now = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    with app.sessions() as session:
        for i in range(AGENCIES - len(list_agencies(session))):
            add_agency(session, AgencyRow(f"BENCH{i}", f"Đơn vị thử {i}", "other", ()), now)
        agencies = list_agencies(session)[:AGENCIES]
        for agency in agencies:
            add_person(
                session,
                name=f"cv-{agency.code}",
                role=Role.STAFF,
                agency=agency,
                platform=CONSOLE,
                user_id=f"cv-{agency.code}",
                chat_id=f"cv-{agency.code}",
                now=now,
            )
        session.commit()
        ids = [a.id for a in agencies]
        rows, links = [], []
        for n in range(1, tasks + 1):
            owed = n <= OWED
            deadline = dt.date(2026, 3, 31) if owed else dt.date(2026, 6, 1) + dt.timedelta(days=n % 570)
            rows.append(
                {
                    "id": n,
                    "title": f"Nhiệm vụ {n}",
                    "text": f"Nhiệm vụ thử số {n}",
                    "deadline": deadline,
                    "status": TaskStatus.OPEN,
                    "created_at": now,
                }
            )
            links.append(
                {
                    "task_id": n,
                    "agency_id": ids[n % AGENCIES],
                    "role": AgencyRole.LEAD,
                    "state": AssignmentState.OPEN,
                    "deadline": deadline,
                    "original_deadline": deadline,
                    "received_at": now,
                    "created_at": now,
                }
            )
        for start in range(0, tasks, 10_000):
            session.execute(insert(Task), rows[start : start + 10_000])
            session.execute(insert(TaskAgency), links[start : start + 10_000])
        session.commit()


def reset(app: App) -> None:
    with app.sessions() as session:
        for model in (Outbox, NudgeLog, SweepState):
            session.execute(delete(model))
        session.commit()


def measure(tasks: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        config = Config.load(
            env_file=None, environ={"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"}
        )
        app = App(config, clock=lambda: SWEEP_AT)
        app.bootstrap()
        seed(app, tasks)
        times = []
        for _ in range(3):
            reset(app)
            start = time.perf_counter()
            sent = app.sweep(SWEEP_AT)
            times.append(time.perf_counter() - start)
        assert len(sent) == OWED, len(sent)
        reset(app)
        tracemalloc.start()
        app.sweep(SWEEP_AT)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        with app.sessions() as session:
            assert len(session.scalars(select(Outbox)).all()) == OWED
        app.close()
        return statistics.median(times), peak, len(sent)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    print(
        f"one sweep at {SWEEP_AT:%Y-%m-%d %H:%M} (Asia/Ho_Chi_Minh), {AGENCIES} agencies, {OWED} nudges owed"
    )
    for size in sizes:
        seconds, peak, sent = measure(size)
        print(
            f"{size:>8,} open tasks: {seconds * 1000:7.1f} ms   peak traced memory {peak / 1e6:5.1f} MB   "
            f"{sent} nudges queued"
        )


if __name__ == "__main__":
    main()
