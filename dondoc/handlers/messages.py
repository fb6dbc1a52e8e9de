"""The neutral message types that handlers take and return. No messenger types here."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, joinedload

from dondoc.store.models import Conversation, Person, Role
from dondoc.store.people import Caller
from dondoc.text import nfc

if TYPE_CHECKING:
    from dondoc.handlers.registry import Registry


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes | None = None
    url: str | None = None
    mime_type: str | None = None
    note: str | None = None  # shown instead of the file by a messenger that cannot carry it (Zalo)

    def __post_init__(self) -> None:
        _clean_fields(self, ("filename",), ("url", "mime_type", "note"))


@dataclass(frozen=True)
class Incoming:
    """One message from a person: who (platform + user id), where to answer, and what they said."""

    platform: str
    user_id: str
    chat_id: str
    text: str = ""
    display_name: str = ""
    choice: str | None = None
    attachments: tuple[Attachment, ...] = ()
    language_hint: str | None = None
    update_id: str | None = None
    address: str | None = None  # where to reach this person privately, if not `chat_id` (a group)
    unsupported: bool = False  # a picture, sticker or voice message on a text-only transport
    event: str | None = None  # not a message: the transport saw the person block or unblock the bot

    def __post_init__(self) -> None:
        """Every text field cleaned once, here, whichever transport built the message (`nfc`): NFC, no
        controls or invisible characters, no lone surrogates, so that nothing a person sends fails to be
        stored, logged or answered. Attachments clean their own fields."""
        _clean_fields(
            self,
            ("platform", "user_id", "chat_id", "text", "display_name"),
            ("choice", "language_hint", "update_id", "address", "event"),
        )


def _clean_fields(message: object, names: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    """`nfc` these fields of a frozen dataclass in place, a field already clean (nearly every one) left as
    it is. An optional field may be None; one of `names` that is None becomes "" (python-telegram-bot
    gives None for the name of a person who has none)."""
    for name in names + optional:
        value = getattr(message, name)
        if value is None:
            if name in names:
                object.__setattr__(message, name, "")
        elif (cleaned := nfc(value)) is not value:
            object.__setattr__(message, name, cleaned)


@dataclass(frozen=True)
class Choice:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    """An outgoing message: an answer, or (`queued`) one from the outbox such as a nudge."""

    text: str
    choices: tuple[Choice, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    queued: bool = False


class Refusal(Exception):
    """Bad input: the message (already translated) tells the person what to type instead.

    The dispatcher rolls the transaction back and answers with the message; it is not an error.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_NOT_LOADED: Any = object()


class Context:
    """What a handler gets: an open session, who is asking, and the injected clock.

    `caller` is who wrote, as the dispatcher read them (plain values, cheap); `person` is the same person
    as an ORM object, loaded from the session the first time a handler asks for it (with its agency),
    for the handlers that change or link it. Once `person` is loaded or set, `role` follows it.
    """

    __slots__ = (
        "_person",
        "_today",
        "bot_username",
        "caller",
        "conversation",
        "incoming",
        "invite_ttl",
        "linking_allowed",
        "now",
        "registry",
        "session",
        "tz",
    )

    def __init__(
        self,
        session: Session,
        incoming: Incoming,
        caller: Caller | None,
        now: dt.datetime,
        tz: ZoneInfo,
        registry: "Registry",
        invite_ttl: dt.timedelta = dt.timedelta(days=7),
        bot_username: str | None = None,
        linking_allowed: bool = True,
        conversation: Conversation | None = None,  # loaded with the caller, kept current by `conversation`
    ) -> None:
        self.session = session
        self.incoming = incoming
        self.caller = caller
        self.now = now
        self.tz = tz
        self.registry = registry
        self.invite_ttl = invite_ttl
        self.bot_username = bot_username
        self.linking_allowed = linking_allowed
        self.conversation = conversation
        self._person: Person | None = _NOT_LOADED if caller is not None else None
        self._today: dt.date | None = None

    @property
    def person(self) -> Person | None:
        if self._person is _NOT_LOADED:
            assert self.caller is not None
            self._person = self.session.get(Person, self.caller.id, options=[joinedload(Person.agency)])
        return self._person

    @person.setter
    def person(self, person: Person | None) -> None:
        self._person = person

    def _who(self) -> Person | Caller | None:
        return self.caller if self._person is _NOT_LOADED else self._person

    @property
    def role(self) -> Role:
        who = self._who()
        if who is None or not who.active:
            return Role.GUEST
        return who.role

    @property
    def agency_id(self) -> int | None:
        who = self._who()
        return who.agency_id if who is not None else None

    @property
    def today(self) -> dt.date:
        if self._today is None:
            self._today = self.now.astimezone(self.tz).date()
        return self._today
