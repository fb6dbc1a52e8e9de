"""The Telegram transport: python-telegram-bot translates between Telegram and the neutral handlers.

Long polling by default, a webhook when TELEGRAM_WEBHOOK_URL is set (python-telegram-bot's webhook server
checks the secret header before it parses anything). Replies are HTML with every string escaped, choices
are inline keyboards, long replies are split at line boundaries, and every send is paced (ratelimit.py).
"""

import asyncio
import datetime as dt
import html
import logging
import os
import warnings
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from dondoc.bot.app import App
from dondoc.bot.outbox_sender import Delivery, send_in_pieces
from dondoc.bot.plaintext import split_text
from dondoc.bot.ratelimit import RateLimiter
from dondoc.bot.reachability import mark_reachable
from dondoc.handlers.messages import Attachment, Choice, Incoming, Reply
from dondoc.handlers.registry import Command
from dondoc.i18n import LANGUAGES, _, use_language
from dondoc.notices.reader import MAX_BYTES
from dondoc.store.models import Role
from dondoc.store.people import links_on

log = logging.getLogger(__name__)
# python-telegram-bot 22 warns on every 429 unless time periods are timedeltas, which we handle anyway.
os.environ.setdefault("PTB_TIMEDELTA", "true")
PLATFORM = "telegram"
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_CALLBACK_BYTES = 64
SEND_ATTEMPTS = 4


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.choices:
        return None
    rows = []
    for number, choice in enumerate(reply.choices, start=1):
        data = choice.data if len(choice.data.encode()) <= MAX_CALLBACK_BYTES else f"#{number}"
        rows.append([InlineKeyboardButton(choice.label[:64], callback_data=data)])
    return InlineKeyboardMarkup(rows)


class TelegramTransport:
    platform = PLATFORM

    def __init__(
        self,
        app: App,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        request: BaseRequest | None = None,
    ) -> None:
        config = app.config
        if not config.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.app = app
        self.limiter = limiter or RateLimiter(sleep=sleep)
        self.sleep = sleep
        builder = Application.builder().token(config.telegram_bot_token)
        if request is not None:  # benchmarks answer the Bot API in memory
            builder = builder.request(request).get_updates_request(request)
        if config.telegram_base_url:
            builder = builder.base_url(config.telegram_base_url)
            parts = urlsplit(config.telegram_base_url)
            builder = builder.base_file_url(f"{parts.scheme}://{parts.netloc}/file/bot")
        self.application = builder.build()
        self.application.add_handler(CallbackQueryHandler(self._on_callback))
        self.application.add_handler(ChatMemberHandler(self._on_member, ChatMemberHandler.MY_CHAT_MEMBER))
        self.application.add_handler(MessageHandler(filters.ALL, self._on_message))
        self.application.add_error_handler(self._on_error)
        self.username: str | None = None

    # Lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        config = self.app.config
        await self.application.initialize()
        self.username = self.application.bot.username
        if not self.app.dispatcher.bot_username:  # invites now print t.me/<bot>?start=CODE deep links
            self.app.dispatcher.bot_username = self.username
        await self.application.start()
        await self.set_menus()
        updater = self.application.updater
        assert updater is not None
        if config.telegram_webhook_url:
            parts = urlsplit(config.telegram_webhook_url)
            await updater.start_webhook(
                listen=config.telegram_webhook_listen,
                port=config.telegram_webhook_port,
                url_path=parts.path.lstrip("/"),
                webhook_url=config.telegram_webhook_url,
                secret_token=config.telegram_webhook_secret,
            )
            log.info(
                "telegram: webhook on %s:%d", config.telegram_webhook_listen, config.telegram_webhook_port
            )
        else:
            await self.application.bot.delete_webhook()
            await updater.start_polling(poll_interval=0.0, timeout=10)
            log.info("telegram: polling as @%s", self.username)

    async def stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

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
        return bool(self.username) and f"@{self.username}".lower() in text.lower()

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
        if self.username:
            text = text.replace(f"@{self.username}", "").strip() if not text.startswith("/") else text
        attachments = await self._attachments(update)
        incoming = Incoming(
            platform=PLATFORM,
            user_id=str(user.id),
            chat_id=str(chat.id),
            text=text,
            display_name=user.full_name,
            attachments=attachments,
            language_hint=user.language_code,
            update_id=str(update.update_id),
            address=str(user.id),
        )
        await self._answer(incoming)

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
        incoming = Incoming(
            platform=PLATFORM,
            user_id=str(query.from_user.id),
            chat_id=chat_id,
            text=text,
            choice=choice,
            display_name=query.from_user.full_name,
            language_hint=query.from_user.language_code,
            update_id=str(update.update_id),
            address=str(query.from_user.id),
        )
        await self._answer(incoming)

    async def _answer(self, incoming: Incoming) -> None:
        # The dispatcher commits everything the message changed before it returns the replies.
        replies = await asyncio.to_thread(self.app.dispatcher.handle, incoming)
        for reply in replies:
            pieces = split_text(reply.text, MAX_TEXT)
            for index, piece in enumerate(pieces):
                markup = keyboard(reply) if index == len(pieces) - 1 else None
                await self._deliver(incoming.chat_id, piece, markup)
        if replies and incoming.text.startswith("/start"):  # a new member gets the menu of their role
            await self.set_menu_for(incoming.user_id)

    async def _on_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member = update.my_chat_member
        if member is None or member.chat.type != ChatType.PRIVATE:
            return
        blocked = member.new_chat_member.status == ChatMemberStatus.BANNED
        await asyncio.to_thread(self._mark_reachable, str(member.chat.id), not blocked)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error(
            "telegram: error while handling an update: %s",
            type(context.error).__name__,
            exc_info=context.error,
        )

    # Outgoing --------------------------------------------------------------------------------

    def chat_ids(self) -> list[str] | None:
        return None

    async def send(self, chat_id: str, text: str, choices: tuple[Choice, ...] = ()) -> Delivery:
        """One outbox row, possibly in several pieces; its choices are buttons under the last one."""
        pieces = split_text(text, MAX_TEXT)
        last = len(pieces) - 1
        markup = keyboard(Reply(text, choices))
        return await send_in_pieces(
            lambda item: self._deliver(chat_id, item[1], markup if item[0] == last else None),
            list(enumerate(pieces)),
        )

    async def _deliver(self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None) -> Delivery:
        """Send with pacing; wait out 429s, back off on network errors, give up on blocked chats."""
        delay = 1.0
        for _attempt in range(SEND_ATTEMPTS):
            await self.limiter.acquire(chat_id)
            try:
                await self.application.bot.send_message(
                    chat_id=int(chat_id),
                    text=html.escape(text, quote=False),
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
                return Delivery.SENT
            except RetryAfter as exc:
                seconds = _seconds(exc)
                self.limiter.pause(seconds)
                await self.sleep(seconds)
            except Forbidden:
                await asyncio.to_thread(self._mark_reachable, chat_id, False)
                return Delivery.FAILED
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    await asyncio.to_thread(self._mark_reachable, chat_id, False)
                else:
                    log.error("telegram: message refused: %s", exc.message)
                return Delivery.FAILED
            except NetworkError as exc:
                log.warning("telegram: network error (%s); retrying in %.0f s", type(exc).__name__, delay)
                await self.sleep(delay)
                delay = min(delay * 2, 30.0)
            except TelegramError as exc:
                log.error("telegram: send failed: %s", type(exc).__name__)
                return Delivery.LATER
        return Delivery.LATER

    def _mark_reachable(self, chat_id: str, reachable: bool) -> None:
        mark_reachable(self.app, PLATFORM, chat_id, reachable)

    # Command menus ---------------------------------------------------------------------------

    def _commands(self, role: Role) -> list[Command]:
        return self.app.registry.for_role(role)

    def _menu(self, role: Role, language: str) -> list[BotCommand]:
        with use_language(language):
            return [BotCommand(c.name, _(c.summary)[:256]) for c in self._commands(role)]

    async def set_menus(self) -> None:
        """Guests' menu as the default, in vi and en; each linked person's own menu in their chat."""
        bot = self.application.bot
        for language in LANGUAGES:
            await bot.set_my_commands(
                self._menu(Role.GUEST, language), scope=BotCommandScopeDefault(), language_code=language
            )
        await bot.set_my_commands(
            self._menu(Role.GUEST, self.app.config.default_language), scope=BotCommandScopeDefault()
        )
        for chat_id, role, language in await asyncio.to_thread(self._people_menus):
            await self._set_chat_menu(chat_id, role, language)

    def _people_menus(self, chat_id: str | None = None) -> list[tuple[str, Role, str]]:
        with self.app.sessions() as session:
            return [
                (link.chat_id, link.person.role, link.person.language or self.app.config.default_language)
                for link in links_on(session, PLATFORM, chat_id)
            ]

    async def set_menu_for(self, user_id: str) -> None:
        """A person who just joined gets their role's menu (their private chat's id is their user id)."""
        for chat_id, role, language in await asyncio.to_thread(self._people_menus, user_id):
            await self._set_chat_menu(chat_id, role, language)

    async def _set_chat_menu(self, chat_id: str, role: Role, language: str) -> None:
        try:
            await self.application.bot.set_my_commands(
                self._menu(role, language), scope=BotCommandScopeChat(int(chat_id))
            )
        except TelegramError as exc:
            log.warning("telegram: could not set a command menu: %s", type(exc).__name__)


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form will become a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return float(value.total_seconds()) if isinstance(value, dt.timedelta) else float(value)
