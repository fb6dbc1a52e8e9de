"""The office changes tasks: /sua N (text, deadline, lead or cooperating agencies) and /huy N.

Agencies added are told as for a new task, agencies taken off are told it is no longer theirs; every
change goes to the audit log, which `/xem N` shows. The changes themselves (`change_text`,
`change_deadline`, `change_agencies`, `cancel_parts`) take an `Editor`, so that a notice sent again with
changes (`dondoc.notices.changes`) applies them the same way, from chat or from the command line.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dondoc.handlers import access, notify, parsing, picking
from dondoc.handlers import conversation as flows
from dondoc.handlers.messages import Choice, Context, Refusal, Reply
from dondoc.handlers.new_tasks import ONGOING_WORDS, tell_new_parts
from dondoc.handlers.registry import Router
from dondoc.handlers.render import deadline_phrase
from dondoc.i18n import N_, _, format_date
from dondoc.store import audit
from dondoc.store.assignments import cancel, reopen
from dondoc.store.models import Agency, AgencyRole, AssignmentState, Person, Task, TaskAgency, TaskStatus
from dondoc.store.tasks import TITLE_LENGTH, add_part, parts_of_task, refresh_task_status
from dondoc.text import fold, shorten

router = Router()
FIELD_WORDS = {
    "han": "deadline",
    "hanchot": "deadline",
    "thoihan": "deadline",
    "deadline": "deadline",
    "noidung": "text",
    "text": "text",
    "chutri": "lead",
    "lead": "lead",
    "phoihop": "coop",
    "coop": "coop",
}
_SIGNED = re.compile(r"(?:^|\s)([+-])\s*")
EDIT_USAGE = N_(
    "Type what to change, for example:\n/sua {number} hạn 30/4/2026\n/sua {number} chutri +STC -SYT\n"
    "/sua {number} phoihop +Sở Tư pháp\n/sua {number} noidung the new text\nor /sua {number} alone to be "
    "guided."
)


@dataclass(frozen=True)
class Editor:
    """Who changes tasks, and when: the office in chat (`Editor.of(ctx)`), or the command line (nobody)."""

    session: Session
    person: Person | None
    now: dt.datetime
    today: dt.date

    @classmethod
    def of(cls, ctx: Context) -> "Editor":
        return cls(ctx.session, ctx.person, ctx.now, ctx.today)


def _field(words: list[str]) -> tuple[str | None, int]:
    """'hạn', 'chủ trì', 'nội dung' … (one or two words) -> the field, and how many words it took."""
    for count in (2, 1):
        if len(words) >= count and (field := FIELD_WORDS.get(fold("".join(words[:count])).replace(" ", ""))):
            return field, count
    return None, 0


def _open_task(ctx: Context, number: int) -> Task:
    task = access.visible_task(ctx, number)
    if task.status != TaskStatus.OPEN:
        raise Refusal(
            _("Task #{number} is closed ({status}); it cannot be changed.").format(
                number=task.id, status=_("done") if task.status == TaskStatus.DONE else _("cancelled")
            )
        )
    return task


@router.command(
    "sua",
    roles=access.OFFICE,
    summary=N_("change a task: text, deadline, lead or cooperating agencies"),
    syntax=N_("/sua N [hạn|chutri|phoihop|noidung] …"),
    aliases=("edit",),
)
def edit(ctx: Context, args: str) -> list[Reply]:
    word, rest = parsing.split_first(args)
    if not word:
        raise Refusal(_(EDIT_USAGE).format(number=12))
    task = _open_task(ctx, parsing.task_number(word, "/sua 12 hạn 30/4/2026"))
    words = rest.split()
    if not words:
        return [_ask_field(ctx, task)]
    field, count = _field(words)
    if field is None:
        raise Refusal(_(EDIT_USAGE).format(number=task.id))
    value = rest.split(None, count)[count] if len(words) > count else ""
    if not value.strip():
        return [_ask_value(ctx, task, field)]
    return apply_edit(ctx, task, field, value)


def _ask_field(ctx: Context, task: Task) -> Reply:
    choices = [
        Choice(_("Text"), "text"),
        Choice(_("Deadline"), "deadline"),
        Choice(_("Lead agencies"), "lead"),
        Choice(_("Cooperating agencies"), "coop"),
    ]
    return flows.ask(
        ctx,
        "edit",
        {"task": task.id, "step": "field"},
        _("What do you want to change in task #{number}: {title}?").format(
            number=task.id, title=shorten(task.title, 100)
        ),
        choices,
    )


def _ask_value(ctx: Context, task: Task, field: str) -> Reply:
    questions = {
        "text": _("Write the new text of task #{number}."),
        "deadline": _("Write the new deadline of task #{number} (for example 30/4/2026, or “thường xuyên”)."),
        "lead": _("Which lead agencies to add or take off task #{number}? For example: +STC -Sở Y tế"),
        "coop": _(
            "Which cooperating agencies to add or take off task #{number}? For example: +Sở Tư pháp -STC"
        ),
    }
    return flows.ask(
        ctx,
        "edit",
        {"task": task.id, "step": "value", "field": field},
        questions[field].format(number=task.id),
    )


@router.flow("edit")
def edit_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    task = _open_task(ctx, int(state["task"]))
    if state.get("step") == "field":
        if choice not in ("text", "deadline", "lead", "coop"):
            raise Refusal(
                _("Please answer with a number from 1 to {count}, or type “hủy” to stop.").format(count=4)
            )
        return [_ask_value(ctx, task, choice)]
    flows.end(ctx)
    return apply_edit(ctx, task, state["field"], text)


def apply_edit(ctx: Context, task: Task, field: str, value: str) -> list[Reply]:
    if field == "text":
        return _edit_text(ctx, task, value)
    if field == "deadline":
        return _edit_deadline(ctx, task, value)
    return _edit_agencies(ctx, task, AgencyRole.LEAD if field == "lead" else AgencyRole.COOP, value)


def _edit_text(ctx: Context, task: Task, value: str) -> list[Reply]:
    return [Reply(change_text(Editor.of(ctx), task, parsing.report_text(value, "…")))]


def _standing_parts(session: Session, task: Task) -> list[TaskAgency]:
    return [
        p
        for p in parts_of_task(session, task.id)
        if p.state in (AssignmentState.OPEN, AssignmentState.REPORTED)
    ]


def change_text(editor: Editor, task: Task, text: str) -> str:
    """New text for the task; its agencies are told. Returns the answer for the office."""
    task.text, task.title = text, shorten(text, TITLE_LENGTH)
    audit.record(
        editor.session, editor.person, "task.edit", editor.now, subject=f"task:{task.id}", what=_("text")
    )
    parts = _standing_parts(editor.session, task)

    def told(person: Person) -> str:
        return _(
            "✏️ The office has changed the text of task #{number}:\n{text}\nType /xem {number} to read it."
        ).format(number=task.id, text=shorten(text, 600))

    notify.tell_agencies(editor.session, [p.agency_id for p in parts], editor.now, "task", told)
    return _("✏️ Task #{number} now reads: {text}").format(number=task.id, text=shorten(text, 300))


def _edit_deadline(ctx: Context, task: Task, value: str) -> list[Reply]:
    ongoing = fold(value) in ONGOING_WORDS
    deadline = None if ongoing else parsing.date(value, ctx.today)
    if deadline is not None and deadline < ctx.today:
        raise Refusal(
            _("The deadline {date} has already passed. Give a date from today on.").format(
                date=format_date(deadline)
            )
        )
    recurrence = None if deadline else (task.recurrence or "ongoing")
    return [Reply(change_deadline(Editor.of(ctx), task, deadline, value.strip(), recurrence))]


def change_deadline(
    editor: Editor, task: Task, deadline: dt.date | None, deadline_text: str | None, recurrence: str | None
) -> str:
    """A new deadline (None: no fixed date, see `recurrence`) for the task and each standing part, an
    approved extension beyond it kept; the agencies are told. Returns the answer for the office."""
    before = task.deadline
    task.deadline, task.deadline_text = deadline, (deadline_text or "")[:300] or None
    task.recurrence = recurrence
    parts = _standing_parts(editor.session, task)
    for part in parts:  # an approved extension beyond the new date stands
        kept = (
            part.extended and part.deadline is not None and deadline is not None and part.deadline > deadline
        )
        part.original_deadline = deadline
        part.deadline = part.deadline if kept else deadline
    audit.record(
        editor.session,
        editor.person,
        "task.edit",
        editor.now,
        subject=f"task:{task.id}",
        what=_("deadline {before} → {after}").format(
            before=format_date(before) if before else "—", after=format_date(deadline) if deadline else "—"
        ),
    )
    phrase = deadline_phrase(deadline, editor.today)

    def told(person: Person) -> str:
        return _(
            "📅 The office has changed the deadline of task #{number}: {title}\nNew deadline: {deadline}"
        ).format(
            number=task.id, title=shorten(task.title, 120), deadline=deadline_phrase(deadline, editor.today)
        )

    notify.tell_agencies(editor.session, [p.agency_id for p in parts], editor.now, "task", told)
    return _("📅 Task #{number} is now due {deadline}.").format(number=task.id, deadline=phrase)


def _signed_agencies(ctx: Context, value: str) -> list[tuple[str, Agency]]:
    """'+STC -Sở Y tế' -> [('+', Sở Tài chính), ('-', Sở Y tế)]."""
    pieces = _SIGNED.split(" " + value.strip())
    if len(pieces) < 3 or pieces[0].strip():
        raise Refusal(
            _("Put + before each agency to add and - before each to take off, for example: +STC -Sở Y tế")
        )
    return [(pieces[i], parsing.agency(ctx.session, pieces[i + 1])) for i in range(1, len(pieces) - 1, 2)]


def _edit_agencies(ctx: Context, task: Task, role: AgencyRole, value: str) -> list[Reply]:
    lines = change_agencies(Editor.of(ctx), task, role, _signed_agencies(ctx, value))
    return [Reply("\n".join([_("✏️ Task #{number} changed:").format(number=task.id), *lines]))]


def change_agencies(
    editor: Editor,
    task: Task,
    role: AgencyRole,
    changes: list[tuple[str, Agency]],
    reason: str | None = None,
    strict: bool = True,
) -> list[str]:
    """Add ('+') or take off ('-') lead or cooperating agencies; the added are told as for a new task, the
    taken off that it is no longer theirs (`reason` is kept on their cancelled part). Returns a line for
    the office per change.

    `strict` (/sua): a change that cannot be made is refused. Otherwise (a notice sent again) it is left
    out: an agency already where the change would put it, a lead named as cooperating, an agency that has
    done its part, and taking off the last lead."""
    session, person, now = editor.session, editor.person, editor.now
    parts = {p.agency_id: p for p in parts_of_task(session, task.id)}
    added: list[TaskAgency] = []
    removed: list[TaskAgency] = []
    lines: list[str] = []
    for sign, agency in changes:
        part = parts.get(agency.id)
        # The agency's part; None when it has none, or only a cancelled one.
        standing = part if part is not None and part.state != AssignmentState.CANCELLED else None
        if sign == "+":
            if standing is not None and standing.role == role:
                if strict:
                    lines.append(
                        _("{agency} is already on task #{number}.").format(agency=agency.name, number=task.id)
                    )
                continue
            if standing is not None and standing.role == AgencyRole.LEAD:
                if not strict:
                    continue
                raise Refusal(
                    _(
                        "{agency} leads task #{number}; take it off the leads first: /sua {number} chutri "
                        "-{code}"
                    ).format(agency=agency.name, number=task.id, code=agency.code)
                )
            if part is None:
                part = add_part(session, task, agency, role, now)
                session.flush()
                parts[agency.id] = part
            else:
                part.role = role
                part.deadline = part.original_deadline = task.deadline
                reopen(session, task, part, now)
            added.append(part)
        else:
            if standing is None or standing.role != role:
                if not strict:
                    continue
                raise Refusal(
                    _("{agency} is not a {part} agency of task #{number}.").format(
                        agency=agency.name,
                        part=_("lead") if role == AgencyRole.LEAD else _("cooperating"),
                        number=task.id,
                    )
                )
            if standing.state == AssignmentState.DONE:
                message = _(
                    "{agency} has already done its part of task #{number}; it stays credited and cannot "
                    "be taken off."
                ).format(agency=agency.name, number=task.id)
                if strict:
                    raise Refusal(message)
                lines.append(message)
                continue
            removed.append(standing)
    if role == AgencyRole.LEAD:
        remaining = [
            p
            for p in parts.values()
            if p.role == AgencyRole.LEAD and p.state != AssignmentState.CANCELLED and p not in removed
        ]
        if not remaining:
            message = _(
                "Task #{number} would have no lead agency left. To cancel the task type /huy {number} reason."
            ).format(number=task.id)
            if strict:
                raise Refusal(message)
            lines.append(message)
            removed = []
    for part in removed:
        cancel(session, part, person, reason or _("taken off the task by the office"), now)
    refresh_task_status(session, task, now)
    action_add, action_remove = (
        ("assignment.add", "assignment.remove") if role == AgencyRole.LEAD else ("coop.add", "coop.remove")
    )
    for part in added:
        audit.record_part(session, person, action_add, now, part)
        lines.append(_("Added: {agency}").format(agency=part.agency.name))
    for part in removed:
        audit.record_part(session, person, action_remove, now, part)
        lines.append(_("Taken off: {agency}").format(agency=part.agency.name))
    told = tell_new_parts(session, [(task, p) for p in added], now, editor.today)
    _tell_removed(editor, task, removed)
    if added:
        lines.append(_("{told} people of the added agencies were told.").format(told=told))
        if nobody := notify.nobody_line(session, [p.agency_id for p in added]):
            lines.append(nobody)
    return lines


def _tell_removed(editor: Editor, task: Task, removed: list[TaskAgency]) -> None:
    for part in removed:

        def told(person: Person, part: TaskAgency = part) -> str:
            return _(
                "Dear {agency},\nTask #{number} ({title}) is no longer assigned to your agency; no more "
                "reports are needed.\nRespectfully."
            ).format(agency=part.agency.name, number=task.id, title=shorten(task.title, 120))

        notify.tell_agencies(editor.session, [part.agency_id], editor.now, "task", told)


@router.command(
    "huy",
    roles=access.OFFICE,
    summary=N_("cancel a task, or one agency's part of it"),
    syntax=N_("/huy N [AGENCY] reason"),
    aliases=("cancel",),
)
def cancel_task(ctx: Context, args: str) -> list[Reply]:
    word, rest = parsing.split_first(args)
    task = _open_task(ctx, parsing.task_number(word, "/huy 12 Không còn phù hợp"))
    parts = parts_of_task(ctx.session, task.id)
    leads = [p for p in parts if p.role == AgencyRole.LEAD]
    part, reason, _other = picking.named_part(ctx, leads, rest) if len(leads) > 1 else (None, rest, False)
    if not reason.strip():
        raise Refusal(
            _(
                "Please give the reason, for example: /huy {number} Nội dung đã được thay thế bằng Kế hoạch "
                "45/KH-UBND"
            ).format(number=task.id)
        )
    reason = parsing.report_text(reason, "…")
    if part is not None:
        if part.state in (AssignmentState.DONE, AssignmentState.CANCELLED):
            raise Refusal(
                _("Task #{number} is already {state} for {agency}.").format(
                    number=task.id,
                    agency=part.agency.name,
                    state=_("done") if part.state == AssignmentState.DONE else _("cancelled"),
                )
            )
        if not [p for p in leads if p is not part and p.state != AssignmentState.CANCELLED]:
            part = None  # the last lead: the whole task goes
    targets = cancel_parts(Editor.of(ctx), task, part, reason)
    if part is not None:
        return [
            Reply(
                _("Cancelled task #{number} for {agency}. The other agencies go on with it.").format(
                    number=task.id, agency=part.agency.name
                )
            )
        ]
    return [
        Reply(
            _("Cancelled task #{number} ({count} agencies told it is no longer theirs).").format(
                number=task.id, count=len(targets)
            )
        )
    ]


def cancel_parts(editor: Editor, task: Task, part: TaskAgency | None, reason: str) -> list[TaskAgency]:
    """Cancel one lead's part (`part`), or the whole task (None: every open or reported part), record
    why, and tell the agencies it is no longer theirs. Returns the parts cancelled."""
    session, now = editor.session, editor.now
    targets = [part] if part is not None else _standing_parts(session, task)
    for target in targets:
        cancel(session, target, editor.person, reason, now)
    refresh_task_status(session, task, now)
    if part is None:
        audit.record(session, editor.person, "task.cancel", now, subject=f"task:{task.id}", reason=reason)
    else:
        audit.record_part(session, editor.person, "assignment.cancel", now, part, reason=reason)

    for target in targets:

        def told(person: Person, target: TaskAgency = target) -> str:
            return _(
                "Dear {agency},\nThe office has cancelled task #{number} ({title}) for your "
                "agency.\nReason: {reason}\nNo more reports are needed.\nRespectfully."
            ).format(agency=target.agency.name, number=task.id, title=shorten(task.title, 120), reason=reason)

        notify.tell_agencies(session, [target.agency_id], now, "task", told)
    return targets
