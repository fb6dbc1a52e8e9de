"""Throughput of the two commonest commands on a SQLite file, against their floors.

Run with `make bench` (or `.venv/bin/python bench/bench_handlers.py [N]`). One run prints, per second:

- a bare python-telegram-bot echo handler fed through `Application.process_update` with a local request
  class (no network): the floor any bot pays per update;
- the same /nhiemvu and /baocao work done with the stdlib's sqlite3 on the same database file
  (bench/plain_sqlite.py): the floor the database sets. /nhiemvu has two: its page written as a minimal
  bot would (joined, sorted, cut), the floor for the targets; and with the bot's own LIMIT-first SQL,
  which leaves only the framework between the two;
- /nhiemvu (an agency member's open tasks, page 1, the agency holding 1,000 open tasks; a read) and
  /baocao N P% text (a committed write) through the dispatcher, each against echo and its plain floor.

Targets: each handler >= 0.6x its plain floor; /nhiemvu >= 12% and /baocao >= 20% of the echo rate.
Echo, the plain floors and the dispatcher run in alternating rounds (the latter two on the same file),
and each rate is the median of its rounds, so a slow moment of the machine (a disk flush, another
process) falls on all of them.
The rounds also run both commands through the dispatcher with update ids, as Telegram delivers them (a
read records no processed update, a write records its id with its change); after them, the dispatcher
at synchronous=NORMAL on a fresh file, and the memory a run takes.
"""

import asyncio
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, RequestData

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.plain_sqlite import PlainBot
from dondoc.bot.app import CONSOLE, App
from dondoc.bot.config import Config
from dondoc.handlers.messages import Incoming
from dondoc.store.agencies import find_agency
from dondoc.store.models import ProcessedUpdate, Role
from dondoc.store.people import add_person
from dondoc.store.tasks import add_task

TASKS = 1_000
BOT_USER = {"id": 1, "is_bot": True, "first_name": "Đôn Đốc", "username": "dondoc_bot"}


def seed(app: App) -> None:
    now = app.clock()
    with app.sessions() as session:
        agency = find_agency(session, "KHCN")
        add_person(
            session,
            name="cv-khcn",
            role=Role.STAFF,
            agency=agency,
            platform=CONSOLE,
            user_id="cv-khcn",
            chat_id="cv-khcn",
            now=now,
        )
        for i in range(TASKS):
            add_task(
                session,
                text=f"Nhiệm vụ thử số {i}",
                title=f"Nhiệm vụ thử số {i}",
                leads=[agency],
                coops=[],
                deadline=dt.date(2026, 4, 1) + dt.timedelta(days=i % 300),
                deadline_text=None,
                created_by=None,
                now=now,
            )
        session.commit()


NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
ROUNDS = 5
READ_ECHO_TARGET, WRITE_ECHO_TARGET, PLAIN_TARGET = 0.12, 0.20, 0.6


def rate(n: int, run: Callable[[int], Any]) -> float:
    start = time.perf_counter()
    for i in range(n):
        run(i)
    return n / (time.perf_counter() - start)


def make_app(path: Path, synchronous: str) -> App:
    config = Config.load(
        env_file=None,
        environ={"DATABASE_URL": f"sqlite:///{path}", "SQLITE_SYNCHRONOUS": synchronous},
    )
    app = App(config, clock=lambda: NOW)
    app.bootstrap()
    return app


class Commands:
    """/nhiemvu and /baocao through the dispatcher and through the plain floor, on one file. Reports
    go to task i % TASKS + 1 with a percentage that never falls (a lower one would ask first)."""

    def __init__(self, app: App, plain: PlainBot, straight: PlainBot | None = None) -> None:
        self.app, self.plain, self.straight = app, plain, straight or plain
        self.reports = 0
        self.updates = 0

    def _report_args(self) -> str:
        i = self.reports
        self.reports += 1
        return f"{i % TASKS + 1} {min(100, 50 + i // TASKS)}% Đã triển khai bước {i}"

    def say(self, text: str, with_update_id: bool = False) -> str:
        update_id = None
        if with_update_id:
            self.updates += 1
            update_id = str(self.updates)
        replies = self.app.dispatcher.handle(
            Incoming(platform=CONSOLE, user_id="cv-khcn", chat_id="cv-khcn", text=text, update_id=update_id)
        )
        return replies[0].text

    def read(self, _i: int = 0, with_update_id: bool = False) -> None:
        reply = self.say("/nhiemvu", with_update_id)
        assert reply.startswith("Nhiệm vụ do"), reply

    def write(self, _i: int = 0, with_update_id: bool = False) -> None:
        reply = self.say("/baocao " + self._report_args(), with_update_id)
        assert "✅" in reply, reply

    def plain_read(self, _i: int = 0) -> None:
        self.plain.tasks(CONSOLE, "cv-khcn", NOW)

    def straight_read(self, _i: int = 0) -> None:
        self.straight.tasks(CONSOLE, "cv-khcn", NOW)

    def plain_write(self, _i: int = 0) -> None:
        reply = self.plain.report(CONSOLE, "cv-khcn", self._report_args(), NOW)
        assert "✅" in reply, reply


Measure = Callable[[int], float]  # runs that many messages, returns their rate


def per_message(run: Callable[[int], Any]) -> Measure:
    return lambda count: rate(count, run)


def echo(count: int) -> float:
    return asyncio.run(echo_rate(count))


def alternating(n: int, *measures: Measure) -> list[float]:
    """Median rates of `measures`, taken in turn for ROUNDS rounds of n / ROUNDS messages each."""
    chunk = max(1, n // ROUNDS)
    rates: list[list[float]] = [[] for _ in measures]
    for _ in range(ROUNDS):
        for measure, got in zip(measures, rates, strict=True):
            got.append(measure(chunk))
    return [statistics.median(got) for got in rates]


def processed_rows(app: App) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0


def main_rates(n: int, tmp: Path) -> dict[str, float]:
    path = tmp / "bench.sqlite3"
    app = make_app(path, "FULL")
    seed(app)
    plain = PlainBot(str(path), app.config.tz, "FULL", limit_first=True)
    straight = PlainBot(str(path), app.config.tz, "FULL", limit_first=False)
    commands = Commands(app, plain, straight)
    for _ in range(20):  # warm all: caches, compiled statements, the file's pages
        commands.read()
        commands.plain_read()
        commands.straight_read()
    rates: dict[str, float] = {}
    read_ids = per_message(lambda i: commands.read(i, with_update_id=True))
    write_ids = per_message(lambda i: commands.write(i, with_update_id=True))
    rows = processed_rows(app)
    echo_reads, rates["straight_read"], rates["plain_read"], rates["read"], rates["read_ids"] = alternating(
        n, echo, *map(per_message, (commands.straight_read, commands.plain_read, commands.read)), read_ids
    )
    rates["read_ids_count"], rates["read_ids_rows"] = commands.updates, processed_rows(app) - rows
    rows, updates = processed_rows(app), commands.updates
    echo_writes, rates["plain_write"], rates["write"], rates["write_ids"] = alternating(
        n, echo, *map(per_message, (commands.plain_write, commands.write)), write_ids
    )
    rates["write_ids_count"] = commands.updates - updates
    rates["write_ids_rows"] = processed_rows(app) - rows
    rates["echo"] = statistics.median([echo_reads, echo_writes])
    plain.close()
    straight.close()
    app.close()
    return rates


def handler_rates(n: int, synchronous: str) -> tuple[float, float]:
    """The dispatcher alone on a freshly seeded file."""
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp) / "bench.sqlite3", synchronous)
        seed(app)
        commands = Commands(app, PlainBot(str(Path(tmp) / "bench.sqlite3"), app.config.tz, synchronous))
        read = rate(n, commands.read)
        write = rate(n, commands.write)
        commands.plain.close()
        app.close()
        return read, write


class LocalRequest(BaseRequest):
    """Answers every Bot API call in memory, as Telegram would, without a network."""

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if name == "getMe":
            result: Any = BOT_USER
        else:
            params = request_data.parameters if request_data else {}
            result = {
                "message_id": 2,
                "date": 0,
                "chat": {"id": params.get("chat_id", 1), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def echo_rate(n: int) -> float:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(update.message.text)

    application = (
        Application.builder()
        .token("123:bench")
        .request(LocalRequest())
        .get_updates_request(LocalRequest())
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    updates = [
        Update.de_json(
            {
                "update_id": i,
                "message": {
                    "message_id": i,
                    "date": 0,
                    "text": "/nhiemvu",
                    "chat": {"id": 42, "type": "private"},
                    "from": {"id": 42, "is_bot": False, "first_name": "Cán bộ"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
                },
            },
            application.bot,
        )
        for i in range(n)
    ]
    async with application:
        start = time.perf_counter()
        for update in updates:
            await application.process_update(update)
        return n / (time.perf_counter() - start)


def _verdict(value: float, target: float) -> str:
    return "met" if value >= target else "NOT met"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        r = main_rates(n, Path(tmp))
    echo = r["echo"]
    read_normal, write_normal = handler_rates(n, "NORMAL")
    tracemalloc.start()  # traced separately: tracing slows everything it watches
    handler_rates(max(n // 10, 10), "FULL")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    def line(label: str, value: float, note: str = "") -> None:
        print(f"{label:<48} {value:8.0f} /s  {value / echo:6.1%} of echo{note}")

    print(
        f"messages per command: {n}; agency with {TASKS} open tasks; SQLite file, WAL, synchronous=FULL; "
        f"echo, plain and dispatcher in {ROUNDS} alternating rounds, medians"
    )
    print(f"{'PTB echo (process_update, local request)':<48} {echo:8.0f} /s")
    line("plain sqlite3 /nhiemvu, straightforward SQL", r["straight_read"])
    line("plain sqlite3 /nhiemvu, the bot's LIMIT-first SQL", r["plain_read"])
    line("plain sqlite3 /baocao (committed write)", r["plain_write"])
    for key, label, echo_target, floors in (
        ("read", "/nhiemvu through the dispatcher", READ_ECHO_TARGET, ("straight_read", "plain_read")),
        ("write", "/baocao through the dispatcher", WRITE_ECHO_TARGET, ("plain_write",)),
    ):
        to_echo = r[key] / echo
        line(label, r[key], f" (target {echo_target:.0%}: {_verdict(to_echo, echo_target)})")
        for floor in floors:
            to_plain = r[key] / r[floor]
            which = {"straight_read": "straightforward ", "plain_read": "LIMIT-first "}.get(floor, "")
            print(
                f"{'':<48} {to_plain:8.2f}x its {which}plain floor "
                f"(target {PLAIN_TARGET}x: {_verdict(to_plain, PLAIN_TARGET)})"
            )
    for key, label in (("read_ids", "/nhiemvu"), ("write_ids", "/baocao")):
        line(
            f"{label} with update ids (as from Telegram)",
            r[key],
            f"; {r[key + '_count']:.0f} messages wrote {r[key + '_rows']:.0f} processed_update rows",
        )
    line("/nhiemvu (synchronous=NORMAL, dispatcher)", read_normal)
    line("/baocao (synchronous=NORMAL, dispatcher)", write_normal)
    print(f"peak traced Python memory of a handler run (seeding 1,000 tasks included): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
