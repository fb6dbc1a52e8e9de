"""A notice sent again with changes: the same number and signing date as a notice imported, another text.

What the new version adds, changes and drops is read by comparing it with the version imported (both read
now, with today's directory, so that only the notice's own changes show, not the office's later /sua nor
a newer reading of the same words), and matched to the stored tasks. Applying it adds the new tasks as an
import does, changes the others as /sua does and cancels the dropped ones as /huy does (the same
functions: the agencies are told and the audit log records it), then keeps the new text on the notice.
"""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dondoc.handlers.edits import Editor, cancel_parts, change_agencies, change_deadline, change_text
from dondoc.i18n import _
from dondoc.notices.importer import (
    agencies_of,
    assigned,
    content_hash,
    coop_text,
    store_tasks,
    tell_agencies,
)
from dondoc.notices.mentions import Directory
from dondoc.notices.parse import FoundTask, ParsedNotice, parse_notice
from dondoc.nudges.workdays import office_calendar
from dondoc.store import audit
from dondoc.store.agencies import list_agencies
from dondoc.store.models import Agency, AgencyRole, AssignmentState, Notice, Task, TaskStatus
from dondoc.store.notices import tasks_of_notice
from dondoc.store.tasks import TITLE_LENGTH
from dondoc.text import fold, shorten

SIMILAR = 85  # rapidfuzz ratio of two tasks' folded texts from which they are the same task reworded


@dataclass
class Changed:
    """A stored task and what the new version changes in it."""

    task: Task
    found: FoundTask  # as the new version has it
    text: bool = False  # the wording changed (not only the words of the deadline)
    deadline: bool = False
    leads_added: list[Agency] = field(default_factory=list)
    leads_removed: list[Agency] = field(default_factory=list)
    coops_added: list[Agency] = field(default_factory=list)
    coops_removed: list[Agency] = field(default_factory=list)
    coop_text: bool = False  # the cooperating phrases and unknown names kept as written
    reworded: bool = False  # only the words of the deadline changed in the text: kept without telling

    @property
    def any(self) -> bool:
        return bool(
            self.text
            or self.deadline
            or self.leads_added
            or self.leads_removed
            or self.coops_added
            or self.coops_removed
            or self.coop_text
        )


@dataclass
class NoticeUpdate:
    notice: Notice
    same_text: bool  # the very text imported (sent again, perhaps after /bidanh)
    new: list[FoundTask] = field(default_factory=list)  # to add: assigned, not stored yet
    changed: list[Changed] = field(default_factory=list)
    dropped: list[Task] = field(default_factory=list)  # open tasks the new version no longer has
    held: list[FoundTask] = field(default_factory=list)  # no lead in the directory: left out
    renumbered: list[tuple[Task, str]] = field(default_factory=list)  # unchanged but for the ref

    @property
    def empty(self) -> bool:
        """Nothing to apply (held tasks are not applied)."""
        return not (self.new or self.changed or self.dropped)


def _wording(found: FoundTask) -> str:
    """The task's text without the words of its deadline, which `Changed.deadline` stands for."""
    text = found.text
    if found.deadline.text:
        text = text.replace(found.deadline.text, " ")
    return fold(text)


def _pair(left: list[tuple[str | None, str]], right: list[tuple[str | None, str]]) -> dict[int, int]:
    """Match (ref, folded text) items one to one: right index -> left index. Texts alike first (the best
    first; the same ref breaks ties), then the same ref for what is left."""
    from rapidfuzz import fuzz

    candidates: list[tuple[bool, float, int, int]] = []
    for i, (left_ref, left_text) in enumerate(left):
        for j, (right_ref, right_text) in enumerate(right):
            same_ref = bool(left_ref and right_ref and left_ref.casefold() == right_ref.casefold())
            score = 100.0 if left_text == right_text else fuzz.ratio(left_text, right_text)
            if score >= SIMILAR or same_ref:
                candidates.append((score >= SIMILAR, score + (1 if same_ref else 0), -i, -j))
    candidates.sort(reverse=True)
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _alike, _score, minus_i, minus_j in candidates:
        i, j = -minus_i, -minus_j
        if i not in taken and j not in pairs:
            pairs[j] = i
            taken.add(i)
    return pairs


def plan_update(
    session: Session,
    notice: Notice,
    parsed: ParsedNotice,
    text: str,
    directory: Directory,
    tz: ZoneInfo,
) -> NoticeUpdate:
    """What applying `parsed` (the new version, `text`) to the imported `notice` would do."""
    same_text = content_hash(text) == notice.content_hash
    old = (
        parsed
        if same_text
        else parse_notice(
            notice.source_text, directory, notice.created_at.astimezone(tz).date(), office_calendar(session)
        )
    )
    stored = tasks_of_notice(session, notice.id)
    # Which stored task each task of the version imported became (by ref, then by text: /sua may have
    # changed it); a task of it with none was left out then (no lead in the directory).
    stored_of_old = {
        i: stored[s]
        for i, s in _pair(
            [(t.ref, fold(t.text)) for t in stored], [(f.ref, fold(f.text)) for f in old.tasks]
        ).items()
    }
    old_of_new = _pair(
        [(f.ref, _wording(f)) for f in old.tasks], [(f.ref, _wording(f)) for f in parsed.tasks]
    )
    update = NoticeUpdate(notice, same_text)
    everyone = list_agencies(session)
    for j, found in enumerate(parsed.tasks):
        i = old_of_new.get(j)
        task = stored_of_old.get(i) if i is not None else None
        if task is None:
            (update.new if assigned(found) else update.held).append(found)
        elif task.status != TaskStatus.OPEN:
            continue  # done or cancelled: left as it is
        elif not assigned(found):
            update.held.append(found)  # its new lead is not in the directory: left as it is for now
        else:
            change = _compare(session, task, old.tasks[old_of_new[j]], found, everyone)
            if change.any:
                update.changed.append(change)
            elif task.ref != found.ref:
                update.renumbered.append((task, found.ref))
    kept = set(old_of_new.values())
    update.dropped = [
        task for i, task in stored_of_old.items() if i not in kept and task.status == TaskStatus.OPEN
    ]
    return update


def _ids(agencies: list[Agency]) -> dict[int, Agency]:
    return {a.id: a for a in agencies}


def _compare(session: Session, task: Task, old: FoundTask, new: FoundTask, everyone: list[Agency]) -> Changed:
    change = Changed(task, new)
    change.text = _wording(old) != _wording(new)
    change.reworded = not change.text and fold(old.text) != fold(new.text) and task.text == old.text
    change.deadline = (old.deadline.date, old.deadline.recurrence) != (
        new.deadline.date,
        new.deadline.recurrence,
    )
    standing = {p.agency_id: p.role for p in task.agencies if p.state != AssignmentState.CANCELLED}
    old_leads = _ids(agencies_of(session, old.leads, everyone))
    new_leads = _ids(agencies_of(session, new.leads, everyone))
    # Against the task as it stands: what the office already did with /sua is not done again.
    change.leads_added = [
        a for i, a in new_leads.items() if i not in old_leads and standing.get(i) != AgencyRole.LEAD
    ]
    change.leads_removed = [
        a for i, a in old_leads.items() if i not in new_leads and standing.get(i) == AgencyRole.LEAD
    ]
    leaving = {a.id for a in change.leads_removed}
    old_coops = {
        i: a for i, a in _ids(agencies_of(session, old.coops, everyone)).items() if i not in old_leads
    }
    new_coops = {
        i: a for i, a in _ids(agencies_of(session, new.coops, everyone)).items() if i not in new_leads
    }
    # A name kept as written when the directory did not know it, and known now: the agency joins.
    kept_names = {fold(n) for n in _pieces(task.coop_text)}
    known_now = {m.agency.id for m in new.coops if m.agency is not None and fold(m.as_written) in kept_names}
    change.coops_added = [
        a
        for i, a in new_coops.items()
        if (i not in old_coops or i in known_now) and (i not in standing or i in leaving)
    ]
    change.coops_removed = [
        a for i, a in old_coops.items() if i not in new_coops and standing.get(i) == AgencyRole.COOP
    ]
    # The names kept as written change; not worth a line when they are only the names known now.
    before, after = set(_pieces(task.coop_text)), set(_pieces(coop_text(new)))
    known_names = {fold(m.as_written) for m in new.coops if m.agency is not None and m.agency.id in known_now}
    change.coop_text = bool(after - before or {n for n in before - after if fold(n) not in known_names})
    return change


def _pieces(coop_text: str | None) -> list[str]:
    return [piece for piece in (coop_text or "").split("; ") if piece]


def apply_update(editor: Editor, update: NoticeUpdate, parsed: ParsedNotice, text: str) -> str:
    """Apply a planned update (see `plan_update`); returns what happened, for the office."""
    session, notice = editor.session, update.notice
    source = notice.number or shorten(notice.title, 80)
    lines: list[str] = []
    added = store_tasks(session, notice, update.new, editor.person, editor.now)
    told = tell_agencies(session, added, notice, editor.now, editor.today) if added else 0
    for change in update.changed:
        lines += _apply_change(editor, change, source)
    for task, ref in update.renumbered:
        task.ref = ref
    reason = _("notice {notice} was sent again without this task").format(notice=source)
    for task in update.dropped:
        cancel_parts(editor, task, None, reason)
        lines.append(
            _("Cancelled task #{number}: {title}").format(number=task.id, title=shorten(task.title, 100))
        )
    notice.source_text, notice.content_hash = text, content_hash(text)
    notice.title = parsed.title or notice.title
    notice.issuer, notice.signer = parsed.issuer or notice.issuer, parsed.signer or notice.signer
    notice.meeting_on = parsed.meeting_on or notice.meeting_on
    audit.record(
        session,
        editor.person,
        "notice.update",
        editor.now,
        subject=f"notice:{notice.id}",
        new=len(added),
        changed=len(update.changed),
        dropped=len(update.dropped),
    )
    head = _("✅ Notice {notice} updated: {new} new task(s), {changed} changed, {dropped} cancelled.").format(
        notice=source, new=len(added), changed=len(update.changed), dropped=len(update.dropped)
    )
    if added:
        lines.insert(
            0,
            _("New task(s): {numbers}. {told} people were told of their new tasks.").format(
                numbers=", ".join(f"#{t.id}" for t in added), told=told
            ),
        )
    return "\n".join([head, *lines])


def _apply_change(editor: Editor, change: Changed, source: str) -> list[str]:
    """One task's changes: the text and the deadline first, so that an agency added is told of the task
    as it now stands."""
    task, found = change.task, change.found
    task.ref = found.ref
    lines: list[str] = []
    if change.text:
        lines.append(change_text(editor, task, found.text))
    elif change.reworded:  # the words of the deadline: the deadline's own message says it
        task.text, task.title = found.text, shorten(found.text, TITLE_LENGTH)
    if change.deadline:
        lines.append(
            change_deadline(editor, task, found.deadline.date, found.deadline.text, found.deadline.recurrence)
        )
    reason = _("taken off the task by the updated notice {notice}").format(notice=source)
    parts: list[str] = []
    for role, adds, removes in (
        (AgencyRole.LEAD, change.leads_added, change.leads_removed),
        (AgencyRole.COOP, change.coops_added, change.coops_removed),
    ):
        signed = [("+", a) for a in adds] + [("-", a) for a in removes]
        if signed:
            parts += change_agencies(editor, task, role, signed, reason=reason, strict=False)
    task.coop_text = coop_text(found)  # the names known now leave it with no line: "+ agency" says it
    if change.coop_text:
        what = _("cooperating as written: {names}").format(names=task.coop_text or "—")
        audit.record(
            editor.session, editor.person, "task.edit", editor.now, subject=f"task:{task.id}", what=what
        )
        parts.append(what)
    if parts:
        lines += [_("✏️ Task #{number} changed:").format(number=task.id), *parts]
    return lines
