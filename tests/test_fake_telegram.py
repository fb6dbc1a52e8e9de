"""The fake Telegram server enforces the Bot API rules the bot depends on, checked with python-telegram-bot.

Each test drives a real `telegram.Bot` (or raw httpx) against a `FakeTelegram` on 127.0.0.1 with
`asyncio.run`; the `fake` fixture stops the server after every test.
"""

import asyncio
import io
import json
import struct
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest
from telegram import (
    Bot,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.fake_botapi import UploadedFile
from tests.fake_telegram import PHOTO_LIMIT, UPLOAD_LIMIT, FakeTelegram, parse_html


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def with_bot(fake: FakeTelegram, scenario: Callable[[Bot], Awaitable[object]]) -> object:
    """Run `scenario(bot)` in a fresh event loop with an initialized Bot talking to the fake."""

    async def main() -> object:
        bot = Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
        async with bot:
            return await scenario(bot)

    return asyncio.run(main())


def raw(fake: FakeTelegram, method: str, **kwargs: object) -> httpx.Response:
    return httpx.post(f"{fake.base_url}{fake.token}/{method}", timeout=5, **kwargs)  # type: ignore[arg-type]


# ---- basics ---------------------------------------------------------------------------------------------


def test_get_me_and_urls(fake: FakeTelegram) -> None:
    assert fake.base_url == f"http://127.0.0.1:{fake.port}/bot"
    assert fake.base_file_url == f"http://127.0.0.1:{fake.port}/file/bot"

    async def scenario(bot: Bot) -> None:
        me = await bot.get_me()
        assert me.id == 777000111
        assert me.is_bot
        assert me.first_name == "Đôn Đốc"
        assert me.username == "dondoc_test_bot"
        assert me.can_join_groups
        assert not me.can_read_all_group_messages
        assert bot.username == "dondoc_test_bot"

    with_bot(fake, scenario)
    assert [c["method"] for c in fake.calls] == ["getMe", "getMe"]  # initialize() + get_me()


def test_context_manager_stops_the_server() -> None:
    with FakeTelegram() as fake:
        url = f"{fake.base_url}{fake.token}/getMe"
        assert httpx.get(url, timeout=5).json()["result"]["username"] == "dondoc_test_bot"
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=1)


def test_wrong_token_and_unknown_method(fake: FakeTelegram) -> None:
    response = httpx.post(f"{fake.base_url}999:wrong/getMe", timeout=5)
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    response = raw(fake, "sendTelepathicMessage", data={"chat_id": 1})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    async def scenario(bot: Bot) -> None:
        with pytest.raises(InvalidToken):  # __aenter__ calls getMe and shuts the Bot down when it fails
            async with Bot("999:wrong", base_url=fake.base_url):
                pass

    with_bot(fake, scenario)


def test_methods_are_case_insensitive_and_accept_every_encoding(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}{fake.token}"
    by_query = httpx.get(f"{url}/SENDMESSAGE", params={"chat_id": 5, "text": "query"}, timeout=5)
    by_json = httpx.post(f"{url}/sendMessage", json={"chat_id": 5, "text": "json"}, timeout=5)
    by_form = httpx.post(f"{url}/sendMessage", data={"chat_id": "5", "text": "form"}, timeout=5)
    by_multipart = httpx.post(
        f"{url}/sendMessage",
        data={"chat_id": "6", "text": "multipart"},
        files={"thumbnail": ("x.bin", b"\x00\r\n--\xff")},
        timeout=5,
    )
    for response in (by_query, by_json, by_form, by_multipart):
        assert response.status_code == 200, response.text
        assert response.json()["ok"] is True
    assert fake.texts_to(5) == ["query", "json", "form"]
    assert fake.texts_to(6) == ["multipart"]
    assert [m["message_id"] for m in fake.sent_to(5)] == [1, 2, 3]


# ---- parameter validation -------------------------------------------------------------------------------


def test_missing_required_parameter(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r'(?i)parameter "text" is required'):
            await bot.send_message(chat_id=1, text=None)  # type: ignore[arg-type]

    with_bot(fake, scenario)
    response = raw(fake, "sendMessage", data={"text": "Xin chào"})
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": 'Bad Request: parameter "chat_id" is required',
    }
    assert fake.sent == []


def test_wrong_type(fake: FakeTelegram) -> None:
    cases = [
        {"chat_id": "1", "text": "x", "disable_notification": "maybe"},
        {"chat_id": "1", "text": "x", "message_thread_id": "mười"},
        {"chat_id": "1", "text": "x", "reply_markup": "{not json"},
        {"chat_id": "1", "text": "x", "entities": '{"type": "bold"}'},  # an object, not an Array
    ]
    for data in cases:
        response = raw(fake, "sendMessage", data=data)
        assert response.status_code == 400, data
        wrong = next(k for k in data if k not in ("chat_id", "text"))
        assert response.json()["description"] == f'Bad Request: parameter "{wrong}" has wrong type'

    response = raw(fake, "sendMessage", json={"chat_id": 1, "text": "x", "disable_notification": "true"})
    assert response.status_code == 200  # "true"/"false"/"1"/"0" are Booleans
    response = raw(fake, "sendMessage", json={"chat_id": 1, "text": "x", "reply_markup": [1]})
    assert response.json()["description"] == 'Bad Request: parameter "reply_markup" has wrong type'
    response = raw(fake, "sendMessage", data={"chat_id": "1", "text": "x", "unknown_thing": "ignored"})
    assert response.status_code == 200
    assert fake.sent[-1]["reply_markup"] is None


# ---- HTML and lengths -----------------------------------------------------------------------------------


def test_html_br_is_rejected(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(42, "Dòng một<br>Dòng hai", parse_mode=ParseMode.HTML)

    with_bot(fake, scenario)
    assert fake.sent == []
    # PTB lower-cases descriptions after "Bad Request: "; the wire text is Telegram's (offsets in UTF-8 bytes)
    assert fake.errors[-1]["description"] == (
        'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 11'
    )


def test_html_escaped_text_is_accepted(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        message = await bot.send_message(42, "<b>Tiến độ</b>: &lt;5% &amp; chậm", parse_mode=ParseMode.HTML)
        assert message.text == "Tiến độ: <5% & chậm"
        assert message.entities[0].type == "bold"
        assert (message.entities[0].offset, message.entities[0].length) == (0, 7)

    with_bot(fake, scenario)
    assert fake.sent[0]["text"] == "<b>Tiến độ</b>: &lt;5% &amp; chậm"
    assert fake.sent[0]["plain"] == "Tiến độ: <5% & chậm"
    assert fake.sent[0]["parse_mode"] == "HTML"
    assert fake.texts_to(42) == ["Tiến độ: <5% & chậm"]


def test_html_parser_details() -> None:
    assert parse_html("&lt;5% &amp; chậm")[0] == "<5% & chậm"
    assert parse_html("a &nbsp; b &#39; &#x27; &quot;")[0] == "a &nbsp; b ' ' \""
    plain, entities = parse_html(
        '<a href="https://x.vn/?a=1&amp;b=2">link</a> <span class="tg-spoiler">s</span>'
    )
    assert plain == "link s"
    assert entities[0] == {"type": "text_link", "offset": 0, "length": 4, "url": "https://x.vn/?a=1&b=2"}
    assert entities[1]["type"] == "spoiler"
    plain, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><blockquote expandable>q</blockquote>'
    )
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "expandable_blockquote", "offset": 5, "length": 1},
    ]
    errors = {
        "<b>đậm": 'Can\'t find end tag corresponding to start tag "b"',
        "<b>x</i>": 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
        "Đ<p>x</p>": 'Unsupported start tag "p" at byte offset 2',
        "<span>x</span>": 'Tag "span" must have class "tg-spoiler" at byte offset 0',
        "a < b": 'Unsupported start tag "" at byte offset 2',
        "x <b": "Unclosed start tag at byte offset 2",
    }
    for text, detail in errors.items():
        with pytest.raises(ValueError) as caught:
            parse_html(text)
        assert str(caught.value) == detail, text


def test_message_length_counts_code_points(fake: FakeTelegram) -> None:
    nfc = unicodedata.normalize("NFC", "ệ") * 4096
    nfd = unicodedata.normalize("NFD", "ệ") * 1366  # 3 code points each: 4098

    async def scenario(bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(42, "a" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(42, nfd)
        message = await bot.send_message(42, nfc)
        assert len(message.text) == 4096
        # tags don't count
        await bot.send_message(43, "<b>" + "ư" * 4096 + "</b>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(42, "<b> </b>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
            await bot.send_document(42, b"%PDF", filename="a.pdf", caption="c" * 1025)

    with_bot(fake, scenario)
    assert fake.texts_to(42) == [nfc]
    assert len(fake.sent) == 2


# ---- keyboards and callbacks ----------------------------------------------------------------------------


def test_callback_data_is_limited_to_64_bytes(fake: FakeTelegram) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("Xong", callback_data=data)]])

    async def scenario(bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(42, "Chọn", reply_markup=keyboard("x" * 65))
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(42, "Chọn", reply_markup=keyboard("đã:" + "ệ" * 20))  # 65 bytes
        await bot.send_message(42, "Chọn", reply_markup=keyboard("x" * 64))
        await bot.send_message(42, "Chọn", reply_markup=keyboard("ệ" * 21))  # 63 bytes

    assert len(("đã:" + "ệ" * 20).encode()) == 65
    with_bot(fake, scenario)
    assert [s["reply_markup"]["inline_keyboard"][0][0]["callback_data"] for s in fake.sent] == [
        "x" * 64,
        "ệ" * 21,
    ]


def test_answer_callback_query_once(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        sent = await bot.send_message(
            42,
            "Nhận việc?",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="ok:15")]]),
        )
        update = fake.callback(42, "ok:15", message_id=sent.message_id)
        query_id = update["callback_query"]["id"]
        assert update["callback_query"]["message"]["text"] == "Nhận việc?"
        with pytest.raises(BadRequest):
            await bot.answer_callback_query(query_id, text="x" * 201)
        assert await bot.answer_callback_query(query_id, text="Đã nhận")
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
            await bot.answer_callback_query("123")
        edited = await bot.edit_message_text("Đã nhận việc", chat_id=42, message_id=sent.message_id)
        assert edited.text == "Đã nhận việc"
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("Đã nhận việc", chat_id=42, message_id=sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("?", chat_id=42, message_id=999)

    with_bot(fake, scenario)
    assert fake.answered_callbacks[0]["text"] == "Đã nhận"
    assert fake.texts_to(42) == ["Nhận việc?", "Đã nhận việc"]


# ---- flood limits, blocking, injected failures ----------------------------------------------------------


def test_flood_limit_per_chat(fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    # RetryAfter.__init__ itself reads .retry_after, which warns (an error here) unless PTB_TIMEDELTA is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")

    async def scenario(bot: Bot) -> int | None:
        for n in range(1, 6):
            try:
                await bot.send_message(42, f"Tin {n}")
            except RetryAfter:
                return n
        return None

    assert with_bot(fake, scenario) == 4
    assert fake.texts_to(42) == ["Tin 1", "Tin 2", "Tin 3"]
    assert fake.flood_errors[0]["chat_id"] == 42
    assert fake.flood_errors[0]["retry_after"] == 1
    # other chats have their own allowance
    response = raw(fake, "sendMessage", data={"chat_id": "43", "text": "khác"})
    assert response.status_code == 200
    response = raw(fake, "sendMessage", data={"chat_id": "42", "text": "lại"})
    assert response.status_code == 429
    body = response.json()
    assert body["description"] == f"Too Many Requests: retry after {body['parameters']['retry_after']}"


def test_flood_limits_with_an_injected_clock() -> None:
    now = [1000.0]
    fake = FakeTelegram(clock=lambda: now[0], group_per_minute=20, chat_burst=100, chat_per_second=100)
    with fake:

        def send(chat_id: int) -> httpx.Response:
            return raw(fake, "sendMessage", data={"chat_id": str(chat_id), "text": "x"})

        for _ in range(20):
            assert send(-100500).status_code == 200
            now[0] += 0.5
        response = send(-100500)
        assert response.status_code == 429
        assert response.json()["parameters"]["retry_after"] == 50  # the first of the 20 ages out at +60 s
        now[0] += 50
        assert send(-100500).status_code == 200

        # a rejected call takes nothing: the private bucket (burst 3, 1/s) refills exactly as if it never came
        slow = FakeTelegram(clock=lambda: now[0])
        with slow:
            for expected in (200, 200, 200, 429, 429):
                assert raw(slow, "sendMessage", data={"chat_id": "7", "text": "x"}).status_code == expected
            now[0] += 1
            assert raw(slow, "sendMessage", data={"chat_id": "7", "text": "x"}).status_code == 200
            assert raw(slow, "sendMessage", data={"chat_id": "7", "text": "x"}).status_code == 429
            assert len(slow.flood_errors) == 3


def test_blocked_and_unknown_chats(fake: FakeTelegram) -> None:
    fake.block(42)
    fake.forget_chat(44)

    async def scenario(bot: Bot) -> None:
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(42, "Nhắc việc")
        with pytest.raises(Forbidden):
            await bot.send_chat_action(42, "typing")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(44, "Nhắc việc")
        fake.unblock(42)
        await bot.send_message(42, "Nhắc việc")
        await bot.send_message(123456789, "Người lạ cũng được")

    with_bot(fake, scenario)
    assert fake.errors[0] == {
        "method": "sendMessage",
        "status": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    response = raw(fake, "sendMessage", data={"chat_id": "44", "text": "x"})
    assert response.json() == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}


def test_fail_next(fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    fake.fail_next("sendMessage", 502, "Bad Gateway", count=2)

    async def scenario(bot: Bot) -> None:
        with pytest.raises(RetryAfter):
            await bot.send_message(42, "1")
        for _ in range(2):
            with pytest.raises(NetworkError):
                await bot.send_message(42, "2")
        await bot.send_message(42, "3")

    with_bot(fake, scenario)
    assert fake.texts_to(42) == ["3"]
    assert fake.flood_errors[0]["retry_after"] == 7
    assert fake.flood_errors[0]["injected"] is True
    assert [e["status"] for e in fake.errors] == [429, 502, 502]


# ---- updates --------------------------------------------------------------------------------------------


def test_get_updates_and_offset(fake: FakeTelegram) -> None:
    first = fake.message(42, "/start ABCDEFGHJK", username="chuyenvien")
    group = fake.message(42, "@dondoc_test_bot báo cáo tuần", chat_id=-100123, chat_type="supergroup")
    blocked = fake.blocked_update(43)
    assert [first["update_id"], group["update_id"], blocked["update_id"]] == [1000, 1001, 1002]
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert group["message"]["entities"] == [{"type": "mention", "offset": 0, "length": 16}]

    async def scenario(bot: Bot) -> None:
        updates = await bot.get_updates(timeout=0)
        assert [u.update_id for u in updates] == [1000, 1001, 1002]
        assert updates[0].message.text == "/start ABCDEFGHJK"
        assert updates[0].message.from_user.language_code == "vi"
        assert updates[1].message.chat.type == "supergroup"
        assert updates[2].my_chat_member.new_chat_member.status == "kicked"
        again = await bot.get_updates(timeout=0)  # not confirmed yet: delivered again
        assert [u.update_id for u in again] == [1000, 1001, 1002]
        confirmed = await bot.get_updates(offset=1002, timeout=0)
        assert [u.update_id for u in confirmed] == [1002]
        assert await bot.get_updates(offset=1003, timeout=1) == ()
        later = fake.callback(42, "ok:1", message_id=5)
        (update,) = await bot.get_updates(offset=1003, timeout=0)
        assert update.update_id == later["update_id"] == 1003
        assert update.callback_query.data == "ok:1"
        assert update.callback_query.message.message_id == 5

    with_bot(fake, scenario)
    assert 43 in fake.blocked


def test_long_poll_wakes_up_on_a_new_update(fake: FakeTelegram) -> None:
    threading.Timer(0.1, lambda: fake.message(42, "xin chào")).start()

    async def scenario(bot: Bot) -> None:
        updates = await bot.get_updates(timeout=5)
        assert [u.message.text for u in updates] == ["xin chào"]

    with_bot(fake, scenario)


def test_webhook_conflicts_with_get_updates(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r"(?i)HTTPS"):
            await bot.set_webhook("http://example.org/hook")
        with pytest.raises(BadRequest):
            await bot.set_webhook("https://example.org/hook", secret_token="không hợp lệ")
        assert await bot.set_webhook("https://example.org/hook", secret_token="s3cr3t_-X")
        info = await bot.get_webhook_info()
        assert info.url == "https://example.org/hook"
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates()
        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.get_updates(timeout=0) == ()

    with_bot(fake, scenario)
    assert fake.webhook == {}


def test_second_poller_terminates_the_first(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}{fake.token}/getUpdates"
    results: list[httpx.Response] = []
    first = threading.Thread(target=lambda: results.append(httpx.post(url, data={"timeout": "5"}, timeout=5)))
    first.start()
    assert fake.wait_until(lambda: len(fake.calls) == 1)
    second = httpx.post(url, data={"timeout": "0"}, timeout=5)
    first.join(timeout=5)
    assert second.json() == {"ok": True, "result": []}
    assert results[0].status_code == 409
    assert "terminated by other getUpdates request" in results[0].json()["description"]


# ---- files ----------------------------------------------------------------------------------------------


def test_get_file_and_download(fake: FakeTelegram) -> None:
    content = "Báo cáo tiến độ\n".encode() + bytes(range(256))
    document = fake.add_file(content, "bao-cao.pdf", "application/pdf")
    update = fake.message(42, document=document, caption="Báo cáo tuần")
    assert update["message"]["document"]["file_name"] == "bao-cao.pdf"

    async def scenario(bot: Bot) -> None:
        file = await bot.get_file(document["file_id"])
        assert file.file_path.endswith("documents/file_1.pdf")
        assert file.file_size == len(content)
        assert bytes(await file.download_as_bytearray()) == content
        with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
            await bot.get_file("nope")

    with_bot(fake, scenario)


def test_uploaded_documents_are_kept(fake: FakeTelegram) -> None:
    payload = b"%PDF-1.7\r\n\x00\xff--boundary?\r\n"

    async def scenario(bot: Bot) -> None:
        message = await bot.send_document(
            42, payload, filename="kết quả.pdf", caption="<i>Kết quả</i>", parse_mode=ParseMode.HTML
        )
        assert message.caption == "Kết quả"
        assert message.document.file_size == len(payload)
        file = await bot.get_file(message.document.file_id)
        assert bytes(await file.download_as_bytearray()) == payload
        photo = await bot.send_photo(42, b"\x89PNG\r\n")
        assert photo.photo[0].file_size == 6

    with_bot(fake, scenario)
    assert fake.sent[0]["document"] == payload
    assert fake.sent[0]["document_name"] == "kết quả.pdf"
    assert fake.sent[0]["plain"] == "Kết quả"
    assert fake.sent[1]["photo"] == b"\x89PNG\r\n"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook() -> bytes:
    """A stand-in .xlsx (a zip with a workbook part) that a reader can open again from the bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", '<workbook><sheet name="Tiến độ"/></workbook>')
    return buffer.getvalue()


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of that size, like the bot's charts, built with the standard library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_send_document_uploads_a_workbook(fake: FakeTelegram) -> None:
    content = workbook()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Đã xem", callback_data="seen:7")]])

    async def scenario(bot: Bot) -> None:
        message = await bot.send_document(
            42,
            content,
            filename="tiến-độ-tuần-10.xlsx",
            caption="<b>Tiến độ</b> tuần 10",
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
        assert message.document.file_name == "tiến-độ-tuần-10.xlsx"
        assert message.document.mime_type == XLSX  # PTB names the type from the file name
        assert message.document.file_size == len(content)
        assert message.caption == "Tiến độ tuần 10"
        assert message.caption_entities[0].type == "bold"
        assert message.reply_markup == keyboard
        file = await bot.get_file(message.document.file_id)
        assert bytes(await file.download_as_bytearray()) == content
        again = await bot.send_document(43, message.document.file_id)  # resent by file_id: no upload
        assert again.document.file_id == message.document.file_id

    with_bot(fake, scenario)
    upload = fake.calls[1]["params"]["document"]  # calls[0] is getMe
    assert isinstance(upload, UploadedFile)  # sent as multipart/form-data
    assert (upload.file_name, upload.mime_type) == ("tiến-độ-tuần-10.xlsx", XLSX)
    [sent] = fake.files_to(42)
    assert sent["method"] == "sendDocument"
    assert (sent["chat_id"], sent["file_name"], sent["mime_type"]) == (42, "tiến-độ-tuần-10.xlsx", XLSX)
    assert sent["caption"] == "Tiến độ tuần 10"
    assert sent["url"] is None
    with zipfile.ZipFile(io.BytesIO(sent["data"])) as archive:  # the bytes read back as the workbook
        assert "Tiến độ" in archive.read("xl/workbook.xml").decode()
    assert fake.file_bytes(sent["file_id"]) == content
    [resent] = fake.files_to(43)
    assert (resent["data"], resent["file_name"], resent["caption"]) == (content, "tiến-độ-tuần-10.xlsx", None)
    assert fake.texts_to(42) == ["Tiến độ tuần 10"]
    assert fake.texts_to(43) == []


def test_send_photo_uploads_a_chart(fake: FakeTelegram) -> None:
    chart = png(640, 480)

    async def scenario(bot: Bot) -> None:
        message = await bot.send_photo(42, chart, filename="bieu-do.png", caption="Biểu đồ tiến độ")
        [size] = message.photo
        assert (size.width, size.height, size.file_size) == (640, 480, len(chart))
        assert message.caption == "Biểu đồ tiến độ"
        plain = await bot.send_photo(42, chart)  # caption and markup are optional
        assert plain.caption is None
        assert plain.photo[0].file_id != size.file_id
        by_url = await bot.send_photo(44, "https://charts.example.vn/tuan-10.png")
        assert by_url.message_id == 1

    with_bot(fake, scenario)
    first, second = fake.files_to(42)
    assert (first["method"], first["file_name"], first["data"], first["caption"]) == (
        "sendPhoto",
        "bieu-do.png",
        chart,
        "Biểu đồ tiến độ",
    )
    assert (second["data"], second["caption"]) == (chart, None)
    [url] = fake.files_to(44)
    assert (url["url"], url["data"]) == ("https://charts.example.vn/tuan-10.png", None)
    assert fake.texts_to(42) == ["Biểu đồ tiến độ"]


def test_attachment_rules(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        caption = "<i>" + "ư" * 1024 + "</i>"  # 1,024 characters once the tags are parsed
        await bot.send_photo(42, png(10, 10), caption=caption, parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
            await bot.send_photo(42, png(10, 10), caption="ư" * 1025)
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_document(42, workbook(), filename="a.xlsx", caption="<b>x", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)PHOTO_SAVE_FILE_INVALID"):
            await bot.send_photo(42, b"\xff\xd8" + bytes(PHOTO_LIMIT))  # over 10 MB
        for too_odd in (png(10001, 1), png(2100, 100)):  # width + height > 10000; ratio > 20
            with pytest.raises(BadRequest, match=r"(?i)PHOTO_INVALID_DIMENSIONS"):
                await bot.send_photo(42, too_odd)
        with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
            await bot.send_document(42, b"", filename="rỗng.xlsx")
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_document(42, "no-such-file-id")
        with pytest.raises(NetworkError) as too_big:  # 413: PTB raises a plain NetworkError
            await bot.send_document(42, bytes(UPLOAD_LIMIT + 1), filename="lớn.xlsx")
        assert type(too_big.value) is NetworkError
        assert "Request Entity Too Large" in too_big.value.message

    with_bot(fake, scenario)
    assert len(fake.sent) == 1
    assert fake.errors[-1] == {
        "method": "sendDocument",
        "status": 413,
        "description": "Request Entity Too Large",
    }
    response = raw(fake, "sendDocument", data={"chat_id": "42", "caption": "x"})
    assert response.json()["description"] == 'Bad Request: parameter "document" is required'
    response = raw(fake, "sendPhoto", data={"chat_id": "42", "photo": "x", "show_caption_above_media": "hmm"})
    assert (
        response.json()["description"] == 'Bad Request: parameter "show_caption_above_media" has wrong type'
    )


def test_uploads_count_against_the_flood_limit(fake: FakeTelegram) -> None:
    """Refused uploads take no allowance; accepted ones take one each (burst of 3 a chat)."""
    upload = {"document": ("a.xlsx", workbook(), XLSX)}
    assert (
        raw(fake, "sendDocument", data={"chat_id": "42"}, files={"document": ("a.xlsx", b"")}).status_code
        == 400
    )
    statuses = [raw(fake, "sendDocument", data={"chat_id": "42"}, files=upload).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert len(fake.files_to(42)) == 3
    assert len(fake.files) == 3  # the refused ones left no stored file


# ---- commands -------------------------------------------------------------------------------------------


def test_set_my_commands_per_scope_and_language(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        await bot.set_my_commands([("start", "Start"), ("help", "Help")])
        await bot.set_my_commands(
            [("start", "Bắt đầu"), ("viec_cua_toi", "Việc của tôi")],
            scope=BotCommandScopeAllPrivateChats(),
            language_code="vi",
        )
        await bot.set_my_commands([("baocao", "Báo cáo")], scope=BotCommandScopeChat(-100123))
        got = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="vi")
        assert [c.command for c in got] == ["start", "viec_cua_toi"]
        assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([("Bat-dau", "Bắt đầu")])
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_DESCRIPTION_INVALID"):
            await bot.set_my_commands([("start", "x" * 257)])
        with pytest.raises(BadRequest):
            await bot.set_my_commands([(f"c{n}", "x") for n in range(101)])
        assert await bot.delete_my_commands()

    with_bot(fake, scenario)
    assert set(fake.commands) == {
        (json.dumps({"type": "all_private_chats"}), "vi"),
        (json.dumps({"chat_id": -100123, "type": "chat"}), ""),
    }
    assert [c["command"] for c in fake.commands_for(42, "vi")] == ["start", "viec_cua_toi"]
    assert fake.commands_for(42, "en") == []
    assert [c["command"] for c in fake.commands_for(-100123)] == ["baocao"]


def test_wait_until_is_woken_by_requests(fake: FakeTelegram) -> None:
    threading.Timer(0.1, lambda: raw(fake, "sendMessage", data={"chat_id": "9", "text": "đến rồi"})).start()
    assert fake.wait_until(lambda: fake.texts_to(9) == ["đến rồi"], timeout=5)
    assert not fake.wait_until(lambda: False, timeout=0.05)
