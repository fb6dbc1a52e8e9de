"""The dispatcher: one session per message, routing, the language, and the error boundary."""

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dondoc.handlers import conversation as flows
from dondoc.handlers.access import may_use
from dondoc.handlers.messages import Context, Incoming, Refusal, Reply
from dondoc.handlers.registry import Command, Registry
from dondoc.handlers.render import role_label
from dondoc.i18n import _, use_language
from dondoc.store.models import Conversation, ProcessedUpdate, Role
from dondoc.store.outbox import enqueue
from dondoc.store.people import identify, people_with_role
from dondoc.text import fold, nfc, shorten

log = logging.getLogger(__name__)

MAX_INCOMING = 20_000  # characters; longer messages are refused before any parsing
_COMMAND = re.compile(r"^/([^\s@]+)(?:@\S+)?\s*(.*)$", re.DOTALL)
_CANCEL_WORDS = {"huy", "thoat", "cancel", "stop", "dung"}
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Dispatcher:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        registry: Registry,
        *,
        tz: dt.tzinfo,
        default_language: str = "vi",
        invite_ttl: dt.timedelta = dt.timedelta(days=7),
        bot_username: str | None = None,
        clock: Clock = utc_now,
        linking_allowed: bool = True,
    ) -> None:
        self.sessions = sessions
        self.registry = registry
        self.tz = tz
        self.default_language = default_language
        self.invite_ttl = invite_ttl
        self.bot_username = bot_username
        self.clock = clock
        self.linking_allowed = linking_allowed

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one message. Everything it changed is committed before the replies are returned."""
        incoming = replace(
            incoming,
            text=nfc(incoming.text)[: MAX_INCOMING + 1],
            display_name=nfc(incoming.display_name)[:200],
        )
        now = self.clock()
        with self.sessions() as session:
            if incoming.update_id is not None and not self._first_delivery(session, incoming, now):
                return []
            person, conversation = identify(session, incoming.platform, incoming.user_id)
            language = (
                (person.language if person else None) or incoming.language_hint or self.default_language
            )
            with use_language(language):
                ctx = Context(
                    session,
                    incoming,
                    person,
                    now,
                    self.tz,
                    self.registry,
                    self.invite_ttl,
                    self.bot_username,
                    conversation=conversation,
                    linking_allowed=self.linking_allowed,
                )
                try:
                    replies = self._route(ctx)
                    session.commit()
                    return replies
                except Refusal as refusal:
                    session.rollback()
                    self._record_delivery_after_refusal(incoming, now)
                    return [Reply(refusal.message)]
                except Exception:
                    session.rollback()
                    log.exception("handler failed on a %s message", incoming.platform)
                    self._tell_office_of_failure(incoming, now)
                    return [
                        Reply(
                            _(
                                "Sorry, something went wrong on our side and nothing was saved. "
                                "The office has been told. Please try again in a few minutes."
                            )
                        )
                    ]

    # Routing --------------------------------------------------------------------------------

    def _route(self, ctx: Context) -> list[Reply]:
        text = ctx.incoming.text.strip()
        if ctx.incoming.unsupported:
            raise Refusal(
                _("I can only read text here. Please type your report or a command; /help lists them.")
            )
        if len(text) > MAX_INCOMING:
            raise Refusal(
                _(
                    "This message is too long for me to read. Please send a shorter message, "
                    "or attach the document as a file."
                )
            )
        if ctx.incoming.choice is not None and ctx.incoming.choice.startswith("/"):
            text = ctx.incoming.choice  # a button that carries its command: as if the person typed it
        match = _COMMAND.match(text)
        if match:
            word, args = match.groups()
            command = self.registry.find(word)
            if command is None:
                raise Refusal(
                    _("I do not know the command /{word}. Type /help to see your commands.").format(word=word)
                )
            flows.end(ctx)
            return self._run(ctx, command, args)
        if ctx.conversation is not None:
            replies = self._continue_flow(ctx, ctx.conversation, text)
            if replies is not None:
                return replies
        if ctx.incoming.choice is not None:
            raise Refusal(_("That button is no longer valid. Type /help to see what you can do."))
        if not text:
            if ctx.incoming.attachments:
                raise Refusal(_("I received a file but no command with it. Type /help to see your commands."))
            raise Refusal(_("Type /help to see your commands."))
        command, args = self._free_text_command(text)
        if command is not None:
            return self._run(ctx, command, args)
        raise Refusal(
            _(
                "I did not understand “{text}”. Commands start with a slash, for example /nhiemvu. "
                "Type /help to see your commands."
            ).format(text=shorten(text, 60))
        )

    def _free_text_command(self, text: str) -> tuple[Command | None, str]:
        """'bao cao 12 60% …', 'báo cáo 12 …', 'nhiemvu' -> the command and the rest of the text."""
        words = text.split()
        for count in (3, 2, 1):
            if len(words) >= count:
                command = self.registry.find("".join(words[:count]))
                if command is not None:
                    return command, text.split(None, count)[count] if len(words) > count else ""
        return None, ""

    def _run(self, ctx: Context, command: Command, args: str) -> list[Reply]:
        if not may_use(ctx.role, command):
            if ctx.role == Role.GUEST:
                raise Refusal(
                    _(
                        "To use this bot you need an invite code from the office. "
                        "Type /start followed by the code, for example /start ABCD2345EF."
                    )
                )
            raise Refusal(
                _("/{command} is not available to you as {role}. Type /help to see your commands.").format(
                    command=command.name, role=role_label(ctx.role)
                )
            )
        return command.func(ctx, args.strip())

    def _continue_flow(self, ctx: Context, conversation: Conversation, text: str) -> list[Reply] | None:
        """The flow's answer; None when the person left an offer (see `conversation.offer`) for
        something else, which is then routed as if there were no flow."""
        offered = flows.offered_choices(conversation)
        choice = ctx.incoming.choice
        if choice is None and text.isascii() and text.isdigit() and 1 <= int(text[:6]) <= len(offered):
            choice = offered[int(text) - 1]  # text-only transports answer choices by number
        if flows.is_offer(conversation):
            flows.end(ctx)
            if choice is None or choice not in offered:
                return None
        elif choice is not None and choice not in offered:
            raise Refusal(_("That button is no longer valid. Type /help to see what you can do."))
        if choice is None and fold(text) in _CANCEL_WORDS:
            flows.end(ctx)
            return [Reply(_("Cancelled. Nothing was recorded."))]
        if choice is not None and choice.startswith("/"):  # the choice is a command in full
            command_match = _COMMAND.match(choice)
            command = self.registry.find(command_match.group(1)) if command_match else None
            if command is None or command_match is None:
                raise Refusal(_("That button is no longer valid. Type /help to see what you can do."))
            flows.end(ctx)
            return self._run(ctx, command, command_match.group(2))
        handler = self.registry.flows.get(conversation.flow)
        if handler is None:  # a flow from an older version of the bot
            flows.end(ctx)
            raise Refusal(_("Type /help to see your commands."))
        return handler(ctx, dict(conversation.state), text, choice)

    # Bookkeeping ----------------------------------------------------------------------------

    def _first_delivery(self, session: Session, incoming: Incoming, now: dt.datetime) -> bool:
        """Record the update id in this message's transaction; False if it was handled before."""
        seen = session.scalar(
            select(ProcessedUpdate).where(
                ProcessedUpdate.platform == incoming.platform, ProcessedUpdate.update_id == incoming.update_id
            )
        )
        if seen is not None:
            return False
        session.add(
            ProcessedUpdate(platform=incoming.platform, update_id=incoming.update_id, processed_at=now)
        )
        try:
            session.flush()
        except IntegrityError:  # another process took it at the same moment
            session.rollback()
            return False
        return True

    def _record_delivery_after_refusal(self, incoming: Incoming, now: dt.datetime) -> None:
        if incoming.update_id is None:
            return
        with self.sessions() as session:
            session.add(
                ProcessedUpdate(platform=incoming.platform, update_id=incoming.update_id, processed_at=now)
            )
            try:
                session.commit()
            except IntegrityError:
                session.rollback()

    def _tell_office_of_failure(self, incoming: Incoming, now: dt.datetime) -> None:
        try:
            with self.sessions() as session:
                for admin in people_with_role(session, Role.ADMIN):
                    with use_language(admin.language or self.default_language):
                        enqueue(
                            session,
                            admin,
                            _(
                                "⚠️ A message from a {platform} user could not be handled. "
                                "The details are in the bot's log."
                            ).format(platform=incoming.platform),
                            now,
                            kind="alert",
                        )
                session.commit()
        except Exception:
            log.exception("could not tell the office of a failure")
