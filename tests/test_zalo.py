"""Zalo end to end: the transport over real HTTP against a fake Zalo Bot API on 127.0.0.1 that enforces the
documented contract (tests/fake_zalo.py): polling and webhook, numbered choices, events, sending."""

import asyncio
import contextlib
import logging
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import func, select

from dondoc.bot.app import App
from dondoc.bot.config import ZaloConfig
from dondoc.bot.outbox_sender import OutboxSender
from dondoc.bot.ratelimit import RateLimiter
from dondoc.bot.root import Bot
from dondoc.bot.transport import Delivery
from dondoc.bot.zalo import ZaloTransport
from dondoc.handlers.messages import Reply
from dondoc.store.models import Outbox, PlatformLink, Report
from tests.conftest import TZ, Chat, VirtualTime, free_port
from tests.fake_zalo import FakeZalo, new_id, webhook_body

HEAD, OFFICER = new_id(), new_id()


@pytest.fixture
def fake():
    with FakeZalo(messages_per_second=1000) as server:
        yield server


@pytest.fixture
def zl(app: App, fake: FakeZalo) -> App:
    app.config = replace(app.config, zalo=ZaloConfig(token=fake.token, base_url=fake.base_url))
    return app


@contextlib.asynccontextmanager
async def running(app: App, time: VirtualTime | None = None):
    time = time or VirtualTime()
    bot = ZaloTransport(
        app.config.zalo,
        limiter=RateLimiter(
            per_second=1000, overall_burst=1000, chat_burst=100, clock=time.clock, sleep=time.sleep
        ),
        sleep=time.sleep,
    )
    root = Bot(app, [bot], schedule=False)  # answers its updates; queued messages wait for a drain
    await root.start_transport(bot)
    try:
        yield bot
    finally:
        await root.stop()


def with_webhook(app: App, port: int) -> None:
    """The bot behind https://bot.quangngai.example/zalo/hook, its receiver on 127.0.0.1:`port`."""
    app.config = replace(
        app.config,
        zalo=replace(
            app.config.zalo,
            webhook_url="https://bot.quangngai.example/zalo/hook",
            webhook_secret="zalo-secret-123",
            webhook_port=port,
        ),
    )


async def until(fake: FakeZalo, predicate, within: float = 10.0) -> None:
    assert await asyncio.to_thread(fake.wait_until, predicate, within), "the bot did not answer in time"


async def ask(fake: FakeZalo, user: str, text: str) -> str:
    before = len(fake.texts_to(user))
    fake.text(user, text)
    await until(fake, lambda: len(fake.texts_to(user)) > before)
    return fake.texts_to(user)[-1]


def test_invite_join_numbered_report_and_summary_by_polling(zl, fake):
    chat = Chat(zl)
    code = chat.invite("KHCN", "head")
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")

    async def scenario():
        async with running(zl):
            assert "Sở Khoa học và Công nghệ" in await ask(fake, HEAD, f"/start {code}")
            question = await ask(fake, HEAD, "bao cao")
            assert "1. #1 Trình Kế hoạch năm 2026" in question  # choices are numbered lines
            percent = await ask(fake, HEAD, "1")
            assert "2. 50%" in percent
            await ask(fake, HEAD, "60%")
            await ask(fake, HEAD, "Đã trình dự thảo <5% & chậm")
            done = await ask(fake, HEAD, "1")  # skip the evidence
            assert "60%" in done

    asyncio.run(scenario())
    with zl.sessions() as session:
        report = session.scalar(select(Report))
        assert (report.percent, report.text) == (60, "Đã trình dự thảo <5% & chậm")
    assert "Sở Khoa học và Công nghệ" in chat.say("vanphong", "/tonghop")
    assert all(len(t) <= 2000 for t in fake.texts_to(HEAD))


def test_other_events_get_a_polite_answer_and_unknown_ones_are_ignored(zl, fake, caplog):
    async def scenario():
        async with running(zl) as bot:
            for send in (fake.image, fake.sticker, fake.voice, fake.unsupported):
                before = len(fake.texts_to(OFFICER))
                send(OFFICER)
                await until(fake, lambda before=before: len(fake.texts_to(OFFICER)) > before)
            fake.unknown_event(OFFICER)
            assert await bot.handle({"event_name": "message.text.received"}) is False  # malformed
            assert await bot.handle("garbage") is False
            await ask(fake, OFFICER, "/help")

    caplog.set_level(logging.INFO)
    asyncio.run(scenario())
    texts = fake.texts_to(OFFICER)
    assert len(texts) == 5 and all("/help" in t for t in texts[:4])
    assert "message.reaction.received" in caplog.text


def test_the_same_message_delivered_twice_is_handled_once(zl, fake):
    chat = Chat(zl)
    code = chat.invite("KHCN", "staff")
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")

    async def scenario():
        async with running(zl) as bot:
            await ask(fake, OFFICER, f"/start {code}")
            update = fake.text(OFFICER, "/baocao 1 30% Đã họp tổ soạn thảo", message_id="m-dup")
            await until(fake, lambda: "30%" in fake.texts_to(OFFICER)[-1])
            assert await bot.handle({"ok": True, "result": update})  # delivered again

    asyncio.run(scenario())
    with zl.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1


def test_webhook_refuses_a_wrong_secret_and_handles_both_body_shapes(zl, fake):
    port = free_port()
    with_webhook(zl, port)
    chat = Chat(zl)
    code = chat.invite("KHCN", "staff")
    url = f"http://127.0.0.1:{port}/zalo/hook"

    async def scenario():
        async with running(zl), httpx.AsyncClient() as client:
            assert fake.webhook["url"] == "https://bot.quangngai.example/zalo/hook"
            update = {
                "event_name": "message.text.received",
                "message": {
                    "from": {"id": OFFICER, "display_name": "Chuyên viên", "is_bot": False},
                    "chat": {"id": OFFICER, "chat_type": "PRIVATE"},
                    "text": f"/start {code}",
                    "message_id": "w1",
                    "date": 1,
                },
            }
            json_type = {"Content-Type": "application/json"}
            wrong = await client.post(
                url,
                content=webhook_body(update),
                headers={**json_type, "X-Bot-Api-Secret-Token": "wrong-secret"},
            )
            missing = await client.post(url, content=webhook_body(update), headers=json_type)
            assert (wrong.status_code, missing.status_code) == (403, 403)
            secret = {**json_type, "X-Bot-Api-Secret-Token": "zalo-secret-123"}
            broken = await client.post(url, content=b'{"event_name": 5', headers=secret)
            assert broken.status_code == 400
            try:  # over the body limit: refused, or the connection is simply closed
                huge = (await client.post(url, content=b"x" * (2 * 1024 * 1024), headers=secret)).status_code
            except httpx.TransportError:
                huge = 400
            assert huge >= 400
            assert (await client.get(url)).status_code == 405
            right = await client.post(url, content=webhook_body(update), headers=secret)
            assert right.status_code == 200
            bare = dict(update, message={**update["message"], "text": "/help", "message_id": "w2"})
            assert (
                await client.post(url, content=webhook_body(bare, wrapped=False), headers=secret)
            ).status_code == 200
            await until(fake, lambda: len(fake.texts_to(OFFICER)) == 2)

    asyncio.run(scenario())
    with zl.sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(PlatformLink).where(PlatformLink.platform == "zalo")
            )
            == 1
        )


def test_nudges_go_out_paced_and_blocked_people_are_marked(zl, fake, clock):
    import datetime as dt

    chat = Chat(zl)
    codes = [chat.invite("KHCN", "staff"), chat.invite("STC", "staff")]
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")
    chat.say("vanphong", "/giao STC | 31/3/2026 | Bố trí kinh phí")
    other = new_id()

    async def scenario():
        async with running(zl) as bot:
            await ask(fake, OFFICER, f"/start {codes[0]}")
            await ask(fake, other, f"/start {codes[1]}")
            sender = OutboxSender(zl, [bot])
            await sender.drain()
            fake.block(other)
            assert len(await asyncio.to_thread(zl.sweep, dt.datetime(2026, 3, 24, 8, 0, tzinfo=TZ))) == 2
            assert await sender.drain() == 1
            assert "Thứ Ba, 31/3/2026" in fake.texts_to(OFFICER)[-1]

    asyncio.run(scenario())
    with zl.sessions() as session:
        assert session.scalar(select(PlatformLink.active).where(PlatformLink.chat_id == other)) is False
        assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None))) == 1
    assert any("Zalo" in m for m in chat.inbox("vanphong"))  # the office was told


def test_quota_and_server_errors_back_off_then_leave_the_row_queued(zl, fake):
    fake.fail_next("sendMessage", 502, "Bad Gateway", count=2)
    time = VirtualTime()

    async def scenario():
        async with running(zl, time) as bot:
            assert await bot.send("u1", Reply("Thử lại")) == Delivery.SENT
            fake.fail_next("sendMessage", 429, "Quota exceeded", count=10)
            assert await bot.send("u1", Reply("Hết hạn mức")) == Delivery.LATER

    asyncio.run(scenario())
    assert time.waits[:2] == [1.0, 2.0]
    assert fake.texts_to("u1") == ["Thử lại"]


def test_a_refused_token_stops_the_transport_with_one_log_line(zl, fake, caplog):
    from dondoc.bot.logs import configure_logging

    zl.config = replace(zl.config, zalo=replace(zl.config.zalo, token="999:wrong-token"))
    configure_logging(zl.config, "DEBUG")  # as `dondoc run` sets it up

    async def scenario():
        async with running(zl) as bot:
            assert bot.done.is_set()

    caplog.set_level(logging.DEBUG)
    asyncio.run(scenario())
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "401" in errors[0].getMessage()
    assert "wrong-token" not in caplog.text


def test_long_replies_are_split_for_zalo(zl, fake):
    async def scenario():
        async with running(zl) as bot:
            text = "\n".join(f"Dòng {i}: nội dung báo cáo tiến độ" for i in range(200))
            assert await bot.send("u2", Reply(text)) == Delivery.SENT
            return text

    text = asyncio.run(scenario())
    pieces = fake.texts_to("u2")
    assert len(pieces) >= 3 and all(len(p) <= 2000 for p in pieces)
    assert "\n".join(pieces) == text


def test_one_person_on_both_messengers_chooses_where_reminders_go(zl, fake):
    import datetime as dt

    chat = Chat(zl)
    chat.join("cv-khcn", "KHCN", "staff")  # on the console
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")
    reply = chat.say("cv-khcn", "/lienket")
    code = reply.split("/start ")[1].split()[0]

    async def scenario():
        async with running(zl) as bot:
            linked = await ask(fake, OFFICER, f"/start {code}")
            assert "cv-khcn" in linked
            assert "Trình Kế hoạch năm 2026" in await ask(fake, OFFICER, "/nhiemvu")
            assert "zalo" in await ask(fake, OFFICER, "/kenh zalo")
            await asyncio.to_thread(zl.sweep, dt.datetime(2026, 3, 24, 8, 0, tzinfo=TZ))
            assert await OutboxSender(zl, [bot]).drain() == 1
            assert "Thứ Ba, 31/3/2026" in fake.texts_to(OFFICER)[-1]

    asyncio.run(scenario())
    with zl.sessions() as session:
        person = session.scalar(
            select(PlatformLink.person_id).where(PlatformLink.platform_user_id == "cv-khcn")
        )
        platforms = session.scalars(
            select(PlatformLink.platform).where(PlatformLink.person_id == person)
        ).all()
    assert sorted(platforms) == ["console", "zalo"]
    assert "sử dụng" in chat.say("stranger", f"/start {code}")  # a link code works once


def test_received_is_a_numbered_answer_on_zalo(zl, fake):
    chat = Chat(zl)
    code = chat.invite("KHCN", "staff")

    async def scenario():
        async with running(zl) as bot:
            await ask(fake, OFFICER, f"/start {code}")
            chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")
            await OutboxSender(zl, [bot]).drain()
            assert "1. ✅ Đã nhận" in fake.texts_to(OFFICER)[-1]
            assert "đã nhận nhiệm vụ #1" in await ask(fake, OFFICER, "1")
            assert "Trình Kế hoạch" in await ask(fake, OFFICER, "/nhiemvu")  # the offer does not linger

    asyncio.run(scenario())
    assert "Đã nhận:" in chat.say("vanphong", "/xem 1")


def test_a_picture_with_a_public_url_goes_as_a_photo_and_a_workbook_is_named_with_its_link(zl, fake):
    from dondoc.handlers.messages import Attachment

    message = Reply(
        "Báo cáo tuần",
        attachments=(
            Attachment("bao-cao.xlsx", b"PK", url="https://bot.example/f/abc"),
            Attachment("bieu-do.png", url="https://bot.example/f/chart.png", mime_type="image/png"),
        ),
    )

    async def scenario():
        async with running(zl) as bot:
            assert await bot.send("u3", message) == Delivery.SENT

    asyncio.run(scenario())
    text = fake.texts_to("u3")[0]
    assert "Báo cáo tuần" in text and "bao-cao.xlsx https://bot.example/f/abc" in text
    assert [c["params"]["photo"] for c in fake.calls if c["method"] == "sendPhoto"] == [
        "https://bot.example/f/chart.png"
    ]


def test_files_go_to_zalo_as_signed_expiring_downloads_beside_the_webhook(zl, fake):
    """Zalo carries no documents: with a public webhook, a workbook and a chart go as links to downloads
    the bot serves itself, signed with the webhook's secret and valid for a day."""
    from dondoc.bot.downloads import TTL_SECONDS
    from dondoc.handlers.messages import Attachment

    port = free_port()
    with_webhook(zl, port)
    workbook, chart = b"PK\x03\x04 the workbook", b"\x89PNG\r\n\x1a\n the chart"
    message = Reply(
        "Báo cáo tuần",
        attachments=(
            Attachment("bao-cao.xlsx", workbook, mime_type="application/vnd.ms-excel", note="hỏi Văn phòng"),
            Attachment("bieu-do.png", chart, mime_type="image/png"),
        ),
    )
    now = [1_000_000.0]

    async def scenario():
        bot = ZaloTransport(zl.config.zalo, clock=lambda: now[0])
        root = Bot(zl, [bot], schedule=False)
        await root.start_transport(bot)
        try:
            assert await bot.send(str(OFFICER), message) == Delivery.SENT
            text = fake.texts_to(OFFICER)[-1]
            [photo] = [s for s in fake.sent if s["method"] == "sendPhoto"]
            link = next(
                w for w in text.split() if w.startswith("https://bot.quangngai.example/zalo/hook/files/")
            )
            assert "hỏi Văn phòng" not in text  # the link, not the note
            local = link.replace("https://bot.quangngai.example", f"http://127.0.0.1:{port}")
            async with httpx.AsyncClient() as client:
                got = await client.get(local)
                assert (got.status_code, got.content) == (200, workbook)
                pictured = await client.get(
                    photo["photo"].replace("https://bot.quangngai.example", f"http://127.0.0.1:{port}")
                )
                assert pictured.content == chart
                parts = local.split("/")
                parts[-2] = "0" * 64  # a forged signature
                assert (await client.get("/".join(parts))).status_code == 403
                now[0] += TTL_SECONDS + 1
                assert (await client.get(local)).status_code == 410
        finally:
            await root.stop()

    asyncio.run(scenario())


def test_without_a_public_webhook_zalo_names_the_file_and_where_to_get_it(zl, fake):
    from dondoc.handlers.messages import Attachment

    message = Reply(
        "Báo cáo", attachments=(Attachment("bao-cao.xlsx", b"PK", note="gõ /xuat trên Telegram"),)
    )

    async def scenario():
        async with running(zl) as bot:
            assert await bot.send(str(OFFICER), message) == Delivery.SENT

    asyncio.run(scenario())
    assert "bao-cao.xlsx: gõ /xuat trên Telegram" in fake.texts_to(OFFICER)[-1]
