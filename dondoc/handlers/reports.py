"""Reporting: /baocao (one line or guided) and /hoanthanh, with the lower-percentage confirmation."""

import re
from typing import Any

from dondoc.handlers import access, notify, parsing
from dondoc.handlers import conversation as flows
from dondoc.handlers.messages import Choice, Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.handlers.render import part_deadline
from dondoc.i18n import N_, _, format_date, format_percent_value
from dondoc.store import audit
from dondoc.store.files import MAX_FILE_BYTES, store_file
from dondoc.store.models import AgencyRole, AssignmentState, Person, ReportKind, Role
from dondoc.store.tasks import PartHead, TaskHead, agency_cooperating, agency_unfinished, record_report
from dondoc.text import shorten

router = Router()
REPORT_SYNTAX = N_("/baocao N 60% what was done")
DONE_SYNTAX = N_("/hoanthanh N result (document number, link or file)")
PICK_LIMIT = 10
PERCENT_CHOICES = (25, 50, 75, 100)
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_DOCUMENT_NUMBER = re.compile(r"\b\d{1,6}\s*[-/]\s*[A-ZĐ]{1,12}(?:\s*[-/]\s*[A-ZĐ0-9]{1,12})*")


def names_concrete_product(text: str, has_attachment: bool) -> bool:
    """A completion must show a product: a document number (12/QĐ-UBND), a link or an attached file."""
    return has_attachment or bool(_URL.search(text) or _DOCUMENT_NUMBER.search(text))


def _attachment_evidence(ctx: Context) -> str | None:
    """Attached files are stored; the report names them (and the stored copy's number)."""
    names = []
    for attachment in ctx.incoming.attachments:
        if not attachment.content or len(attachment.content) > MAX_FILE_BYTES:
            raise Refusal(
                _(
                    "The file “{name}” could not be received (files up to 10 MB). Send a link to it instead."
                ).format(name=attachment.filename[:80])
            )
        stored = store_file(
            ctx.session, attachment.content, attachment.filename, attachment.mime_type, ctx.now
        )
        names.append(f"{attachment.filename} (#{stored.id})")
    return ("📎 " + ", ".join(names)) if names else None


@router.command(
    "baocao",
    roles=access.MEMBERS,
    summary=N_("report progress on a task"),
    syntax=REPORT_SYNTAX,
    aliases=("report",),
)
def report(ctx: Context, args: str) -> list[Reply]:
    example = _("/baocao 12 60% Đã hoàn thành dự thảo kế hoạch")
    words = args.split(None, 2)
    if not words:
        return [_ask_task(ctx)]
    task, part = access.reportable(ctx, parsing.task_number(words[0], example))
    if len(words) == 1:
        return [_ask_percent(ctx, {"task": task.id}, task, part)]
    if not parsing.is_percent(words[1]):
        raise Refusal(
            _("Please give the percentage after the task number. For example: {example}").format(
                example=example
            )
        )
    percent = parsing.percent(words[1])
    if len(words) == 2:
        return [_ask_text(ctx, {"task": task.id, "percent": percent})]
    text = parsing.report_text(words[2], example)
    return submit(ctx, (task, part), percent, text, _attachment_evidence(ctx), ReportKind.PROGRESS)


def _ask_task(ctx: Context) -> Reply:
    assert ctx.caller is not None and ctx.caller.agency_id is not None
    leads, lead_total = agency_unfinished(ctx.session, ctx.caller.agency_id, limit=PICK_LIMIT)
    coops, coop_total = agency_cooperating(ctx.session, ctx.caller.agency_id, limit=PICK_LIMIT)
    rows = ([r for r in leads if r.part.state == AssignmentState.OPEN] + coops)[:PICK_LIMIT]
    total = lead_total + coop_total
    if not rows:
        raise Refusal(_("Your agency has no open tasks to report on."))
    choices = [Choice(f"#{r.task.id} {shorten(r.task.title, 40)}", f"task:{r.task.id}") for r in rows]
    text = _("Which task are you reporting on? Answer with its number in this list:")
    if total > len(rows):
        text += "\n" + _("(The {shown} most urgent of {total}. For another task type /baocao N.)").format(
            shown=len(rows), total=total
        )
    return flows.ask(ctx, "report", {"step": "task"}, text, choices)


def _ask_percent(ctx: Context, state: dict[str, Any], task: TaskHead, part: PartHead) -> Reply:
    choices = [Choice(format_percent_value(p), f"pct:{p}") for p in PERCENT_CHOICES]
    text = _(
        "Task #{number}: {title}\nDeadline: {deadline}\nHow far along is it? Choose, or type a "
        "percentage such as 60%."
    ).format(number=task.id, title=shorten(task.title, 120), deadline=part_deadline(part, ctx.today))
    return flows.ask(ctx, "report", {**state, "step": "percent"}, text, choices)


def _ask_text(ctx: Context, state: dict[str, Any]) -> Reply:
    return flows.ask(
        ctx,
        "report",
        {**state, "step": "text"},
        _("What has been done? Write it in one message, with concrete results."),
    )


def _ask_evidence(ctx: Context, state: dict[str, Any]) -> Reply:
    return flows.ask(
        ctx,
        "report",
        {**state, "step": "evidence"},
        _("Attach a file, or send a link or document number as evidence, or skip."),
        [Choice(_("Skip"), "skip")],
    )


@router.flow("report")
def report_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    step = state.get("step")
    if step == "task":
        if choice is None or not choice.startswith("task:"):
            count = len(state.get(flows.CHOICES_KEY, []))
            raise Refusal(
                _("Please answer with a number from 1 to {count}, or type “hủy” to stop.").format(count=count)
            )
        task, part = access.reportable(ctx, int(choice.removeprefix("task:")))
        return [_ask_percent(ctx, {"task": task.id}, task, part)]
    if step == "percent":
        value = int(choice.removeprefix("pct:")) if choice else parsing.percent(text)
        return [_ask_text(ctx, {**state, "percent": value})]
    if step == "text":
        cleaned = parsing.report_text(text, _("Đã hoàn thành dự thảo kế hoạch, gửi Sở Tư pháp thẩm định."))
        return [_ask_evidence(ctx, {**state, "text": cleaned})]
    if step == "evidence":
        evidence = None if choice == "skip" else (_attachment_evidence(ctx) or parsing.report_text(text, "…"))
        return submit(ctx, state["task"], state["percent"], state["text"], evidence, ReportKind.PROGRESS)
    flows.end(ctx)
    raise Refusal(_("Type /help to see your commands."))


@router.command(
    "hoanthanh",
    roles=access.MEMBERS,
    summary=N_("report a task completed, with its result"),
    syntax=DONE_SYNTAX,
    aliases=("done",),
)
def complete(ctx: Context, args: str) -> list[Reply]:
    example = _("/hoanthanh 12 Đã ban hành Kế hoạch số 45/KH-UBND ngày 20/3/2026")
    words = args.split(None, 1)
    if not words:
        raise Refusal(_("Type it like this: {example}").format(example=example))
    task, part = access.completable(ctx, parsing.task_number(words[0], example))
    text = parsing.report_text(words[1] if len(words) > 1 else "", example)
    evidence = _attachment_evidence(ctx)
    if not names_concrete_product(text, evidence is not None):
        return [
            flows.ask(
                ctx,
                "completion",
                {"task": task.id, "text": text},
                _(
                    "A completion report must show a concrete product: send the document number "
                    "(for example 45/KH-UBND), a link, or attach the file."
                ),
            )
        ]
    return submit(ctx, (task, part), 100, text, evidence or text, ReportKind.COMPLETION)


@router.flow("completion")
def completion_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    access.completable(ctx, state["task"])  # things may have changed since it asked
    evidence = _attachment_evidence(ctx)
    if not names_concrete_product(text, evidence is not None):
        raise Refusal(
            _(
                "I still see no document number, link or file. Send one (for example 45/KH-UBND), "
                "or type “hủy” to stop."
            )
        )
    evidence = evidence or parsing.report_text(text, "45/KH-UBND")
    return submit(ctx, state["task"], 100, state["text"], evidence, ReportKind.COMPLETION)


def submit(
    ctx: Context,
    target: tuple[TaskHead, PartHead] | int,
    percent: int,
    text: str,
    evidence: str | None,
    kind: ReportKind,
    confirmed: bool = False,
) -> list[Reply]:
    """Record a report on the agency's part, unless it goes below the agency's last percentage: then ask
    first. A lead agency's completion report moves its assignment to `reported` and asks the office.

    `target` is the task and part the caller checked in this transaction, or a task number saved by a
    flow, checked again here: the flow may answer long after it asked."""
    if isinstance(target, int):
        check = access.completable if kind == ReportKind.COMPLETION else access.reportable
        task, part = check(ctx, target)
    else:
        task, part = target
    reporter = ctx.caller
    assert reporter is not None and reporter.agency is not None
    last = part.last_report
    if not confirmed and last is not None and percent < last.percent:
        state = {"task": task.id, "percent": percent, "text": text, "evidence": evidence, "kind": kind.value}
        question = _(
            "Your agency reported {last} on {date}; you now report {new}. Record the lower figure?"
        ).format(
            last=format_percent_value(last.percent),
            date=format_date(last.created_at.astimezone(ctx.tz).date()),
            new=format_percent_value(percent),
        )
        return [
            flows.ask(
                ctx,
                "confirm_lower",
                state,
                question,
                [Choice(_("Yes, record it"), "yes"), Choice(_("No, cancel"), "no")],
            )
        ]
    report_id = record_report(
        ctx.session,
        part=part,
        person_id=reporter.id,
        kind=kind,
        percent=percent,
        text=text,
        evidence=evidence,
        now=ctx.now,
    )
    audit.record_part(
        ctx.session, reporter, f"report.{kind.value}", ctx.now, part, report_id=report_id, percent=percent
    )
    flows.end(ctx)
    _tell_others(ctx, task, part, kind, percent, text, evidence)
    agency = reporter.agency.name
    if kind == ReportKind.COMPLETION:
        return [
            Reply(
                _(
                    "✅ Completion of task #{number} by {agency} recorded. The office has been asked to "
                    "confirm it; you will be told of its decision."
                ).format(number=task.id, agency=agency)
            )
        ]
    if part.role == AgencyRole.COOP:
        return [
            Reply(
                _(
                    "✅ Recorded: the contribution of {agency} to task #{number}, {percent}. Thank you."
                ).format(agency=agency, number=task.id, percent=format_percent_value(percent))
            )
        ]
    return [
        Reply(
            _("✅ Recorded: task #{number}, {percent}. Thank you.").format(
                number=task.id, percent=format_percent_value(percent)
            )
        )
    ]


@router.flow("confirm_lower")
def confirm_lower_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    answer = {"yes": True, "no": False}.get(choice or "", parsing.is_yes(text))
    if answer is None:
        raise Refusal(_("Please answer 1 (yes, record it) or 2 (no, cancel)."))
    if not answer:
        flows.end(ctx)
        return [Reply(_("Cancelled. Nothing was recorded."))]
    return submit(
        ctx,
        state["task"],
        state["percent"],
        state["text"],
        state["evidence"],
        ReportKind(state["kind"]),
        confirmed=True,
    )


def decision_choices(number: int, code: str) -> list[Choice]:
    """The office's answers to a completion report: confirm, or return it (the bot then asks why)."""
    return [
        Choice(_("✅ Confirm done"), f"/xacnhan {number} {code}"),
        Choice(_("↩️ Return it"), f"/tralai {number} {code}"),
    ]


def _tell_others(
    ctx: Context,
    task: TaskHead,
    part: PartHead,
    kind: ReportKind,
    percent: int,
    text: str,
    evidence: str | None,
) -> None:
    """The agency head sees what officers send; the office hears of completions, with its choices."""
    reporter = ctx.caller
    assert reporter is not None and reporter.agency is not None
    agency = reporter.agency

    def progress_text(person: Person) -> str:
        return _("{who} ({agency}) reported {percent} on task #{number}: {text}").format(
            who=reporter.name,
            agency=agency.name,
            percent=format_percent_value(percent),
            number=task.id,
            text=shorten(text, 300),
        )

    def completion_text(person: Person) -> str:
        lines = [
            _("✅ {agency} reports task #{number} completed ({who}): {text}").format(
                agency=agency.name, number=task.id, who=reporter.name, text=shorten(text, 300)
            )
        ]
        if evidence and evidence != text:
            lines.append(_("Product: {evidence}").format(evidence=shorten(evidence, 300)))
        if person.role == Role.ADMIN:
            lines.append(
                _(
                    "Confirm with /xacnhan {number} {code}, or return it with /tralai {number} {code} and "
                    "the "
                    "reason."
                ).format(number=task.id, code=agency.code)
            )
        else:
            lines.append(_("The office has been asked to confirm it."))
        return "\n".join(lines)

    completion = kind == ReportKind.COMPLETION
    heads = notify.heads(ctx.session, [agency.id], ctx.today) if part.other_heads else []
    notify.tell(
        ctx.session, heads, ctx.now, "report", completion_text if completion else progress_text, skip=reporter
    )
    if completion:
        office = notify.office(ctx.session)
        offer = lambda person: decision_choices(task.id, agency.code)  # noqa: E731
        notify.tell(ctx.session, office, ctx.now, "decision", completion_text, offer, skip=reporter)
