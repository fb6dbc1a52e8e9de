"""A fake Zalo Bot API server for tests.

`FakeZalo` is a real HTTP server on 127.0.0.1 that a Zalo Bot client (httpx, python-zalo-bot) talks to
instead of bot-api.zaloplatforms.com. It follows the contract in docs/platform-facts.md §6:
`<base>/bot<TOKEN>/<method>`, case-sensitive method names, GET or POST, parameters by query string, form,
JSON or multipart, and the reply envelope {"ok": true, "result": ...} or {"ok": false, "error_code": ...,
"description": ...} with HTTP status = error_code.

    with FakeZalo() as fake:
        fake.text("6ede9afa66b88fe6d6a9", "Xin chào")
        httpx.post(f"{fake.api_url}/getUpdates", json={"timeout": 1})  # -> that one update
        httpx.post(f"{fake.api_url}/sendMessage", json={"chat_id": "6ede9afa66b88fe6d6a9", "text": "Chào"})
        assert fake.texts_to("6ede9afa66b88fe6d6a9") == ["Chào"]

Choices where Zalo documents nothing or is vague (this fake's picks, not Zalo's word): an empty long poll
answers 408 "Request timeout" (what one third-party client expects) after at most `poll_wait_cap` (0.5 s);
getUpdates while a webhook is set answers 400 "webhook is active"; an unknown method answers 404 "invalid
API name" (Zalo lists "invalid API name" under 400); a user who blocked the bot gives 403 "user has blocked
the bot"; the flood limit is one token bucket over sendMessage, sendPhoto and sendSticker answering 429
"Quota exceeded" (no retry_after: Zalo sends none, and publishes no quotas); sendChatAction answers
result true.

Only the standard library is used. State is guarded by one re-entrant lock; a Condition on that lock is
notified when a request arrives, when it is answered and when an update is queued, so `wait_until()` and
long polling never busy-sleep.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import secrets
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

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

UNAUTHORIZED = "Unauthorized"
INVALID_API_NAME = "invalid API name"
NOT_FOUND = "Not Found"
REQUEST_TIMEOUT = "Request timeout"
WEBHOOK_ACTIVE = "webhook is active"
QUOTA_EXCEEDED = "Quota exceeded"
BLOCKED = "user has blocked the bot"
CHAT_NOT_FOUND = "chat not found"
TEXT_LENGTH = f"text length must be 1-{TEXT_LIMIT}"
CAPTION_LENGTH = f"caption length must be 1-{TEXT_LIMIT}"
SECRET_LENGTH = f"secret_token length must be {SECRET_MIN}-{SECRET_MAX}"
HTTPS_REQUIRED = "url must be HTTPS"
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


class ApiError(Exception):
    """An error reply: HTTP status = error_code, plus the description."""

    def __init__(self, status: int, description: str, *, flood: bool = False) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.flood = flood  # raised by the flood limit (not by fail_next)

    def envelope(self) -> dict[str, Any]:
        return {"ok": False, "error_code": self.status, "description": self.description}


class _Abandoned(Exception):
    """The client went away while its getUpdates waited; the request ends without an answer or a record."""


@dataclass
class UploadedFile:
    """A file part of a multipart/form-data request (Zalo takes photo URLs, so these only get refused)."""

    field_name: str
    file_name: str | None
    mime_type: str
    data: bytes

    def __repr__(self) -> str:  # keep `calls` readable when it is printed in an assertion
        size = len(self.data)
        return f"UploadedFile({self.field_name!r}, {self.file_name!r}, {self.mime_type!r}, {size} bytes)"


@dataclass
class TokenBucket:
    """`rate` tokens per second, at most `capacity` stored; one token per message."""

    rate: float
    capacity: float
    tokens: float
    last: float

    def available(self, now: float) -> bool:
        if now > self.last:
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = max(self.last, now)
        return self.tokens >= 1

    def take(self) -> None:
        self.tokens -= 1


# ------------------------------------------------------------------------------------------------
# Request bodies.


def parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """multipart/form-data -> {name: text or UploadedFile}."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ApiError(400, "can't parse multipart/form-data")
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            data = b""
        file_name = part.get_filename()
        mime = part.get_content_type() if "content-type" in part else "text/plain"
        if file_name is not None or not mime.startswith("text/"):
            fields[name] = UploadedFile(name, file_name, mime, data)
        else:
            fields[name] = data.decode(part.get_content_charset() or "utf-8", "replace")
    return fields


def parse_body(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Query string + body (form, JSON or multipart) -> params; body values win over the query string."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if not body:
        return params
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            decoded = json.loads(body.decode("utf-8"))
        except ValueError:
            raise ApiError(400, "can't parse JSON request body") from None
        if not isinstance(decoded, dict):
            raise ApiError(400, "can't parse JSON request body")
        params.update(decoded)
    elif kind == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif kind == "multipart/form-data":
        params.update(parse_multipart(body, content_type))
    return params


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


# ------------------------------------------------------------------------------------------------
# HTTP plumbing.


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, fake: FakeZalo) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-reply is not a test failure; no tracebacks on stderr


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeZalo/1.0"
    timeout = 60
    wbufsize = 1 << 16  # headers and body leave in one segment (flushed after each request) ...
    disable_nagle_algorithm = True  # ... without waiting for delayed ACKs
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # no request logs

    def setup(self) -> None:
        super().setup()
        self.server.fake._connection_opened(self.connection)

    def finish(self) -> None:
        try:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                super().finish()
        finally:
            self.server.fake._connection_closed(self.connection)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _client_gone(self) -> bool:
        """True once the client closed its connection (e.g. it cancelled a long poll)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _serve(self) -> None:
        try:
            body = self._read_body()
            split = urlsplit(self.path)
            answer = self.server.fake._route(
                self.command,
                split.path,
                split.query,
                self.headers.get("Content-Type", ""),
                body,
                self._client_gone,
            )
            if answer is None:  # the client hung up mid-long-poll: nobody to answer
                self.close_connection = True
                return
            status, payload = answer
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _chat_key(value: Any) -> str | None:
    """chat_id as sent -> the string key used in `sent`, `blocked`, ... (ids are opaque strings)."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class FakeZalo:
    """A Zalo Bot API look-alike on 127.0.0.1 (see the module docstring).

    Inspection attributes (filled under the lock; read them, don't mutate them while requests run):
      sent           every successful sendMessage/sendPhoto/sendSticker: method, chat_id, text, caption,
                     photo, sticker, message_id, date (ms), at (the injected clock)
      chat_actions   every successful sendChatAction: chat_id, action, at
      calls          every request to /bot<token>/<method>: method, params, http_method
      errors         every error reply, including the 408 of an empty long poll: method, status, description
      flood_errors   every 429: method, chat_id, at, injected (True when it came from fail_next)
      webhook        {} or {"url", "secret_token", "updated_at"}
      updates        the queued updates getUpdates has not handed out yet (a deque, oldest first)
      delivered      the updates getUpdates handed out, in order
      abandoned_polls  getUpdates calls whose client hung up before an answer
    """

    def __init__(
        self,
        token: str = "1234567890:zalo-TEST-token",
        messages_per_second: float = 5,
        clock: Callable[[], float] = time.monotonic,
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._token = token
        self.messages_per_second = messages_per_second
        self.clock = clock  # drives the flood limit and the `at` of records
        self.wall_clock = wall_clock  # epoch seconds for the `date`/`updated_at` fields (ms on the wire)
        self.poll_wait_cap = POLL_WAIT_CAP  # real seconds a getUpdates waits at most, whatever its timeout

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._stopping = False

        self.sent: list[dict[str, Any]] = []
        self.chat_actions: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.flood_errors: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] = {}
        self.updates: deque[dict[str, Any]] = deque()
        self.delivered: list[dict[str, Any]] = []
        self.blocked: set[str] = set()
        self.forgotten: set[str] = set()
        self.abandoned_polls = 0

        self._failures: dict[str, deque[ApiError]] = {}
        self._bucket: TokenBucket | None = None
        self._webhook_updated_at = 0
        self._next_message = 0

    # ---- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeZalo:
        if self._server is not None:
            return self
        self._stopping = False
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-zalo",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            connections = list(self._connections)
        server.shutdown()
        for connection in connections:  # end idle keep-alive connections so their threads exit
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeZalo:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _connection_opened(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def _connection_closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    @property
    def token(self) -> str:
        return self._token

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeZalo is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """The API host; a client appends /bot<TOKEN>/<method>."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """base_url + "/bot" + token, for raw requests: f"{fake.api_url}/sendMessage"."""
        return f"{self.base_url}/bot{self._token}"

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

    # ---- test controls --------------------------------------------------------------------------

    def block(self, chat_id: str) -> None:
        """The user blocked the bot: later sends to the chat get 403 "user has blocked the bot".

        (Zalo documents no such error; the code and description are this fake's choice.)"""
        with self._cond:
            self.blocked.add(str(chat_id))

    def unblock(self, chat_id: str) -> None:
        with self._cond:
            self.blocked.discard(str(chat_id))

    def forget_chat(self, chat_id: str) -> None:
        """Calls naming this chat get 400 "chat not found" (any other id is a valid chat)."""
        with self._cond:
            self.forgotten.add(str(chat_id))

    def fail_next(self, method: str, status: int, description: str, count: int = 1) -> None:
        """The next `count` calls of `method` fail with this error, after the token and method-name checks and
        before anything else (e.g. 500/502 for backoff tests, 401 for an expired token, 429 for a quota)."""
        if method not in METHODS:
            raise ValueError(f"unknown Zalo Bot API method {method!r}")
        with self._cond:
            self._failures.setdefault(method, deque()).extend(
                ApiError(status, description) for _ in range(count)
            )

    def reset_flood(self) -> None:
        """Refill the flood bucket (as if a long pause had passed)."""
        with self._cond:
            self._bucket = None

    def texts_to(self, chat_id: str) -> list[str]:
        """Texts of successful sendMessage calls and captions of sendPhoto calls to the chat, in order."""
        key = str(chat_id)
        with self._lock:
            return [
                s["text"] if s["text"] is not None else s["caption"]
                for s in self.sent
                if s["chat_id"] == key and (s["text"] is not None or s["caption"] is not None)
            ]

    def sent_to(self, chat_id: str) -> list[dict[str, Any]]:
        key = str(chat_id)
        with self._lock:
            return [s for s in self.sent if s["chat_id"] == key]

    def wait_until(self, predicate: Callable[[], object], timeout: float = 5.0) -> bool:
        """Wait (on the Condition notified by every request) until predicate() is true; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if predicate():
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)

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
            update = {"event_name": event_name, "message": message}
            self.updates.append(update)
            self._cond.notify_all()
            return update

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
        return self._queue(
            EVENT_TEXT,
            user_id,
            {"text": text},
            chat_id=chat_id,
            display_name=display_name,
            chat_type=chat_type,
            message_id=message_id,
        )

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

    # ---- HTTP routing ---------------------------------------------------------------------------

    def _route(
        self,
        http_method: str,
        path: str,
        query: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool] = lambda: False,
    ) -> tuple[int, bytes] | None:
        api = re.fullmatch(r"/bot([^/]*)/([^/]*)", unquote(path))
        if api is None:
            with self._cond:
                self._cond.notify_all()
            return 404, _encode(ApiError(404, NOT_FOUND).envelope())
        answer = self._api(http_method, api.group(1), api.group(2), query, content_type, body, client_gone)
        if answer is None:
            return None
        return answer[0], _encode(answer[1])

    def _api(
        self,
        http_method: str,
        token: str,
        method: str,
        query: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool] = lambda: False,
    ) -> tuple[int, dict[str, Any]] | None:
        parse_error: ApiError | None = None
        try:
            params = parse_body(query, content_type, body)
        except ApiError as error:
            params, parse_error = {}, error
        with self._cond:
            try:
                self.calls.append({"method": method, "params": params, "http_method": http_method})
                self._cond.notify_all()  # wait_until() sees a request arrive, not only its answer
                if token != self._token:
                    raise ApiError(401, UNAUTHORIZED)
                if method not in METHODS:  # case-sensitive, like Zalo
                    raise ApiError(404, INVALID_API_NAME)
                failures = self._failures.get(method)
                if failures:
                    raise failures.popleft()
                if parse_error is not None:
                    raise parse_error
                result = getattr(self, f"_api_{method}")(params, client_gone)
                return 200, {"ok": True, "result": result}
            except _Abandoned:
                self.abandoned_polls += 1
                return None
            except ApiError as error:
                self.errors.append(
                    {"method": method, "status": error.status, "description": error.description}
                )
                if error.status == 429:
                    self.flood_errors.append(
                        {
                            "method": method,
                            "chat_id": _chat_key(params.get("chat_id")),
                            "at": self.clock(),
                            "injected": not error.flood,
                        }
                    )
                return error.status, error.envelope()
            finally:
                self._cond.notify_all()

    # ---- method implementations -----------------------------------------------------------------

    def _api_getMe(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> dict[str, Any]:
        return self.bot_info

    def _target(self, p: dict[str, Any]) -> str:
        """The chat_id parameter; 400 when missing or forgotten, 403 when the user blocked the bot."""
        chat_id = _required(p, "chat_id")
        if chat_id in self.forgotten:
            raise ApiError(400, CHAT_NOT_FOUND)
        if chat_id in self.blocked:
            raise ApiError(403, BLOCKED)
        return chat_id

    def _take_flood_token(self) -> None:
        now = self.clock()
        if self._bucket is None:
            rate = self.messages_per_second
            self._bucket = TokenBucket(rate, rate, rate, now)
        if self._bucket.rate <= 0 or not self._bucket.available(now):
            raise ApiError(429, QUOTA_EXCEEDED, flood=True)
        self._bucket.take()

    def _send(self, method: str, p: dict[str, Any], **content: str | None) -> dict[str, Any]:
        """Checks done by the caller; now the chat, then the flood limit; record and answer."""
        chat_id = self._target(p)
        self._take_flood_token()
        result = {"message_id": new_id(), "date": self._now_ms()}
        blank = dict.fromkeys(("text", "caption", "photo", "sticker"))
        self.sent.append(
            {"method": method, "chat_id": chat_id, **blank, **content, **result, "at": self.clock()}
        )
        return result

    def _api_sendMessage(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> dict[str, Any]:
        _required(p, "chat_id")
        text = _bounded_text(p, "text", required=True)
        return self._send("sendMessage", p, text=text)

    def _api_sendPhoto(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> dict[str, Any]:
        _required(p, "chat_id")
        photo = p.get("photo")
        if isinstance(photo, UploadedFile):
            raise ApiError(400, "photo must be a URL")
        photo = _required(p, "photo")
        if not _is_url(photo, ("http", "https")):
            raise ApiError(400, "photo must be a URL")
        caption = _bounded_text(p, "caption", required=False)
        return self._send("sendPhoto", p, photo=photo, caption=caption)

    def _api_sendSticker(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> dict[str, Any]:
        _required(p, "chat_id")
        sticker = _required(p, "sticker")
        return self._send("sendSticker", p, sticker=sticker)

    def _api_sendChatAction(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> bool:
        _required(p, "chat_id")
        action = _required(p, "action")
        if action not in CHAT_ACTIONS:
            raise ApiError(400, BAD_ACTION)
        chat_id = self._target(p)  # not counted by the flood limit
        self.chat_actions.append({"chat_id": chat_id, "action": action, "at": self.clock()})
        return True

    # ---- getUpdates and webhooks ----------------------------------------------------------------

    def _api_getUpdates(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> dict[str, Any]:
        if self.webhook:
            raise ApiError(400, WEBHOOK_ACTIVE)  # undocumented
        raw = p.get("timeout", DEFAULT_POLL_TIMEOUT)
        try:
            timeout = float(raw)
        except (TypeError, ValueError):
            raise ApiError(400, "timeout must be a number") from None
        if isinstance(raw, bool) or not math.isfinite(timeout):
            raise ApiError(400, "timeout must be a number")
        deadline = time.monotonic() + min(max(timeout, 0.0), self.poll_wait_cap)
        while True:
            if client_gone():
                raise _Abandoned  # nobody is listening: end quietly, record no error
            if self.webhook:
                raise ApiError(400, WEBHOOK_ACTIVE)  # a setWebhook arrived while this poll waited
            if self.updates:
                update = self.updates.popleft()
                self.delivered.append(update)
                return json.loads(json.dumps(update))
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stopping:
                # An empty long poll: undocumented; one third-party client expects 408.
                raise ApiError(408, REQUEST_TIMEOUT)
            self._cond.wait(remaining)

    def _api_setWebhook(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> dict[str, Any]:
        url = _required(p, "url")
        secret = _required(p, "secret_token")
        if not _is_url(url, ("https",)):
            raise ApiError(400, HTTPS_REQUIRED)
        if not SECRET_MIN <= len(secret) <= SECRET_MAX:
            raise ApiError(400, SECRET_LENGTH)
        self._webhook_updated_at = self._now_ms()
        self.webhook = {"url": url, "secret_token": secret, "updated_at": self._webhook_updated_at}
        return {"url": url, "updated_at": self._webhook_updated_at}

    def _api_deleteWebhook(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> dict[str, Any]:
        self.webhook = {}
        self._webhook_updated_at = self._now_ms()
        return {"url": "", "updated_at": self._webhook_updated_at}

    def _api_getWebhookInfo(self, p: dict[str, Any], client_gone: Callable[[], bool]) -> dict[str, Any]:
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
