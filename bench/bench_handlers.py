"""Throughput of the handlers on a SQLite file, against a bare python-telegram-bot echo handler.

Run with `make bench` (or `.venv/bin/python bench/bench_handlers.py [N]`). Prints commands per second
for /nhiemvu (a read, the agency holding 1,000 open tasks) and /baocao (a committed write), and the
rate of a PTB echo handler fed through `Application.process_update` with a local request class
(no network) in the same run, as the floor any bot pays. Targets: /nhiemvu >= 50% and /baocao >= 30%
of the echo rate.
"""

import asyncio
import datetime as dt
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, RequestData

from dondoc.bot.app import CONSOLE, App
from dondoc.bot.config import Config
from dondoc.handlers.messages import Incoming
from dondoc.store.agencies import find_agency
from dondoc.store.models import Role
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


def rate(n: int, run: Any) -> float:
    start = time.perf_counter()
    for i in range(n):
        run(i)
    return n / (time.perf_counter() - start)


def handler_rates(n: int, synchronous: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        config = Config.load(
            env_file=None,
            environ={
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                "SQLITE_SYNCHRONOUS": synchronous,
            },
        )
        app = App(config, clock=lambda: dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
        app.bootstrap()
        seed(app)

        def say(text: str) -> None:
            replies = app.dispatcher.handle(
                Incoming(platform=CONSOLE, user_id="cv-khcn", chat_id="cv-khcn", text=text)
            )
            assert (replies and "✅" in replies[0].text) or "/baocao" not in text, replies

        read = rate(n, lambda i: say("/nhiemvu"))
        write = rate(n, lambda i: say(f"/baocao {i % TASKS + 1} {50 + i // TASKS}% Đã triển khai bước {i}"))
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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    echo = asyncio.run(echo_rate(n))
    read, write = handler_rates(n, "FULL")
    read_normal, write_normal = handler_rates(n, "NORMAL")
    tracemalloc.start()  # traced separately: tracing slows everything it watches
    handler_rates(max(n // 10, 10), "FULL")
    _current, peak = tracemalloc.get_traced_memory()
    print(f"messages per command: {n}; agency with {TASKS} open tasks; SQLite file, WAL")
    print(f"{'PTB echo (process_update, local request)':<46} {echo:8.0f} /s")
    print(
        f"{'/nhiemvu (read, synchronous=FULL)':<46} {read:8.0f} /s  {read / echo:6.1%} of echo (target 50%)"
    )
    print(
        f"{'/baocao (committed write, synchronous=FULL)':<46} {write:8.0f} /s  {write / echo:6.1%} of echo "
        "(target 30%)"
    )
    print(f"{'/nhiemvu (synchronous=NORMAL)':<46} {read_normal:8.0f} /s  {read_normal / echo:6.1%} of echo")
    print(f"{'/baocao (synchronous=NORMAL)':<46} {write_normal:8.0f} /s  {write_normal / echo:6.1%} of echo")
    print(f"peak traced Python memory of a handler run (seeding 1,000 tasks included): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
