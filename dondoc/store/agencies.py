"""The agency directory: names, aliases and codes, matched with and without diacritics."""

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dondoc import PACKAGE_DIR
from dondoc.store import fast
from dondoc.store.models import Agency, AgencyAlias
from dondoc.text import fold, key, nfc

DIRECTORY_CSV = PACKAGE_DIR / "data" / "agencies.csv"
KINDS = (
    "office",  # the People's Committee's office, the Party's and the assembly's
    "department",
    "board",
    "police",
    "military",
    "inspectorate",
    "party",  # the Party committee's bodies
    "mass",  # the Fatherland Front and the mass organisations
    "commune",
    "ward",
    "special_zone",
    "other",
)
DEPARTMENT_KINDS = ("department", "board", "inspectorate")
COMMUNE_KINDS = ("commune", "ward", "special_zone")


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...]


class DirectoryError(ValueError):
    """A directory file or row that cannot be loaded; the message says which line and why."""


EXACT = "="  # starts the key of a name told apart from another only by its diacritics (`exact_key`)


def exact_key(text: str) -> str:
    """The key of a name with its diacritics: '=xãsơnhà'. Two names that fold alike ('Xã Sơn Hà', 'Xã Sơn
    Hạ') are kept under these instead of their shared folded key, which then means neither: written with
    diacritics each finds its agency, written without, the answer offers both."""
    return EXACT + "".join(ch for ch in nfc(text).casefold() if ch.isalnum())


def find_agency(session: Session, name: str) -> Agency | None:
    """An agency by exact name, alias or code, ignoring case, diacritics and punctuation."""
    folded = key(name)
    if not folded:
        return None
    return session.scalar(
        select(Agency)
        .join(AgencyAlias)
        .where(AgencyAlias.key.in_((folded, exact_key(name))), Agency.active.is_(True))
        .order_by(AgencyAlias.key.desc())  # the exact one ('=…') first, should both be there
    )


def alias_keys(session: Session, agency_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(agency, folded name) for every name these agencies go by: aliases, and each one's code and name."""
    ids = list(agency_ids)
    if not ids:
        return []
    rows = session.execute(
        select(AgencyAlias.agency_id, AgencyAlias.key).where(AgencyAlias.agency_id.in_(ids))
    )
    own = session.execute(select(Agency.id, Agency.code, Agency.name).where(Agency.id.in_(ids)))
    return [(a, k) for a, k in rows] + [(a, key(n)) for a, code, name in own for n in (code, name)]


def active_alias_rows(session: Session, exact: bool = False) -> list[tuple[str, int, str, str]]:
    """(alias key, agency id, code, name) for every alias of an active agency: the notice reader's map.
    With `exact`, also the names kept with their diacritics (`exact_key`), under their folded key: for
    suggestions, where two rows with one key are two candidates."""
    rows = session.execute(
        select(AgencyAlias.key, AgencyAlias.alias, Agency.id, Agency.code, Agency.name)
        .join(Agency)
        .where(Agency.active.is_(True))
    )
    return [
        (key(alias) if k.startswith(EXACT) else k, i, code, name)
        for k, alias, i, code, name in rows
        if exact or not k.startswith(EXACT)
    ]


def directory_version(session: Session) -> tuple[int, ...]:
    """Changes whenever an alias is added or removed or an agency (de)activated: what a cached copy of
    the directory's names is checked against. Read at every question, so built once."""
    return tuple(fast.execute(session, _DIRECTORY_VERSION, {}).one())


_DIRECTORY_VERSION = select(
    select(func.count()).select_from(AgencyAlias).scalar_subquery(),
    select(func.coalesce(func.max(AgencyAlias.id), 0)).scalar_subquery(),
    select(func.count()).select_from(Agency).where(Agency.active.is_(True)).scalar_subquery(),
)


def code_of(session: Session, agency_id: int) -> str:
    agency = session.get(Agency, agency_id)
    return agency.code if agency is not None else ""


def names_of(session: Session, agency_ids: Iterable[int]) -> dict[int, str]:
    ids = list(agency_ids)
    if not ids:
        return {}
    return {i: name for i, name in session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids)))}


def suggest_agencies(session: Session, name: str, limit: int = 3) -> list[Agency]:
    """The closest directory names, for 'did you mean …' answers."""
    folded = key(name)
    if not folded:
        return []
    rows = session.execute(
        select(AgencyAlias.key, AgencyAlias.agency_id).join(Agency).where(Agency.active.is_(True))
    ).all()
    choices = {i: row.key for i, row in enumerate(rows)}
    from rapidfuzz import fuzz, process  # here: only a name not found needs it, and its import is slow

    found = process.extract(folded, choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60)
    ids: list[int] = []
    for _match, _score, index in found:
        agency_id = rows[index].agency_id
        if agency_id not in ids:
            ids.append(agency_id)
    agencies = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(ids[:limit])))}
    return [agencies[i] for i in ids[:limit] if i in agencies]


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str


SUGGESTION_CUTOFF = 75  # below this a "did you mean" is more often wrong than right


def closest_agencies(session: Session, names: Iterable[str], limit: int = 2) -> dict[str, list[Suggestion]]:
    """For each name the directory does not know, the active agencies whose name, code or an alias is
    closest to it (compared folded, without diacritics, case or punctuation): a notice's "did you mean".
    An agency is offered only if its name, or the alias matched, has the name's first word ("Sở Tài
    chánh": a Sở), so that "Bộ Y tế", a ministry, is not offered as Sở Y tế. One read of the directory
    for all the names; a name with nothing close enough gets an empty list."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return {}
    rows = active_alias_rows(session, exact=True)
    choices = [alias_key for alias_key, _id, _code, _name in rows]
    from rapidfuzz import fuzz, process  # here: only a notice with unknown names needs it

    found: dict[str, list[Suggestion]] = {}
    for name in wanted:
        folded, words = key(name), fold(name).split()
        picked: list[Suggestion] = []
        if folded and words:
            hits = process.extract(
                folded, choices, scorer=fuzz.ratio, limit=limit * 8, score_cutoff=SUGGESTION_CUTOFF
            )
            # Of names alike but for their diacritics, the one written as in `name` comes first.
            written = exact_key(name)
            hits.sort(key=lambda hit: (exact_key(rows[hit[2]][3])[1:] not in written, -hit[1]))
            for _match, _score, index in hits:
                alias, _id, code, agency_name = rows[index]
                same_head = words[0] in fold(agency_name).split() or alias.startswith(key(words[0]))
                if same_head and all(s.code != code for s in picked):
                    picked.append(Suggestion(code, agency_name))
                if len(picked) == limit:
                    break
        found[name] = picked
    return found


def agency_counts_by_kind(session: Session) -> dict[str, int]:
    """How many active agencies of each kind the directory has."""
    rows = session.execute(
        select(Agency.kind, func.count()).where(Agency.active.is_(True)).group_by(Agency.kind)
    )
    return {kind: count for kind, count in rows}


def list_agencies(session: Session) -> list[Agency]:
    return list(session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.code)))


def count_agencies(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Agency)) or 0


def add_agency(session: Session, row: AgencyRow, now: dt.datetime) -> tuple[Agency, list[str]]:
    """Add an agency, or add new aliases to the one with the same code.

    Returns the agency and the aliases left out because another agency already uses them.
    """
    agency = session.scalar(select(Agency).where(Agency.code == row.code))
    if agency is None:
        agency = Agency(code=row.code, name=row.name, kind=row.kind, active=True, created_at=now)
        session.add(agency)
        session.flush()
    skipped: list[str] = []
    for alias in (row.name, row.code, *row.aliases):
        alias_key = key(alias)
        if not alias_key:
            continue
        held = session.scalar(select(AgencyAlias).where(AgencyAlias.key.in_((alias_key, exact_key(alias)))))
        if held is None:
            session.add(AgencyAlias(agency_id=agency.id, alias=alias, key=alias_key))
        elif held.agency_id == agency.id:
            continue
        elif held.key == alias_key and exact_key(held.alias) != exact_key(alias):
            # Two agencies' names fold alike: each is kept with its diacritics, the folded key for neither.
            held.key = exact_key(held.alias)
            session.add(AgencyAlias(agency_id=agency.id, alias=alias, key=exact_key(alias)))
        else:
            skipped.append(alias)
        session.flush()
    return agency, skipped


def read_directory(path: Path) -> list[AgencyRow]:
    """Rows of a `code,name,kind,aliases` CSV (aliases separated by '|')."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DirectoryError(f"{path}: {exc.strerror}") from exc
    try:
        text = nfc(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DirectoryError(f"{path}: not UTF-8 text") from exc
    reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    missing = {"code", "name"} - set(reader.fieldnames or ())
    if missing:
        raise DirectoryError(f"{path}: the header must have the columns code,name,kind,aliases")
    rows: list[AgencyRow] = []
    for line, record in enumerate(reader, start=2):
        code = (record.get("code") or "").strip().upper()
        name = (record.get("name") or "").strip()
        kind = (record.get("kind") or "other").strip() or "other"
        if not code or not name:
            raise DirectoryError(f"{path}:{line}: code and name are required")
        if kind not in KINDS:
            raise DirectoryError(f"{path}:{line}: kind must be one of {', '.join(KINDS)}")
        aliases = tuple(a.strip() for a in (record.get("aliases") or "").split("|") if a.strip())
        rows.append(AgencyRow(code, name, kind, aliases))
    return rows


def load_directory(session: Session, rows: Iterable[AgencyRow], now: dt.datetime) -> list[str]:
    """Add every row; returns the aliases skipped because another agency holds them."""
    skipped: list[str] = []
    for row in rows:
        skipped += add_agency(session, row, now)[1]
    return skipped
