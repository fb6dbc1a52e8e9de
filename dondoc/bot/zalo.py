"""The Zalo transport, on the Zalo Bot API (bot-api.zaloplatforms.com; not Zalo Official Account).

One httpx client for every call; every reply envelope ({ok, result, error_code, description}) is checked;
passing failures are retried with bounded backoff (`transport.retrying`; at start-up `startup.py`). A
refused token (401, or 404 at start-up and while polling) at start-up, while polling or while sending
puts the transport out of service: one log line, `done` set, and sends answer LATER (the outbox keeps the
messages) until the bot is restarted. Built from its config section only.
Long polling by default; with ZALO_WEBHOOK_SECRET a webhook receiver compares the secret header in
constant time before it reads the body. Text only: choices become numbered lines.
"""

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx
import tornado.httpserver
import tornado.web

from dondoc.bot.config import Config, ZaloConfig
from dondoc.bot.downloads import Downloads
from dondoc.bot.plaintext import render, split_text
from dondoc.bot.ratelimit import RateLimiter
from dondoc.bot.startup import at_startup
from dondoc.bot.transport import Delivery, MenuSource, OnIncoming, Retry, retrying, send_pieces
from dondoc.handlers.messages import Incoming, Reply

log = logging.getLogger(__name__)
NAME = "zalo"
DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
MAX_TEXT = 2000
MAX_BODY = 1024 * 1024
POLL_TIMEOUT = 30
RETRIES = 3
MAX_POLL_BACKOFF = 60.0
TRANSIENT = {408, 429, 500, 502, 503, 504}
REFUSED = {401, 404}  # the token is wrong or revoked (a 404: no bot at that URL)
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_EVENT = "message.text.received"
NON_TEXT_EVENTS = {
    "message.image.received",
    "message.sticker.received",
    "message.voice.received",
    "message.unsupported.received",
}


class ZaloError(Exception):
    """An API error; the message holds the code and Zalo's description, never the URL (it has the token)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description


class ZaloAuthError(ZaloError):
    """The token was refused: retrying will not help."""


class ZaloClient:
    def __init__(
        self,
        token: str,
        base_url: str | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._url = f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}/bot{token}/"
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(POLL_TIMEOUT + 15, connect=10))
        self._sleep = sleep

    async def close(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, retries: int = RETRIES, **params: Any) -> Any:
        """The method's result; ZaloError after the retries, ZaloAuthError at once."""

        async def attempt() -> Any:
            try:
                return self._result(await self._http.post(self._url + method, json=params))
            except ZaloAuthError:
                raise
            except ZaloError as exc:
                if exc.code not in TRANSIENT or (method == "getUpdates" and exc.code == 408):
                    raise
                return Retry(error=exc)
            except httpx.HTTPError as exc:
                return Retry(error=ZaloError(0, type(exc).__name__))  # its text may quote the URL

        result = await retrying(attempt, self._sleep, retries + 1)
        if isinstance(result, Retry):
            raise result.error or ZaloError(0, "no answer")
        return result

    @staticmethod
    def _result(response: httpx.Response) -> Any:
        try:
            envelope = response.json()
        except ValueError:
            raise ZaloError(response.status_code, "the answer is not JSON") from None
        if not isinstance(envelope, dict) or not isinstance(envelope.get("ok"), bool):
            raise ZaloError(response.status_code, "the answer has no ok field")
        if envelope["ok"]:
            return envelope.get("result")
        given = envelope.get("error_code")
        code = given if isinstance(given, int) else response.status_code
        description = str(envelope.get("description") or "")[:200]
        if code == 401:
            raise ZaloAuthError(code, description)
        raise ZaloError(code, description)


def unwrap(payload: Any) -> dict[str, Any] | None:
    """An update from a webhook body or getUpdates: documented {ok, result: update} or the bare update."""
    if isinstance(payload, dict) and "result" in payload and "event_name" not in payload:
        payload = payload["result"]
    if not isinstance(payload, dict) or not isinstance(payload.get("event_name"), str):
        return None
    message = payload.get("message")
    if not isinstance(message, dict):
        return None
    sender, chat = message.get("from"), message.get("chat")
    if (
        not isinstance(sender, dict)
        or not isinstance(chat, dict)
        or not sender.get("id")
        or not chat.get("id")
    ):
        return None
    return payload


def build(config: Config, menus: MenuSource) -> "ZaloTransport":
    return ZaloTransport(config.zalo)


class ZaloTransport:
    name = NAME
    account: str | None = None
    addresses: Sequence[str] | None = None

    def __init__(
        self,
        config: ZaloConfig,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not config.token:
            raise ValueError("ZALO_BOT_TOKEN is not set")
        self.config = config
        self.client = ZaloClient(config.token, config.base_url, sleep)
        rate = float(config.messages_per_second)
        self.limiter = limiter or RateLimiter(
            per_second=rate, overall_burst=rate, per_chat_second=1.0, sleep=sleep
        )
        self.sleep = sleep
        self._on_incoming: OnIncoming | None = None
        self._polling: asyncio.Task[None] | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self.done = asyncio.Event()
        self.out_of_service: str | None = None  # why it stopped by itself (a refused token, no start)
        # With a public webhook, files go as signed links to downloads served beside it.
        self.downloads = (
            Downloads(config.webhook_secret, config.webhook_url, clock=clock)
            if config.webhook_secret and config.webhook_url
            else None
        )

    # Lifecycle -------------------------------------------------------------------------------

    async def start(self, on_incoming: OnIncoming) -> None:
        """Connect and serve (polling, or the webhook). A refused token, or passing failures that outlast
        the start-up retries, leave it out of service (one log line) instead of raising."""
        self._on_incoming = on_incoming
        config = self.config
        try:
            await self._startup("getMe")
            if config.webhook_secret and config.webhook_url:
                await self._startup("setWebhook", url=config.webhook_url, secret_token=config.webhook_secret)
                self._serve_webhook(urlsplit(config.webhook_url).path or "/")
                log.info("zalo: webhook on %s:%d", config.webhook_listen, config.webhook_port)
            else:
                await self._startup("deleteWebhook")
                self._polling = asyncio.create_task(self._poll())
                log.info("zalo: polling")
        except ZaloError as exc:
            if exc.code in REFUSED:
                self._refused(exc)
            else:
                log.error("zalo: could not start (%s); it is not running", exc)
                self._out_of_service("could not start")

    async def _startup(self, method: str, **params: Any) -> Any:
        """A start-up call, retried with a growing wait while it fails for a passing reason."""

        async def attempt() -> Any:
            try:
                return await self.client.call(method, retries=0, **params)
            except ZaloError as exc:
                if exc.code in TRANSIENT or exc.code == 0:  # 0: no answer (a network error)
                    return Retry(error=exc)
                raise

        return await at_startup(NAME, method, attempt, self.sleep)

    async def stop(self) -> None:
        """Whatever state it is in: not started, starting, out of service or serving."""
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        self._stop_server()
        await self.client.close()
        self.done.set()

    def _stop_server(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    async def _poll(self) -> None:
        """Long polling until stopped or the token is refused; passing failures back off (1 s doubling
        to 60 s), and an update that could not be handled is logged, not the end of polling."""
        delay = 1.0
        while True:
            try:
                payload = await self.client.call("getUpdates", timeout=POLL_TIMEOUT)
                delay = 1.0
            except ZaloError as exc:
                if exc.code in REFUSED:
                    self._refused(exc, "while polling")
                    return
                if exc.code != 408:  # 408: a long poll that ended empty
                    log.warning("zalo: getUpdates failed (%s); retrying in %.0f s", exc, delay)
                    await self.sleep(delay)
                    delay = min(delay * 2, MAX_POLL_BACKOFF)
                continue
            if payload:
                try:
                    await self.handle(payload)
                except Exception:
                    log.exception("zalo: an update could not be handled")

    def _refused(self, exc: ZaloError, when: str = "") -> None:
        """The token is wrong or revoked: retrying will not help. The webhook, if any, stops too."""
        log.error(
            "zalo: the bot token was refused (%s)%s; the Zalo transport is not running, "
            "its messages stay queued",
            exc,
            f" {when}" if when else "",
        )
        self._stop_server()
        self._out_of_service("token refused")

    def _out_of_service(self, why: str) -> None:
        self.out_of_service = why
        self.done.set()

    def _serve_webhook(self, path: str) -> None:
        transport = self
        secret = (self.config.webhook_secret or "").encode()

        class Hook(tornado.web.RequestHandler):
            async def post(self) -> None:
                given = self.request.headers.get(SECRET_HEADER, "")
                if not hmac.compare_digest(given.encode(), secret):
                    self.set_status(403)  # checked before the body is even decoded
                    return
                if not self.request.headers.get("Content-Type", "").startswith("application/json"):
                    self.set_status(415)
                    return
                try:
                    payload = json.loads(self.request.body)
                except ValueError:
                    self.set_status(400)
                    return
                self.set_status(200 if await transport.handle(payload) else 400)

        routes: list[Any] = [(path, Hook)]
        if self.downloads is not None:
            routes.append(self.downloads.handler(path))  # beside the hook, behind the same proxy rule
        application = tornado.web.Application(routes)
        self._server = tornado.httpserver.HTTPServer(application, max_body_size=MAX_BODY)
        self._server.listen(self.config.webhook_port, self.config.webhook_listen)

    # Incoming --------------------------------------------------------------------------------

    async def handle(self, payload: Any) -> bool:
        """One update; False when it is malformed (nothing is done with it)."""
        update = unwrap(payload)
        if update is None:
            log.warning("zalo: a malformed update was refused")
            return False
        event, message = update["event_name"], update["message"]
        if event != TEXT_EVENT and event not in NON_TEXT_EVENTS:
            log.info("zalo: ignored an event of type %s", event[:60])
            return True
        sender, chat = message["from"], message["chat"]
        message_id = message.get("message_id")
        if self._on_incoming is not None:
            await self._on_incoming(
                Incoming(
                    platform=NAME,
                    user_id=str(sender["id"]),
                    chat_id=str(chat["id"]),
                    text=str(message.get("text") or "") if event == TEXT_EVENT else "",
                    display_name=str(sender.get("display_name") or ""),
                    unsupported=event != TEXT_EVENT,
                    update_id=str(message_id) if message_id else None,
                    address=str(sender["id"]),
                )
            )
        return True

    # Outgoing --------------------------------------------------------------------------------

    async def send(self, address: str, message: Reply) -> Delivery:
        """Text only: choices become numbered lines; pictures with a public URL go as photos, other
        attachments are named in the text — as signed download links when the bot has a public webhook,
        else with their note (where to get them). Out of service: LATER, and nothing is asked of Zalo."""
        if self.out_of_service is not None:
            return Delivery.LATER
        if self.downloads is not None and any(a.content is not None for a in message.attachments):
            published = tuple(
                self.downloads.publish(a) if a.content is not None else a for a in message.attachments
            )
            message = replace(message, attachments=published)
        calls: list[tuple[str, dict[str, Any]]] = [
            ("sendMessage", {"text": piece}) for piece in split_text(render(message), MAX_TEXT)
        ]
        calls += [
            ("sendPhoto", {"photo": a.url})
            for a in message.attachments
            if a.url and (a.mime_type or "").startswith("image/")
        ]
        return await send_pieces(calls, lambda call: self._send_piece(address, *call), self.sleep)

    async def _send_piece(self, address: str, method: str, params: dict[str, Any]) -> Delivery | Retry:
        await self.limiter.acquire(address)
        try:
            await self.client.call(method, retries=0, chat_id=address, **params)
            return Delivery.SENT
        except ZaloAuthError as exc:
            if self.out_of_service is None:
                self._refused(exc, "while sending")
            return Delivery.LATER
        except ZaloError as exc:
            if exc.code == 403 or (exc.code == 400 and "not found" in exc.description.lower()):
                return Delivery.UNREACHABLE
            if exc.code in TRANSIENT or exc.code == 0:
                log.warning("zalo: sending failed for now (%s)", exc)
                return Retry()
            log.error("zalo: message refused (%s)", exc)
            return Delivery.FAILED
