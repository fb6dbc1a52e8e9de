"""The Telegram transport: python-telegram-bot translates between Telegram and the neutral handlers.

Built from its config section only (see `transport.py`). Long polling by default (our own loop, so
that a refused token ends it with one log line), a webhook when TELEGRAM_WEBHOOK_URL is set
(python-telegram-bot's webhook server checks the secret header before it parses anything). Replies are
HTML with every string escaped, choices are inline keyboards, long replies are split at line boundaries,
and every send is paced (ratelimit.py).

Start-up calls are retried while they fail for a passing reason (startup.py). A refused token (401/404,
`InvalidToken`) at start-up, while polling or while sending puts the transport out of service: one log
line, `done` set, and sends answer LATER (the outbox keeps the messages) until the bot is restarted.
"""

import asyncio
import contextlib
import datetime as dt
import html
import logging
import os
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, MessageLimit, ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from dondoc.bot.config import Config, TelegramConfig
from dondoc.bot.logs import REDACTED
from dondoc.bot.plaintext import split_text
from dondoc.bot.ratelimit import RateLimiter
from dondoc.bot.startup import at_startup
from dondoc.bot.transport import (
    BLOCKED,
    UNBLOCKED,
    Delivery,
    Menu,
    MenuSource,
    OnIncoming,
    Retry,
    send_pieces,
)
from dondoc.handlers.messages import Attachment, Incoming, Reply
from dondoc.notices.reader import MAX_BYTES

log = logging.getLogger(__name__)
# python-telegram-bot 22 warns on every 429 unless time periods are timedeltas, which we handle anyway.
os.environ.setdefault("PTB_TIMEDELTA", "true")
NAME = "telegram"
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_CAPTION = MessageLimit.CAPTION_LENGTH  # 1024
MAX_CALLBACK_BYTES = 64
MAX_SUMMARY = 256
POLL_TIMEOUT = 10  # seconds a getUpdates long poll waits on Telegram's side
MAX_POLL_BACKOFF = 30.0
T = TypeVar("T")


class _QuietRetryLoop(logging.Filter):
    """python-telegram-bot's retry loop (run by the webhook's start-up) logs a traceback when it gives up;
    the error reaches `start`, which logs one line of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.module == "networkloop" and record.levelno >= logging.WARNING)


logging.getLogger("telegram.ext").addFilter(_QuietRetryLoop())


def build(config: Config, menus: MenuSource) -> "TelegramTransport":
    return TelegramTransport(config.telegram, menus)


def keyboard(message: Reply) -> InlineKeyboardMarkup | None:
    if not message.choices:
        return None
    rows = []
    for number, choice in enumerate(message.choices, start=1):
        data = choice.data if len(choice.data.encode()) <= MAX_CALLBACK_BYTES else f"#{number}"
        rows.append([InlineKeyboardButton(choice.label[:64], callback_data=data)])
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True)
class Piece:
    """One Bot API call of a message: a text piece (buttons under the last one) or a file."""

    text: str = ""
    markup: InlineKeyboardMarkup | None = None
    attachment: Attachment | None = None


def pieces(message: Reply) -> list[Piece]:
    texts = split_text(message.text, MAX_TEXT) if message.text.strip() or not message.attachments else []
    markup = keyboard(message)
    result = [Piece(text, markup if i == len(texts) - 1 else None) for i, text in enumerate(texts)]
    return result + [Piece(attachment=a) for a in message.attachments]


class TelegramTransport:
    name = NAME

    def __init__(
        self,
        config: TelegramConfig,
        menus: MenuSource | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        request: BaseRequest | None = None,
    ) -> None:
        if not config.token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.config = config
        self.menus = menus or (lambda _address: [])
        self.limiter = limiter or RateLimiter(sleep=sleep)
        self.sleep = sleep
        self.account: str | None = None
        self.addresses: Sequence[str] | None = None
        self.done = asyncio.Event()
        self.out_of_service: str | None = None  # why it stopped by itself (a refused token, no start)
        self._on_incoming: OnIncoming | None = None
        self._polling: asyncio.Task[None] | None = None
        self._offset: int | None = None  # the next update to ask for: the ones before it are confirmed
        builder = Application.builder().token(config.token)
        if request is not None:  # benchmarks answer the Bot API in memory
            builder = builder.request(request).get_updates_request(request)
        if config.base_url:
            builder = builder.base_url(config.base_url)
            parts = urlsplit(config.base_url)
            builder = builder.base_file_url(f"{parts.scheme}://{parts.netloc}/file/bot")
        self.application = builder.build()
        self.application.add_handler(CallbackQueryHandler(self._on_callback))
        self.application.add_handler(ChatMemberHandler(self._on_member, ChatMemberHandler.MY_CHAT_MEMBER))
        self.application.add_handler(MessageHandler(filters.ALL, self._on_message))
        self.application.add_error_handler(self._on_error)

    # Lifecycle -------------------------------------------------------------------------------

    async def start(self, on_incoming: OnIncoming) -> None:
        """Connect and serve; with no `webhook_url`, long polling. A refused token, or passing failures
        that outlast the start-up retries, leave it out of service (one log line) instead of raising."""
        self._on_incoming = on_incoming
        try:
            await self._start()
        except InvalidToken as exc:
            self._refused(exc)
        except TelegramError as exc:
            log.error("telegram: could not start (%s); it is not running", self._reason(exc))
            self._out_of_service("could not start")

    async def _start(self) -> None:
        await self._startup("getMe", self.initialize)
        await self.application.start()
        await self.set_menus()
        config = self.config
        if config.webhook_url:
            await self._startup("setWebhook", self._start_webhook)
            log.info("telegram: webhook on %s:%d", config.webhook_listen, config.webhook_port)
        else:
            await self._startup("deleteWebhook", self.application.bot.delete_webhook)
            self._polling = asyncio.create_task(self._poll())
            log.info("telegram: polling as @%s", self.account)

    async def _start_webhook(self) -> None:
        updater = self.application.updater
        assert updater is not None
        config = self.config
        assert config.webhook_url is not None
        await updater.start_webhook(
            listen=config.webhook_listen,
            port=config.webhook_port,
            url_path=urlsplit(config.webhook_url).path.lstrip("/"),
            webhook_url=config.webhook_url,
            secret_token=config.webhook_secret,
        )

    async def _startup(self, method: str, call: Callable[[], Awaitable[T]]) -> T:
        """A start-up call, retried while it fails for a passing reason: a network error or a 5xx (after
        a growing wait), a 429 (after what Telegram asks)."""

        async def attempt() -> T | Retry:
            try:
                return await call()
            except RetryAfter as exc:
                return Retry(_seconds(exc), exc)
            except BadRequest:
                raise  # a NetworkError in python-telegram-bot's tree, but not a passing one
            except NetworkError as exc:  # TimedOut too
                return Retry(error=exc)

        return await at_startup(NAME, method, attempt, self.sleep, self._reason)

    async def initialize(self, on_incoming: OnIncoming | None = None) -> None:
        """Connect without receiving (getMe): enough to send, and to feed updates by hand."""
        if on_incoming is not None:
            self._on_incoming = on_incoming
        await self.application.initialize()
        self.account = self.application.bot.username

    async def stop(self) -> None:
        """Whatever state it is in: not started, starting, out of service or serving."""
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
            await self._confirm()
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.application.bot.shutdown()  # its HTTP clients, opened even when getMe failed
        self.done.set()

    async def _poll(self) -> None:
        """Long polling: updates into the application's queue, confirmed by the next call's offset.
        Passing failures back off (1 s doubling to 30 s, or what a 429 asks); a refused token ends it."""
        bot = self.application.bot
        delay = 1.0
        while True:
            try:
                updates = await bot.get_updates(offset=self._offset, timeout=POLL_TIMEOUT)
            except InvalidToken as exc:
                self._refused(exc, "while polling")
                return
            except RetryAfter as exc:
                await self.sleep(_seconds(exc))
                continue
            except TimedOut:
                continue  # a long poll that outlived its read timeout: ask again
            except Exception as exc:  # a TelegramError (a 5xx, a 409 from another instance) or a bug
                log.warning("telegram: getUpdates failed (%s); retrying in %.0f s", self._reason(exc), delay)
                await self.sleep(delay)
                delay = min(delay * 2, MAX_POLL_BACKOFF)
                continue
            delay = 1.0
            for update in updates:
                await self.application.update_queue.put(update)
            if updates:
                self._offset = updates[-1].update_id + 1

    async def _confirm(self) -> None:
        """Tell Telegram the updates taken are handled, so a restart does not get them again."""
        if self._offset is None or self.out_of_service is not None:
            return
        try:
            await self.application.bot.get_updates(offset=self._offset, timeout=0)
        except Exception as exc:
            log.warning("telegram: could not confirm the last updates (%s)", self._reason(exc))

    def _refused(self, exc: InvalidToken, when: str = "") -> None:
        """A 401/404: the token is wrong or revoked, and retrying will not help."""
        cause = _first_cause(exc)
        answer = cause.message if isinstance(cause, TelegramError) else type(cause).__name__
        log.error(
            "telegram: the bot token was refused (%s)%s; the Telegram transport is not running, "
            "its messages stay queued",
            self._redact(answer),
            f" {when}" if when else "",
        )
        self._out_of_service("token refused")

    def _out_of_service(self, why: str) -> None:
        self.out_of_service = why
        self.done.set()

    def _reason(self, exc: BaseException) -> str:
        """An error as a log line may show it: its type and Telegram's description, never the token
        (python-telegram-bot quotes it in some messages, and httpx's may hold the URL)."""
        return self._redact(f"{type(exc).__name__}: {exc.message if isinstance(exc, TelegramError) else exc}")

    def _redact(self, text: str) -> str:
        token = self.config.token or ""
        return text.replace(token, REDACTED) if token else text

    # Incoming --------------------------------------------------------------------------------

    def _addressed_to_bot(self, update: Update) -> bool:
        """In groups the bot answers commands, replies to it and mentions only."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None or chat.type == ChatType.PRIVATE:
            return True
        text = message.text or message.caption or ""
        if text.startswith("/"):
            return True
        replied = message.reply_to_message
        if (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.id == self.application.bot.id
        ):
            return True
        return bool(self.account) and f"@{self.account}".lower() in text.lower()

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if (
            message is None
            or user is None
            or chat is None
            or user.is_bot
            or not self._addressed_to_bot(update)
        ):
            return
        text = message.text or message.caption or ""
        if self.account:
            text = text.replace(f"@{self.account}", "").strip() if not text.startswith("/") else text
        attachments = await self._attachments(update)
        await self._pass(
            Incoming(
                platform=NAME,
                user_id=str(user.id),
                chat_id=str(chat.id),
                text=text,
                display_name=user.full_name,
                attachments=attachments,
                language_hint=user.language_code,
                update_id=str(update.update_id),
                address=str(user.id),
            )
        )
        if text.startswith("/start"):  # a new member gets the menu of their role
            await self.set_menus(str(user.id))

    async def _attachments(self, update: Update) -> tuple[Attachment, ...]:
        message = update.effective_message
        document = message.document if message else None
        if document is None:
            return ()
        if document.file_size and document.file_size > MAX_BYTES:
            return (Attachment(document.file_name or "file", None, mime_type=document.mime_type),)
        file = await document.get_file()
        content = bytes(await file.download_as_bytearray())
        return (Attachment(document.file_name or "file", content, mime_type=document.mime_type),)

    async def _on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.from_user is None:
            return
        await query.answer()  # stop the client's spinner first; the answer follows as a message
        chat_id = str(query.message.chat.id) if query.message else str(query.from_user.id)
        data = query.data or ""
        choice, text = (None, data[1:]) if data.startswith("#") else (data, "")
        await self._pass(
            Incoming(
                platform=NAME,
                user_id=str(query.from_user.id),
                chat_id=chat_id,
                text=text,
                choice=choice,
                display_name=query.from_user.full_name,
                language_hint=query.from_user.language_code,
                update_id=str(update.update_id),
                address=str(query.from_user.id),
            )
        )

    async def _on_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member = update.my_chat_member
        if member is None or member.chat.type != ChatType.PRIVATE:
            return
        blocked = member.new_chat_member.status == ChatMemberStatus.BANNED
        chat = str(member.chat.id)
        await self._pass(
            Incoming(platform=NAME, user_id=chat, chat_id=chat, event=BLOCKED if blocked else UNBLOCKED)
        )

    async def _pass(self, incoming: Incoming) -> None:
        if self._on_incoming is not None:
            await self._on_incoming(incoming)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error(
            "telegram: error while handling an update: %s",
            type(context.error).__name__,
            exc_info=context.error,
        )

    # Outgoing --------------------------------------------------------------------------------

    async def send(self, address: str, message: Reply) -> Delivery:
        """Text in pieces of 4,096 with its choices as buttons under the last one, then each attachment
        as a document (pictures as photos). Out of service: LATER, and nothing is asked of Telegram."""
        if self.out_of_service is not None:
            return Delivery.LATER
        return await send_pieces(pieces(message), lambda piece: self._send_piece(address, piece), self.sleep)

    async def _send_piece(self, address: str, piece: Piece) -> Delivery | Retry:
        """One call, paced; a 429 waits what Telegram asks, network errors back off, blocked chats end it."""
        await self.limiter.acquire(address)
        bot = self.application.bot
        try:
            if piece.attachment is None:
                await bot.send_message(
                    chat_id=int(address),
                    text=html.escape(piece.text, quote=False),
                    parse_mode=ParseMode.HTML,
                    reply_markup=piece.markup,
                )
            else:
                await self._send_file(int(address), piece.attachment)
            return Delivery.SENT
        except RetryAfter as exc:
            seconds = _seconds(exc)
            self.limiter.pause(seconds)
            return Retry(seconds)
        except Forbidden:
            return Delivery.UNREACHABLE
        except InvalidToken as exc:
            if self.out_of_service is None:
                self._refused(exc, "while sending")
            return Delivery.LATER
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return Delivery.UNREACHABLE
            log.error("telegram: message refused: %s", exc.message)
            return Delivery.FAILED
        except NetworkError as exc:
            if "too large" in exc.message.lower():  # a 413: the file is over Telegram's limit
                log.error("telegram: a file was refused as too large")
                return Delivery.FAILED
            log.warning("telegram: network error (%s); retrying", type(exc).__name__)
            return Retry()
        except TelegramError as exc:
            log.error("telegram: send failed: %s", type(exc).__name__)
            return Delivery.LATER

    async def _send_file(self, chat_id: int, attachment: Attachment) -> None:
        bot = self.application.bot
        file: InputFile | str
        if attachment.content is not None:
            file = InputFile(attachment.content, filename=attachment.filename)
        elif attachment.url is not None:
            file = attachment.url
        else:
            raise ValueError(f"attachment {attachment.filename!r} has neither content nor a URL")
        picture = (attachment.mime_type or "").startswith("image/") or attachment.filename.lower().endswith(
            (".png", ".jpg", ".jpeg")
        )
        if picture:
            await bot.send_photo(chat_id=chat_id, photo=file)
        else:
            await bot.send_document(chat_id=chat_id, document=file)

    # Command menus ---------------------------------------------------------------------------

    async def set_menus(self, address: str | None = None) -> None:
        """Without `address` (at start-up): the guests' default menu in each language and each linked
        person's own; with it, that chat's person's menu (after they join). A menu that cannot be set is
        logged and skipped: the bot answers without it. A refused token is raised at start-up."""
        for menu in await asyncio.to_thread(self.menus, address):
            call = partial(self._set_menu, menu)
            try:
                await (self._startup("setMyCommands", call) if address is None else call())
            except InvalidToken as exc:
                if address is None:
                    raise
                self._refused(exc, "while setting a menu")
                return
            except TelegramError as exc:
                log.warning("telegram: could not set a command menu (%s)", self._reason(exc))

    async def _set_menu(self, menu: Menu) -> bool:
        commands = [BotCommand(name, summary[:MAX_SUMMARY]) for name, summary in menu.commands]
        bot = self.application.bot
        if menu.address is None:
            return await bot.set_my_commands(
                commands, scope=BotCommandScopeDefault(), language_code=menu.language
            )
        return await bot.set_my_commands(commands, scope=BotCommandScopeChat(int(menu.address)))


def _first_cause(exc: BaseException) -> BaseException:
    """The error Telegram answered: `Bot.initialize` re-raises InvalidToken with the token in its message."""
    while isinstance(exc.__cause__, TelegramError):
        exc = exc.__cause__
    return exc


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form will become a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return float(value.total_seconds()) if isinstance(value, dt.timedelta) else float(value)
