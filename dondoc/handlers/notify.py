"""Telling people: each in their own language, through the outbox, in the caller's transaction."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy.orm import Session

from dondoc.handlers import conversation as flows
from dondoc.handlers.messages import Choice
from dondoc.i18n import ngettext, use_language
from dondoc.store.audit import Someone
from dondoc.store.delegations import deputies
from dondoc.store.models import Person, Role
from dondoc.store.outbox import enqueue
from dondoc.store.people import people_of_agencies, people_with_role, reachable_ids

Compose = Callable[[Person], str]
Offer = Callable[[Person], list[Choice]]
Queued = Callable[[Person, int | None], None]


def tell(
    session: Session,
    people: Iterable[Person],
    now: dt.datetime,
    kind: str,
    text: Compose,
    choices: Offer | None = None,
    skip: Someone | None = None,
    nudge_id: int | None = None,
    queued: Queued | None = None,
    file_id: int | None = None,
) -> int:
    """Queue `text(person)` (and `choices(person)`), composed in each person's language, once per person
    (not to `skip`, the person who caused it); returns how many could be reached.

    `queued(person, outbox_id)` is called for each person told, with the id of their outbox row (None: they
    could not be reached), for callers that keep track of what became of each message (broadcasts)."""
    reached = 0
    seen: set[int] = {skip.id} if skip is not None else set()
    for person in people:
        if person.id in seen:
            continue
        seen.add(person.id)
        with use_language(person.language):
            offered = choices(person) if choices else []
            row_id = queue(session, person, text(person), now, kind, offered, nudge_id, file_id)
        reached += row_id is not None
        if queued is not None:
            queued(person, row_id)
    return reached


def queue(
    session: Session,
    person: Person,
    text: str,
    now: dt.datetime,
    kind: str,
    choices: Sequence[Choice] = (),
    nudge_id: int | None = None,
    file_id: int | None = None,
) -> int | None:
    """Queue one message; its choices can be answered by button, or by number on text-only messengers.
    The outbox row's id, None when the person cannot be reached."""
    row = enqueue(
        session,
        person,
        text,
        now,
        kind=kind,
        nudge_id=nudge_id,
        choices=[(c.label, c.data) for c in choices],
        file_id=file_id,
    )
    if row is not None and choices:
        flows.offer(session, person.id, [c.data for c in choices], now)
    return row


def tell_agencies(
    session: Session, agency_ids: Iterable[int], now: dt.datetime, kind: str, text: Compose
) -> int:
    """Tell the heads and focal officers of these agencies (each message composed per person)."""
    return tell(session, members(session, agency_ids), now, kind, text)


def unreached(session: Session, agency_ids: Iterable[int]) -> list[int]:
    """The agencies among these where no head or focal officer can be reached: whom the office must phone."""
    ids = list(dict.fromkeys(agency_ids))
    people = members(session, ids)
    reachable = reachable_ids(session, [p.id for p in people])
    covered = {p.agency_id for p in people if p.id in reachable}
    return [agency_id for agency_id in ids if agency_id not in covered]


def nobody_line(session: Session, agency_ids: Iterable[int]) -> str | None:
    """ "⚠️ Nobody can be reached at 12 agencies (…); phone them: …", or None when everyone can be."""
    nobody = unreached(session, agency_ids)
    return unreached_line(session, nobody) if nobody else None


def unreached_line(session: Session, nobody: list[int]) -> str:
    """The line that names the agencies nobody can be reached at (`unreached`), the same everywhere."""
    from dondoc.handlers.render import names_list
    from dondoc.store.agencies import names_of

    names = names_of(session, nobody)
    return ngettext(
        "⚠️ Nobody can be reached at {n} agency (nobody registered, or the bot is blocked); phone them: "
        "{names}",
        "⚠️ Nobody can be reached at {n} agencies (nobody registered, or the bot is blocked); phone them: "
        "{names}",
        len(nobody),
    ).format(n=len(nobody), names=names_list([names[i] for i in nobody if i in names]))


def members(session: Session, agency_ids: Iterable[int]) -> list[Person]:
    """The heads and focal officers of these agencies."""
    return people_of_agencies(session, agency_ids, [Role.HEAD, Role.STAFF])


def heads(session: Session, agency_ids: Iterable[int], today: dt.date) -> list[Person]:
    """The heads of these agencies, and whoever covers for one of them today (/uyquyen)."""
    ids = list(agency_ids)
    found = people_of_agencies(session, ids, [Role.HEAD]) + deputies(session, ids, today)
    return list({p.id: p for p in found}.values())


def office(session: Session) -> list[Person]:
    return people_with_role(session, Role.ADMIN)
