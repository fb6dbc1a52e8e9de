"""The Zalo transport, on the Zalo Bot API (bot-api.zaloplatforms.com; not Zalo Official Account).

One httpx client for every call; every reply envelope ({ok, result, error_code, description}) is checked;
passing failures are retried with bounded backoff; a refused token stops the transport with one log line.
Long polling by default; with ZALO_WEBHOOK_SECRET a webhook receiver compares the secret header in
constant time before it reads the body. Text only: choices become numbered lines.
"""

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import tornado.httpserver
import tornado.web

from dondoc.bot.app import App
from dondoc.bot.outbox_sender import Delivery, send_in_pieces
from dondoc.bot.plaintext import render, split_text
from dondoc.bot.ratelimit import RateLimiter
from dondoc.bot.reachability import mark_reachable
from dondoc.handlers.messages import Choice, Incoming, Reply

log = logging.getLogger(__name__)
PLATFORM = "zalo"
DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
MAX_TEXT = 2000
MAX_BODY = 1024 * 1024
POLL_TIMEOUT = 30
RETRIES = 3
TRANSIENT = {408, 429, 500, 502, 503, 504}
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
        delay = 1.0
        error = ZaloError(0, "no attempt")
        for attempt in range(retries + 1):
            try:
                response = await self._http.post(self._url + method, json=params)
                return self._result(response)
            except ZaloAuthError:
                raise
            except ZaloError as exc:
                if exc.code not in TRANSIENT or (method == "getUpdates" and exc.code == 408):
                    raise
                error = exc
            except httpx.HTTPError as exc:
                error = ZaloError(0, type(exc).__name__)  # the exception text may quote the URL
            if attempt < retries:
                await self._sleep(delay)
                delay = min(delay * 2, 30.0)
        raise error

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
        code = (
            envelope.get("error_code")
            if isinstance(envelope.get("error_code"), int)
            else response.status_code
        )
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


class ZaloTransport:
    platform = PLATFORM

    def __init__(
        self,
        app: App,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        config = app.config
        if not config.zalo_bot_token:
            raise ValueError("ZALO_BOT_TOKEN is not set")
        self.app = app
        self.client = ZaloClient(config.zalo_bot_token, config.zalo_base_url, sleep)
        rate = float(config.zalo_messages_per_second)
        self.limiter = limiter or RateLimiter(
            per_second=rate, overall_burst=rate, per_chat_second=1.0, sleep=sleep
        )
        self.sleep = sleep
        self._polling: asyncio.Task[None] | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self.stopped = asyncio.Event()

    # Lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        config = self.app.config
        try:
            await self.client.call("getMe")
            if config.zalo_webhook_secret and config.zalo_webhook_url:
                await self.client.call(
                    "setWebhook", url=config.zalo_webhook_url, secret_token=config.zalo_webhook_secret
                )
                self._serve_webhook(urlsplit(config.zalo_webhook_url).path or "/")
                log.info("zalo: webhook on %s:%d", config.zalo_webhook_listen, config.zalo_webhook_port)
            else:
                await self.client.call("deleteWebhook")
                self._polling = asyncio.create_task(self._poll())
                log.info("zalo: polling")
        except ZaloAuthError:
            log.error("zalo: the bot token was refused (401); the Zalo transport is not running")
            self.stopped.set()
        except ZaloError as exc:
            log.error("zalo: could not start (%s); the Zalo transport is not running", exc)
            self.stopped.set()

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
        if self._server is not None:
            self._server.stop()
        await self.client.close()
        self.stopped.set()

    async def _poll(self) -> None:
        delay = 1.0
        while True:
            try:
                payload = await self.client.call("getUpdates", timeout=POLL_TIMEOUT)
                delay = 1.0
            except ZaloAuthError:
                log.error("zalo: the bot token was refused (401); polling stops")
                self.stopped.set()
                return
            except ZaloError as exc:
                if exc.code != 408:  # 408: a long poll that ended empty
                    log.warning("zalo: getUpdates failed (%s); retrying in %.0f s", exc, delay)
                    await self.sleep(delay)
                    delay = min(delay * 2, 60.0)
                continue
            if payload:
                await self.handle(payload)

    def _serve_webhook(self, path: str) -> None:
        transport = self

        class Hook(tornado.web.RequestHandler):
            async def post(self) -> None:
                secret = transport.app.config.zalo_webhook_secret or ""
                given = self.request.headers.get(SECRET_HEADER, "")
                if not hmac.compare_digest(given.encode(), secret.encode()):
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

        application = tornado.web.Application([(path, Hook)])
        self._server = tornado.httpserver.HTTPServer(application, max_body_size=MAX_BODY)
        self._server.listen(self.app.config.zalo_webhook_port, self.app.config.zalo_webhook_listen)

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
        incoming = Incoming(
            platform=PLATFORM,
            user_id=str(sender["id"]),
            chat_id=str(chat["id"]),
            text=str(message.get("text") or "") if event == TEXT_EVENT else "",
            display_name=str(sender.get("display_name") or ""),
            unsupported=event != TEXT_EVENT,
            update_id=str(message_id) if message_id else None,
            address=str(sender["id"]),
        )
        replies = await asyncio.to_thread(self.app.dispatcher.handle, incoming)
        for reply in replies:
            for piece in split_text(render(reply), MAX_TEXT):
                await self._deliver(incoming.chat_id, piece)
        return True

    # Outgoing --------------------------------------------------------------------------------

    def chat_ids(self) -> list[str] | None:
        return None

    async def send(self, chat_id: str, text: str, choices: tuple[Choice, ...] = ()) -> Delivery:
        pieces = split_text(render(Reply(text, choices)), MAX_TEXT)
        return await send_in_pieces(lambda piece: self._deliver(chat_id, piece), pieces)

    async def _deliver(self, chat_id: str, text: str) -> Delivery:
        await self.limiter.acquire(chat_id)
        try:
            await self.client.call("sendMessage", chat_id=chat_id, text=text)
            return Delivery.SENT
        except ZaloAuthError:
            log.error("zalo: the bot token was refused (401) while sending; messages stay queued")
            return Delivery.LATER
        except ZaloError as exc:
            if exc.code == 403 or (exc.code == 400 and "not found" in exc.description.lower()):
                await asyncio.to_thread(mark_reachable, self.app, PLATFORM, chat_id, False)
                return Delivery.FAILED
            if exc.code in TRANSIENT or exc.code == 0:
                log.warning("zalo: sending failed for now (%s); the message stays queued", exc)
                return Delivery.LATER
            log.error("zalo: message refused (%s)", exc)
            return Delivery.FAILED
