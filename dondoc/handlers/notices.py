"""/nhap: the office sends a notice (pasted text or a file), checks the tasks found, then imports them."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dondoc.handlers import access
from dondoc.handlers import conversation as flows
from dondoc.handlers.messages import Choice, Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.i18n import N_, _, format_date
from dondoc.notices import ONGOING
from dondoc.notices.reader import NoticeReadError, ReadProblem, read_notice
from dondoc.text import nfc, shorten

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dondoc.notices.changes import Changed, NoticeUpdate
    from dondoc.notices.deadlines import Deadline
    from dondoc.notices.mentions import Mention
    from dondoc.notices.parse import FoundTask, ParsedNotice
    from dondoc.store.agencies import Suggestion
    from dondoc.store.models import Person, Task

    Hints = dict[str, list[Suggestion]]

# The notice parser and importer (dozens of patterns compiled at import, the task store) are imported in
# the functions that read a notice: every start registers /nhap, few messages use it.

router = Router()
MAX_NOTICE_CHARS = 200_000

RECURRENCE_LABELS = {
    ONGOING: N_("ongoing, no fixed deadline"),
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly"),
    "yearly": N_("yearly"),
    "weekly": N_("weekly"),
}
READ_PROBLEMS = {
    ReadProblem.EMPTY: N_("The file is empty. Send the notice as text, .docx or a PDF with text."),
    ReadProblem.TOO_LARGE: N_("The file is larger than 10 MB. Send only the notice itself."),
    ReadProblem.BINARY: N_(
        "I cannot read this file. Send the notice as pasted text, a .docx file or a PDF with text."
    ),
    ReadProblem.SCANNED_PDF: N_(
        "This PDF has no text layer (it is a scan). Send the .docx version or paste the text."
    ),
    ReadProblem.BROKEN_PDF: N_(
        "This PDF file is damaged and cannot be read. Send it again or paste the text."
    ),
    ReadProblem.BROKEN_DOCX: N_(
        "This Word file is damaged and cannot be read. Send it again or paste the text."
    ),
}


def read_problem_message(problem: ReadProblem) -> str:
    return _(READ_PROBLEMS[problem])


def _names(mentions: "list[Mention]", counts: "dict[str, int] | None" = None) -> list[str]:
    return [collective_line(m.as_written, counts or {}) if m.collective else m.name for m in mentions]


def collective_line(phrase: str, counts: dict[str, int]) -> str:
    """ "các sở, ban, ngành, địa phương (110 cơ quan: sở, ban, thanh tra, xã, phường, đặc khu)"."""
    from dondoc.notices.collectives import KIND_LABELS, kinds_of

    kinds = kinds_of(phrase)
    if kinds is None:
        return _("{phrase} (no agency of the directory: the office assigns it)").format(phrase=phrase)
    return _("{phrase} ({count} agencies: {kinds})").format(
        phrase=phrase,
        count=sum(counts.get(kind, 0) for kind in kinds),
        kinds=", ".join(_(KIND_LABELS[kind]) for kind in kinds if counts.get(kind)),
    )


def _deadline(deadline: "Deadline") -> str:
    if deadline.date:
        phrase = format_date(deadline.date)
        if deadline.text:
            phrase += f" (“{deadline.text}”)"
        if deadline.recurrence:
            phrase += ", " + _(RECURRENCE_LABELS[deadline.recurrence])
        return phrase
    return _(RECURRENCE_LABELS.get(deadline.recurrence or ONGOING, RECURRENCE_LABELS[ONGOING]))


def lead_warning(task: "FoundTask") -> str | None:
    """Why the task cannot be imported (its lead is not in the directory); None when it can."""
    from dondoc.notices.importer import assigned

    if assigned(task):
        return None
    from dondoc.notices.importer import unmapped

    if any(not m.unknown and not unmapped(m) for m in task.leads):
        return _("⚠️ lead agency not in the directory: {names}; not imported").format(
            names="; ".join(f"“{m.as_written}”" for m in task.leads if m.unknown or unmapped(m))
        )
    return _("⚠️ no lead agency in the directory; not imported")


def describe_found_task(task: "FoundTask", counts: "dict[str, int] | None" = None) -> str:
    """One found task for the preview: ref, lead, cooperating agencies, deadline, the start of its text."""
    leads = "; ".join(_names(task.leads, counts)) or "—"
    lines = [f"{task.ref} — " + _("Lead: {agencies}").format(agencies=leads)]
    if warning := lead_warning(task):
        lines.append("   " + warning)
    coops = _names(task.coops, counts) + task.coop_text
    if coops:
        lines.append("   " + _("Cooperating: {agencies}").format(agencies="; ".join(coops)))
    lines.append("   " + _("Deadline: {deadline}").format(deadline=_deadline(task.deadline)))
    lines.append("   " + shorten(task.text, 160))
    return "\n".join(lines)


def unknown_names_lines(names: list[str], hints: "Hints | None") -> list[str]:
    """Each name the directory does not know, once, with the closest directory agencies and the exact
    /bidanh to type."""
    if not names:
        return []
    lines = [_("⚠️ Names the directory does not know:")]
    for name in names:
        found = (hints or {}).get(name, [])
        if len(found) >= 2:
            first, second = found[0], found[1]
            line = _(
                "“{name}” — did you mean {first} ({first_code}) or {second} ({second_code})? Type /bidanh "
                "{name} = {first_code} or /bidanh {name} = {second_code}"
            ).format(
                name=name,
                first=first.name,
                first_code=first.code,
                second=second.name,
                second_code=second.code,
            )
        elif found:
            line = _("“{name}” — did you mean {agency} ({code})? Type /bidanh {name} = {code}").format(
                name=name, agency=found[0].name, code=found[0].code
            )
        else:
            line = _(
                "“{name}” — no agency of the directory has a name close to it. Type /bidanh {name} = CODE "
                "with the code of the agency it means."
            ).format(name=name)
        lines.append("• " + line)
    return lines


def describe_notice(
    parsed: "ParsedNotice", hints: "Hints | None" = None, counts: "dict[str, int] | None" = None
) -> str:
    source = parsed.number or shorten(parsed.title, 80)
    lines = [_("Notice {notice}: {count} task(s) found.").format(notice=source, count=len(parsed.tasks))]
    lines += [describe_found_task(t, counts) for t in parsed.tasks]
    lines += unknown_names_lines(parsed.unknown, hints)
    return "\n".join(lines)


def held_line(count: int) -> str:
    return _(
        "{count} task(s) have no lead agency in the directory and are not imported. To add them, map "
        "their agency with /bidanh NAME = CODE and send the notice again: it is then offered as an update."
    ).format(count=count)


def _deadline_of(task: "Task") -> str:
    if task.deadline:
        return format_date(task.deadline)
    return _(RECURRENCE_LABELS.get(task.recurrence or ONGOING, RECURRENCE_LABELS[ONGOING]))


def describe_change(change: "Changed") -> str:
    task, found = change.task, change.found
    lines = [f"#{task.id} ({found.ref}) {shorten(task.title, 100)}"]
    if change.deadline:
        lines.append(
            "   "
            + _("Deadline: {deadline}").format(deadline=f"{_deadline_of(task)} → {_deadline(found.deadline)}")
        )
    for label, added, removed in (
        (_("Lead: {agencies}"), change.leads_added, change.leads_removed),
        (_("Cooperating: {agencies}"), change.coops_added, change.coops_removed),
    ):
        if added or removed:
            signed = [f"+ {a.name}" for a in added] + [f"− {a.name}" for a in removed]
            lines.append("   " + label.format(agencies="; ".join(signed)))
    if change.coop_text:
        from dondoc.notices.importer import coop_text

        lines.append("   " + _("Cooperating, as written: {names}").format(names=coop_text(found) or "—"))
    if change.text:
        lines.append("   " + _("New text: {text}").format(text=shorten(found.text, 300)))
    return "\n".join(lines)


def describe_update(
    update: "NoticeUpdate",
    parsed: "ParsedNotice",
    hints: "Hints | None",
    counts: "dict[str, int] | None" = None,
) -> str:
    notice = update.notice
    lines = [
        _(
            "Notice {notice} was imported already (notice #{number}). This version: {new} new task(s), "
            "{changed} changed, {dropped} dropped."
        ).format(
            notice=notice.number or shorten(notice.title, 80),
            number=notice.id,
            new=len(update.new),
            changed=len(update.changed),
            dropped=len(update.dropped),
        )
    ]
    if update.new:
        lines.append(_("New tasks:"))
        lines += [describe_found_task(t, counts) for t in update.new]
    if update.changed:
        lines.append(_("Changed tasks:"))
        lines += [describe_change(c) for c in update.changed]
    if update.dropped:
        lines.append(_("Tasks no longer in the notice (they will be cancelled):"))
        lines += [f"#{t.id} ({t.ref or '—'}) {shorten(t.title, 100)}" for t in update.dropped]
    if update.held:
        lines.append(_("Not imported:"))
        lines += [describe_found_task(t, counts) for t in update.held]
    lines += unknown_names_lines(parsed.unknown, hints)
    return "\n".join(lines)


@dataclass
class Preview:
    """What a notice sent to the office would do: import some tasks, update a notice, or nothing."""

    kind: str  # "import", "update", "unassigned" (no task has a lead in the directory) or "nothing"
    text: str  # the preview and, when there is nothing to do, why
    parsed: "ParsedNotice"
    assigned: int = 0  # tasks that would be imported
    held: int = 0  # tasks without a lead in the directory
    update: "NoticeUpdate | None" = None


def preview(session: "Session", text: str, today: dt.date, tz: ZoneInfo) -> Preview:
    """Read the notice and say what importing it would do; writes nothing. Shared by /nhap and
    `dondoc notice import`."""
    from dondoc.notices.changes import plan_update
    from dondoc.notices.importer import assigned_tasks, find_earlier
    from dondoc.notices.mentions import Directory
    from dondoc.notices.parse import parse_notice
    from dondoc.nudges.workdays import office_calendar
    from dondoc.store.agencies import agency_counts_by_kind, closest_agencies

    directory = Directory.load(session)
    parsed = parse_notice(text, directory, today, office_calendar(session))
    hints = closest_agencies(session, parsed.unknown)
    counts = agency_counts_by_kind(session)
    earlier = find_earlier(session, parsed, text)
    if earlier is not None:
        update = plan_update(session, earlier, parsed, text, directory, tz)
        if update.empty:
            if update.same_text:
                message = _("This notice was imported already (notice #{number}); nothing was added.").format(
                    number=earlier.id
                )
            else:
                message = _(
                    "This notice is a version of notice #{number}, imported already, that changes none of "
                    "its tasks; nothing was changed."
                ).format(number=earlier.id)
            if update.held:
                message += "\n" + "\n".join(unknown_names_lines(parsed.unknown, hints))
                message += "\n" + held_line(len(update.held))
            return Preview("nothing", message, parsed, held=len(update.held), update=update)
        summary = describe_update(update, parsed, hints, counts)
        if update.held:
            summary += "\n" + held_line(len(update.held))
        return Preview("update", summary, parsed, len(update.new), len(update.held), update)
    if not parsed.tasks:
        return Preview(
            "nothing",
            _(
                "I found no assigned tasks in this text. A notice lists tasks as numbered or lettered "
                "items (1., a), -) naming the agency in charge."
            ),
            parsed,
        )
    summary = describe_notice(parsed, hints, counts)
    ready = len(assigned_tasks(parsed))
    held = len(parsed.tasks) - ready
    if ready == 0:
        summary += "\n" + _(
            "No task has a lead agency in the directory, so nothing can be imported. Map the names with "
            "/bidanh NAME = CODE, then send the notice again."
        )
        return Preview("unassigned", summary, parsed, held=held)
    if held:
        summary += "\n" + held_line(held)
    return Preview("import", summary, parsed, ready, held)


def _source_text(ctx: Context, args: str) -> str | None:
    for attachment in ctx.incoming.attachments:
        if attachment.content is None:  # the messenger had it but it was too large to fetch
            raise Refusal(read_problem_message(ReadProblem.TOO_LARGE))
        try:
            return read_notice(attachment.content, attachment.filename)
        except NoticeReadError as error:
            raise Refusal(read_problem_message(error.problem)) from error
    return nfc(args) if args.strip() else None


@router.command(
    "nhap",
    roles=access.OFFICE,
    summary=N_("import a notice: pasted text or a .docx/.pdf file"),
    syntax=N_("/nhap [notice text]"),
    aliases=("import",),
)
def import_command(ctx: Context, args: str) -> list[Reply]:
    text = _source_text(ctx, args)
    if text is None:
        return [
            flows.ask(
                ctx,
                "import",
                {"step": "wait"},
                _("Send the notice: paste its text, or attach a .docx, .pdf or .txt file."),
            )
        ]
    return [_preview(ctx, text)]


def _preview(ctx: Context, text: str) -> Reply:
    if len(text) > MAX_NOTICE_CHARS:
        raise Refusal(_(READ_PROBLEMS[ReadProblem.TOO_LARGE]))
    found = preview(ctx.session, text, ctx.today, ctx.tz)
    if found.kind == "nothing":
        flows.end(ctx)
        raise Refusal(found.text)
    if found.kind == "unassigned":
        flows.end(ctx)
        return Reply(found.text)  # the tasks found, and why none can be imported
    if found.update is not None:
        notice = found.update.notice
        return flows.ask(
            ctx,
            "import",
            {"step": "update", "text": text},
            found.text + "\n" + _("Update notice {notice}?").format(notice=notice.number or f"#{notice.id}"),
            [Choice(_("Update"), "update"), Choice(_("Cancel"), "cancel")],
        )
    if found.held:
        question = _("Import the {count} task(s) with a lead?").format(count=found.assigned)
        label = _("Import the {count} task(s) with a lead").format(count=found.assigned)
    else:
        question = _("Import these {count} task(s)?").format(count=found.assigned)
        label = _("Import")
    return flows.ask(
        ctx,
        "import",
        {"step": "confirm", "text": text},
        found.text + "\n" + question,
        [Choice(label, "import"), Choice(_("Cancel"), "cancel")],
    )


@router.flow("import")
def import_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    if state.get("step") == "wait":
        source = _source_text(ctx, text)
        if source is None:
            raise Refusal(_("Send the notice: paste its text, or attach a .docx, .pdf or .txt file."))
        return [_preview(ctx, source)]
    if choice == "cancel":
        flows.end(ctx)
        return [Reply(_("Cancelled. Nothing was recorded."))]
    wanted = "update" if state.get("step") == "update" else "import"
    if choice != wanted:
        if wanted == "update":
            raise Refusal(_("Please answer 1 (update) or 2 (cancel)."))
        raise Refusal(_("Please answer 1 (import) or 2 (cancel)."))
    flows.end(ctx)
    source = state["text"]
    found = preview(ctx.session, source, ctx.today, ctx.tz)
    if found.kind != wanted:  # the notices or the directory changed since the preview: show it again
        return [_preview(ctx, source)]
    return [Reply(apply_preview(ctx.session, found, source, ctx.person, ctx.now, ctx.today))]


def apply_preview(
    session: "Session", found: Preview, text: str, person: "Person | None", now: dt.datetime, today: dt.date
) -> str:
    """Import the assigned tasks of a previewed notice, or apply its update; returns what happened."""
    if found.update is not None:
        from dondoc.handlers.edits import Editor
        from dondoc.notices.changes import apply_update

        return apply_update(Editor(session, person, now, today), found.update, found.parsed, text)
    from dondoc.notices.importer import import_and_tell

    result, outcome = import_and_tell(session, found.parsed, text, person, now, today)
    if result.duplicate:
        raise Refusal(outcome)
    return outcome
