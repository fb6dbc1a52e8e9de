"""Telegram end to end: python-telegram-bot over real HTTP against a fake Bot API on 127.0.0.1 that
enforces Telegram's rules (tests/fake_telegram.py). Nothing here sleeps: sends are paced by an injected
clock, and the tests wait on the fake's condition variable for the bot's answers."""

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import replace
from functools import partial

import pytest
from sqlalchemy import func, select

from dondoc.bot.app import App
from dondoc.bot.config import TelegramConfig
from dondoc.bot.outbox_sender import OutboxSender
from dondoc.bot.plaintext import split_text
from dondoc.bot.ratelimit import RateLimiter
from dondoc.bot.root import Bot
from dondoc.bot.telegram import TelegramTransport
from dondoc.bot.transport import Delivery
from dondoc.handlers.messages import Reply
from dondoc.store.models import Outbox, Person, PlatformLink, Report, Role
from dondoc.store.outbox import enqueue
from dondoc.store.people import add_person
from tests.conftest import TZ, Chat, VirtualTime, free_port
from tests.fake_telegram import FakeTelegram

HEAD, OFFICER, OFFICE = 501, 502, 600


@pytest.fixture
def fake():
    with FakeTelegram(chat_burst=50) as server:
        yield server


@pytest.fixture
def tg(app: App, fake: FakeTelegram) -> App:
    app.config = replace(app.config, telegram=TelegramConfig(token=fake.token, base_url=fake.base_url))
    return app


def run(scenario) -> None:
    asyncio.run(scenario)


async def until(fake: FakeTelegram, predicate, within: float = 10.0) -> None:
    assert await asyncio.to_thread(fake.wait_until, predicate, within), "the bot did not answer in time"


def transport(app: App) -> tuple[TelegramTransport, VirtualTime]:
    time = VirtualTime()
    return TelegramTransport(
        app.config.telegram,
        partial(app.menus, "telegram"),
        limiter=RateLimiter(clock=time.clock, sleep=time.sleep),
        sleep=time.sleep,
    ), time


@contextlib.asynccontextmanager
async def running(app: App):
    """The Telegram transport polling the fake server for the length of the block, its updates answered
    by the bot's root; queued messages go out only when a test drains them."""
    bot, _time = transport(app)
    root = Bot(app, [bot], schedule=False)
    await root.start_transport(bot)
    try:
        yield bot
    finally:
        await root.stop()


async def ask(fake: FakeTelegram, user: int, text: str, **fields) -> str:
    """Queue a message from `user` and wait for the bot's (first) answer to it."""
    before = len(fake.texts_to(fields.get("chat_id", user)))
    fake.message(user, text, **fields)
    await until(fake, lambda: len(fake.texts_to(fields.get("chat_id", user))) > before)
    return fake.texts_to(fields.get("chat_id", user))[-1]


def test_invite_join_guided_report_with_buttons_and_summary(tg, fake):
    chat = Chat(tg)
    code = chat.invite("KHCN", "head")
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")

    async def scenario():
        async with running(tg):
            welcome = await ask(fake, HEAD, f"/start {code}")
            assert "Sở Khoa học và Công nghệ" in welcome
            assert "https://t.me/dondoc_test_bot?start=" in Chat(tg).say("vanphong", "/moi STC staff")
            await until(fake, lambda: len(fake.commands_for(HEAD, "vi")) > 3)
            menu = fake.commands_for(HEAD, "vi")
            assert "baocao" in [c["command"] for c in menu] and "moi" not in [c["command"] for c in menu]
            await ask(fake, HEAD, "/baocao")
            question = fake.sent_to(HEAD)[-1]
            buttons = [row[0] for row in question["reply_markup"]["inline_keyboard"]]
            assert buttons[0]["callback_data"] == "task:1"
            fake.callback(HEAD, "task:1", message_id=question["message_id"])
            await until(fake, lambda: "%" in str(fake.sent_to(HEAD)[-1].get("reply_markup")))
            percent = fake.sent_to(HEAD)[-1]
            fake.callback(
                HEAD,
                percent["reply_markup"]["inline_keyboard"][1][0]["callback_data"],
                message_id=percent["message_id"],
            )  # 50%
            await until(fake, lambda: len(fake.sent_to(HEAD)) == 4)  # "what has been done?"
            await ask(fake, HEAD, "Đã trình dự thảo <5% & chậm")  # user text with HTML characters
            skip = fake.sent_to(HEAD)[-1]
            fake.callback(HEAD, "skip", message_id=skip["message_id"])
            await until(fake, lambda: "50%" in fake.texts_to(HEAD)[-1], within=3)
            assert len(fake.answered_callbacks) == 3  # every button press was answered

    run(scenario())
    with tg.sessions() as session:
        report = session.scalar(select(Report))
        assert (report.percent, report.text) == (50, "Đã trình dự thảo <5% & chậm")
    summary = chat.say("vanphong", "/tonghop")
    assert "Sở Khoa học và Công nghệ" in summary
    assert "50%" in chat.say("vanphong", "/xem 1")
    assert "<5% & chậm" in chat.say("vanphong", "/xem 1")


def test_a_stale_or_foreign_button_is_answered_politely(tg, fake):
    chat = Chat(tg)
    code = chat.invite("KHCN", "staff")

    async def scenario():
        async with running(tg):
            await ask(fake, OFFICER, f"/start {code}")
            fake.callback(OFFICER, "task:99", message_id=1)
            await until(fake, lambda: fake.answered_callbacks and len(fake.texts_to(OFFICER)) >= 2)
            assert "/help" in fake.texts_to(OFFICER)[-1]

    run(scenario())


def test_html_is_escaped_and_long_replies_are_split(tg, fake):
    chat = Chat(tg)
    code = chat.invite("KHCN", "staff")
    long_text = "\n".join(f"Dòng {i}: <b>không phải thẻ</b> & ký tự" for i in range(400))

    async def scenario():
        async with running(tg) as bot:
            await ask(fake, OFFICER, f"/start {code}")
            assert await bot.send(str(OFFICER), Reply(long_text)) == Delivery.SENT

    run(scenario())
    pieces = fake.texts_to(OFFICER)[-3:]
    assert all(len(p) <= 4096 for p in pieces) and len(pieces) >= 3
    assert "\n".join(fake.texts_to(OFFICER)[1:]) == long_text  # nothing lost, nothing mangled
    assert not [e for e in fake.errors if e["status"] == 400]


def test_split_text_keeps_lines_whole():
    text = "\n".join("x" * 1000 for _ in range(9))
    pieces = split_text(text, 4096)
    assert [len(p) for p in pieces] == [4003, 4003, 1000]
    assert split_text("a" * 5000, 4096) == ["a" * 4096, "a" * 904]


def test_groups_answer_commands_replies_and_mentions_by_the_senders_role(tg, fake):
    chat = Chat(tg)
    code = chat.invite("KHCN", "staff")
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")
    group = -100123

    async def scenario():
        async with running(tg):
            await ask(fake, OFFICER, f"/start {code}")
            fake.message(OFFICER, "Chào cả nhà, họp lúc 2 giờ", chat_id=group, chat_type="supergroup")
            fake.message(777, "/nhiemvu", chat_id=group, chat_type="supergroup")  # a stranger in the group
            await until(fake, lambda: len(fake.texts_to(group)) >= 1)
            assert "/start" in fake.texts_to(group)[-1]  # the stranger learns nothing
            answer = await ask(
                fake, OFFICER, "/nhiemvu@dondoc_test_bot", chat_id=group, chat_type="supergroup"
            )
            assert "Trình Kế hoạch năm 2026" in answer
            mention = await ask(
                fake, OFFICER, "@dondoc_test_bot nhiemvu", chat_id=group, chat_type="supergroup"
            )
            assert "Trình Kế hoạch năm 2026" in mention
            assert len(fake.texts_to(group)) == 3  # the chatter got no answer

    run(scenario())
    with tg.sessions() as session:  # the officer's private chat stays their address, not the group
        assert session.scalar(select(PlatformLink.chat_id).where(PlatformLink.platform == "telegram")) == str(
            OFFICER
        )


def test_a_redelivered_update_is_handled_once(tg, fake):
    chat = Chat(tg)
    code = chat.invite("KHCN", "staff")
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")

    async def scenario():
        async with running(tg) as bot:
            await ask(fake, OFFICER, f"/start {code}")
            update = fake.message(OFFICER, "/baocao 1 30% Đã họp tổ soạn thảo")
            await until(fake, lambda: "30%" in fake.texts_to(OFFICER)[-1])
            await bot.application.process_update(
                __import__("telegram").Update.de_json(update, bot.application.bot)
            )  # Telegram sends it again

    run(scenario())
    with tg.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1


def test_outbox_sender_paces_honours_retry_after_and_never_sends_twice(app):
    time = VirtualTime()  # the fake's flood limits and the bot's pacing run on the same injected clock
    with FakeTelegram(clock=time.clock) as fake:
        app.config = replace(app.config, telegram=TelegramConfig(token=fake.token, base_url=fake.base_url))
        with app.sessions() as session:
            people = [
                add_person(
                    session,
                    name=f"cv{i}",
                    role=Role.STAFF,
                    agency=None,
                    platform="telegram",
                    user_id=str(9000 + i),
                    chat_id=str(9000 + i),
                    now=app.clock(),
                )
                for i in range(40)
            ]
            for person in people:
                enqueue(session, person, f"Nhắc việc cho {person.name}", app.clock())
            for n in range(3):
                enqueue(session, people[0], f"Tin thêm {n} cho cv0", app.clock())
            session.commit()
        fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)

        async def scenario():
            bot = TelegramTransport(
                app.config.telegram, limiter=RateLimiter(clock=time.clock, sleep=time.sleep), sleep=time.sleep
            )
            await bot.application.initialize()
            try:
                sender = OutboxSender(app, [bot])
                assert await sender.drain() == 43
                assert await sender.drain() == 0
            finally:
                await bot.application.shutdown()

        asyncio.run(scenario())
        texts = [m["plain"] for m in fake.sent]
        assert len(texts) == 43 == len(set(texts))  # no duplicate, no loss
        assert 7.0 in time.waits  # the 429's retry_after was honoured
        assert [e for e in fake.flood_errors if not e.get("injected")] == []  # paced within the limits
        assert time.now >= 43 / 30  # about 30 messages a second overall
        to_first = [m["at"] for m in fake.sent if m["chat_id"] == 9000]
        assert len(to_first) == 4 and to_first[3] - to_first[0] >= 1, (
            to_first
        )  # one chat: bursts of 3, then 1/s
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None))) == 0


def test_blocked_person_is_marked_unreachable_and_the_office_is_told(tg, fake):
    chat = Chat(tg)
    code = chat.invite("KHCN", "staff")

    async def scenario():
        async with running(tg) as bot:
            await ask(fake, OFFICER, f"/start {code}")
            fake.block(OFFICER)
            assert await bot.send(str(OFFICER), Reply("Nhắc việc")) == Delivery.UNREACHABLE
            with tg.sessions() as session:
                enqueue(
                    session,
                    session.scalar(select(Person).where(Person.name != "vanphong")),
                    "Nhắc",
                    tg.clock(),
                )
                session.commit()
            assert await OutboxSender(tg, [bot]).drain() == 0  # the outbox learns it and tells the office

    run(scenario())
    with tg.sessions() as session:
        assert session.scalar(select(PlatformLink.active).where(PlatformLink.platform == "telegram")) is False
    assert any("cv" in m or "Người dùng" in m for m in chat.inbox("vanphong"))


def test_network_errors_are_retried_with_bounded_backoff(tg, fake):
    chat = Chat(tg)
    chat.invite("KHCN", "staff")
    fake.fail_next("sendMessage", 502, "Bad Gateway", count=2)

    async def scenario():
        bot, time = transport(tg)
        await bot.application.initialize()
        try:
            assert await bot.send("4242", Reply("Thử lại")) == Delivery.SENT
        finally:
            await bot.application.shutdown()
        return time

    time = asyncio.run(scenario())
    assert [w for w in time.waits if w >= 1] == [1.0, 2.0]
    assert fake.texts_to(4242) == ["Thử lại"]


def test_a_nudge_arrives_on_the_right_day(tg, fake, clock):
    chat = Chat(tg)
    code = chat.invite("KHCN", "staff")
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")

    async def scenario():
        async with running(tg) as bot:
            await ask(fake, OFFICER, f"/start {code}")
            sender = OutboxSender(tg, [bot])
            await sender.drain()
            before = len(fake.texts_to(OFFICER))
            assert await asyncio.to_thread(tg.sweep, dt.datetime(2026, 3, 23, 8, 0, tzinfo=TZ)) == []
            assert await sender.drain() == 0
            assert len(await asyncio.to_thread(tg.sweep, dt.datetime(2026, 3, 24, 8, 0, tzinfo=TZ))) == 1
            assert await sender.drain() == 1
            assert len(fake.texts_to(OFFICER)) == before + 1
            assert "Thứ Ba, 31/3/2026" in fake.texts_to(OFFICER)[-1]

    run(scenario())


def test_documents_for_nhap_come_through(tg, fake):
    chat = Chat(tg)
    sample = (
        __import__("pathlib").Path(__file__).parent / "fixtures" / "sample-nq57-quang-ngai.txt"
    ).read_bytes()
    code = chat.invite("", "admin")

    async def scenario():
        async with running(tg):
            await ask(fake, OFFICE, f"/start {code}")
            document = fake.add_file(sample, "thong-bao.txt", "text/plain")
            preview = await ask(fake, OFFICE, "", document=document, caption="/nhap")
            assert "II.1.đ" in "\n".join(fake.texts_to(OFFICE)[-3:]) or "II.1.đ" in preview
            confirm = fake.sent_to(OFFICE)[-1]
            fake.callback(OFFICE, "import", message_id=confirm["message_id"])
            await until(fake, lambda: "#14" in fake.texts_to(OFFICE)[-1])

    run(scenario())


def test_tokens_never_reach_the_logs(tg, fake, caplog):
    from dondoc.bot.logs import configure_logging

    configure_logging(tg.config, "DEBUG")
    caplog.set_level(logging.DEBUG)
    chat = Chat(tg)
    code = chat.invite("KHCN", "staff")

    async def scenario():
        async with running(tg) as bot:
            await ask(fake, OFFICER, f"/start {code}")
            fake.forget_chat(31337)
            await bot.send("31337", Reply("x"))

    run(scenario())
    assert fake.token not in caplog.text
    assert fake.token.split(":")[1] not in caplog.text


def test_webhook_checks_the_secret_before_anything_is_parsed(tg, fake):
    import httpx

    port = free_port()
    tg.config = replace(
        tg.config,
        telegram=replace(
            tg.config.telegram,
            webhook_url="https://bot.quangngai.example/tg/hook",
            webhook_secret="s3cr3t-Token_x",
            webhook_listen="127.0.0.1",
            webhook_port=port,
        ),
    )
    chat = Chat(tg)
    code = chat.invite("KHCN", "staff")
    url = f"http://127.0.0.1:{port}/tg/hook"

    async def scenario():
        async with running(tg):
            assert fake.webhook["url"] == "https://bot.quangngai.example/tg/hook"
            assert fake.webhook["secret_token"] == "s3cr3t-Token_x"
            update = {
                "update_id": 5001,
                "message": {
                    "message_id": 1,
                    "date": 1,
                    "text": f"/start {code}",
                    "chat": {"id": OFFICER, "type": "private"},
                    "from": {"id": OFFICER, "is_bot": False, "first_name": "Chuyên viên"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
            async with httpx.AsyncClient() as client:
                wrong = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
                )
                missing = await client.post(
                    url, content=b"{not json", headers={"Content-Type": "application/json"}
                )
                assert (wrong.status_code, missing.status_code) == (403, 403)
                right = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cr3t-Token_x"}
                )
                assert right.status_code == 200
            await until(fake, lambda: fake.texts_to(OFFICER))

    run(scenario())
    assert len(fake.texts_to(OFFICER)) == 1  # only the request with the right secret was handled
    with tg.sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(PlatformLink).where(PlatformLink.platform == "telegram")
            )
            == 1
        )


def test_a_completion_with_an_attached_file_keeps_the_file(tg, fake):
    from dondoc.store.models import StoredFile

    chat = Chat(tg)
    code = chat.invite("KHCN", "head")
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")
    pdf = b"%PDF-1.7 Ke hoach so 45/KH-UBND"

    async def scenario():
        async with running(tg):
            await ask(fake, HEAD, f"/start {code}")
            document = fake.add_file(pdf, "ke-hoach-45.pdf", "application/pdf")
            answer = await ask(fake, HEAD, "", document=document, caption="/hoanthanh 1 Đã ban hành Kế hoạch")
            assert "✅" in answer

    run(scenario())
    with tg.sessions() as session:
        report = session.scalar(select(Report))
        stored = session.scalar(select(StoredFile))
        assert report.kind.value == "completion" and stored.content == pdf
        assert f"ke-hoach-45.pdf (#{stored.id})" in report.evidence
    assert "ke-hoach-45.pdf" in chat.say("vanphong", "/xem 1")


def test_a_new_task_arrives_with_a_received_button_and_the_office_decides_by_button(tg, fake):
    chat = Chat(tg)
    codes = [chat.invite("KHCN", "staff"), chat.invite("", "vanphong")]

    async def scenario():
        async with running(tg) as bot:
            await ask(fake, OFFICER, f"/start {codes[0]}")
            await ask(fake, OFFICE, f"/start {codes[1]}")
            chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")
            sender = OutboxSender(tg, [bot])
            await sender.drain()
            new_task = fake.sent_to(OFFICER)[-1]
            button = new_task["reply_markup"]["inline_keyboard"][0][0]
            assert (button["text"], button["callback_data"]) == ("✅ Đã nhận", "/danhan 1")
            fake.callback(OFFICER, button["callback_data"], message_id=new_task["message_id"])
            await until(fake, lambda: "đã nhận nhiệm vụ #1" in fake.texts_to(OFFICER)[-1])

            await ask(fake, OFFICER, "/hoanthanh 1 Đã ban hành Kế hoạch 45/KH-UBND")
            await sender.drain()
            notice = fake.sent_to(OFFICE)[-1]
            assert "45/KH-UBND" in notice["text"]
            confirm = notice["reply_markup"]["inline_keyboard"][0][0]
            assert confirm["callback_data"] == "/xacnhan 1 SKHCN"
            fake.callback(OFFICE, confirm["callback_data"], message_id=notice["message_id"])
            await until(fake, lambda: "đúng hạn" in fake.texts_to(OFFICE)[-1])
            await sender.drain()
            assert "Văn phòng đã xác nhận" in fake.texts_to(OFFICER)[-1]

    run(scenario())
    with tg.sessions() as session:
        from dondoc.store.models import TaskAgency

        part = session.scalar(select(TaskAgency))
        assert part.state == "done" and part.received_at is not None


def test_a_message_with_a_workbook_and_a_chart_arrives_as_a_document_and_a_photo(tg, fake):
    from dondoc.handlers.messages import Attachment, Choice
    from tests.test_fake_telegram import png

    workbook = b"PK\x03\x04 stand-in for an xlsx workbook"
    chart = png(640, 480)
    message = Reply(
        "Báo cáo tuần",
        choices=(Choice("Xem chi tiết", "/tonghop"),),
        attachments=(
            Attachment("bao-cao.xlsx", workbook, mime_type="application/vnd.ms-excel"),
            Attachment("bieu-do.png", chart, mime_type="image/png"),
        ),
    )

    async def scenario():
        bot, _time = transport(tg)
        await bot.initialize()
        try:
            assert await bot.send(str(OFFICER), message) == Delivery.SENT
        finally:
            await bot.application.shutdown()

    run(scenario())
    assert fake.texts_to(OFFICER)[0] == "Báo cáo tuần"
    files = fake.files_to(OFFICER)
    assert [(f["method"], f["file_name"]) for f in files] == [
        ("sendDocument", "bao-cao.xlsx"),
        ("sendPhoto", files[1]["file_name"]),
    ]
    assert files[0]["data"] == workbook and files[1]["data"] == chart
