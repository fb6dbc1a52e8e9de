"""The office's summary (/tonghop) and its daily digest at 1,000 and 100,000 tasks across 150 agencies.

Run with `.venv/bin/python bench/bench_summary.py [SIZES…]`. Seeds a SQLite file in a temporary directory
(bulk inserts of tasks, assignments and reports) with a
mix of states: 55% of the lead assignments done, 5% cancelled, 5% reported (awaiting confirmation), 35%
open — of which about a fifth overdue, some due within a week, some undated, a tenth not acknowledged —
a cooperating agency on every fifth task, and one report per task (a few of them today). `--open` seeds
every assignment open instead (the worst case for counting open, overdue and due-soon work).

Prints the median of several runs of /tonghop through the dispatcher, as the office admin, and of
building the daily digest's text; and, for information, of the first /tonghop of each new day (which
moves the kept overdue and due-soon counts on by a day). Targets: each under 20 ms at 100,000 tasks,
and its time at 100,000 within 2× of its time at 1,000.
"""

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from dondoc.bot.app import CONSOLE, App
from dondoc.bot.config import Config
from dondoc.handlers.messages import Incoming
from dondoc.i18n import use_language
from dondoc.nudges.digests import DAILY, digest_text
from dondoc.store.agencies import AgencyRow, add_agency, list_agencies
from dondoc.store.models import (
    AgencyRole,
    AssignmentState,
    Person,
    PlatformLink,
    Report,
    ReportKind,
    Role,
    Task,
    TaskAgency,
    TaskStatus,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=TZ)  # Monday
TODAY = NOW.date()
AGENCIES = 150
RUNS = 15
BATCH = 10_000
TARGET_MS = 20.0


def _state(n: int, all_open: bool) -> AssignmentState:
    if all_open:
        return AssignmentState.OPEN
    bucket = n % 20
    if bucket < 11:
        return AssignmentState.DONE
    if bucket == 11:
        return AssignmentState.CANCELLED
    if bucket == 12:
        return AssignmentState.REPORTED
    return AssignmentState.OPEN


def seed(app: App, tasks: int, all_open: bool) -> None:
    created = NOW.astimezone(dt.UTC) - dt.timedelta(days=200)
    with app.sessions() as session:
        for i in range(AGENCIES - len(list_agencies(session))):
            add_agency(session, AgencyRow(f"BENCH{i}", f"Đơn vị thử {i}", "other", ()), created)
        session.commit()
        ids = [a.id for a in list_agencies(session)][:AGENCIES]
        person_id = session.query(Person.id).limit(1).scalar()
        task_rows, part_rows, report_rows = [], [], []
        pick = random.Random(tasks)
        for n in range(1, tasks + 1):
            state = _state(n, all_open)
            # Deadlines from 60 days ago to 300 days ahead; every 25th undated.
            deadline = None if n % 25 == 0 else TODAY + dt.timedelta(days=(n * 7919) % 361 - 60)
            closed = state in (AssignmentState.DONE, AssignmentState.CANCELLED)
            status = {
                AssignmentState.DONE: TaskStatus.DONE,
                AssignmentState.CANCELLED: TaskStatus.CANCELLED,
            }.get(state, TaskStatus.OPEN)
            lead = pick.choice(ids)
            task_rows.append(
                {
                    "id": n,
                    "title": f"Nhiệm vụ {n}",
                    "text": f"Nhiệm vụ thử số {n}",
                    "deadline": deadline,
                    "status": status,
                    "created_at": created,
                    "closed_at": created if closed else None,
                }
            )
            reported_at = NOW.astimezone(dt.UTC) - dt.timedelta(hours=(n % 400) * 3)
            report_rows.append(
                {
                    "id": n,
                    "task_id": n,
                    "agency_id": lead,
                    "person_id": person_id,
                    "kind": ReportKind.COMPLETION
                    if state in (AssignmentState.DONE, AssignmentState.REPORTED)
                    else ReportKind.PROGRESS,
                    "percent": 100 if state in (AssignmentState.DONE, AssignmentState.REPORTED) else 50,
                    "text": "Đã triển khai",
                    "created_at": reported_at,
                }
            )
            part_rows.append(
                {
                    "task_id": n,
                    "agency_id": lead,
                    "role": AgencyRole.LEAD,
                    "state": state,
                    "deadline": deadline,
                    "original_deadline": deadline,
                    "received_at": None if n % 10 == 3 else created,
                    "last_report_id": n,
                    "completion_report_id": n if state != AssignmentState.OPEN else None,
                    "completed_on": deadline if state == AssignmentState.DONE else None,
                    "closed_at": created if closed else None,
                    "created_at": created,
                }
            )
            if n % 5 == 0:
                part_rows.append(
                    {
                        "task_id": n,
                        "agency_id": ids[(ids.index(lead) + 7) % AGENCIES],
                        "role": AgencyRole.COOP,
                        "state": AssignmentState.CANCELLED if closed else AssignmentState.OPEN,
                        "deadline": deadline,
                        "original_deadline": deadline,
                        "created_at": created,
                    }
                )
        for rows, model in ((task_rows, Task), (report_rows, Report), (part_rows, TaskAgency)):
            for start in range(0, len(rows), BATCH):
                session.execute(insert(model), rows[start : start + BATCH])
        session.commit()
    with app.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


class Bench:
    """One seeded database, and the three things measured on it."""

    def __init__(self, tasks: int, all_open: bool) -> None:
        self.tasks = tasks
        self.tmp = tempfile.TemporaryDirectory()
        config = Config.load(
            env_file=None, environ={"DATABASE_URL": f"sqlite:///{Path(self.tmp.name) / 'bench.sqlite3'}"}
        )
        self.now = NOW
        self.app = App(config, clock=lambda: self.now)
        self.app.bootstrap()
        seed(self.app, tasks, all_open)
        with self.app.sessions() as session:  # the console's office admin, made by bootstrap()
            admin = session.scalar(
                select(PlatformLink.platform_user_id)
                .join(Person, Person.id == PlatformLink.person_id)
                .where(Person.role == Role.ADMIN)
            )
        assert admin is not None
        self.message = Incoming(platform=CONSOLE, user_id=admin, chat_id=admin, text="/tonghop")
        self.summary_text = self.digest_text = ""

    def summary(self) -> None:
        self.summary_text = self.app.dispatcher.handle(self.message)[0].text

    def digest(self) -> None:
        with self.app.sessions() as session, use_language("vi"):
            self.digest_text = digest_text(session, DAILY, self.now.date(), TZ)

    def next_day(self) -> None:
        self.now += dt.timedelta(days=1)
        self.summary()

    def close(self) -> None:
        self.app.close()
        self.tmp.cleanup()


def medians_ms(benches: list[Bench], run: str) -> list[float]:
    """Median time of `run` on each database, the databases taken in turn (so that a busy machine
    weighs on every size alike)."""
    for bench in benches:
        getattr(bench, run)()  # warm: caches, compiled statements
    times: list[list[float]] = [[] for _ in benches]
    for _ in range(RUNS):
        for i, bench in enumerate(benches):
            start = time.perf_counter()
            getattr(bench, run)()
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) * 1000 for t in times]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    all_open = "--open" in sys.argv
    show = "--show" in sys.argv
    sizes = [int(a) for a in args] or [1_000, 100_000]
    mix = "every assignment open" if all_open else "55% done, 5% cancelled, 5% reported, 35% open"
    print(f"/tonghop and the daily digest on {TODAY:%Y-%m-%d}, {AGENCIES} agencies, {mix}; median of {RUNS}")
    benches = [Bench(size, all_open) for size in sizes]
    summary = medians_ms(benches, "summary")
    digest = medians_ms(benches, "digest")
    if show:
        for bench in benches:
            print(f"{bench.tasks:>8,}: {bench.summary_text.split(chr(10))[1]}")
            print(f"{'':>9} {bench.digest_text.split(chr(10))[1]}")
    new_day = medians_ms(benches, "next_day")  # last: it moves the clock on
    for bench, summary_ms, digest_ms, new_day_ms in zip(benches, summary, digest, new_day, strict=True):
        print(
            f"{bench.tasks:>8,} tasks: /tonghop {summary_ms:7.2f} ms   daily digest {digest_ms:7.2f} ms   "
            f"(the first /tonghop of a day, moving the tallies on: {new_day_ms:.2f} ms)"
        )
        bench.close()
    if len(sizes) >= 2:
        small, large = sizes.index(min(sizes)), sizes.index(max(sizes))
        for name, times in (("/tonghop", summary), ("daily digest", digest)):
            ratio = times[large] / times[small]
            ok = times[large] < TARGET_MS and ratio <= 2
            print(
                f"{name:<13} {max(sizes):,}: {times[large]:.2f} ms (target < {TARGET_MS:.0f} ms), "
                f"{ratio:.2f}× its time at {min(sizes):,} (target ≤ 2×)  {'OK' if ok else 'MISSED'}"
            )


if __name__ == "__main__":
    main()
