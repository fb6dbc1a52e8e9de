"""Telegram throughput, two parts (`.venv/bin/python bench/bench_telegram.py [N]`):

1. Updates per second through python-telegram-bot (`Application.process_update`, a local request class
   answering the Bot API in memory) for /nhiemvu and /baocao, against a bare echo handler in the same
   run. Targets: /nhiemvu >= 50% and /baocao >= 30% of the echo rate.
2. A broadcast of 1,000 queued messages to 1,000 chats through the fake Bot API server (tests/
   fake_telegram.py) with Telegram's limits on: achieved messages/s against 30/s, 429s, duplicates and
   losses. Target: >= 95% of 30/s with no duplicate and no loss.
"""

import asyncio
import datetime as dt
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from telegram import Update
from telegram.ext import Application

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_handlers import TASKS, LocalRequest, echo_rate, seed
from dondoc.bot.app import App
from dondoc.bot.config import Config
from dondoc.bot.outbox_sender import OutboxSender
from dondoc.bot.ratelimit import RateLimiter
from dondoc.bot.telegram import TelegramTransport
from dondoc.store.models import Outbox, PlatformLink, Role
from dondoc.store.outbox import enqueue
from dondoc.store.people import add_person
from tests.fake_telegram import FakeTelegram

USER = 4242


def update(bot: Any, number: int, text: str) -> Update:
    word = text.split()[0]
    return Update.de_json(
        {
            "update_id": number,
            "message": {
                "message_id": number,
                "date": 0,
                "text": text,
                "chat": {"id": USER, "type": "private"},
                "from": {"id": USER, "is_bot": False, "first_name": "Cán bộ"},
                "entities": [{"type": "bot_command", "offset": 0, "length": len(word)}],
            },
        },
        bot,
    )


async def rate(application: Application, texts: list[str], start_id: int) -> float:
    updates = [update(application.bot, start_id + i, text) for i, text in enumerate(texts)]
    began = time.perf_counter()
    for item in updates:
        await application.process_update(item)
    return len(updates) / (time.perf_counter() - began)


async def bot_rates(app: App, n: int) -> tuple[float, float]:
    limiter = RateLimiter(per_second=1e9, per_chat_second=1e9, chat_burst=1e9, group_per_minute=1e9)
    bot = TelegramTransport(app, limiter=limiter, request=LocalRequest())
    async with bot.application:
        read = await rate(bot.application, ["/nhiemvu"] * n, 1)
        write = await rate(
            bot.application, [f"/baocao {i % TASKS + 1} {50 + i // TASKS}% Bước {i}" for i in range(n)], n + 1
        )
    return read, write


def part_one(n: int, tmp: Path) -> None:
    config = Config.load(
        env_file=None,
        environ={"DATABASE_URL": f"sqlite:///{tmp / 'updates.sqlite3'}", "TELEGRAM_BOT_TOKEN": "1:bench"},
    )
    app = App(config, clock=lambda: dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
    app.bootstrap()
    seed(app)
    with app.sessions() as session:  # the seeded officer also writes from Telegram
        link = session.scalar(select(PlatformLink).where(PlatformLink.platform_user_id == "cv-khcn"))
        link.platform, link.platform_user_id, link.chat_id = "telegram", str(USER), str(USER)
        session.commit()
    echo = asyncio.run(echo_rate(n))
    read, write = asyncio.run(bot_rates(app, n))
    app.close()
    print(
        f"updates through python-telegram-bot, {n} each, agency with {TASKS} open tasks, SQLite (FULL sync):"
    )
    print(f"  echo handler      {echo:8.0f} updates/s")
    print(f"  /nhiemvu          {read:8.0f} updates/s  {read / echo:6.1%} of echo (target 50%)")
    print(f"  /baocao           {write:8.0f} updates/s  {write / echo:6.1%} of echo (target 30%)")


def part_two(tmp: Path, count: int = 1000) -> None:
    with FakeTelegram() as fake:
        config = Config.load(
            env_file=None,
            environ={
                "DATABASE_URL": f"sqlite:///{tmp / 'broadcast.sqlite3'}",
                "TELEGRAM_BOT_TOKEN": fake.token,
                "TELEGRAM_BASE_URL": fake.base_url,
            },
        )
        app = App(config)
        app.config = replace(app.config)
        app.bootstrap()
        with app.sessions() as session:
            now = app.clock()
            for i in range(count):
                person = add_person(
                    session,
                    name=f"p{i}",
                    role=Role.STAFF,
                    agency=None,
                    platform="telegram",
                    user_id=str(10_000 + i),
                    chat_id=str(10_000 + i),
                    now=now,
                )
                enqueue(session, person, f"Thông báo số {i}: họp giao ban lúc 8 giờ", now)
            session.commit()

        async def broadcast() -> tuple[int, float]:
            bot = TelegramTransport(app)
            await bot.application.initialize()
            try:
                began = time.perf_counter()
                delivered = await OutboxSender(app, [bot]).drain()
                return delivered, time.perf_counter() - began
            finally:
                await bot.application.shutdown()

        delivered, seconds = asyncio.run(broadcast())
        with app.sessions() as session:
            unsent = session.scalar(select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None)))
        texts = [m["plain"] for m in fake.sent]
        app.close()
    achieved = delivered / seconds
    print(f"broadcast of {count} messages to {count} chats through the fake Bot API (30/s, 1/s per chat):")
    print(f"  {seconds:.1f} s, {achieved:.1f} messages/s = {achieved / 30:.1%} of 30/s (target 95%)")
    print(
        f"  429s received {len(fake.flood_errors)}, duplicates {len(texts) - len(set(texts))}, "
        f"lost {count - len(set(texts))}, still queued {unsent}"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        part_one(n, Path(tmp))
        part_two(Path(tmp))


if __name__ == "__main__":
    main()
