"""Storing a parsed notice: the notice, its tasks and their agencies, once; and telling the leads.

Only a task whose lead agencies are all in the directory is stored ("assigned"); the others wait until
the office maps their names (/bidanh) and sends the notice again, which is then an update of it
(`dondoc.notices.changes`). A cooperating name the directory does not know is kept as written, in the
task's cooperating text.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dondoc.handlers.new_tasks import tell_new_parts
from dondoc.handlers.notify import nobody_line
from dondoc.i18n import _
from dondoc.notices.collectives import kinds_of
from dondoc.notices.mentions import Mention
from dondoc.notices.parse import FoundTask, ParsedNotice
from dondoc.store import audit
from dondoc.store.agencies import list_agencies
from dondoc.store.db import rows_by_id
from dondoc.store.models import Agency, Notice, Person, Task
from dondoc.store.notices import add_notice, notice_by_hash, notice_by_number, tasks_of_notice
from dondoc.store.tasks import TITLE_LENGTH, add_task
from dondoc.text import shorten

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ImportResult:
    notice: Notice
    tasks: list[Task]
    duplicate: bool


def content_hash(text: str) -> str:
    """The same notice pasted, uploaded or re-encoded hashes the same (text is NFC already)."""
    return hashlib.sha256(_SPACES.sub(" ", text).strip().encode()).hexdigest()


def find_imported(session: Session, text: str) -> Notice | None:
    return notice_by_hash(session, content_hash(text))


def find_earlier(session: Session, parsed: ParsedNotice, text: str) -> Notice | None:
    """The notice imported before that this one is: the same text, or the same number and signing date
    (then a changed version of it)."""
    return find_imported(session, text) or notice_by_number(session, parsed.number, parsed.signed_on)


def assigned(found: FoundTask) -> bool:
    """Whether the task can be imported: it has a lead, and every lead is in the directory (a collective
    one meaning kinds of agency the directory has)."""
    return bool(found.leads) and not any(m.unknown or unmapped(m) for m in found.leads)


def unmapped(mention: Mention) -> bool:
    """A collective phrase that means nothing in the directory ("các cơ quan, đơn vị", "các Bộ")."""
    return mention.collective and kinds_of(mention.as_written) is None


def assigned_tasks(parsed: ParsedNotice) -> list[FoundTask]:
    return [t for t in parsed.tasks if assigned(t)]


def coop_text(found: FoundTask) -> str | None:
    """What the task keeps of its cooperating agencies as written: generic phrases ("các đơn vị có liên
    quan") and the names the directory does not know."""
    names = found.coop_text + [m.as_written for m in found.coops if m.unknown or unmapped(m)]
    return "; ".join(dict.fromkeys(names)) or None


def import_notice(
    session: Session, parsed: ParsedNotice, text: str, person: Person | None, now: dt.datetime
) -> ImportResult:
    """Create the notice and its assigned tasks; a notice imported before is returned as it is."""
    existing = find_imported(session, text)
    if existing is not None:
        return ImportResult(existing, tasks_of_notice(session, existing.id), duplicate=True)
    notice = add_notice(
        session,
        person,
        now,
        number=parsed.number,
        title=parsed.title or "",
        issuer=parsed.issuer,
        signer=parsed.signer,
        signed_on=parsed.signed_on,
        meeting_on=parsed.meeting_on,
        source_text=text,
        content_hash=content_hash(text),
    )
    tasks = store_tasks(session, notice, assigned_tasks(parsed), person, now)
    audit.record(session, person, "notice.import", now, subject=f"notice:{notice.id}", tasks=len(tasks))
    return ImportResult(notice, tasks, duplicate=False)


def store_tasks(
    session: Session, notice: Notice, found: list[FoundTask], person: Person | None, now: dt.datetime
) -> list[Task]:
    everyone = list_agencies(session) if found else []
    return [_store_task(session, notice, task, everyone, person, now) for task in found]


def agencies_of(session: Session, mentions: list[Mention], everyone: list[Agency]) -> list[Agency]:
    """The directory agencies the mentions name: a collective one names every agency of its kinds."""
    found: list[Agency] = []
    for mention in mentions:
        if mention.collective:
            found += collective_agencies(mention, everyone)
    ids = [m.agency.id for m in mentions if m.agency is not None]
    by_id = {a.id: a for a in everyone}
    missing = rows_by_id(session, Agency, [i for i in ids if i not in by_id])
    found += [by_id.get(i) or missing[i] for i in ids]
    return list(dict.fromkeys(found))


def collective_agencies(mention: Mention, everyone: list[Agency]) -> list[Agency]:
    kinds = kinds_of(mention.as_written) or ()
    return [agency for agency in everyone if agency.kind in kinds]


def _store_task(
    session: Session,
    notice: Notice,
    found: FoundTask,
    everyone: list[Agency],
    person: Person | None,
    now: dt.datetime,
) -> Task:
    leads = agencies_of(session, found.leads, everyone)
    coops = [a for a in agencies_of(session, found.coops, everyone) if a not in leads]
    return add_task(
        session,
        text=found.text,
        title=shorten(found.text, TITLE_LENGTH),
        leads=leads,
        coops=coops,
        deadline=found.deadline.date,
        deadline_text=found.deadline.text,
        created_by=person,
        now=now,
        notice=notice,
        ref=found.ref,
        recurrence=found.deadline.recurrence,
        coop_text=coop_text(found),
    )


def tell_agencies(
    session: Session, tasks: list[Task], notice: Notice, now: dt.datetime, today: dt.date
) -> int:
    """One message to each person of a lead or cooperating agency listing what is new for them."""
    return tell_new_parts(
        session, [(task, part) for task in tasks for part in task.agencies], now, today, notice
    )


def import_and_tell(
    session: Session, parsed: ParsedNotice, text: str, person: Person | None, now: dt.datetime, today: dt.date
) -> tuple[ImportResult, str]:
    """Import a confirmed notice, tell the agencies, and say what happened (in the current language)."""
    result = import_notice(session, parsed, text, person, now)
    if result.duplicate:
        return result, _("This notice was imported already (notice #{number}); nothing was added.").format(
            number=result.notice.id
        )
    told = tell_agencies(session, result.tasks, result.notice, now, today)
    outcome = _("✅ Imported {count} task(s): {numbers}. {told} people were told of their new tasks.").format(
        count=len(result.tasks), numbers=", ".join(f"#{t.id}" for t in result.tasks), told=told
    )
    if line := nobody_line(session, [part.agency_id for task in result.tasks for part in task.agencies]):
        outcome += "\n" + line
    left = len(parsed.tasks) - len(result.tasks)
    if left:
        outcome += "\n" + _("{count} task(s) without a lead agency in the directory were left out.").format(
            count=left
        )
    return result, outcome


def mention_json(mention: Mention) -> dict[str, Any]:
    """A mention for `dondoc notice parse --json`: as written, the name it stands for, and the directory's
    agency (every agency, "*", for a collective phrase; null for a name the directory does not have)."""
    agency = mention.agency
    out: dict[str, Any] = {
        "as_written": mention.as_written,
        "name": mention.name,
        "collective": mention.collective,
        "agency": {"code": agency.code, "name": agency.name} if agency else None,
    }
    if mention.collective:
        kinds = kinds_of(mention.as_written)
        out["agency"] = {"code": "*", "name": "the directory's agencies of these kinds"} if kinds else None
        out["kinds"] = list(kinds or ())
    if mention.known is not None:
        out["national"] = {"kind": mention.known.kind, "status": mention.known.status}
        if mention.known.successor:
            out["national"]["successor"] = mention.known.successor
    return out


def notice_json(parsed: ParsedNotice) -> dict[str, Any]:
    def iso(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "notice": {
            "number": parsed.number,
            "issuer": parsed.issuer,
            "signed_on": iso(parsed.signed_on),
            "signer": parsed.signer,
            "meeting_on": iso(parsed.meeting_on),
            "chaired_by": parsed.chaired_by,
            "title": parsed.title,
        },
        "tasks": [
            {
                "ref": t.ref,
                "text": t.text,
                "leads": [mention_json(m) for m in t.leads],
                "coops": [mention_json(m) for m in t.coops],
                "coop_text": t.coop_text,
                "deadline": iso(t.deadline.date),
                "deadline_text": t.deadline.text,
                "recurrence": t.deadline.recurrence,
            }
            for t in parsed.tasks
        ],
        "unknown_agencies": parsed.unknown,
    }
