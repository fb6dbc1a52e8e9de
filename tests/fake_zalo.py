"""A fake Zalo Bot API server for tests.

`FakeZalo` is a real HTTP server on 127.0.0.1 (tests/fake_botapi.py) that a Zalo Bot client (httpx,
python-zalo-bot) talks to instead of bot-api.zaloplatforms.com. It follows the contract in
docs/platform-facts.md §6: `<base>/bot<TOKEN>/<method>`, case-sensitive method names, GET or POST, parameters
by query string, form, JSON or multipart, and the reply envelope {"ok": true, "result": ...} or
{"ok": false, "error_code": ..., "description": ...} with HTTP status = error_code.

    with FakeZalo() as fake:
        fake.text("6ede9afa66b88fe6d6a9", "Xin chào")
        httpx.post(f"{fake.api_url}/getUpdates", json={"timeout": 1})  # -> that one update
        httpx.post(f"{fake.api_url}/sendMessage", json={"chat_id": "6ede9afa66b88fe6d6a9", "text": "Chào"})
        assert fake.texts_to("6ede9afa66b88fe6d6a9") == ["Chào"]

Pictures go out with sendPhoto(chat_id, photo=<an http(s) URL>, caption of 1-2000 characters); Zalo's Bot
API takes no uploads and has no documents, so an uploaded file is refused.

Choices where Zalo documents nothing or is vague (this fake's picks, not Zalo's word): an empty long poll
answers 408 "Request timeout" (what one third-party client expects) after at most `poll_wait_cap` (0.5 s);
getUpdates while a webhook is set answers 400 "webhook is active"; an unknown method answers 404 "invalid
API name" (Zalo lists "invalid API name" under 400); a user who blocked the bot gives 403 "user has blocked
the bot"; the flood limit is one token bucket over sendMessage, sendPhoto and sendSticker answering 429
"Quota exceeded" (no retry_after: Zalo sends none, and publishes no quotas); sendChatAction answers
result true.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tests.fake_botapi import ApiError, FakeBotApi, UploadedFile

BOT_ID = "5b1f0c3e8a7d42f69e10"
BOT_ACCOUNT_NAME = "bot.dondoc"
TEXT_LIMIT = 2000
SECRET_MIN, SECRET_MAX = 8, 256
POLL_WAIT_CAP = 0.5  # seconds a getUpdates waits at most, whatever its timeout (tests stay fast)
DEFAULT_POLL_TIMEOUT = 30
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # the header a webhook POST carries (secret_token of setWebhook)

METHODS = frozenset(
    {
        "getMe",
        "getUpdates",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "sendMessage",
        "sendPhoto",
        "sendSticker",
        "sendChatAction",
    }
)
COUNTED = frozenset({"sendMessage", "sendPhoto", "sendSticker"})  # the methods the flood limit counts
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})

EVENT_TEXT = "message.text.received"
EVENT_IMAGE = "message.image.received"
EVENT_STICKER = "message.sticker.received"
EVENT_VOICE = "message.voice.received"  # only in third-party references
EVENT_UNSUPPORTED = "message.unsupported.received"

REQUEST_TIMEOUT = "Request timeout"
WEBHOOK_ACTIVE = "webhook is active"
QUOTA_EXCEEDED = "Quota exceeded"
SECRET_LENGTH = f"secret_token length must be {SECRET_MIN}-{SECRET_MAX}"
HTTPS_REQUIRED = "url must be HTTPS"
PHOTO_URL = "photo must be a URL"
BAD_ACTION = "action must be typing or upload_photo"


def new_id() -> str:
    """A fresh opaque Zalo-style id: 20 hex digits, e.g. "6ede9afa66b88fe6d6a9"."""
    return secrets.token_hex(10)


def webhook_body(update: dict[str, Any], wrapped: bool = True) -> bytes:
    """The JSON body of a webhook POST carrying `update`.

    wrapped=True gives the documented {"ok": true, "result": update}; wrapped=False the bare update that one
    public project saw on live calls. A webhook receiver should accept both.
    """
    body = {"ok": True, "result": update} if wrapped else update
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _required(p: dict[str, Any], name: str) -> str:
    """A required string parameter (a JSON number is taken as its digits); 400 "<name> is required"."""
    value = p.get(name)
    if value is None or value == "":
        raise ApiError(400, f"{name} is required")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be a string")
    return value


def _bounded_text(p: dict[str, Any], name: str, *, required: bool) -> str | None:
    """A text of 1-2000 characters (code points, as the text arrives: no normalization)."""
    value = p.get(name)
    if value is None:
        if required:
            raise ApiError(400, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be a string")
    if not 1 <= len(value) <= TEXT_LIMIT:
        raise ApiError(400, f"{name} length must be 1-{TEXT_LIMIT}")
    return value


def _is_url(value: str, schemes: tuple[str, ...]) -> bool:
    parts = urlsplit(value)
    return parts.scheme.lower() in schemes and bool(parts.hostname)


class FakeZalo(FakeBotApi):
    """A Zalo Bot API look-alike on 127.0.0.1 (see the module docstring).

    Inspection attributes (filled under the lock; read them, don't mutate them while requests run), besides
    calls, errors, flood_errors (retry_after always None), blocked, forgotten and abandoned_polls of
    FakeBotApi:
      sent           every successful sendMessage/sendPhoto/sendSticker: method, chat_id, text, caption,
                     photo (the URL), sticker, message_id, date (ms), at (the injected clock)
      chat_actions   every successful sendChatAction: chat_id, action, at
      webhook        {} or {"url", "secret_token", "updated_at"}
      updates        the queued updates getUpdates has not handed out yet (a deque, oldest first)
      delivered      the updates getUpdates handed out, in order
    """

    JSON_TYPE = "application/json; charset=utf-8"
    UNKNOWN_METHOD = "invalid API name"
    BLOCKED = "user has blocked the bot"

    def __init__(
        self,
        token: str = "1234567890:zalo-TEST-token",
        messages_per_second: float = 5,
        clock: Callable[[], float] = time.monotonic,
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(token, clock)
        self.messages_per_second = messages_per_second
        self.wall_clock = wall_clock  # epoch seconds for the `date`/`updated_at` fields (ms on the wire)
        self.poll_wait_cap = POLL_WAIT_CAP  # real seconds a getUpdates waits at most, whatever its timeout
        self.chat_actions: list[dict[str, Any]] = []
        self.delivered: list[dict[str, Any]] = []
        self._webhook_updated_at = 0
        self._next_message = 0

    @property
    def base_url(self) -> str:
        """The API host; a client appends /bot<TOKEN>/<method>."""
        return self.root_url

    @property
    def bot_info(self) -> dict[str, Any]:
        """What getMe answers."""
        return {
            "id": BOT_ID,
            "account_name": BOT_ACCOUNT_NAME,
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    webhook_body = staticmethod(webhook_body)

    @staticmethod
    def _chat_key(value: Any) -> str | None:
        """Zalo ids are opaque strings; a number sent as chat_id is taken as its digits."""
        return None if value is None else str(value)

    @staticmethod
    def _shown_text(record: dict[str, Any]) -> str | None:
        return record["text"] if record["text"] is not None else record["caption"]

    # ---- test controls --------------------------------------------------------------------------

    def fail_next(self, method: str, status: int, description: str, count: int = 1) -> None:
        """The next `count` calls of `method` fail with this error, after the token and method-name checks and
        before anything else (e.g. 500/502 for backoff tests, 401 for an expired token, 429 for a quota)."""
        if method not in METHODS:
            raise ValueError(f"unknown Zalo Bot API method {method!r}")
        self._fail(method, lambda: ApiError(status, description), count)

    # ---- update builders ------------------------------------------------------------------------

    def _now_ms(self) -> int:
        return int(self.wall_clock() * 1000)

    def _queue(
        self,
        event_name: str,
        user_id: str,
        content: dict[str, Any],
        *,
        chat_id: str | None = None,
        display_name: str = "Người dùng",
        chat_type: str = "PRIVATE",
        message_id: str | None = None,
    ) -> dict[str, Any]:
        with self._cond:
            chat_id = user_id if chat_id is None else chat_id
            if chat_type == "PRIVATE" and chat_id != user_id:
                chat_type = "GROUP"
            if message_id is None:
                self._next_message += 1
                message_id = f"m{self._next_message}"
            message: dict[str, Any] = {
                "from": {"id": user_id, "display_name": display_name, "is_bot": False},
                "chat": {"id": chat_id, "chat_type": chat_type},
                **content,
                "message_id": message_id,
                "date": self._now_ms(),
            }
            return self._push({"event_name": event_name, "message": message})

    def text(
        self,
        user_id: str,
        text: str,
        *,
        chat_id: str | None = None,
        display_name: str = "Người dùng",
        chat_type: str = "PRIVATE",
        message_id: str | None = None,
    ) -> dict[str, Any]:
        """Queue a text message and return the update. chat_id defaults to user_id (a private chat); another
        chat_id makes chat_type "GROUP" unless given. message_id defaults to "m1", "m2", ..."""
        where = {"chat_id": chat_id, "display_name": display_name, "chat_type": chat_type}
        return self._queue(EVENT_TEXT, user_id, {"text": text}, message_id=message_id, **where)

    def image(
        self, user_id: str, url: str = "https://f.zalo.me/x.jpg", caption: str | None = None, **where: Any
    ) -> dict[str, Any]:
        """Queue a photo ("photo" per the docs, "photo_url" as python-zalo-bot reads it). `where`: chat_id,
        display_name, chat_type, message_id as for text()."""
        content: dict[str, Any] = {"photo": url, "photo_url": url}
        if caption is not None:
            content["caption"] = caption
        return self._queue(EVENT_IMAGE, user_id, content, **where)

    def sticker(self, user_id: str, sticker: str = "abc", **where: Any) -> dict[str, Any]:
        return self._queue(EVENT_STICKER, user_id, {"sticker": sticker}, **where)

    def voice(
        self, user_id: str, url: str = "https://f.zalo.me/x.aac", duration: int = 3, **where: Any
    ) -> dict[str, Any]:
        return self._queue(EVENT_VOICE, user_id, {"voice": {"url": url, "duration": duration}}, **where)

    def unsupported(self, user_id: str, **where: Any) -> dict[str, Any]:
        """What Zalo sends instead of the content when the sender is protected (e.g. a child's account)."""
        return self._queue(EVENT_UNSUPPORTED, user_id, {}, **where)

    def unknown_event(
        self, user_id: str, name: str = "message.reaction.received", **where: Any
    ) -> dict[str, Any]:
        return self._queue(name, user_id, {}, **where)

    # ---- method implementations -----------------------------------------------------------------

    def _method(self, name: str) -> str | None:
        return name if name in METHODS else None  # case-sensitive, like Zalo

    def _handle(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        client_gone: Callable[[], bool],
    ) -> Any:
        p = {**params, **files}
        if method == "getUpdates":
            return self._get_updates(p, client_gone)
        return getattr(self, f"_api_{method}")(p)

    def _api_getMe(self, p: dict[str, Any]) -> dict[str, Any]:
        return self.bot_info

    def _target(self, p: dict[str, Any]) -> str:
        """The chat_id parameter; 400 when missing or forgotten, 403 when the user blocked the bot."""
        chat_id = _required(p, "chat_id")
        self._check_chat(chat_id)
        return chat_id

    def _send(self, method: str, p: dict[str, Any], **content: str | None) -> dict[str, Any]:
        """Checks done by the caller; now the chat, then the flood limit (one bucket); record and answer."""
        chat_id = self._target(p)
        now = self.clock()
        bucket = self._bucket("all", self.messages_per_second, self.messages_per_second, now)
        if bucket.wait(now) > 0:
            raise ApiError(429, QUOTA_EXCEEDED, flood=True)
        bucket.take()
        result = {"message_id": new_id(), "date": self._now_ms()}
        blank = dict.fromkeys(("text", "caption", "photo", "sticker"))
        self.sent.append({"method": method, "chat_id": chat_id, **blank, **content, **result, "at": now})
        return result

    def _api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        _required(p, "chat_id")
        return self._send("sendMessage", p, text=_bounded_text(p, "text", required=True))

    def _api_sendPhoto(self, p: dict[str, Any]) -> dict[str, Any]:
        _required(p, "chat_id")
        if isinstance(p.get("photo"), UploadedFile):
            raise ApiError(400, PHOTO_URL)
        photo = _required(p, "photo")
        if not _is_url(photo, ("http", "https")):
            raise ApiError(400, PHOTO_URL)
        caption = _bounded_text(p, "caption", required=False)
        return self._send("sendPhoto", p, photo=photo, caption=caption)

    def _api_sendSticker(self, p: dict[str, Any]) -> dict[str, Any]:
        _required(p, "chat_id")
        return self._send("sendSticker", p, sticker=_required(p, "sticker"))

    def _api_sendChatAction(self, p: dict[str, Any]) -> bool:
        _required(p, "chat_id")
        action = _required(p, "action")
        if action not in CHAT_ACTIONS:
            raise ApiError(400, BAD_ACTION)
        chat_id = self._target(p)  # not counted by the flood limit
        self.chat_actions.append({"chat_id": chat_id, "action": action, "at": self.clock()})
        return True

    # ---- getUpdates and webhooks ----------------------------------------------------------------

    def _get_updates(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> dict[str, Any]:
        if self.webhook:
            raise ApiError(400, WEBHOOK_ACTIVE)  # undocumented
        raw = p.get("timeout", DEFAULT_POLL_TIMEOUT)
        try:
            timeout = float(raw)
        except (TypeError, ValueError):
            raise ApiError(400, "timeout must be a number") from None
        if isinstance(raw, bool) or not math.isfinite(timeout):
            raise ApiError(400, "timeout must be a number")

        def take() -> dict[str, Any] | None:
            if self.webhook:
                raise ApiError(400, WEBHOOK_ACTIVE)  # a setWebhook arrived while this poll waited
            if not self.updates:
                return None
            update = self.updates.popleft()
            self.delivered.append(update)
            return json.loads(json.dumps(update))

        update = self._long_poll(min(max(timeout, 0.0), self.poll_wait_cap), client_gone, take)
        if update is None:  # an empty long poll: undocumented; one third-party client expects 408
            raise ApiError(408, REQUEST_TIMEOUT)
        return update

    def _api_setWebhook(self, p: dict[str, Any]) -> dict[str, Any]:
        url = _required(p, "url")
        secret = _required(p, "secret_token")
        if not _is_url(url, ("https",)):
            raise ApiError(400, HTTPS_REQUIRED)
        if not SECRET_MIN <= len(secret) <= SECRET_MAX:
            raise ApiError(400, SECRET_LENGTH)
        self._webhook_updated_at = self._now_ms()
        self.webhook = {"url": url, "secret_token": secret, "updated_at": self._webhook_updated_at}
        return {"url": url, "updated_at": self._webhook_updated_at}

    def _api_deleteWebhook(self, p: dict[str, Any]) -> dict[str, Any]:
        self.webhook = {}
        self._webhook_updated_at = self._now_ms()
        return {"url": "", "updated_at": self._webhook_updated_at}

    def _api_getWebhookInfo(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook.get("url", ""), "updated_at": self._webhook_updated_at}


__all__ = [
    "BOT_ID",
    "EVENT_IMAGE",
    "EVENT_STICKER",
    "EVENT_TEXT",
    "EVENT_UNSUPPORTED",
    "EVENT_VOICE",
    "METHODS",
    "SECRET_HEADER",
    "ApiError",
    "FakeZalo",
    "UploadedFile",
    "new_id",
    "webhook_body",
]
