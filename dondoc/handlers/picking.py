"""Which assignment an office command means: `/xacnhan N [AGENCY]`, `/tralai N [AGENCY] lý do` …

The agency may be left out when the task has one lead agency; with several, the bot lists those the
command can act on and asks which (each choice is the full command). A reason the command needs and
was not given is asked for in a short flow.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dondoc.handlers import access, parsing
from dondoc.handlers import conversation as flows
from dondoc.handlers.messages import Choice, Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.i18n import _
from dondoc.store.agencies import alias_keys, find_agency
from dondoc.store.models import AgencyRole, Task, TaskAgency
from dondoc.store.tasks import parts_of_task
from dondoc.text import key

router = Router()
MAX_AGENCY_WORDS = 10
REASON_FLOW = "reason"
Action = Callable[[Context, Task, TaskAgency, str], list[Reply]]
ACTIONS: dict[str, Action] = {}  # command name -> what it does once the assignment and reason are known


@dataclass(frozen=True)
class Picked:
    task: Task
    part: TaskAgency | None  # None: the person was asked which
    rest: str
    question: Reply | None = None


def _alias_keys(ctx: Context, parts: list[TaskAgency]) -> dict[str, TaskAgency]:
    by_agency = {p.agency_id: p for p in parts}
    keys = {folded: by_agency[agency_id] for agency_id, folded in alias_keys(ctx.session, by_agency)}
    keys.pop("", None)
    return keys


def named_part(ctx: Context, parts: list[TaskAgency], text: str) -> tuple[TaskAgency | None, str, bool]:
    """The lead part whose agency `text` opens with (longest name first), the text after it, and whether
    the opening words name some other agency of the directory."""
    words = text.split()
    keys = _alias_keys(ctx, parts)
    for count in range(min(MAX_AGENCY_WORDS, len(words)), 0, -1):
        if (part := keys.get(key(" ".join(words[:count])))) is not None:
            return part, " ".join(words[count:]), False
    for count in range(min(MAX_AGENCY_WORDS, len(words)), 0, -1):
        if find_agency(ctx.session, " ".join(words[:count])) is not None:
            return None, text, True
    return None, text, False


def pick(
    ctx: Context,
    command: str,
    args: str,
    candidates: Callable[[TaskAgency], bool],
    none_waiting: str,
) -> Picked:
    """Task N and the lead assignment the office means. `candidates` tells which assignments the command
    can act on; `none_waiting` is the refusal (with {number}) when there are none."""
    word, rest = parsing.split_first(args)
    task = access.visible_task(ctx, parsing.task_number(word, f"/{command} 12"))
    leads = [p for p in parts_of_task(ctx.session, task.id) if p.role == AgencyRole.LEAD]
    part, rest, other_agency = named_part(ctx, leads, rest)
    if part is not None:
        return Picked(task, part, rest)
    if len(leads) == 1 and not other_agency:
        return Picked(task, leads[0], rest)
    waiting = [p for p in leads if candidates(p)]
    if not waiting:
        raise Refusal(none_waiting.format(number=task.id))
    if other_agency:
        raise Refusal(
            _(
                "That agency is not a lead agency of task #{number}. Lead agencies it can act on: {agencies}."
            ).format(
                number=task.id, agencies="; ".join(f"{p.agency.name} ({p.agency.code})" for p in waiting[:20])
            )
        )
    suffix = f" {rest}" if rest else ""
    choices = [
        Choice(p.agency.name[:60], f"/{command} {task.id} {p.agency.code}{suffix}") for p in waiting[:20]
    ]
    question = flows.ask(
        ctx,
        "pick",
        {},
        _(
            "Task #{number} has several lead agencies. Which one? Answer with its number, or type "
            "/{command} {number} AGENCY …"
        ).format(number=task.id, command=command),
        choices,
    )
    return Picked(task, None, rest, question)


def run(
    ctx: Context,
    command: str,
    args: str,
    candidates: Callable[[TaskAgency], bool],
    none_waiting: str,
    reason_question: str | None = None,
) -> list[Reply]:
    """Pick the assignment, ask for a missing reason if the command needs one, then act."""
    picked = pick(ctx, command, args, candidates, none_waiting)
    if picked.part is None:
        assert picked.question is not None
        return [picked.question]
    if reason_question is not None and not picked.rest.strip():
        state: dict[str, Any] = {"command": command, "task": picked.task.id, "agency": picked.part.agency_id}
        return [flows.ask(ctx, REASON_FLOW, state, reason_question.format(number=picked.task.id))]
    rest = parsing.report_text(picked.rest, "…") if reason_question is not None else picked.rest
    return ACTIONS[command](ctx, picked.task, picked.part, rest)


@router.flow(REASON_FLOW)
def reason_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    task = access.visible_task(ctx, int(state["task"]))
    part = next(
        (
            p
            for p in parts_of_task(ctx.session, task.id)
            if p.agency_id == state["agency"] and p.role == AgencyRole.LEAD
        ),
        None,
    )
    flows.end(ctx)
    if part is None or state.get("command") not in ACTIONS:
        raise Refusal(_("Type /help to see your commands."))
    return ACTIONS[state["command"]](ctx, task, part, parsing.report_text(text, "…"))


@router.flow("pick")
def pick_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    count = len(state.get(flows.CHOICES_KEY, []))
    raise Refusal(
        _("Please answer with a number from 1 to {count}, or type “hủy” to stop.").format(count=count)
    )
