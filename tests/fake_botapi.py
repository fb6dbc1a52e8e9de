"""Plumbing shared by the fake Bot API servers (tests/fake_telegram.py, tests/fake_zalo.py).

`FakeBotApi` is a real HTTP/1.1 server on 127.0.0.1 with a thread per connection. It routes
`/bot<token>/<method>` and records every call, checks the token (`revoke_token` refuses it from then on),
fails a call on demand (`fail_next`), answers with the {"ok": ...} envelope (HTTP status = error_code),
keeps per-key token buckets and sliding windows for flood limits, blocked and unknown chats, an update
queue with long polling, and `wait_until()`.
A subclass names its methods and implements them (`_handle`) with its platform's rules and wording.

Only the standard library is used. State is guarded by one re-entrant lock; a Condition on that lock is
notified when a request arrives, when it is answered and when an update is queued, so `wait_until()` and
long polling never busy-sleep.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from email.message import Message as _HeaderParser
from email.utils import collapse_rfc2231_value
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

API_PATH = re.compile(r"/bot([^/]*)/([^/]*)")
T = TypeVar("T")


class ApiError(Exception):
    """An error reply: HTTP status = error_code, the description and, for a 429, maybe retry_after."""

    def __init__(
        self, status: int, description: str, retry_after: int | None = None, *, flood: bool = False
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.flood = flood  # raised by the flood limits (not by fail_next)

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class Abandoned(Exception):
    """The client went away while its request waited; the request ends without an answer or an error."""


class BodyError(ValueError):
    """The request body cannot be parsed; `kind` is "json" or "multipart" (each fake words it its way)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass
class UploadedFile:
    """A file part of a multipart/form-data request, bytes kept exactly."""

    field_name: str
    file_name: str | None
    mime_type: str | None
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

    def wait(self, now: float) -> float:
        """Seconds until a token is available (0 if one is available now)."""
        if now > self.last:
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = max(self.last, now)
        if self.tokens >= 1:
            return 0.0
        return (1 - self.tokens) / self.rate if self.rate > 0 else math.inf

    def take(self) -> None:
        self.tokens -= 1


# ------------------------------------------------------------------------------------------------
# Request bodies.


def _header_param(value: str, param: str, header: str = "content-type") -> str | None:
    parser = _HeaderParser()
    parser[header] = value
    found = parser.get_param(param, header=header)
    if found is None:
        return None
    if isinstance(found, tuple):  # RFC 2231 encoded
        return collapse_rfc2231_value(found)
    return str(found)


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """multipart/form-data -> (text fields, files). File contents are kept byte for byte."""
    boundary = _header_param(content_type, "boundary")
    if not boundary:
        raise BodyError("multipart")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _header_param(disposition, "name", "content-disposition")
        if name is None:
            continue
        file_name = _header_param(disposition, "filename", "content-disposition")
        part_type = headers.get("content-type", "")
        if file_name is not None or (part_type and not part_type.startswith("text/")):
            mime = (part_type or "application/octet-stream").split(";")[0].strip()
            files[name] = UploadedFile(name, file_name, mime, content)
        else:
            charset = _header_param(part_type, "charset") if part_type else None
            fields[name] = content.decode(charset or "utf-8", "replace")
    return fields, files


def parse_body(query: str, content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Query string + body (form, JSON or multipart) -> (params, files); body values win over the query."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    if not body:
        return params, files
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise BodyError("json") from None
        if not isinstance(decoded, dict):
            raise BodyError("json")
        params.update(decoded)
    elif kind == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif kind == "multipart/form-data":
        fields, files = parse_multipart(body, content_type)
        params.update(fields)
    return params, files


def encode(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# ------------------------------------------------------------------------------------------------
# HTTP plumbing.

Answer = tuple[int, bytes, str]  # status, body, Content-Type


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # socketserver listens with a backlog of 5: a burst of clients overflowed it, the kernel dropped their
    # handshakes, they retried after 1-3 s and a test waiting 5 s failed with "connection reset" when the
    # listener closed. Room for every client a test starts at once.
    request_queue_size = socket.SOMAXCONN

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-reply is not a test failure; no tracebacks on stderr


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    wbufsize = 1 << 16  # headers and body leave in one segment (flushed after each request) ...
    disable_nagle_algorithm = True  # ... without waiting for delayed ACKs
    server: _Server

    def version_string(self) -> str:
        return type(self.server.fake).__name__ + "/1.0"

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

    do_POST = do_GET

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
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
            if answer is None:  # the client hung up while its request waited: nobody to answer
                self.close_connection = True
                return
            status, payload, content_type = answer
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


# ------------------------------------------------------------------------------------------------


class FakeBotApi:
    """The base of the fakes: lifecycle, routing, records, failures, flood state, chats, updates.

    Inspection attributes (filled under the lock; read them, don't mutate them while requests run):
      calls            every request to /bot<token>/<method>: method, params (files as UploadedFile),
                       http_method
      errors           every error reply: method, status, description
      flood_errors     every 429: method, chat_id, retry_after, at (the injected clock), injected (True when
                       it came from fail_next)
      sent             what the bot put into chats (each fake says what a record holds)
      updates          the queued updates not handed out (or, on Telegram, not confirmed) yet
      webhook          {} or the webhook that is set
      blocked          chats whose user blocked the bot; forgotten: chats that are "not found"
      abandoned_polls  requests whose client hung up before they were answered
    """

    JSON_TYPE = "application/json"
    # Descriptions in the platform's words; a subclass overrides them.
    UNKNOWN_METHOD = "Not Found"
    CHAT_NOT_FOUND = "chat not found"
    BLOCKED = "bot was blocked by the user"
    BODY_ERRORS: ClassVar[dict[str, str]] = {
        "json": "can't parse JSON request body",
        "multipart": "can't parse multipart/form-data",
    }

    def __init__(self, token: str, clock: Callable[[], float]) -> None:
        self._token = token
        self._revoked = False  # revoke_token(): every later call answers 401, as with a revoked token
        self.clock = clock  # drives the flood limits and the `at` of records

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._stopping = False

        self.calls: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.flood_errors: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.updates: deque[dict[str, Any]] = deque()
        self.webhook: dict[str, Any] = {}
        self.blocked: set[Any] = set()
        self.forgotten: set[Any] = set()
        self.abandoned_polls = 0

        self._failures: dict[str, deque[ApiError]] = {}
        self._buckets: dict[Hashable, TokenBucket] = {}
        self._windows: dict[Hashable, deque[float]] = {}

    # ---- what a subclass provides ---------------------------------------------------------------

    def _method(self, name: str) -> str | None:
        """The method's canonical name, or None when the platform has no such method."""
        raise NotImplementedError

    def _handle(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        client_gone: Callable[[], bool],
    ) -> Any:
        """Carry out the call (under the lock) and return its result; raise ApiError to refuse it."""
        raise NotImplementedError

    def _serve_path(self, path: str) -> Answer | None:
        """Answer a GET of another path (e.g. a file download), or None for 404."""
        return None

    @staticmethod
    def _chat_key(value: Any) -> Any:
        """chat_id as sent -> the key used in `sent`, `blocked`, `forgotten`, `flood_errors`."""
        return value

    @staticmethod
    def _shown_text(record: dict[str, Any]) -> str | None:
        """The text a person reads in a `sent` record (the text, or a caption)."""
        return record.get("text")

    # ---- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._stopping = False
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=type(self).__name__,
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

    def __enter__(self) -> Self:
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
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._server.server_address[1]

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """With the token, for raw requests: f"{fake.api_url}/sendMessage"."""
        return f"{self.root_url}/bot{self._token}"

    # ---- test controls --------------------------------------------------------------------------

    def block(self, chat_id: Any) -> None:
        """The user blocked the bot: later sends to the chat get 403."""
        with self._cond:
            self.blocked.add(self._chat_key(chat_id))

    def unblock(self, chat_id: Any) -> None:
        with self._cond:
            self.blocked.discard(self._chat_key(chat_id))

    def forget_chat(self, chat_id: Any) -> None:
        """Calls naming this chat get 400 "chat not found" (any other id is a valid chat)."""
        with self._cond:
            self.forgotten.add(self._chat_key(chat_id))

    def revoke_token(self) -> None:
        """The token is revoked (as BotFather's /revoke does): every later call answers 401 Unauthorized
        (a long poll already waiting ends as it would have)."""
        with self._cond:
            self._revoked = True
            self._cond.notify_all()

    def _fail(self, method: str, error: Callable[[], ApiError], count: int) -> None:
        with self._cond:
            self._failures.setdefault(method, deque()).extend(error() for _ in range(count))

    def reset_flood(self) -> None:
        """Forget all flood-limit history (as if a long pause had passed)."""
        with self._cond:
            self._buckets.clear()
            self._windows.clear()

    def texts_to(self, chat_id: Any) -> list[str]:
        """What the person in the chat reads of each successful send (text or caption), in order."""
        with self._lock:
            texts = (self._shown_text(s) for s in self.sent_to(chat_id))
            return [text for text in texts if text is not None]

    def sent_to(self, chat_id: Any) -> list[dict[str, Any]]:
        key = self._chat_key(chat_id)
        with self._lock:
            return [s for s in self.sent if s["chat_id"] == key]

    def wait_until(self, predicate: Callable[[], object], timeout: float = 5.0) -> bool:
        """Wait (on the Condition notified by every request) until predicate() is true; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    # ---- helpers for the methods ----------------------------------------------------------------

    def _check_chat(self, chat_id: Any, *, sending: bool = True) -> None:
        """400 for a forgotten chat; 403 for a blocked one when the call would reach its user."""
        if chat_id in self.forgotten:
            raise ApiError(400, self.CHAT_NOT_FOUND)
        if sending and chat_id in self.blocked:
            raise ApiError(403, self.BLOCKED)

    def _bucket(self, key: Hashable, rate: float, capacity: float, now: float) -> TokenBucket:
        """The token bucket for `key`, full when first used (and after reset_flood)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(rate, capacity, capacity, now)
        return bucket

    def _window(self, key: Hashable, seconds: float, now: float) -> deque[float]:
        """The times of the messages of the last `seconds` counted under `key` (older ones dropped)."""
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - seconds:
            window.popleft()
        return window

    def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            self.updates.append(update)
            self._cond.notify_all()
            return update

    def _long_poll(
        self, seconds: float, client_gone: Callable[[], bool], take: Callable[[], T | None]
    ) -> T | None:
        """Wait up to `seconds` until take() gives something; None when time is up or the fake stops.

        take() runs under the lock and may raise ApiError (e.g. a conflict that arrived while waiting)."""
        deadline = time.monotonic() + seconds
        while True:
            if client_gone():
                raise Abandoned  # nobody is listening: end quietly, record no error
            found = take()
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stopping:
                return None
            self._cond.wait(remaining)

    # ---- HTTP routing ---------------------------------------------------------------------------

    def _route(
        self,
        http_method: str,
        path: str,
        query: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool] = lambda: False,
    ) -> Answer | None:
        path = unquote(path)  # PTB percent-encodes file URLs (":" in the token -> %3A)
        api = API_PATH.fullmatch(path)
        if api is not None:
            answer = self._api(
                http_method, api.group(1), api.group(2), query, content_type, body, client_gone
            )
            return None if answer is None else (answer[0], encode(answer[1]), self.JSON_TYPE)
        with self._cond:
            try:
                found = self._serve_path(path)
            finally:
                self._cond.notify_all()
        return found or (404, encode(ApiError(404, "Not Found").envelope()), self.JSON_TYPE)

    def _api(
        self,
        http_method: str,
        token: str,
        name: str,
        query: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool],
    ) -> tuple[int, dict[str, Any]] | None:
        method = self._method(name)
        parse_error: ApiError | None = None
        try:
            params, files = parse_body(query, content_type, body)
        except BodyError as error:
            params, files, parse_error = {}, {}, ApiError(400, self.BODY_ERRORS[error.kind])
        with self._cond:
            try:
                self.calls.append(
                    {"method": method or name, "params": {**params, **files}, "http_method": http_method}
                )
                self._cond.notify_all()  # wait_until() sees a request arrive, not only its answer
                if token != self._token or self._revoked:
                    raise ApiError(401, "Unauthorized")
                if method is None:
                    raise ApiError(404, self.UNKNOWN_METHOD)
                failures = self._failures.get(method)
                if failures:
                    raise failures.popleft()
                if parse_error is not None:
                    raise parse_error
                return 200, {"ok": True, "result": self._handle(method, params, files, client_gone)}
            except Abandoned:
                self.abandoned_polls += 1
                return None
            except ApiError as error:
                self.errors.append(
                    {"method": method or name, "status": error.status, "description": error.description}
                )
                if error.status == 429:
                    self.flood_errors.append(
                        {
                            "method": method or name,
                            "chat_id": self._chat_key(params.get("chat_id")),
                            "retry_after": error.retry_after,
                            "at": self.clock(),
                            "injected": not error.flood,
                        }
                    )
                return error.status, error.envelope()
            finally:
                self._cond.notify_all()


__all__ = ["ApiError", "FakeBotApi", "TokenBucket", "UploadedFile", "encode", "parse_body", "parse_multipart"]
