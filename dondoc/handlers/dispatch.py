"""The dispatcher: one session per message, routing, the language, and the error boundary.

Redelivered updates (Telegram and Zalo may send an update again, e.g. after a restart) are handled at
most once *where it matters*: a message whose handling changed something commits a `processed_update`
row in the same transaction as the change, and a redelivery finds it and is ignored, also in another
process (on PostgreSQL two processes racing on one update both try the insert at commit; the unique key
lets one through and the other rolls back). A message that changed nothing (a read such as /nhiemvu, or
a refusal) writes no row: recording it would turn every read into a committed, synced write. Its id is
kept in a bounded in-memory set instead, so this process does not answer it twice; after a restart, or
in another process, a redelivered read is simply answered again, which is harmless.

Whether a transaction changed anything is asked of the database itself, after the session's last flush
(SQLite counts the rows each connection changed; PostgreSQL assigns a transaction id at the first write),
so Core statements and bulk updates count as well as ORM changes.
"""

import datetime as dt
import logging
import re
import threading
import traceback
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from dondoc.handlers import conversation as flows
from dondoc.handlers import grammar, questions
from dondoc.handlers.access import has_left, left_may_use, may_use
from dondoc.handlers.messages import Context, Incoming, Refusal, Reply
from dondoc.handlers.notify import office, tell
from dondoc.handlers.registry import Command, Registry
from dondoc.handlers.roles import role_label
from dondoc.i18n import _, use_language
from dondoc.store.models import Conversation, Person, Role
from dondoc.store.people import identify
from dondoc.store.updates import changed_since, changes_marker, record_processed, was_processed
from dondoc.text import fold, shorten

log = logging.getLogger(__name__)

MAX_INCOMING = 20_000  # characters; longer messages are refused before any parsing
MAX_NAME = 200  # characters of a display name, as `Person.name` holds
ALERT_EVERY = dt.timedelta(minutes=30)  # the office hears of one kind of failure at most this often
_COMMAND = re.compile(r"^/([^\s@]+)(?:@\S+)?\s*(.*)$", re.DOTALL)
_CANCEL_WORDS = {"huy", "thoat", "cancel", "stop", "dung"}
Clock = Callable[[], dt.datetime]


def _cut(incoming: Incoming) -> Incoming:
    """Text and name cut to size (the transport cleaned them, see `Incoming`); the same object when there
    is nothing to cut (the common case)."""
    if len(incoming.text) <= MAX_INCOMING + 1 and len(incoming.display_name) <= MAX_NAME:
        return incoming
    return replace(
        incoming, text=incoming.text[: MAX_INCOMING + 1], display_name=incoming.display_name[:MAX_NAME]
    )


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RecentUpdates:
    """The last `size` update ids answered without a change (reads, refusals), per platform."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._ids: dict[tuple[str, str], None] = {}
        self._lock = threading.Lock()  # transports hand messages to worker threads

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._ids

    def add(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._ids[key] = None
            if len(self._ids) > self.size:
                del self._ids[next(iter(self._ids))]


class Alerts:
    """Which failures the office hears of: the first of each kind, then one per `every`; the log has every
    one. A bug that one message triggers would otherwise let anyone who sends it page the office as often
    as they like."""

    def __init__(self, every: dt.timedelta = ALERT_EVERY) -> None:
        self.every = every
        self._told: dict[str, dt.datetime] = {}  # kind -> when the office was last told of it
        self._lock = threading.Lock()  # transports hand messages to worker threads

    def allow(self, kind: str, now: dt.datetime) -> bool:
        """Whether to tell the office of a failure of `kind` at `now` (the injected clock); counts it."""
        with self._lock:
            last = self._told.get(kind)
            if last is not None and now - last < self.every:
                return False
            self._told[kind] = now
            return True


def _kind(error: BaseException) -> str:
    """A failure's kind: its type and the line that raised it, so each bug is one kind however often it
    is hit, and a second bug is not hidden behind the first."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__qualname__} at {where}"


class Dispatcher:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        registry: Registry,
        *,
        tz: ZoneInfo,
        default_language: str = "vi",
        invite_ttl: dt.timedelta = dt.timedelta(days=7),
        bot_username: str | None = None,
        clock: Clock = utc_now,
        linking_allowed: bool = True,
        alert_every: dt.timedelta = ALERT_EVERY,
    ) -> None:
        self.sessions = sessions
        self.registry = registry
        self.tz = tz
        self.default_language = default_language
        self.invite_ttl = invite_ttl
        self.bot_username = bot_username
        self.clock = clock
        self.linking_allowed = linking_allowed
        self.answered = RecentUpdates()
        self.alerts = Alerts(alert_every)
        # The registry does not change once built; folding a word to find its command costs more than
        # the rest of routing, and people type the same few words.
        self.find = lru_cache(maxsize=1024)(registry.find)
        self.reader = grammar.Reader()

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one message. Everything it changed is committed before the replies are returned.

        The error boundary is the whole of it, finding who wrote included: a failure is logged, rolled
        back and answered with an apology, never raised to the transport."""
        now = self.clock()
        try:
            return self._answer(_cut(incoming), now)
        except Exception as error:  # outside the handler: in the language the messenger gave, if any
            with use_language(incoming.language_hint or self.default_language):
                return self._failed(incoming, error, now)

    def _answer(self, incoming: Incoming, now: dt.datetime) -> list[Reply]:
        update = None if incoming.update_id is None else (incoming.platform, incoming.update_id)
        if update is not None and update in self.answered:
            return []
        with self.sessions() as session:
            marker = None
            if update is not None:
                if was_processed(session, *update):
                    return []
                marker = changes_marker(session)
            caller, conversation = identify(session, incoming.platform, incoming.user_id)
            language = (
                (caller.language if caller else None) or incoming.language_hint or self.default_language
            )
            with use_language(language):
                ctx = Context(
                    session,
                    incoming,
                    caller,
                    now,
                    self.tz,
                    self.registry,
                    self.invite_ttl,
                    self.bot_username,
                    self.linking_allowed,
                    conversation,
                )
                try:
                    replies = self._route(ctx)
                    if update is None:
                        session.commit()
                    elif not changed_since(session, marker):
                        session.commit()
                        self.answered.add(update)
                    elif not self._record(session, update, now):
                        return []  # another process handled this update meanwhile, and committed first
                    return replies
                except Refusal as refusal:
                    session.rollback()
                    if update is not None:
                        self.answered.add(update)
                    return [Reply(refusal.message)]
                except Exception as error:  # in the caller's language
                    session.rollback()
                    return self._failed(incoming, error, now)

    # Routing --------------------------------------------------------------------------------

    def _route(self, ctx: Context) -> list[Reply]:
        text = ctx.incoming.text.strip()
        if has_left(ctx) and not self._left_may(ctx, text):
            raise _left_refusal()
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
            command = self.find(word)
            if command is None:
                raise Refusal(
                    _("I do not know the command /{word}. Type /help to see your commands.").format(
                        word=shorten(word, 40)
                    )
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
        if command is not None and not _may_be_a_question(ctx, command, args, text):
            return self._run(ctx, command, args)
        question = self.reader.read(ctx.session, text, ctx.today)
        if question.intent is not None:
            if ctx.role == Role.GUEST:
                raise _guest_refusal()
            return questions.answer(ctx, question)
        if command is not None and (not question.asks or _numbered(args) or not args.strip()):
            return self._run(ctx, command, args)
        if question.asks and ctx.role != Role.GUEST:
            return [questions.not_understood(ctx, question, text)]
        raise Refusal(
            _(
                "I did not understand “{text}”. Commands start with a slash, for example /nhiemvu. "
                "Type /help to see your commands."
            ).format(text=shorten(text, 60))
        )

    def _left_may(self, ctx: Context, text: str) -> bool:
        """Whether a person the office took off wrote one of the few commands still open to them."""
        if ctx.incoming.unsupported or ctx.incoming.choice is not None:
            return False
        match = _COMMAND.match(text)
        if match:
            command, args = self.find(match.group(1)), match.group(2)
        else:
            command, args = self._free_text_command(text)
        return command is not None and left_may_use(command, args)

    def _free_text_command(self, text: str) -> tuple[Command | None, str]:
        """'bao cao 12 60% …', 'báo cáo 12 …', 'nhiemvu' -> the command and the rest of the text."""
        words = text.split()
        for count in (3, 2, 1):
            if len(words) >= count:
                command = self.find("".join(words[:count]))
                if command is not None:
                    return command, text.split(None, count)[count] if len(words) > count else ""
        return None, ""

    def _run(self, ctx: Context, command: Command, args: str) -> list[Reply]:
        if not may_use(ctx.role, command):
            if ctx.role == Role.GUEST:
                raise _guest_refusal()
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
        if choice is None and _numbered_choice(text, len(offered)):
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
            command = self.find(command_match.group(1)) if command_match else None
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

    def _record(self, session: Session, update: tuple[str, str], now: dt.datetime) -> bool:
        """Commit what the message changed with its update id; False (rolled back) if taken meanwhile."""
        if not record_processed(session, *update, now):
            session.rollback()
            return False
        session.commit()
        return True

    def _failed(self, incoming: Incoming, error: Exception, now: dt.datetime) -> list[Reply]:
        """A failure on our side: logged with its details, told to the office (once per kind within
        `alert_every`), and an apology that tells nothing of it."""
        log.error("handler failed on a %s message", incoming.platform, exc_info=error)
        if self.alerts.allow(_kind(error), now):
            self._tell_office_of_failure(incoming, now)
        else:
            log.info("the office was told of this kind of failure less than %s ago", self.alerts.every)
        return [
            Reply(
                _(
                    "Sorry, something went wrong on our side and nothing was saved. "
                    "The office has been told. Please try again in a few minutes."
                )
            )
        ]

    def _tell_office_of_failure(self, incoming: Incoming, now: dt.datetime) -> None:
        def alert(_admin: Person) -> str:
            return _(
                "⚠️ A message from a {platform} user could not be handled. The details are in the bot's log."
            ).format(platform=incoming.platform)

        try:
            with self.sessions() as session:
                tell(session, office(session), now, "alert", alert)
                session.commit()
        except Exception:
            log.exception("could not tell the office of a failure")


def _guest_refusal() -> Refusal:
    return Refusal(
        _(
            "To use this bot you need an invite code from the office. "
            "Type /start followed by the code, for example /start ABCD2345EF."
        )
    )


def _left_refusal() -> Refusal:
    return Refusal(
        _(
            "Sorry, you are no longer registered with Đôn Đốc: the office has taken you off, so the bot "
            "sends you no more reminders and does not record what you send. If this is a mistake, ask "
            "the office for a new invite code and type /start followed by the code."
        )
    )


_REPORT_SHAPE = re.compile(r"^\s*#?\d+\s+\d{1,3}\s*%")
_ASKING = {"ai", "nao", "gi", "may", "dau"}  # words that ask wherever they stand
# Commands that read and take a number at most (a page, a task, a number of days): more words after it
# can only be a question. Commands that write (a report's text follows its number) are not here.
_NUMBER_ONLY = {"nhiemvu", "xem"}  # not /sapden: "sapden 14 STC" is its own form
_QUESTION_END = {"chua", "khong", "ko", "k", "nhi", "ha", "vay", "sao", "nao", "gi", "dau", "ai", "a", "chu"}


def _numbered_choice(text: str, count: int) -> bool:
    """Whether `text` answers one of `count` offered choices by its number ('2')."""
    return len(text) <= 6 and text.isascii() and text.isdigit() and 1 <= int(text) <= count


def _numbered(args: str) -> bool:
    """The command's own form: its arguments start with a number ('12 60% …', '2')."""
    word = args.split()[0].lstrip("#") if args.split() else ""
    return word.isascii() and word.isdigit()


def _may_be_a_question(ctx: Context, command: Command, args: str, text: str) -> bool:
    """A message that opens with a command's word may be a question ('tiến độ nhiệm vụ 12', 'nhiệm vụ
    4 đã có báo cáo chưa'); a report's shape ('báo cáo 12 60% …') and a bare command word never are,
    nor a numbered form unless it ends as a question does."""
    if not args.strip():
        return not may_use(ctx.role, command)
    if _REPORT_SHAPE.match(args):
        return False
    if _numbered(args) and command.name in _NUMBER_ONLY and len(args.split()) > 1:
        return True  # "nhiệm vụ 13 tiến độ": words after a page or task number make it a question
    if _numbered(args):
        words = fold(text).rstrip(" ?.!").split()
        last = words[-1] if words else ""
        before = words[-2] if len(words) > 1 else ""
        return (
            "?" in text
            or last in _QUESTION_END
            or (last == "roi" and before in _QUESTION_END | {"the"})
            or any(word in _ASKING for word in words)
        )
    return True
