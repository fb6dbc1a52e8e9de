"""Start-up and transport faults, through the composition root and `dondoc run` against the fake Bot APIs.

A refused token stops only its transport, with one log line that names it and never the token; passing
failures at start-up (5xx, network errors, 429) are retried with a bounded, growing backoff; a token
refused while running does the same; SIGTERM always ends with "stopped", exit 0 and no traceback. In
process the backoff sleeps on virtual time; the `dondoc run` subprocesses sleep for real at most once
(the first 1 s backoff) before they are stopped.
"""

import asyncio
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from dondoc.bot.app import App
from dondoc.bot.config import TelegramConfig, ZaloConfig
from dondoc.bot.logs import REDACTED, configure_logging
from dondoc.bot.ratelimit import RateLimiter
from dondoc.bot.root import Bot
from dondoc.bot.startup import ATTEMPTS
from dondoc.bot.telegram import TelegramTransport
from dondoc.bot.transport import Delivery
from dondoc.bot.zalo import ZaloTransport
from dondoc.handlers.messages import Reply
from tests.conftest import VirtualTime, free_port
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo, new_id

WRONG_TOKEN = "999999:WRONG-secret-token"
TELEGRAM_USER = 501


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(chat_burst=50) as server:
        yield server


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo(messages_per_second=1000) as server:
        yield server


def errors_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def assert_clean(caplog: pytest.LogCaptureFixture, *tokens: str) -> None:
    """No traceback logged, and no token (nor its secret half) anywhere in the log."""
    assert not [r for r in caplog.records if r.exc_info or r.exc_text], "a traceback was logged"
    for token in tokens:
        assert token not in caplog.text and token.split(":")[-1] not in caplog.text


async def until(fake, predicate, within: float = 10.0) -> None:
    assert await asyncio.to_thread(fake.wait_until, predicate, within), "the bot did not answer in time"


# ------------------------------------------------------------------------------------------------
# In process: the composition root with the transports on virtual time.


def telegram_transport(app: App, time: VirtualTime, token: str | None = None) -> TelegramTransport:
    config = app.config.telegram if token is None else replace(app.config.telegram, token=token)
    return TelegramTransport(
        config,
        partial(app.menus, "telegram"),
        limiter=RateLimiter(clock=time.clock, sleep=time.sleep),
        sleep=time.sleep,
    )


def zalo_transport(app: App, time: VirtualTime) -> ZaloTransport:
    limiter = RateLimiter(
        per_second=1000, overall_burst=1000, chat_burst=100, clock=time.clock, sleep=time.sleep
    )
    return ZaloTransport(app.config.zalo, limiter=limiter, sleep=time.sleep)


@pytest.fixture
def both(app: App, telegram: FakeTelegram, zalo: FakeZalo, caplog: pytest.LogCaptureFixture) -> App:
    """The app configured for both fakes, logging set up as `dondoc run` sets it up."""
    app.config = replace(
        app.config,
        telegram=TelegramConfig(token=telegram.token, base_url=telegram.base_url),
        zalo=ZaloConfig(token=zalo.token, base_url=zalo.base_url),
        console=replace(app.config.console, read_input=False),
    )
    configure_logging(app.config, "INFO")
    caplog.set_level(logging.INFO)
    return app


async def zalo_answers(zalo: FakeZalo) -> None:
    """Zalo is still serving: a guest's /help is answered."""
    user = new_id()
    zalo.text(user, "/help")
    await until(zalo, lambda: zalo.texts_to(user))


def test_a_refused_telegram_token_stops_telegram_alone_with_one_line(both, telegram, zalo, caplog):
    time = VirtualTime()
    tg = telegram_transport(both, time, token=WRONG_TOKEN)
    bot = Bot(both, [tg, zalo_transport(both, time)], schedule=False)

    async def scenario() -> int:
        stop = asyncio.Event()
        running = asyncio.create_task(bot.run(stop))
        await until(zalo, lambda: any(c["method"] == "getUpdates" for c in zalo.calls))
        assert tg.done.is_set()
        await zalo_answers(zalo)
        stop.set()
        return await running

    assert asyncio.run(scenario()) == 0
    errors = errors_of(caplog)
    assert len(errors) == 1 and errors[0].startswith("telegram: the bot token was refused"), errors
    assert [c["method"] for c in telegram.calls] == ["getMe"]  # refused for good: not retried
    assert time.waits == []
    assert caplog.records[-1].getMessage() == "stopped"
    assert_clean(caplog, WRONG_TOKEN, telegram.token, zalo.token)


def test_a_404_from_getme_is_a_refused_token_too(both, telegram, zalo, caplog):
    telegram.fail_next("getMe", 404, "Not Found")
    zalo.fail_next("getMe", 404, "Not Found")
    time = VirtualTime()
    bot = Bot(both, [telegram_transport(both, time), zalo_transport(both, time)], schedule=False)
    assert asyncio.run(bot.run()) == 1  # nothing left to run: every messenger refused, nobody at the console
    errors = errors_of(caplog)
    assert len(errors) == 3, errors
    assert errors[0].startswith("telegram: the bot token was refused (Not Found)")
    assert errors[1].startswith("zalo: the bot token was refused (404 Not Found)")
    assert errors[2].startswith("no messenger is running (telegram, zalo)")
    assert caplog.records[-1].getMessage() == "stopped"
    assert_clean(caplog, telegram.token, zalo.token)


def test_a_500_on_setmycommands_at_start_up_is_retried_and_telegram_serves(both, telegram, zalo, caplog):
    telegram.fail_next("setMyCommands", 500, "Internal Server Error", count=2)
    zalo.fail_next("getMe", 502, "Bad Gateway", count=2)
    time = VirtualTime()
    bot = Bot(both, [telegram_transport(both, time), zalo_transport(both, time)], schedule=False)

    async def scenario() -> int:
        stop = asyncio.Event()
        running = asyncio.create_task(bot.run(stop))
        telegram.message(TELEGRAM_USER, "/help")
        await until(telegram, lambda: telegram.texts_to(TELEGRAM_USER))
        await zalo_answers(zalo)
        stop.set()
        return await running

    assert asyncio.run(scenario()) == 0
    assert time.waits[:4] == [1.0, 2.0, 1.0, 2.0]  # Telegram's menus, then Zalo's getMe
    assert telegram.commands  # the menus were set in the end
    assert errors_of(caplog) == []
    retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(retries) == 4 and "Internal Server Error" in retries[0] and "Bad Gateway" in retries[2]
    assert_clean(caplog, telegram.token, zalo.token)


def test_start_up_gives_up_after_a_bounded_backoff_and_honours_retry_after(both, telegram, zalo, caplog):
    telegram.fail_next("getMe", 500, "Internal Server Error", count=ATTEMPTS)  # every attempt
    zalo.fail_next("getMe", 429, "Quota exceeded", count=1)
    zalo.fail_next("deleteWebhook", 503, "Service Unavailable", count=ATTEMPTS)
    time = VirtualTime()
    tg, zl = telegram_transport(both, time), zalo_transport(both, time)
    assert asyncio.run(Bot(both, [tg, zl], schedule=False).run()) == 1
    backoff = [1.0, 2.0, 4.0, 8.0, 16.0]
    assert time.waits == [*backoff, 1.0, *backoff]  # Telegram's getMe; Zalo's getMe (429), deleteWebhook
    assert [c["method"] for c in telegram.calls] == ["getMe"] * ATTEMPTS
    errors = errors_of(caplog)
    assert errors[0] == "telegram: could not start (NetworkError: Internal Server Error); it is not running"
    assert errors[1] == "zalo: could not start (503 Service Unavailable); it is not running"
    assert tg.done.is_set() and zl.done.is_set()
    assert_clean(caplog, telegram.token, zalo.token)

    telegram.fail_next("getMe", 429, "Too Many Requests: retry after 7", retry_after=7)
    time = VirtualTime()
    tg = telegram_transport(both, time)
    bot = Bot(both, [tg], schedule=False)

    async def retried() -> None:
        await bot.start()
        await bot.stop()

    asyncio.run(retried())
    assert time.waits == [7.0]  # what Telegram asked for


def test_a_webhook_start_up_retries_a_5xx_and_a_revoked_token_stops_it_in_one_line(both, telegram, caplog):
    both.config = replace(
        both.config,
        telegram=replace(
            both.config.telegram,
            webhook_url="https://bot.quangngai.example/tg/hook",
            webhook_secret="s3cr3t-Token_x",
            webhook_port=free_port(),
        ),
        zalo=ZaloConfig(),
    )
    configure_logging(both.config, "INFO")
    telegram.fail_next("setWebhook", 502, "Bad Gateway")
    time = VirtualTime()
    tg = telegram_transport(both, time)

    async def scenario() -> None:
        bot = Bot(both, [tg], schedule=False)
        await bot.start()
        assert telegram.webhook["url"] == "https://bot.quangngai.example/tg/hook" and not tg.done.is_set()
        telegram.revoke_token()
        assert await tg.send(str(TELEGRAM_USER), Reply("x")) == Delivery.LATER  # the 401 is seen here
        assert tg.done.is_set()
        await bot.stop()

    asyncio.run(scenario())
    assert time.waits == [1.0]
    errors = errors_of(caplog)
    assert len(errors) == 1 and "token was refused (Unauthorized) while sending" in errors[0], errors
    assert_clean(caplog, telegram.token, "s3cr3t-Token_x")


def test_a_token_revoked_while_polling_stops_that_transport_alone(both, telegram, zalo, caplog):
    time = VirtualTime()
    tg, zl = telegram_transport(both, time), zalo_transport(both, time)
    bot = Bot(both, [tg, zl], schedule=False)

    async def scenario() -> int:
        stop = asyncio.Event()
        running = asyncio.create_task(bot.run(stop))
        telegram.message(TELEGRAM_USER, "/help")
        await until(telegram, lambda: telegram.texts_to(TELEGRAM_USER))
        telegram.revoke_token()
        await asyncio.wait_for(tg.done.wait(), 10)
        calls = len(telegram.calls)
        assert await tg.send(str(TELEGRAM_USER), Reply("queued")) == Delivery.LATER  # stays in the outbox
        assert len(telegram.calls) == calls  # and nothing more is asked of Telegram
        await zalo_answers(zalo)
        assert not zl.done.is_set()
        stop.set()
        return await running

    assert asyncio.run(scenario()) == 0
    errors = errors_of(caplog)
    assert len(errors) == 1 and errors[0].startswith("telegram: the bot token was refused"), errors
    assert "while polling" in errors[0]
    assert caplog.records[-1].getMessage() == "stopped"
    assert_clean(caplog, telegram.token, zalo.token)


def test_when_the_last_messenger_is_refused_while_running_the_bot_stops_with_status_1(both, zalo, caplog):
    both.config = replace(both.config, telegram=TelegramConfig())
    time = VirtualTime()
    zl = zalo_transport(both, time)
    bot = Bot(both, [zl], schedule=False)

    async def scenario() -> int:
        running = asyncio.create_task(bot.run())
        await zalo_answers(zalo)
        zalo.revoke_token()
        return await asyncio.wait_for(running, 10)

    assert asyncio.run(scenario()) == 1
    errors = errors_of(caplog)
    assert len(errors) == 2 and "zalo: the bot token was refused" in errors[0], errors
    assert errors[1].startswith("no messenger is running")
    assert caplog.records[-1].getMessage() == "stopped"
    assert_clean(caplog, zalo.token)


class Exploding:
    """A messenger whose start fails unexpectedly, its error quoting a secret."""

    name = "exploding"
    account = None
    addresses = None

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.done = asyncio.Event()
        self.stopped = False

    async def start(self, on_incoming) -> None:
        raise RuntimeError(f"cannot reach https://example.invalid/bot{self.secret}/getMe")

    async def stop(self) -> None:
        self.stopped = True

    async def send(self, address: str, message: Reply) -> Delivery:
        raise AssertionError("a transport that did not start is not sent to")


def test_an_unexpected_start_up_error_stops_that_transport_alone_redacted(both, zalo, caplog):
    time = VirtualTime()
    exploding = Exploding(both.config.zalo.token or "")
    bot = Bot(both, [exploding, zalo_transport(both, time)], schedule=False)

    async def scenario() -> int:
        stop = asyncio.Event()
        running = asyncio.create_task(bot.run(stop))
        await zalo_answers(zalo)
        stop.set()
        return await running

    assert asyncio.run(scenario()) == 0
    assert exploding.done.is_set() and exploding.stopped
    errors = errors_of(caplog)
    assert len(errors) == 1 and errors[0].startswith("exploding: could not start (RuntimeError"), errors
    assert REDACTED in errors[0]
    assert zalo.token not in caplog.text


def test_an_uncaught_error_goes_through_the_redacting_logger(both, caplog, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    configure_logging(both.config, "INFO")
    token = both.config.telegram.token or ""
    try:
        raise ValueError(f"bad answer from /bot{token}/getMe")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    worker = threading.Thread(target=lambda: (_ for _ in ()).throw(OSError(f"lost /bot{token}/")))
    worker.start()
    worker.join()
    assert token not in caplog.text and caplog.text.count(REDACTED) >= 2
    assert [r.levelno for r in caplog.records][-2:] == [logging.CRITICAL, logging.CRITICAL]


# ------------------------------------------------------------------------------------------------
# `dondoc run` in a child process, as an operator sees it.


class DondocRun:
    """`dondoc run` in `workdir`; its log (stderr) collected line by line as it comes."""

    def __init__(self, workdir: Path, settings: dict[str, str]) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "TELEGRAM_", "ZALO_", "LOG_LEVEL"))
        }
        env.update(settings, PYTHONWARNINGS="error", LOG_LEVEL="INFO")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dondoc", "run"],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()

    @property
    def log(self) -> str:
        with self._cond:
            return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 20.0) -> None:
        with self._cond:
            found = self._cond.wait_for(lambda: text in "".join(self.lines), timeout)
        assert found, f"{text!r} not logged:\n{self.log}"

    def end(self, sigterm: bool = True, timeout: float = 20.0) -> int:
        """Its exit status, after SIGTERM (or on its own)."""
        try:
            if sigterm:
                self.process.send_signal(signal.SIGTERM)
            status = self.process.wait(timeout)
        finally:
            self.process.kill()
            self._reader.join(5)
            if self.process.stderr is not None:
                self.process.stderr.close()
        return status


@pytest.fixture
def workdir(tmp_path: Path, migrated_template: Path | None) -> Path:
    """A working folder whose default SQLite database (data/dondoc.sqlite3) is migrated already."""
    if migrated_template is not None:
        (tmp_path / "data").mkdir()
        shutil.copy(migrated_template, tmp_path / "data" / "dondoc.sqlite3")
    return tmp_path


def assert_operator_log(log: str, *tokens: str) -> None:
    assert "Traceback" not in log, log
    assert log.rstrip().endswith("stopped"), log
    for token in tokens:
        assert token not in log and token.split(":")[-1] not in log, log


def test_run_refused_telegram_then_revoked_zalo(workdir, telegram, zalo):
    """The token Telegram refuses: one line, Zalo and the rest keep running; then Zalo's token is revoked
    while it polls: no messenger is left, so the bot says so and exits 1."""
    run = DondocRun(
        workdir,
        {
            "TELEGRAM_BOT_TOKEN": WRONG_TOKEN,
            "TELEGRAM_BASE_URL": telegram.base_url,
            "ZALO_BOT_TOKEN": zalo.token,
            "ZALO_BASE_URL": zalo.base_url,
        },
    )
    try:
        run.wait_for("scheduler started")
        asyncio.run(zalo_answers(zalo))
        zalo.revoke_token()
        run.wait_for("no messenger is running")
    finally:
        status = run.end(sigterm=False)
    assert status == 1, run.log
    log = run.log
    assert_operator_log(log, WRONG_TOKEN, zalo.token)
    refused = [line for line in log.splitlines() if "token was refused" in line]
    assert [line.split(": ", 1)[1].split(":")[0] for line in refused] == ["telegram", "zalo"], log
    assert "ERROR" in refused[0] and "not built yet" not in log


def test_run_sigterm_while_start_up_is_retrying(workdir, telegram):
    telegram.fail_next("getMe", 500, "Internal Server Error", count=100)
    run = DondocRun(workdir, {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_BASE_URL": telegram.base_url})
    try:
        run.wait_for("retrying in 1 s")
    finally:
        status = run.end()
    assert status == 0, run.log
    assert_operator_log(run.log, telegram.token)


def test_run_sigterm_after_telegram_was_revoked_while_polling(workdir, telegram, zalo):
    run = DondocRun(
        workdir,
        {
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_BASE_URL": telegram.base_url,
            "ZALO_BOT_TOKEN": zalo.token,
            "ZALO_BASE_URL": zalo.base_url,
        },
    )
    try:
        run.wait_for("telegram: polling")
        run.wait_for("scheduler started")
        telegram.revoke_token()
        run.wait_for("telegram: the bot token was refused")
        asyncio.run(zalo_answers(zalo))
    finally:
        status = run.end()
    assert status == 0, run.log
    assert_operator_log(run.log, telegram.token, zalo.token)
