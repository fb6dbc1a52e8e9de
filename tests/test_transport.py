"""The transport seam and the composition root: transports looked up by name, built from their own
config sections, started in order and stopped in reverse, answered through one delivery path."""

import asyncio
import subprocess
import sys
from dataclasses import replace

from dondoc.bot.config import TelegramConfig, ZaloConfig
from dondoc.bot.root import Bot
from dondoc.bot.transport import TRANSPORTS, Delivery, Retry, build_transports, retrying, send_pieces
from dondoc.handlers.messages import Incoming, Reply
from tests.conftest import VirtualTime


def test_transports_are_built_by_name_from_their_own_config_sections(app):
    assert list(TRANSPORTS) == ["telegram", "zalo", "console"]
    assert [t.name for t in build_transports(app.config, app.menus)] == ["console"]
    code = "import sys; from dondoc.bot.transport import build_transports; "
    code += "from dondoc.bot.config import Config; "
    code += "build_transports(Config.load(env_file=None, environ={}), lambda *a: []); "
    code += "print('telegram' in sys.modules, 'httpx' in sys.modules)"
    unused = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert unused.stdout.split() == ["False", "False"]  # a messenger not configured is not even imported
    config = replace(app.config, telegram=TelegramConfig(token="1:abc"), zalo=ZaloConfig(token="2:def"))
    built = build_transports(config, app.menus)
    assert [t.name for t in built] == ["telegram", "zalo", "console"]
    telegram = built[0]
    assert telegram.config is config.telegram  # type: ignore[attr-defined]  # its section, nothing more
    assert not hasattr(telegram, "app") and not hasattr(telegram, "dispatcher")


class Recorder:
    """A transport that records what the root does with it."""

    def __init__(self, name: str, events: list[str], addresses: list[str] | None = None) -> None:
        self.name = name
        self.account: str | None = None
        self.addresses = addresses
        self.done = asyncio.Event()
        self.events = events
        self.sent: list[tuple[str, Reply]] = []
        self.on_incoming = None
        self.started = asyncio.Event()

    async def start(self, on_incoming) -> None:
        self.events.append(f"start {self.name}")
        self.on_incoming = on_incoming
        self.started.set()

    async def stop(self) -> None:
        self.events.append(f"stop {self.name}")
        self.done.set()

    async def send(self, address: str, message: Reply) -> Delivery:
        self.sent.append((address, message))
        return Delivery.SENT


def test_the_root_starts_in_order_stops_in_reverse_and_answers_through_the_transport(team):
    app = team.app
    events: list[str] = []
    first, second = Recorder("telegram", events), Recorder("console", events, addresses=["gd-khcn"])
    bot = Bot(app, [first, second], schedule=False)

    async def scenario() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(bot.run(stop))
        await second.started.wait()
        await second.on_incoming(
            Incoming(platform="console", user_id="gd-khcn", chat_id="gd-khcn", text="/help")
        )
        team.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")
        await second.on_incoming(
            Incoming(platform="console", user_id="gd-khcn", chat_id="gd-khcn", text="/nhiemvu")
        )
        stop.set()
        await running

    asyncio.run(scenario())
    assert events == ["start telegram", "start console", "stop console", "stop telegram"]
    replies = [m for _address, m in second.sent if not m.queued]
    assert "/baocao" in replies[0].text and "Trình Kế hoạch năm 2026" in replies[1].text
    queued = [m for _address, m in second.sent if m.queued]
    assert len(queued) == 1 and "Trình Kế hoạch năm 2026" in queued[0].text  # the new task, drained at once
    assert first.sent == []


def test_the_delivery_path_retries_passing_failures_with_bounded_backoff_and_stops_at_a_lost_piece():
    time = VirtualTime()
    attempts: list[str] = []
    outcomes = {"a": [Retry(), Retry(7.0), Delivery.SENT], "b": [Delivery.UNREACHABLE], "c": [Delivery.SENT]}

    async def send(piece: str) -> Delivery | Retry:
        attempts.append(piece)
        return outcomes[piece].pop(0)

    assert asyncio.run(send_pieces(["a", "b", "c"], send, time.sleep)) == Delivery.UNREACHABLE
    assert attempts == ["a", "a", "a", "b"]  # "c" is not sent after "b" could not be
    assert time.waits == [1.0, 7.0]  # the growing backoff, or what the server asked for

    async def never() -> Retry:
        return Retry()

    time = VirtualTime()
    assert isinstance(asyncio.run(retrying(never, time.sleep)), Retry)
    assert time.waits == [1.0, 2.0, 4.0]  # four attempts, then the caller keeps the message queued
