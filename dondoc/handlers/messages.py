"""The neutral message types that handlers take and return. No messenger types here."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dondoc.store.models import Conversation, Person, Role

if TYPE_CHECKING:
    from dondoc.handlers.registry import Registry


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes | None = None
    url: str | None = None
    mime_type: str | None = None


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


@dataclass(frozen=True)
class Choice:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    attachments: tuple[Attachment, ...] = ()


class Refusal(Exception):
    """Bad input: the message (already translated) tells the person what to type instead.

    The dispatcher rolls the transaction back and answers with the message; it is not an error.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Context:
    """What a handler gets: an open session, who is asking, and the injected clock."""

    session: Session
    incoming: Incoming
    person: Person | None
    now: dt.datetime
    tz: ZoneInfo
    registry: "Registry"
    invite_ttl: dt.timedelta = dt.timedelta(days=7)
    bot_username: str | None = None
    linking_allowed: bool = True
    conversation: Conversation | None = None  # loaded with the person, kept current by `conversation`

    @property
    def role(self) -> Role:
        if self.person is None or not self.person.active:
            return Role.GUEST
        return self.person.role

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.tz).date()
