"""Telling agencies of new tasks, with the "Đã nhận" (received) answer the office watches for."""

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from dondoc.handlers import notify
from dondoc.handlers.messages import Choice
from dondoc.handlers.render import deadline_phrase
from dondoc.i18n import _
from dondoc.store.models import AgencyRole, Notice, Person, Task, TaskAgency
from dondoc.text import shorten

ONGOING_WORDS = {"thuong xuyen", "xuyen suot", "ongoing", "-", "khong", "none"}
MAX_CALLBACK_BYTES = 64  # Telegram's limit for a button's data
LISTED = 20


def received_choice(numbers: list[int]) -> Choice:
    """'Đã nhận' for these tasks; with too many to fit a button, 'Đã nhận' for everything new."""
    command = "/danhan " + " ".join(str(n) for n in numbers)
    if len(command.encode()) > MAX_CALLBACK_BYTES:
        command = "/danhan"
    return Choice(_("✅ Received"), command)


def tell_new_parts(
    session: Session,
    pairs: Iterable[tuple[Task, TaskAgency]],
    now: dt.datetime,
    today: dt.date,
    notice: Notice | None = None,
) -> int:
    """One message to each head and officer of the agencies given new parts, listing them; returns how
    many people were reached."""
    by_agency: dict[int, list[tuple[Task, TaskAgency]]] = {}
    for task, part in pairs:
        by_agency.setdefault(part.agency_id, []).append((task, part))

    def text(person: Person) -> str:
        mine = by_agency.get(person.agency_id or 0, [])
        agency = mine[0][1].agency.name if mine else ""
        if notice is not None:
            lines = [
                _("📌 {count} new task(s) for {agency} from notice {notice}:").format(
                    count=len(mine), agency=agency, notice=notice.number or shorten(notice.title, 80)
                )
            ]
        else:
            lines = [_("📌 New task(s) for {agency}:").format(agency=agency)]
        for task, part in mine[:LISTED]:
            line = f"#{task.id} {shorten(task.title, 90)} — {deadline_phrase(part.deadline, today)}"
            if part.role == AgencyRole.COOP:
                line += " " + _("[cooperating]")
            lines.append(line)
        if len(mine) > LISTED:
            lines.append(_("… and {more} more. Type /nhiemvu for the list.").format(more=len(mine) - LISTED))
        lines.append(
            _(
                "Please confirm you have received them: answer “đã nhận” (or /danhan N). Type /xem N to "
                "read a task."
            )
        )
        return "\n".join(lines)

    def choices(person: Person) -> list[Choice]:
        mine = by_agency.get(person.agency_id or 0, [])
        return [received_choice([task.id for task, _part in mine])]

    return notify.tell(session, notify.members(session, by_agency), now, "task", text, choices)
