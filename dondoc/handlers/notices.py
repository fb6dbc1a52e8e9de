"""/nhap: the office sends a notice (pasted text or a file), checks the tasks found, then imports them."""

from typing import TYPE_CHECKING, Any

from dondoc.handlers import access
from dondoc.handlers import conversation as flows
from dondoc.handlers.messages import Choice, Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.i18n import N_, _, format_date
from dondoc.notices import ONGOING
from dondoc.notices.reader import NoticeReadError, ReadProblem, read_notice
from dondoc.text import nfc, shorten

if TYPE_CHECKING:
    from dondoc.notices.mentions import Mention
    from dondoc.notices.parse import FoundTask, ParsedNotice

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


def _names(mentions: "list[Mention]") -> list[str]:
    return [
        _("every agency in the directory") if m.collective else (m.agency.name if m.agency else m.as_written)
        for m in mentions
    ]


def describe_found_task(task: "FoundTask") -> str:
    """One found task for the preview: ref, lead, cooperating agencies, deadline, the start of its text."""
    if task.deadline.date:
        deadline = format_date(task.deadline.date)
        if task.deadline.text:
            deadline += f" (“{task.deadline.text}”)"
        if task.deadline.recurrence:
            deadline += ", " + _(RECURRENCE_LABELS[task.deadline.recurrence])
    else:
        deadline = _(RECURRENCE_LABELS.get(task.deadline.recurrence or ONGOING, RECURRENCE_LABELS[ONGOING]))
    lines = [f"{task.ref} — " + _("Lead: {agencies}").format(agencies="; ".join(_names(task.leads)) or "—")]
    coops = _names(task.coops) + task.coop_text
    if coops:
        lines.append("   " + _("Cooperating: {agencies}").format(agencies="; ".join(coops)))
    lines.append("   " + _("Deadline: {deadline}").format(deadline=deadline))
    lines.append("   " + shorten(task.text, 160))
    return "\n".join(lines)


def describe_notice(parsed: "ParsedNotice") -> str:
    source = parsed.number or shorten(parsed.title, 80)
    lines = [_("Notice {notice}: {count} task(s) found.").format(notice=source, count=len(parsed.tasks))]
    lines += [describe_found_task(t) for t in parsed.tasks]
    if parsed.unknown:
        lines.append(
            _("⚠️ Agencies the directory does not know: {names}.").format(
                names="; ".join(f"“{n}”" for n in parsed.unknown)
            )
        )
    return "\n".join(lines)


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
    from dondoc.notices.importer import find_imported
    from dondoc.notices.mentions import Directory
    from dondoc.notices.parse import parse_notice

    if len(text) > MAX_NOTICE_CHARS:
        raise Refusal(_(READ_PROBLEMS[ReadProblem.TOO_LARGE]))
    existing = find_imported(ctx.session, text)
    if existing is not None:
        flows.end(ctx)
        raise Refusal(
            _("This notice was imported already (notice #{number}); nothing was added.").format(
                number=existing.id
            )
        )
    parsed = parse_notice(text, Directory.load(ctx.session), ctx.today)
    if not parsed.tasks:
        flows.end(ctx)
        raise Refusal(
            _(
                "I found no assigned tasks in this text. A notice lists tasks as numbered or lettered "
                "items (1., a), -) naming the agency in charge."
            )
        )
    summary = describe_notice(parsed)
    if parsed.unknown:
        flows.end(ctx)
        return Reply(
            summary
            + "\n"
            + _(
                "Nothing was imported. Map each unknown name to an agency with "
                "/bidanh NAME = CODE (for example /bidanh Sở KH-CN = SKHCN), then send the "
                "notice again."
            )
        )
    return flows.ask(
        ctx,
        "import",
        {"step": "confirm", "text": text},
        summary + "\n" + _("Import these {count} task(s)?").format(count=len(parsed.tasks)),
        [Choice(_("Import"), "import"), Choice(_("Cancel"), "cancel")],
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
    if choice != "import":
        raise Refusal(_("Please answer 1 (import) or 2 (cancel)."))
    flows.end(ctx)
    from dondoc.notices.importer import import_and_tell
    from dondoc.notices.mentions import Directory
    from dondoc.notices.parse import parse_notice

    source = state["text"]
    parsed = parse_notice(source, Directory.load(ctx.session), ctx.today)
    result, outcome = import_and_tell(ctx.session, parsed, source, ctx.person, ctx.now, ctx.today)
    if result.duplicate:
        raise Refusal(outcome)
    return [Reply(outcome)]
