"""The fake Zalo server keeps the Zalo Bot API contract (docs/platform-facts.md §6), checked with raw httpx.

Every test starts its own `FakeZalo` on 127.0.0.1 (the `fake` fixture or a `with` block) and stops it.
"""

import json
import re
import socket
import threading
import time
import unicodedata
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fake_zalo import BOT_ID, FakeZalo, new_id, webhook_body

USER = "6ede9afa66b88fe6d6a9"
SECRET = "s3cret-token"


class FakeClock:
    """The injected monotonic clock for the flood limit: tests advance it, nothing sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeZalo]:
    server = FakeZalo().start()
    yield server
    server.stop()


def call(fake: FakeZalo, method: str, **params: Any) -> httpx.Response:
    """POST `params` as JSON to <base>/bot<token>/<method>."""
    return httpx.post(f"{fake.api_url}/{method}", json=params, timeout=5)


def send(fake: FakeZalo, chat_id: str, text: str) -> httpx.Response:
    return call(fake, "sendMessage", chat_id=chat_id, text=text)


def assert_error(response: httpx.Response, status: int, description: str) -> None:
    assert response.status_code == status
    assert response.json() == {"ok": False, "error_code": status, "description": description}


# ---- basics ---------------------------------------------------------------------------------------------


def test_urls_and_get_me(fake: FakeZalo) -> None:
    assert fake.token == "1234567890:zalo-TEST-token"
    assert fake.base_url == f"http://127.0.0.1:{fake.port}"
    assert fake.api_url == f"{fake.base_url}/bot{fake.token}"

    response = httpx.get(f"{fake.base_url}/bot{fake.token}/getMe", timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "ok": True,
        "result": {
            "id": BOT_ID,
            "account_name": "bot.dondoc",
            "account_type": "BASIC",
            "can_join_groups": False,
        },
    }
    assert fake.calls == [{"method": "getMe", "params": {}, "http_method": "GET"}]
    assert fake.errors == []


def test_context_manager_stops_the_server() -> None:
    with FakeZalo() as fake:
        url = f"{fake.api_url}/getMe"
        assert httpx.get(url, timeout=5).json()["ok"] is True
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=1)


def test_success_envelope_of_a_send(fake: FakeZalo) -> None:
    before = int(time.time() * 1000)
    response = send(fake, USER, "Xin chào")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"ok", "result"}
    assert body["ok"] is True
    assert set(body["result"]) == {"message_id", "date"}
    assert re.fullmatch(r"[0-9a-f]{20}", body["result"]["message_id"])
    assert before <= body["result"]["date"] <= int(time.time() * 1000)  # milliseconds
    [record] = fake.sent
    assert record["method"] == "sendMessage"
    assert record["chat_id"] == USER
    assert record["text"] == "Xin chào"
    assert record["message_id"] == body["result"]["message_id"]
    assert fake.texts_to(USER) == ["Xin chào"]


def test_wrong_token_is_401(fake: FakeZalo) -> None:
    response = httpx.post(f"{fake.base_url}/bot999:wrong/getMe", timeout=5)
    assert_error(response, 401, "Unauthorized")
    assert fake.errors == [{"method": "getMe", "status": 401, "description": "Unauthorized"}]


def test_unknown_or_miscased_method_is_404(fake: FakeZalo) -> None:
    assert_error(call(fake, "sendVideo", chat_id=USER), 404, "invalid API name")
    assert_error(call(fake, "sendmessage", chat_id=USER, text="x"), 404, "invalid API name")  # case-sensitive
    assert_error(httpx.get(f"{fake.base_url}/getMe", timeout=5), 404, "Not Found")
    assert fake.sent == []


def test_missing_parameters_are_400(fake: FakeZalo) -> None:
    assert_error(call(fake, "sendMessage", text="Xin chào"), 400, "chat_id is required")
    assert_error(call(fake, "sendMessage", chat_id="", text="Xin chào"), 400, "chat_id is required")
    assert_error(call(fake, "sendMessage", chat_id=USER), 400, "text is required")
    assert_error(call(fake, "sendPhoto", chat_id=USER), 400, "photo is required")
    assert_error(call(fake, "sendSticker", chat_id=USER), 400, "sticker is required")
    assert_error(call(fake, "sendChatAction", chat_id=USER), 400, "action is required")
    assert fake.sent == []


def test_parameters_by_query_form_json_and_multipart(fake: FakeZalo) -> None:
    url = f"{fake.api_url}/sendMessage"
    assert httpx.get(url, params={"chat_id": USER, "text": "một"}, timeout=5).status_code == 200
    assert httpx.post(url, data={"chat_id": USER, "text": "hai"}, timeout=5).status_code == 200
    assert httpx.post(url, json={"chat_id": USER, "text": "ba"}, timeout=5).status_code == 200
    multipart = {"chat_id": (None, USER), "text": (None, "bốn")}
    assert httpx.post(url, files=multipart, timeout=5).status_code == 200
    assert fake.texts_to(USER) == ["một", "hai", "ba", "bốn"]
    assert [c["http_method"] for c in fake.calls] == ["GET", "POST", "POST", "POST"]
    assert fake.calls[3]["params"] == {"chat_id": USER, "text": "bốn"}


def test_bad_json_body_is_400(fake: FakeZalo) -> None:
    response = httpx.post(
        f"{fake.api_url}/sendMessage", content=b"{", headers={"Content-Type": "application/json"}, timeout=5
    )
    assert_error(response, 400, "can't parse JSON request body")


def test_text_length_counts_code_points(fake: FakeZalo) -> None:
    vietnamese = unicodedata.normalize("NFC", "Đôn đốc công việc được giao ệ")
    text = (vietnamese * 100)[:2000]
    assert len(text) == 2000
    assert len(text.encode("utf-8")) > 2000  # bytes don't matter
    assert send(fake, USER, text).status_code == 200
    assert fake.texts_to(USER) == [text]

    assert_error(send(fake, USER, text + "ệ"), 400, "text length must be 1-2000")
    assert_error(send(fake, USER, "a" * 2001), 400, "text length must be 1-2000")
    assert_error(send(fake, USER, ""), 400, "text length must be 1-2000")
    decomposed = unicodedata.normalize("NFD", "ệ" * 700)  # 700 letters, 2100 code points
    assert len(decomposed) == 2100
    assert_error(send(fake, USER, decomposed), 400, "text length must be 1-2000")
    assert len(fake.sent) == 1


def test_send_photo_sticker_and_chat_action(fake: FakeZalo) -> None:
    photo = "https://example.com/a.jpg"
    assert call(fake, "sendPhoto", chat_id=USER, photo=photo, caption="Ảnh").status_code == 200
    assert call(fake, "sendPhoto", chat_id=USER, photo=photo).status_code == 200
    assert_error(
        call(fake, "sendPhoto", chat_id=USER, photo=photo, caption=""), 400, "caption length must be 1-2000"
    )
    assert_error(
        call(fake, "sendPhoto", chat_id=USER, photo=photo, caption="x" * 2001),
        400,
        "caption length must be 1-2000",
    )
    assert_error(call(fake, "sendPhoto", chat_id=USER, photo="a.jpg"), 400, "photo must be a URL")
    upload = {"chat_id": (None, USER), "photo": ("a.jpg", b"\xff\xd8", "image/jpeg")}
    assert_error(httpx.post(f"{fake.api_url}/sendPhoto", files=upload, timeout=5), 400, "photo must be a URL")
    assert call(fake, "sendSticker", chat_id=USER, sticker="abc").status_code == 200

    response = call(fake, "sendChatAction", chat_id=USER, action="typing")
    assert response.json() == {"ok": True, "result": True}
    assert call(fake, "sendChatAction", chat_id=USER, action="upload_photo").status_code == 200
    assert_error(
        call(fake, "sendChatAction", chat_id=USER, action="record_voice"),
        400,
        "action must be typing or upload_photo",
    )

    assert [(s["method"], s["photo"], s["caption"], s["sticker"]) for s in fake.sent] == [
        ("sendPhoto", photo, "Ảnh", None),
        ("sendPhoto", photo, None, None),
        ("sendSticker", None, None, "abc"),
    ]
    assert fake.texts_to(USER) == ["Ảnh"]
    assert [a["action"] for a in fake.chat_actions] == ["typing", "upload_photo"]


def test_send_photo_by_url_is_recorded(fake: FakeZalo) -> None:
    chart = "https://bot.quangngai.example/charts/tien-do-tuan-10.png"
    caption = "Biểu đồ tiến độ " + "ệ" * 1984  # 2,000 code points: the most a caption takes
    assert len(caption) == 2000
    response = call(fake, "sendPhoto", chat_id=USER, photo=chart, caption=caption)
    assert response.status_code == 200
    by_form = httpx.post(f"{fake.api_url}/sendPhoto", data={"chat_id": USER, "photo": chart}, timeout=5)
    assert by_form.status_code == 200
    first, second = fake.sent_to(USER)
    assert first == {
        "method": "sendPhoto",
        "chat_id": USER,
        "text": None,
        "caption": caption,
        "photo": chart,
        "sticker": None,
        "message_id": response.json()["result"]["message_id"],
        "date": response.json()["result"]["date"],
        "at": first["at"],
    }
    assert (second["photo"], second["caption"]) == (chart, None)
    assert fake.texts_to(USER) == [caption]
    for photo in ("ftp://bot.quangngai.example/a.png", "https:///a.png", "tien-do.png"):
        assert_error(call(fake, "sendPhoto", chat_id=USER, photo=photo), 400, "photo must be a URL")
    assert len(fake.sent) == 2


# ---- limits, blocked users, injected failures ------------------------------------------------------------


def test_flood_limit_is_a_token_bucket_on_the_injected_clock() -> None:
    clock = FakeClock()
    with FakeZalo(messages_per_second=5, clock=clock) as fake:
        for n in range(5):
            assert send(fake, USER, f"tin {n}").status_code == 200
        assert call(fake, "sendChatAction", chat_id=USER, action="typing").status_code == 200  # not counted
        response = call(fake, "sendPhoto", chat_id="other", photo="https://example.com/a.jpg")
        assert_error(response, 429, "Quota exceeded")  # one bucket for all chats, no retry_after
        assert_error(call(fake, "sendSticker", chat_id=USER, sticker="abc"), 429, "Quota exceeded")

        clock.now += 0.2  # one token back at 5 per second
        assert send(fake, USER, "sau 0,2 giây").status_code == 200
        assert_error(send(fake, USER, "quá nhanh"), 429, "Quota exceeded")

        clock.now += 10  # the bucket holds at most 5
        for n in range(5):
            assert send(fake, USER, f"lượt hai {n}").status_code == 200
        assert send(fake, USER, "thừa").status_code == 429

        fake.reset_flood()
        assert send(fake, USER, "sau reset").status_code == 200

        assert len(fake.sent) == 12
        assert [(e["method"], e["chat_id"], e["injected"]) for e in fake.flood_errors] == [
            ("sendPhoto", "other", False),
            ("sendSticker", USER, False),
            ("sendMessage", USER, False),
            ("sendMessage", USER, False),
        ]
        assert fake.flood_errors[0]["at"] == 1000.0


def test_blocked_and_forgotten_chats(fake: FakeZalo) -> None:
    fake.block(USER)
    assert_error(send(fake, USER, "Xin chào"), 403, "user has blocked the bot")
    assert_error(call(fake, "sendChatAction", chat_id=USER, action="typing"), 403, "user has blocked the bot")
    assert send(fake, "someone-else", "Xin chào").status_code == 200
    fake.unblock(USER)
    assert send(fake, USER, "Xin chào").status_code == 200

    fake.forget_chat("gone")
    assert_error(send(fake, "gone", "Xin chào"), 400, "chat not found")
    assert [s["chat_id"] for s in fake.sent] == ["someone-else", USER]


def test_blocked_sends_take_no_flood_token() -> None:
    clock = FakeClock()
    with FakeZalo(messages_per_second=1, clock=clock) as fake:
        fake.block(USER)
        assert send(fake, USER, "x").status_code == 403
        assert send(fake, "ok", "x").status_code == 200


def test_fail_next(fake: FakeZalo) -> None:
    fake.fail_next("sendMessage", 502, "Bad Gateway", count=2)
    assert_error(send(fake, USER, "một"), 502, "Bad Gateway")
    assert_error(send(fake, USER, "một"), 502, "Bad Gateway")
    assert send(fake, USER, "một").status_code == 200

    fake.fail_next("getMe", 401, "token expired")
    assert_error(httpx.get(f"{fake.api_url}/getMe", timeout=5), 401, "token expired")
    assert httpx.get(f"{fake.api_url}/getMe", timeout=5).status_code == 200

    fake.fail_next("sendPhoto", 429, "Quota exceeded")
    assert call(fake, "sendPhoto", chat_id=USER, photo="https://example.com/a.jpg").status_code == 429
    assert fake.flood_errors[-1]["injected"] is True

    fake.fail_next("sendSticker", 500, "Internal server error")
    assert_error(call(fake, "sendSticker"), 500, "Internal server error")  # before parameter checks

    assert [(e["method"], e["status"]) for e in fake.errors] == [
        ("sendMessage", 502),
        ("sendMessage", 502),
        ("getMe", 401),
        ("sendPhoto", 429),
        ("sendSticker", 500),
    ]
    assert fake.texts_to(USER) == ["một"]
    with pytest.raises(ValueError):
        fake.fail_next("sendVideo", 500, "x")


# ---- updates and webhooks --------------------------------------------------------------------------------


def test_get_updates_hands_out_one_update_then_408(fake: FakeZalo) -> None:
    first = fake.text(USER, "Xin chào")
    second = fake.image(USER, caption="Biên bản")
    response = call(fake, "getUpdates", timeout=1)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "result": first}  # one update, not a list
    assert call(fake, "getUpdates", timeout=1).json()["result"] == second
    assert not fake.updates
    assert fake.delivered == [first, second]

    started = time.monotonic()
    response = httpx.get(f"{fake.api_url}/getUpdates", params={"timeout": "0.1"}, timeout=5)
    assert_error(response, 408, "Request timeout")
    assert time.monotonic() - started < 2

    started = time.monotonic()
    assert_error(
        call(fake, "getUpdates"), 408, "Request timeout"
    )  # default timeout 30 s: waits 0.5 s at most
    assert time.monotonic() - started < 2
    assert_error(call(fake, "getUpdates", timeout="soon"), 400, "timeout must be a number")


def test_get_updates_wakes_up_for_a_new_update(fake: FakeZalo) -> None:
    timer = threading.Timer(0.05, fake.text, args=(USER, "Muộn một chút"))
    timer.start()
    try:
        response = call(fake, "getUpdates", timeout=30)
    finally:
        timer.join()
    assert response.json()["result"]["message"]["text"] == "Muộn một chút"


def test_update_builders(fake: FakeZalo) -> None:
    text = fake.text(USER, "Xin chào", display_name="Chị Lan")
    assert text["event_name"] == "message.text.received"
    message = text["message"]
    assert message["from"] == {"id": USER, "display_name": "Chị Lan", "is_bot": False}
    assert message["chat"] == {"id": USER, "chat_type": "PRIVATE"}
    assert message["text"] == "Xin chào"
    assert message["message_id"] == "m1"
    assert abs(message["date"] - time.time() * 1000) < 60_000  # milliseconds

    group = fake.text(USER, "@bot", chat_id="group-1", message_id="abc")["message"]
    assert group["chat"] == {"id": "group-1", "chat_type": "GROUP"}
    assert group["message_id"] == "abc"

    image = fake.image(USER)["message"]
    assert image["photo"] == image["photo_url"] == "https://f.zalo.me/x.jpg"
    assert "caption" not in image
    assert fake.image(USER, caption="Ảnh")["message"]["caption"] == "Ảnh"
    assert fake.sticker(USER)["message"]["sticker"] == "abc"
    voice = fake.voice(USER)
    assert voice["event_name"] == "message.voice.received"
    assert voice["message"]["voice"] == {"url": "https://f.zalo.me/x.aac", "duration": 3}
    unsupported = fake.unsupported(USER)
    assert unsupported["event_name"] == "message.unsupported.received"
    assert "text" not in unsupported["message"]
    assert fake.unknown_event(USER)["event_name"] == "message.reaction.received"
    assert fake.sticker(USER, chat_id="group-1")["message"]["chat"]["chat_type"] == "GROUP"
    assert len(fake.updates) == 9

    assert re.fullmatch(r"[0-9a-f]{20}", new_id())
    assert new_id() != new_id()


def test_webhook_body_wrapped_and_bare(fake: FakeZalo) -> None:
    update = fake.text(USER, "Xin chào")
    assert json.loads(webhook_body(update)) == {"ok": True, "result": update}
    assert json.loads(fake.webhook_body(update, wrapped=False)) == update
    assert "Xin chào".encode() in webhook_body(update)  # UTF-8, not \u escapes


def test_set_webhook_rules(fake: FakeZalo) -> None:
    assert call(fake, "getWebhookInfo").json() == {"ok": True, "result": {"url": "", "updated_at": 0}}
    assert_error(call(fake, "setWebhook", secret_token=SECRET), 400, "url is required")
    assert_error(call(fake, "setWebhook", url="https://bot.example.vn/zalo"), 400, "secret_token is required")
    assert_error(
        call(fake, "setWebhook", url="http://bot.example.vn/zalo", secret_token=SECRET),
        400,
        "url must be HTTPS",
    )
    for secret in ("x" * 7, "x" * 257):
        response = call(fake, "setWebhook", url="https://bot.example.vn/zalo", secret_token=secret)
        assert_error(response, 400, "secret_token length must be 8-256")
    assert fake.webhook == {}

    for secret in ("x" * 8, "x" * 256):
        response = call(fake, "setWebhook", url="https://bot.example.vn/zalo", secret_token=secret)
        assert response.status_code == 200
        assert response.json()["result"]["url"] == "https://bot.example.vn/zalo"
        assert fake.webhook["secret_token"] == secret
    updated_at = response.json()["result"]["updated_at"]
    assert updated_at > 0
    info = call(fake, "getWebhookInfo").json()["result"]
    assert info == {"url": "https://bot.example.vn/zalo", "updated_at": updated_at}


def test_get_updates_is_refused_while_a_webhook_is_set(fake: FakeZalo) -> None:
    fake.text(USER, "Xin chào")
    assert call(fake, "setWebhook", url="https://bot.example.vn/zalo", secret_token=SECRET).status_code == 200
    assert_error(call(fake, "getUpdates", timeout=1), 400, "webhook is active")
    assert len(fake.updates) == 1

    response = call(fake, "deleteWebhook")
    assert response.json()["result"]["url"] == ""
    assert call(fake, "getWebhookInfo").json()["result"]["url"] == ""
    assert call(fake, "getUpdates", timeout=1).json()["result"]["message"]["text"] == "Xin chào"


def test_set_webhook_ends_a_waiting_poll(fake: FakeZalo) -> None:
    fake.poll_wait_cap = 30  # the poll is surely still waiting when setWebhook arrives
    answers: list[httpx.Response] = []
    poller = threading.Thread(target=lambda: answers.append(call(fake, "getUpdates", timeout=30)))
    poller.start()
    assert fake.wait_until(lambda: len(fake.calls) == 1)
    call(fake, "setWebhook", url="https://bot.example.vn/zalo", secret_token=SECRET)
    poller.join(timeout=5)
    [answer] = answers
    assert_error(answer, 400, "webhook is active")


def test_client_hanging_up_mid_poll_is_quiet(fake: FakeZalo, capfd: pytest.CaptureFixture[str]) -> None:
    request = f"GET /bot{fake.token}/getUpdates?timeout=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as connection:
        connection.sendall(request.encode())
        assert fake.wait_until(lambda: len(fake.calls) == 1)
    assert fake.wait_until(lambda: fake.abandoned_polls == 1)
    assert fake.errors == []
    fake.stop()
    assert capfd.readouterr().err == ""


def test_wait_until_and_thread_safety(fake: FakeZalo) -> None:
    fake.messages_per_second = 1000
    fake.reset_flood()
    threads = [threading.Thread(target=send, args=(fake, f"chat-{n}", f"tin {n}")) for n in range(20)]
    for thread in threads:
        thread.start()
    assert fake.wait_until(lambda: len(fake.sent) == 20)
    for thread in threads:
        thread.join()
    assert sorted(s["chat_id"] for s in fake.sent) == sorted(f"chat-{n}" for n in range(20))
    assert len({s["message_id"] for s in fake.sent}) == 20
    assert fake.wait_until(lambda: False, timeout=0.05) is False
