"""Bad input: numbers of any size, lone surrogates and other unencodable text, in any field of any transport,
get a clear answer or are cleaned on the way in; nothing a person sends makes the office receive an alert;
the alerts about real failures are rate-limited. The real dispatcher on a real SQLite file."""

import asyncio
import io
import itertools
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from telegram import Update
from telegram.request import BaseRequest, RequestData

from dondoc.bot.config import ConsoleConfig, TelegramConfig, ZaloConfig
from dondoc.bot.console import ConsoleTransport
from dondoc.bot.telegram import TelegramTransport
from dondoc.bot.zalo import NON_TEXT_EVENTS, TEXT_EVENT, ZaloTransport
from dondoc.handlers import build_registry, dispatch
from dondoc.handlers.access import EVERYONE
from dondoc.handlers.dispatch import Dispatcher
from dondoc.handlers.messages import Attachment, Incoming, Reply
from dondoc.handlers.registry import Router
from dondoc.notices.reader import MAX_BYTES
from dondoc.store.models import Outbox, Person, PlatformLink, Report

BIG = "9223372036854775808"  # one past the largest 64-bit integer the database holds
HUGE = "9" * 5000  # past the 4,300 digits Python's int() reads at all
APOLOGY = "hệ thống gặp sự cố"  # the Vietnamese apology for a failure on our side


def alerts(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "alert")) or 0


def clean(text: str) -> bool:
    """What every string from a person must be once inside: encodable as UTF-8, and NFC."""
    text.encode("utf-8")  # raises on a lone surrogate
    return unicodedata.is_normalized("NFC", text)


def all_clean(incoming: Incoming) -> bool:
    values = [getattr(incoming, f.name) for f in fields(incoming)]
    for attachment in incoming.attachments:
        values += [getattr(attachment, f.name) for f in fields(attachment)]
    return all(clean(value) for value in values if isinstance(value, str))


def answered(replies: list[Reply]) -> str:
    """The replies' text, checked the way a messenger would send it."""
    assert replies, "no answer"
    text = "\n".join(r.text for r in replies)
    assert clean(text) and APOLOGY not in text, text
    return text


# Numbers of any size -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "message", "hint"),
    [
        ("cv-khcn", f"/nhiemvu {BIG}", "/nhiemvu 2"),
        ("cv-khcn", f"nhiệm vụ {HUGE}", "/nhiemvu 2"),
        ("cv-khcn", f"/xem {BIG}", "/xem 12"),
        ("cv-khcn", f"/xem #{HUGE}", "/xem 12"),
        ("cv-khcn", f"/baocao {BIG} 50% Đã làm", "/baocao 12 60%"),
        ("cv-khcn", f"/baocao 1 {BIG}% Đã làm", "/baocao 12 60%"),
        ("cv-khcn", f"/sapden {BIG}", "/sapden 14"),
        ("cv-khcn", "/sapden 0000019999999", "/sapden 14"),  # its first six digits alone are 1
        ("cv-khcn", f"/datb {BIG}", "/datb 5"),
        ("vanphong", "/giao KHCN | 31/12/9999 | Việc cần làm", "31/3/2026"),
        ("vanphong", "/giao KHCN | 1/1/0001 | Việc cần làm", "31/3/2026"),
        ("vanphong", "/sua 1 hạn 31/12/9999", "31/3/2026"),
        ("gd-khcn", "/giahan 1 31/12/9999 Cần thêm thời gian", "/giahan 12 30/4/2026"),
        ("vanphong", "/xuat từ 1/1/0001 đến 31/12/9999", "31/3/2026"),
        ("vanphong", "/danhgia tháng 12/9999", "quý I/2026"),
        ("vanphong", f"/danhgia quý {HUGE}", "quý I/2026"),
    ],
)
def test_a_number_too_big_or_a_year_out_of_range_is_answered_with_what_to_type(team, user, message, hint):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    text = answered(team.send(user, message))
    assert hint in text
    assert len(text) < 1000  # the 5,000 digits are not read back
    assert alerts(team.app) == 0


@pytest.mark.parametrize(
    "question",
    [
        f"nhiệm vụ 1 ngày 5 tháng 3 năm {BIG} đã có báo cáo chưa",
        f"việc nào đến hạn ngày 5 tháng 3 năm {HUGE}",
        "việc nào đến hạn tháng 12/9999",
        "việc nào đến hạn trước 31/12/9999",
        "báo cáo ngày 1 tháng 1 năm 1",
        "việc nào đến hạn 9999 tháng tới",
    ],
)
def test_a_question_with_an_impossible_date_gets_an_answer(team, question):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    answered(team.send("cv-khcn", question))
    assert alerts(team.app) == 0


def test_a_choice_answered_by_a_long_number_is_not_a_choice(team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    assert "số thứ tự" in team.say("cv-khcn", "/baocao")  # one task offered, by number
    for number in ("0000010", "0000001" + "0" * 4400, BIG):  # their first six digits read 1
        assert "từ 1 đến 1" in answered(team.send("cv-khcn", number))
    assert alerts(team.app) == 0


# Unencodable text ------------------------------------------------------------------------------------


def test_lone_surrogates_in_text_and_name_are_replaced_and_stored(team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    text = answered(team.send("cv-khcn", "/baocao 1 40% Đã làm xong\ud800 bước \udfff một"))
    assert "40%" in text
    with team.app.sessions() as session:
        assert session.scalar(select(Report.text)) == "Đã làm xong\ufffd bước \ufffd một"
    assert "\ufffd" in answered(team.send("cv-khcn", "chào\udc80 bạn"))  # read back, encodable
    assert alerts(team.app) == 0


def test_a_stranger_with_a_surrogate_in_every_field_joins_and_is_answered(team):
    code = team.invite("KHCN", "staff")
    odd = "người\ud83d\ude00lạ\udcff"  # a pair as two halves, and a lone one (a command line's bad byte)
    fields = {"chat_id": odd, "display_name": "Nguyễn\ud800 Văn A", "language_hint": "vi\udfff"}
    assert "/start" in answered(team.app.dispatcher.handle(Incoming("console", odd, text="/help", **fields)))
    answered(team.app.dispatcher.handle(Incoming("console", odd, text=f"/start {code}", **fields)))
    with team.app.sessions() as session:
        links = session.scalars(select(PlatformLink)).all()
        joined = next(link for link in links if "lạ" in link.platform_user_id)
        assert joined.platform_user_id == "người😀lạ\ufffd" == joined.chat_id
        assert session.get(Person, joined.person_id).name == "Nguyễn\ufffd Văn A"
    answered(team.app.dispatcher.handle(Incoming("console", odd, text="/nhiemvu", **fields)))
    assert alerts(team.app) == 0


def test_a_file_name_and_a_button_with_surrogates_are_cleaned(team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    document = Attachment("báo\udcffcáo.pdf", b"%PDF-1.4", mime_type="application/pdf\ud800")
    assert document.filename == "báo\ufffdcáo.pdf" and document.mime_type == "application/pdf\ufffd"
    answered(team.send("cv-khcn", "/hoanthanh 1 Đã xong", attachments=(document,)))
    answered(team.send("cv-khcn", "", choice="task:\ud800"))  # a button no one offered
    answered(team.send("cv-khcn", "", choice="/xem \udc801"))  # a button that carries a command
    assert alerts(team.app) == 0


def test_nfd_text_and_invisible_characters_are_cleaned_once_on_the_way_in():
    incoming = Incoming(
        "console",
        unicodedata.normalize("NFD", "Tiến"),
        "c\x00",
        text="e\u200b\u0301",  # an invisible character between a letter and its accent
        choice="\ufeffx",
    )
    assert (incoming.user_id, incoming.chat_id, incoming.text, incoming.choice) == ("Tiến", "c", "é", "x")
    assert all_clean(incoming)


def test_the_console_person_is_named_as_the_messages_name_them():
    assert ConsoleConfig(user=unicodedata.normalize("NFD", "Tiến\udcff")).user == "Tiến\ufffd"


# The error boundary and the alerts ------------------------------------------------------------------


def test_a_failure_while_finding_who_wrote_is_answered_and_not_raised(app, team, monkeypatch):
    def broken(session, platform, user_id):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(dispatch, "identify", broken)
    replies = app.dispatcher.handle(Incoming("console", "cv-khcn", "cv-khcn", text="/nhiemvu"))
    assert len(replies) == 1 and "Xin lỗi" in replies[0].text
    assert alerts(app) == 1  # a real failure: the office hears of it


def _failing(app, clock) -> Dispatcher:
    """A dispatcher whose /hong fails one way and /vo another, the office told at most every 30 minutes."""
    router = Router()

    @router.command("hong", roles=EVERYONE, summary="broken", syntax="/hong")
    def broken(ctx, args):
        raise RuntimeError("a bug")

    @router.command("vo", roles=EVERYONE, summary="broken too", syntax="/vo")
    def broken_too(ctx, args):
        raise KeyError("another bug")

    return Dispatcher(app.sessions, build_registry(router), tz=app.config.tz, clock=clock)


def test_alerts_about_one_kind_of_failure_are_rate_limited(app, team, clock):
    dispatcher = _failing(app, clock)

    def fail(command: str) -> None:
        replies = dispatcher.handle(Incoming("console", "cv-khcn", "cv-khcn", text=command))
        assert "Xin lỗi" in replies[0].text  # every time, the person hears of it

    for _ in range(20):
        fail("/hong")
    assert alerts(app) == 1
    fail("/vo")  # another failure is not hidden behind the first
    assert alerts(app) == 2
    clock.advance(minutes=29)
    fail("/hong")
    assert alerts(app) == 2
    clock.advance(minutes=1)
    fail("/hong")
    fail("/hong")
    assert alerts(app) == 3


# Every transport's inbound parsing -----------------------------------------------------------------

ANY_CHAR = st.characters(exclude_categories=())  # every code point, lone surrogates included
ODD = st.sampled_from(
    [
        "\ud800",
        "\udfff",
        "\ud83d\ude00",  # a surrogate pair as two halves
        "e\u0301",
        "\u0301",
        "\u200b",
        "\x00",
        "\x85",
        "\ufeff",
        "²",
        "٣",
        "𝟗",
        "\U0010ffff",
        "ﷺ",
        "Ǆ",
        BIG,
        "-" + BIG,
        "9" * 40,
        "31/12/9999",
        "#" + BIG,
        f"{BIG}%",
        "tháng",
        "năm",
        "ngày",
    ]
)
WORDS = st.lists(st.one_of(ODD, st.text(ANY_CHAR, max_size=8), st.integers().map(str)), max_size=8)
COMMANDS = sorted(build_registry().commands)
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    WORDS.map(" ".join),
    st.builds(lambda word, rest: f"/{word} {' '.join(rest)}", st.sampled_from(COMMANDS), WORDS),
)
ID = st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.text(ANY_CHAR, min_size=1, max_size=12))
UPDATES = itertools.count(1)  # each update its own id, or the dispatcher would take it for a redelivery
PROPERTY = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Inbox:
    """Stands for the bot's root: collects what a transport hands on."""

    def __init__(self) -> None:
        self.messages: list[Incoming] = []

    async def __call__(self, incoming: Incoming) -> None:
        self.messages.append(incoming)

    def take(self) -> list[Incoming]:
        messages, self.messages = self.messages, []
        return messages


def through_the_bot(app, messages: list[Incoming]) -> None:
    """Each message clean, and answered by the real dispatcher without an alert for the office."""
    for incoming in messages:
        assert all_clean(incoming), incoming
        if incoming.event is None:
            for reply in app.dispatcher.handle(incoming):
                assert clean(reply.text)
    assert alerts(app) == 0


def as_json(payload: Any) -> Any:
    """What the messenger's JSON body decodes to (lone surrogates arrive escaped, as \\ud800)."""
    return json.loads(json.dumps(payload))


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@PROPERTY
@given(line=TEXT, user=st.one_of(st.sampled_from(["cv-khcn", "vanphong"]), st.text(ANY_CHAR, min_size=1)))
def test_any_console_line_becomes_a_clean_message(team, line, user):
    console = ConsoleTransport(ConsoleConfig(user=user), out=io.StringIO(), interactive=False)
    through_the_bot(team.app, [console.incoming(line), console.incoming(line, (Attachment(line),))])
    team.say(console.user, "hủy")  # leave any flow the line started


class LocalBotApi(BaseRequest):
    """Answers the few Bot API calls an incoming update makes (getMe, answerCallbackQuery, getFile and
    the download), in memory."""

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **_: Any):
        if "/file/bot" in url:
            return 200, b"%PDF-1.4"
        name = url.rsplit("/", 1)[-1]
        result: Any = True
        if name == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Đôn Đốc", "username": "dondoc_bot"}
        elif name == "getFile":
            result = {"file_id": "f", "file_unique_id": "u", "file_size": 8, "file_path": "documents/f"}
        return 200, json.dumps({"ok": True, "result": result}).encode()


@pytest.fixture
def telegram(loop) -> Iterator[tuple[TelegramTransport, Inbox]]:
    inbox = Inbox()
    transport = TelegramTransport(TelegramConfig(token="123:local"), request=LocalBotApi())
    loop.run_until_complete(transport.initialize(inbox))
    yield transport, inbox
    loop.run_until_complete(transport.stop())


def telegram_user(user_id: int, name: str, language: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "last_name": name, "language_code": language}


@PROPERTY
@given(
    text=TEXT,
    name=TEXT,
    language=st.text(ANY_CHAR, max_size=6),
    user_id=st.integers(min_value=1, max_value=2**70),
    chat_id=st.integers(min_value=-(2**70), max_value=2**70),
    group=st.booleans(),
    file_name=st.none() | st.text(ANY_CHAR, max_size=20),
    mime=st.text(ANY_CHAR, max_size=12),
    small=st.booleans(),
    data=TEXT,
)
def test_any_telegram_update_becomes_a_clean_message(
    team, telegram, loop, text, name, language, user_id, chat_id, group, file_name, mime, small, data
):
    transport, inbox = telegram
    user = telegram_user(user_id, name, language)
    chat = {"id": chat_id if group else user_id, "type": "supergroup" if group else "private"}
    message: dict[str, Any] = {"message_id": 7, "date": 0, "chat": chat, "from": user, "text": text}
    if file_name is not None:
        size = 8 if small else MAX_BYTES + 1
        document = {"file_id": "f", "file_unique_id": "u", "file_name": file_name, "mime_type": mime}
        message |= {"caption": message.pop("text"), "document": document | {"file_size": size}}
    bot = transport.application.bot
    query = {"id": "q", "from": user, "chat_instance": "c", "data": data}
    for payload in (
        {"update_id": next(UPDATES), "message": message},
        {"update_id": next(UPDATES), "callback_query": query},
    ):
        update = Update.de_json(as_json(payload), bot)
        if update.callback_query is not None:
            loop.run_until_complete(transport._on_callback(update, None))  # type: ignore[arg-type]
        else:
            loop.run_until_complete(transport._on_message(update, None))  # type: ignore[arg-type]
    through_the_bot(team.app, inbox.take())


@pytest.fixture
def zalo(loop) -> Iterator[tuple[ZaloTransport, Inbox]]:
    inbox = Inbox()
    transport = ZaloTransport(ZaloConfig(token="local"))
    transport._on_incoming = inbox
    yield transport, inbox
    loop.run_until_complete(transport.client.close())


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(ANY_CHAR, max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@PROPERTY
@given(
    event=st.one_of(st.sampled_from([TEXT_EVENT, *sorted(NON_TEXT_EVENTS)]), st.text(ANY_CHAR, max_size=20)),
    text=st.one_of(TEXT, JSON),
    name=st.one_of(TEXT, JSON),
    user_id=ID,
    chat_id=ID,
    message_id=st.one_of(ID, JSON),
    wrapped=st.booleans(),
)
def test_any_zalo_update_becomes_a_clean_message(
    team, zalo, loop, event, text, name, user_id, chat_id, message_id, wrapped
):
    transport, inbox = zalo
    sender = {"id": user_id, "display_name": name}
    message = {"from": sender, "chat": {"id": chat_id}, "text": text, "message_id": message_id}
    update = {"event_name": event, "message": message}
    payload = {"ok": True, "result": update} if wrapped else update
    well_formed = bool(user_id) and bool(chat_id)  # 0 is no id: the update is refused as malformed
    assert loop.run_until_complete(transport.handle(as_json(payload))) is well_formed
    through_the_bot(team.app, inbox.take())
