"""Telegram throughput, two parts (`.venv/bin/python bench/bench_telegram.py [N]`):

1. Updates per second through python-telegram-bot (`Application.process_update`, a local request class
   answering the Bot API in memory) for /nhiemvu and /baocao: a bare echo handler (the floor any bot
   pays), the plain sqlite3 floor (bench/plain_sqlite.py behind a PTB handler, on the same file) and
   the bot's Telegram transport, in alternating rounds. Targets: /nhiemvu >= 10% and /baocao >= 15% of
   the echo rate.
2. A broadcast of 1,000 queued messages to 1,000 chats through the fake Bot API server (tests/
   fake_telegram.py) with Telegram's limits on: achieved messages/s against 30/s, 429s, duplicates and
   losses. Target: >= 95% of 30/s with no duplicate and no loss.
"""

import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_handlers import TASKS, LocalRequest, echo_rate, seed
from bench.plain_sqlite import PlainBot
from dondoc.bot.app import App
from dondoc.bot.config import Config
from dondoc.bot.outbox_sender import OutboxSender
from dondoc.bot.ratelimit import RateLimiter
from dondoc.bot.root import Bot
from dondoc.bot.telegram import TelegramTransport
from dondoc.store.models import Outbox, Person, PlatformLink, Role
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


ROUNDS = 3


class Rates:
    """Each way of answering, measured in turn in ROUNDS rounds; medians, so passing load hits all."""

    def __init__(self, app: App, path: Path) -> None:
        self.app = app
        self.plain = PlainBot(str(path), app.config.tz, "FULL")
        self.next_id = 1
        self.reports = 0

    def ids(self, count: int) -> int:
        first, self.next_id = self.next_id, self.next_id + count
        return first

    def reports_text(self, count: int) -> list[str]:
        """Reports to task i % TASKS + 1 whose percentage never falls (a lower one would ask first)."""
        start, self.reports = self.reports, self.reports + count
        return [
            f"/baocao {i % TASKS + 1} {min(100, 50 + i // TASKS)}% Bước {i}"
            for i in range(start, start + count)
        ]

    async def bot(self, texts: list[str]) -> float:
        limiter = RateLimiter(per_second=1e9, per_chat_second=1e9, chat_burst=1e9, group_per_minute=1e9)
        transport = TelegramTransport(self.app.config.telegram, limiter=limiter, request=LocalRequest())
        await transport.initialize(Bot(self.app, [transport], schedule=False).on_incoming)
        try:
            return await rate(transport.application, texts, self.ids(len(texts)))
        finally:
            await transport.application.shutdown()

    async def floor(self, texts: list[str]) -> float:
        """The plain sqlite3 work behind a PTB handler, in a thread as the transport runs the dispatcher."""
        plain = self.plain
        now = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)

        async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            text = update.message.text
            if text.startswith("/baocao"):
                reply = await asyncio.to_thread(
                    plain.report, "telegram", str(USER), text.split(None, 1)[1], now
                )
            else:
                reply = await asyncio.to_thread(plain.tasks, "telegram", str(USER), now)
            await update.message.reply_text(reply)

        application = Application.builder().token("1:bench").request(LocalRequest()).build()
        application.add_handler(MessageHandler(filters.TEXT, answer))
        async with application:
            return await rate(application, texts, self.ids(len(texts)))

    def measure(self, n: int) -> dict[str, float]:
        chunk = max(1, n // ROUNDS)
        got: dict[str, list[float]] = {}
        for _round in range(ROUNDS):
            for name, run in (
                ("echo", lambda: echo_rate(chunk)),
                ("plain read", lambda: self.floor(["/nhiemvu"] * chunk)),
                ("read", lambda: self.bot(["/nhiemvu"] * chunk)),
                ("plain write", lambda: self.floor(self.reports_text(chunk))),
                ("write", lambda: self.bot(self.reports_text(chunk))),
            ):
                got.setdefault(name, []).append(asyncio.run(run()))
        self.plain.close()
        return {name: statistics.median(values) for name, values in got.items()}


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
    r = Rates(app, tmp / "updates.sqlite3").measure(n)
    app.close()
    echo = r["echo"]
    print(
        f"updates through python-telegram-bot, {n} each in {ROUNDS} alternating rounds (medians), "
        f"agency with {TASKS} open tasks, SQLite (FULL sync):"
    )
    print(f"  echo handler              {echo:8.0f} updates/s")
    for name, label, target in (("read", "/nhiemvu", 0.10), ("write", "/baocao", 0.15)):
        plain, bot = r[f"plain {name}"], r[name]
        verdict = "met" if bot / echo >= target else "NOT met"
        print(f"  plain sqlite3 {label:<11} {plain:8.0f} updates/s  {plain / echo:6.1%} of echo")
        print(
            f"  {label:<25} {bot:8.0f} updates/s  {bot / echo:6.1%} of echo "
            f"(target {target:.0%}: {verdict}), {bot / plain:.2f}x its plain floor"
        )


def telegram_app(fake: FakeTelegram, path: Path) -> App:
    """A bot on a fresh SQLite file whose Telegram transport talks to the fake Bot API server."""
    config = Config.load(
        env_file=None,
        environ={
            "DATABASE_URL": f"sqlite:///{path}",
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_BASE_URL": fake.base_url,
        },
    )
    app = App(config)
    app.bootstrap()
    return app


def telegram_person(session: Session, number: int, now: dt.datetime, **fields: Any) -> Person:
    """A person reached on Telegram at chat 10,000 + `number` (role and agency in `fields`)."""
    chat = str(10_000 + number)
    values: dict[str, Any] = {"name": f"p{number}", "role": Role.STAFF, "agency": None, **fields}
    return add_person(session, platform="telegram", user_id=chat, chat_id=chat, now=now, **values)


def timed_drain(app: App) -> tuple[int, float]:
    """Everything queued, delivered by the real outbox sender through the real Telegram transport under
    the fake's limits: how many were delivered, in how many seconds."""

    async def drain() -> tuple[int, float]:
        bot = TelegramTransport(app.config.telegram)
        await bot.initialize()
        try:
            began = time.perf_counter()
            delivered = await OutboxSender(app, [bot]).drain()
            return delivered, time.perf_counter() - began
        finally:
            await bot.application.shutdown()

    return asyncio.run(drain())


def print_delivery(app: App, fake: FakeTelegram, chats: int, delivered: int, seconds: float) -> None:
    """Messages/s against Telegram's 30/s, and per chat: none sent twice, none lost (each of `chats` chats
    expects one message)."""
    with app.sessions() as session:
        unsent = session.scalar(select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None)))
    per_chat = Counter(m["chat_id"] for m in fake.sent)
    achieved = delivered / seconds
    print(f"  {seconds:.1f} s, {achieved:.1f} messages/s = {achieved / 30:.1%} of 30/s (target 95%)")
    print(
        f"  429s received {len(fake.flood_errors)}, duplicates {sum(n - 1 for n in per_chat.values())}, "
        f"lost {chats - len(per_chat)}, still queued {unsent}"
    )


def part_two(tmp: Path, count: int = 1000) -> None:
    with FakeTelegram() as fake:
        app = telegram_app(fake, tmp / "broadcast.sqlite3")
        with app.sessions() as session:
            now = app.clock()
            for i in range(count):
                enqueue(
                    session,
                    telegram_person(session, i, now),
                    f"Thông báo số {i}: họp giao ban lúc 8 giờ",
                    now,
                )
            session.commit()
        delivered, seconds = timed_drain(app)
        print(
            f"broadcast of {count} messages to {count} chats through the fake Bot API (30/s, 1/s per chat):"
        )
        print_delivery(app, fake, count, delivered, seconds)
        app.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        part_one(n, Path(tmp))
        part_two(Path(tmp))


if __name__ == "__main__":
    main()
