"""People, their messenger links, and invites."""

import datetime as dt
import secrets
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, contains_eager, joinedload

from dondoc.store.models import Agency, Conversation, Invite, Person, PlatformLink, Role

# No 0/O, 1/I/L: codes are read aloud and typed by hand. 32**10 = 2**50 possibilities.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 10


def identify(session: Session, platform: str, user_id: str) -> tuple[Person | None, Conversation | None]:
    """The person behind a messenger account, with their agency and any flow they are in, in one query."""
    row = session.execute(
        select(Person, Conversation)
        .join(PlatformLink)
        .outerjoin(Conversation, Conversation.person_id == Person.id)
        .options(joinedload(Person.agency))
        .where(PlatformLink.platform == platform, PlatformLink.platform_user_id == user_id)
    ).first()
    return (None, None) if row is None else (row[0], row[1])


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
    result = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=now, used_by_id=person.id)
    )
    return result.rowcount == 1


def people_of_agencies(session: Session, agency_ids: Iterable[int], roles: Iterable[Role]) -> list[Person]:
    ids = list(agency_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Person).where(
                Person.agency_id.in_(ids), Person.role.in_(list(roles)), Person.active.is_(True)
            )
        )
    )


def people_with_role(session: Session, role: Role) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.role == role, Person.active.is_(True))))


def reachable_link(session: Session, person_id: int) -> PlatformLink | None:
    """The link a message to this person goes through: on their preferred messenger if they chose one
    and it is reachable, else their newest reachable link."""
    preferred = select(Person.preferred_platform).where(Person.id == person_id).scalar_subquery()
    return session.scalar(
        select(PlatformLink)
        .where(PlatformLink.person_id == person_id, PlatformLink.active.is_(True))
        .order_by((PlatformLink.platform == func.coalesce(preferred, "")).desc(), PlatformLink.id.desc())
        .limit(1)
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
