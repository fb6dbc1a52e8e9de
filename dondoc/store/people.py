"""People, their messenger links, and invites."""

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, func, select, update
from sqlalchemy.orm import Session, contains_eager, joinedload

from dondoc.store import fast
from dondoc.store.models import Agency, Conversation, Invite, Person, PlatformLink, Role
from dondoc.text import fold

# No 0/O, 1/I/L: codes are read aloud and typed by hand. 32**10 = 2**50 possibilities.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 10


@dataclass(slots=True)
class AgencyRef:
    id: int
    code: str
    name: str


@dataclass(slots=True)
class Caller:
    """Who wrote, as of the start of the message: enough to route, check roles and answer.

    Read as plain columns because loading the ORM `Person` (with its agency and flow) cost ~0.5 ms for a
    query SQLite answers in microseconds; handlers that change the person get it from `Context.person`.
    """

    id: int
    name: str
    role: Role
    agency_id: int | None
    language: str | None
    active: bool
    agency: AgencyRef | None


_person, _link, _agency = Person.__table__.c, PlatformLink.__table__.c, Agency.__table__.c
# Built once: executing the same statement object reuses SQLAlchemy's compiled form and cache key.
# Table columns (not ORM attributes) keep it a Core statement, without the ORM's per-execution setup.
_IDENTIFY = (
    select(
        _person.id,
        _person.name,
        _person.role,
        _person.agency_id,
        _person.language,
        _person.active,
        _agency.code,
        _agency.name,
        Conversation.__table__.c.person_id,
    )
    .select_from(
        PlatformLink.__table__.join(Person.__table__, _person.id == _link.person_id)
        .outerjoin(Agency.__table__, _agency.id == _person.agency_id)
        .outerjoin(Conversation.__table__, Conversation.__table__.c.person_id == _person.id)
    )
    .where(_link.platform == bindparam("platform"), _link.platform_user_id == bindparam("user_id"))
)


def identify(session: Session, platform: str, user_id: str) -> tuple[Caller | None, Conversation | None]:
    """The person behind a messenger account, with their agency, in one query; and the flow they are
    in, if any (loaded as an object, since flows change it, and only when there is one)."""
    row = fast.execute(session, _IDENTIFY, {"platform": platform, "user_id": user_id}).first()
    if row is None:
        return None, None
    person_id, name, role, agency_id, language, active, code, agency_name, in_flow = row
    agency = AgencyRef(agency_id, code, agency_name) if agency_id is not None else None
    caller = Caller(person_id, name, role, agency_id, language, active, agency)
    return caller, (session.get(Conversation, person_id) if in_flow is not None else None)


def count_people(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Person)) or 0


def add_person(
    session: Session,
    *,
    name: str,
    role: Role,
    agency: Agency | None,
    platform: str,
    user_id: str,
    chat_id: str,
    now: dt.datetime,
    language: str | None = None,
) -> Person:
    person = Person(
        name=name,
        role=role,
        agency_id=agency.id if agency else None,
        language=language,
        active=True,
        created_at=now,
    )
    session.add(person)
    session.flush()
    link_platform(session, person, platform, user_id, chat_id, now)
    return person


def create_invite(
    session: Session,
    *,
    role: Role,
    agency: Agency | None,
    created_by: Person | None,
    now: dt.datetime,
    ttl: dt.timedelta,
    for_person: Person | None = None,
) -> Invite:
    invite = Invite(
        code="".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH)),
        role=role,
        agency_id=agency.id if agency else None,
        created_by_id=created_by.id if created_by else None,
        created_at=now,
        expires_at=now + ttl,
        person_id=for_person.id if for_person else None,
    )
    session.add(invite)
    session.flush()
    return invite


def find_invite(session: Session, code: str) -> Invite | None:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return session.scalar(select(Invite).where(Invite.code == cleaned)) if cleaned else None


def claim_invite(session: Session, invite: Invite, person: Person, now: dt.datetime) -> bool:
    """Mark the invite used by `person`; False when someone else used it first."""
    # An UPDATE's result is a CursorResult, which `Session.execute` is not typed to say.
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Invite)
            .where(Invite.id == invite.id, Invite.used_at.is_(None))
            .values(used_at=now, used_by_id=person.id)
        ),
    )
    return result.rowcount == 1


_PEOPLE_OF_AGENCIES = select(Person).where(
    Person.agency_id.in_(bindparam("agency_ids", expanding=True)),
    Person.role.in_(bindparam("roles", expanding=True)),
    Person.active.is_(True),
)
_PEOPLE_WITH_ROLE = select(Person).where(Person.role == bindparam("role"), Person.active.is_(True))


def people_of_agencies(session: Session, agency_ids: Iterable[int], roles: Iterable[Role]) -> list[Person]:
    ids = list(agency_ids)
    if not ids:
        return []
    return list(session.scalars(_PEOPLE_OF_AGENCIES, {"agency_ids": ids, "roles": list(roles)}))


def people_with_role(session: Session, role: Role) -> list[Person]:
    return list(session.scalars(_PEOPLE_WITH_ROLE, {"role": role}))


_preferred = select(_person.preferred_platform).where(_person.id == bindparam("person_id")).scalar_subquery()
_REACHABLE_ADDRESS = (
    select(_link.platform, _link.chat_id)
    .where(_link.person_id == bindparam("person_id"), _link.active.is_(True))
    .order_by((_link.platform == func.coalesce(_preferred, "")).desc(), _link.id.desc())
    .limit(1)
)


def reachable_address(session: Session, person_id: int) -> tuple[str, str] | None:
    """(platform, chat id) a message to this person goes through: on their preferred messenger if they
    chose one and it is reachable, else their newest reachable link."""
    row = session.execute(_REACHABLE_ADDRESS, {"person_id": person_id}).first()
    return None if row is None else (row[0], row[1])


def reachable_ids(session: Session, person_ids: Iterable[int]) -> set[int]:
    """Which of these people `reachable_address` would find an address for, in one query."""
    ids = list(person_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(PlatformLink.person_id)
            .where(PlatformLink.person_id.in_(ids), PlatformLink.active.is_(True))
            .distinct()
        )
    )


def link_platform(
    session: Session, person: Person, platform: str, user_id: str, chat_id: str, now: dt.datetime
) -> None:
    """Add a messenger account to a person (their first, or another one from a link code)."""
    session.add(
        PlatformLink(
            person_id=person.id,
            platform=platform,
            platform_user_id=user_id,
            chat_id=chat_id,
            active=True,
            created_at=now,
        )
    )
    session.flush()


def platforms_of(session: Session, person_id: int) -> list[str]:
    return list(
        session.scalars(
            select(PlatformLink.platform)
            .where(PlatformLink.person_id == person_id, PlatformLink.active.is_(True))
            .distinct()
        )
    )


def set_link_active(session: Session, platform: str, chat_id: str, active: bool) -> Person | None:
    """Mark a person's link on a platform (un)reachable, e.g. when they block the bot; returns the person."""
    link = session.scalar(
        select(PlatformLink)
        .where(PlatformLink.platform == platform, PlatformLink.chat_id == chat_id)
        .limit(1)
    )
    if link is None or link.active == active:
        return None
    link.active = active
    return link.person


def links_on(session: Session, platform: str, chat_id: str | None = None) -> list[PlatformLink]:
    """Reachable links on a platform (or to one chat there), each with its person loaded."""
    query = (
        select(PlatformLink)
        .join(Person)
        .options(contains_eager(PlatformLink.person))
        .where(PlatformLink.platform == platform, PlatformLink.active.is_(True), Person.active.is_(True))
    )
    if chat_id is not None:
        query = query.where(PlatformLink.chat_id == chat_id)
    return list(session.scalars(query))


def move_links(session: Session, from_person_id: int, to_person_id: int) -> None:
    """Every messenger account of one person becomes another's (a guest who then joins by link code)."""
    session.execute(
        update(PlatformLink).where(PlatformLink.person_id == from_person_id).values(person_id=to_person_id)
    )


def person_by_id(session: Session, person_id: int | None) -> Person | None:
    return session.get(Person, person_id) if person_id is not None else None


# Who is registered (/thanhvien, `dondoc people`), and taking a person off (/nghi) --------------------

ROLE_ORDER = {role: rank for rank, role in enumerate(Role)}  # the office first, guests last


@dataclass(slots=True)
class Member:
    """A registered person as /thanhvien shows them: the messengers the bot can reach them on, and those
    whose messenger reported the bot blocked (or the chat gone)."""

    id: int
    name: str
    role: Role
    agency_id: int | None
    reachable_on: list[str]
    blocked_on: list[str]

    @property
    def reachable(self) -> bool:
        return bool(self.reachable_on)


def members_of(session: Session, agency_id: int) -> list[Member]:
    """The active, registered (not guest) people of an agency with their messengers: the office first,
    then heads, then focal officers, each by name."""
    people = session.execute(
        select(Person.id, Person.name, Person.role, Person.agency_id).where(
            Person.agency_id == agency_id, Person.active.is_(True), Person.role != Role.GUEST
        )
    ).all()
    links: dict[int, list[tuple[str, bool]]] = {}
    if people:
        for person_id, platform, active in session.execute(
            select(PlatformLink.person_id, PlatformLink.platform, PlatformLink.active)
            .where(PlatformLink.person_id.in_([p[0] for p in people]))
            .order_by(PlatformLink.id)
        ):
            links.setdefault(person_id, []).append((platform, active))
    members = []
    for person_id, name, role, agency in people:
        own = links.get(person_id, [])
        reachable = list(dict.fromkeys(platform for platform, active in own if active))
        blocked = list(dict.fromkeys(p for p, active in own if not active and p not in reachable))
        members.append(Member(person_id, name, role, agency, reachable, blocked))
    return sorted(members, key=lambda m: (ROLE_ORDER[m.role], fold(m.name), m.id))


def registered_people(session: Session, active: bool = True) -> list[Person]:
    """Every registered (not guest) person, active or (`active` False) taken off, with their agency."""
    return list(
        session.scalars(
            select(Person)
            .options(joinedload(Person.agency))
            .where(Person.active.is_(active), Person.role != Role.GUEST)
            .order_by(Person.id)
        )
    )


def people_with_user_id(session: Session, user_id: str, active: bool = True) -> list[Person]:
    """The registered people who write from this messenger account (a console name, a Telegram or Zalo id)."""
    return list(
        session.scalars(
            select(Person)
            .options(joinedload(Person.agency))
            .join(PlatformLink, PlatformLink.person_id == Person.id)
            .where(
                PlatformLink.platform_user_id == user_id,
                Person.active.is_(active),
                Person.role != Role.GUEST,
            )
            .distinct()
        )
    )


def count_active_with_role(session: Session, role: Role) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Person).where(Person.role == role, Person.active.is_(True))
        )
        or 0
    )


def deactivate_person(session: Session, person: Person) -> None:
    """Take a person off: nothing is sent to them any more and their messages are not acted on. Their
    links, reports and history stay; a guided flow they were in ends."""
    person.active = False
    session.execute(delete(Conversation).where(Conversation.person_id == person.id))
    session.flush()
