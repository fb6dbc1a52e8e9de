"""When the organisation changes: /sapnhap (agencies merged into one) and /doiten (an agency renamed),
each previewed and confirmed. The previews and the changes are plain functions of a session
(`merger_preview`, `merge_agencies`, `rename_preview`, `rename_agency`), so `dondoc agencies merge` and
`dondoc agencies rename` do the same from the command line."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dondoc.handlers import access, notify, parsing
from dondoc.handlers import conversation as flows
from dondoc.handlers.messages import Choice, Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.handlers.render import names_list
from dondoc.i18n import N_, _, format_date, ngettext
from dondoc.store.agencies import find_agency
from dondoc.store.db import rows_by_id
from dondoc.store.models import Agency
from dondoc.store.reorganisation import (
    MergerPlan,
    PeopleChoice,
    ReorganisationError,
    merge,
    plan_merger,
    rename,
)
from dondoc.text import shorten

router = Router()
MERGE_FLOW, RENAME_FLOW = "merge", "rename"
NAME_LENGTH = 300  # as the directory keeps it
MERGE_USAGE = N_(
    "Write it like this: /sapnhap Sở Kế hoạch và Đầu tư vào Sở Tài chính ngày 1/3/2025 — several old "
    "agencies separated by “;”; without a date, today."
)
RENAME_USAGE = N_(
    "Write it like this: /doiten Sở Nông nghiệp và Phát triển nông thôn thành Sở Nông nghiệp và Môi "
    "trường ngày 1/3/2025; without a date, today."
)
_DATE_AT_END = re.compile(
    r"\s+(?:(?:từ\s+)?ngày|(?:tu\s+)?ngay|from|on|từ|tu)?\s*"
    r"(\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{4}-\d{1,2}-\d{1,2})\s*$",
    re.IGNORECASE,
)
_INTO = re.compile(r"\s+(?:vào|vao|into|->|→|=>)\s+", re.IGNORECASE)
_TO = re.compile(r"\s+(?:thành|thanh|to|->|→|=>|=)\s+", re.IGNORECASE)


def effective_day(text: str, today: dt.date) -> dt.date:
    """The day a change took effect: today or earlier (a change still to come is recorded when it comes)."""
    day = parsing.date(text, today)
    if day > today:
        raise Refusal(
            _(
                "{date} is still to come. Record a merger or a new name on the day it takes effect, or "
                "after it."
            ).format(date=format_date(day))
        )
    return day


def _split_day(args: str, today: dt.date) -> tuple[str, dt.date]:
    match = _DATE_AT_END.search(args)
    if match is None:
        return args.strip(), today
    return args[: match.start()].strip(), effective_day(match.group(1), today)


def _agencies_named(session: Session, text: str) -> list[Agency]:
    """The agencies of 'A; B' (or 'A, B' when no agency is called 'A, B'); Refusal names one not known."""
    found: list[Agency] = []
    for piece in (p.strip() for p in text.split(";")):
        if not piece:
            continue
        whole = find_agency(session, piece)
        if whole is not None:
            found.append(whole)
            continue
        parts = [p.strip() for p in piece.split(",") if p.strip()]
        each = [find_agency(session, p) for p in parts]
        if len(parts) > 1 and all(each):
            found += [a for a in each if a is not None]
        else:
            found.append(parsing.agency(session, piece))
    return list({a.id: a for a in found}.values())


def _split_at(pattern: re.Pattern[str], text: str, session: Session, usage: str) -> tuple[str, str]:
    """'OLD vào NEW' split where the left side names agencies of the directory (a name may itself hold
    the word the command splits at)."""
    cuts = list(pattern.finditer(text))
    if not cuts:
        raise Refusal(_(usage))
    for cut in cuts:
        left = text[: cut.start()]
        if all(find_agency(session, p) for p in left.split(";") if p.strip()):
            return left, text[cut.end() :]
    return text[: cuts[0].start()], text[cuts[0].end() :]


def _reorganisation_refusal(error: ReorganisationError) -> Refusal:
    name = error.agency.name if error.agency is not None else ""
    if error.reason == "inactive":
        return Refusal(_("{agency} is no longer in the directory (it was merged).").format(agency=name))
    if error.reason == "into_itself":
        return Refusal(_("{agency} cannot be merged into itself.").format(agency=name))
    if error.reason == "name_taken":
        return Refusal(
            _(
                "That name already belongs to {agency}. To join two agencies into one, use /sapnhap OLD vào "
                "NEW."
            ).format(agency=name)
        )
    return Refusal(_(MERGE_USAGE))


# /sapnhap -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merger:
    olds: list[Agency]
    new: Agency
    on: dt.date


def parse_merger(session: Session, args: str, today: dt.date) -> Merger:
    """'/sapnhap A; B vào C ngày 1/3/2025' read; Refusal tells what to type instead."""
    text, on = _split_day(args, today)
    left, right = _split_at(_INTO, text, session, MERGE_USAGE)
    return merger_of(session, left, right, on)


def merger_of(session: Session, olds: str, new: str, on: dt.date) -> Merger:
    """The merger of the agencies named in `olds` ('A; B') into the one named `new`, checked."""
    merger = Merger(_agencies_named(session, olds), parsing.agency(session, new), on)
    try:
        plan_merger(session, merger.olds, merger.new)
    except ReorganisationError as error:
        raise _reorganisation_refusal(error) from None
    return merger


def merger_preview(session: Session, merger: Merger) -> tuple[str, MergerPlan]:
    """What the merger will do, in numbers, before the office confirms it."""
    plan = plan_merger(session, merger.olds, merger.new)
    new = merger.new.name
    lines = [
        _("Merge into {new} as of {date}: {olds}.").format(
            new=new, date=format_date(merger.on), olds=names_list([a.name for a in merger.olds])
        ),
        "• "
        + ngettext(
            "{n} unfinished task moves to {new} with its deadlines, reports and history; its /xem will say "
            "whom it was given to before.",
            "{n} unfinished tasks move to {new} with their deadlines, reports and history; their /xem will "
            "say whom they were given to before.",
            plan.moved,
        ).format(n=plan.moved, new=new),
    ]
    if plan.combined:
        lines.append(
            "• "
            + ngettext(
                "{n} part joins the part {new} already has in the same task.",
                "{n} parts join the parts {new} already has in the same tasks.",
                plan.combined,
            ).format(n=plan.combined, new=new)
        )
    lines.append(
        "• "
        + ngettext(
            "{n} finished task stays credited to the agency that did it.",
            "{n} finished tasks stay credited to the agency that did them.",
            plan.kept,
        ).format(n=plan.kept)
    )
    lines.append("• " + _("Their names and abbreviations will lead to {new}.").format(new=new))
    if plan.people:
        lines.append(
            "• "
            + ngettext(
                "{n} person is registered at the old agencies: {names}. Move them to {new}, or take them "
                "off the bot?",
                "{n} people are registered at the old agencies: {names}. Move them to {new}, or take them "
                "off the bot?",
                len(plan.people),
            ).format(n=len(plan.people), names=names_list([p.name for p in plan.people]), new=new)
        )
    return "\n".join(lines), plan


def merge_agencies(session: Session, by: Any, merger: Merger, people: PeopleChoice, now: dt.datetime) -> str:
    """Do the merger, tell the new agency's people what it took over, and say what was done."""
    try:
        note = _("merged into {agency}").format(agency=merger.new.name)
        plan = merge(session, merger.olds, merger.new, merger.on, people, by, now, note)
    except ReorganisationError as error:
        raise _reorganisation_refusal(error) from None
    new, olds = merger.new, names_list([a.name for a in merger.olds])

    def told(_person: Any) -> str:
        return ngettext(
            "{new} takes over {n} unfinished task of {olds} (merged as of {date}). Type /nhiemvu to see it.",
            "{new} takes over {n} unfinished tasks of {olds} (merged as of {date}). Type /nhiemvu to see "
            "them.",
            plan.moved,
        ).format(new=new.name, n=plan.moved, olds=olds, date=format_date(merger.on))

    if plan.moved:
        notify.tell_agencies(session, [new.id], now, "message", told)
    lines = [
        _("✅ Merged into {new} as of {date}: {olds}.").format(
            new=new.name, date=format_date(merger.on), olds=olds
        ),
        ngettext(
            "{n} unfinished task moved, {kept} finished stay credited to the agency that did them.",
            "{n} unfinished tasks moved, {kept} finished stay credited to the agency that did them.",
            plan.moved,
        ).format(n=plan.moved, kept=plan.kept),
    ]
    if plan.combined:
        lines.append(
            ngettext(
                "{n} part joined the part {new} already had in the same task.",
                "{n} parts joined the parts {new} already had in the same tasks.",
                plan.combined,
            ).format(n=plan.combined, new=new.name)
        )
    if plan.people:
        moved = people == PeopleChoice.MOVE
        lines.append(
            (
                ngettext("{n} person moved to {new}.", "{n} people moved to {new}.", len(plan.people))
                if moved
                else ngettext(
                    "{n} person taken off the bot.", "{n} people taken off the bot.", len(plan.people)
                )
            ).format(n=len(plan.people), new=new.name)
        )
    nobody = notify.nobody_line(session, [new.id])
    if nobody:
        lines.append(nobody)
    return "\n".join(lines)


def _merge_choices(plan: MergerPlan, new: Agency) -> list[Choice]:
    if not plan.people:
        return [Choice(_("Merge"), PeopleChoice.MOVE.value), Choice(_("Cancel"), "no")]
    return [
        Choice(shorten(_("Merge, move the people to {new}").format(new=new.name), 64), PeopleChoice.MOVE),
        Choice(_("Merge, take the people off the bot"), PeopleChoice.DEACTIVATE.value),
        Choice(_("Cancel"), "no"),
    ]


@router.command(
    "sapnhap",
    roles=access.OFFICE,
    summary=N_("agencies merged into one: their unfinished tasks move to it"),
    syntax=N_("/sapnhap OLD[; OLD…] vào NEW [ngày dd/mm/yyyy]"),
    aliases=("merge",),
)
def merge_command(ctx: Context, args: str) -> list[Reply]:
    if not args.strip():
        raise Refusal(_(MERGE_USAGE))
    merger = parse_merger(ctx.session, args, ctx.today)
    preview, plan = merger_preview(ctx.session, merger)
    state = {"olds": [a.id for a in merger.olds], "new": merger.new.id, "on": merger.on.isoformat()}
    return [flows.ask(ctx, MERGE_FLOW, state, preview, _merge_choices(plan, merger.new))]


def _stored_merger(session: Session, state: dict[str, Any]) -> Merger:
    agencies = rows_by_id(session, Agency, [*state["olds"], state["new"]])
    olds = [agencies[i] for i in state["olds"] if i in agencies]
    new = agencies.get(state["new"])
    if new is None or len(olds) != len(state["olds"]):
        raise Refusal(_(MERGE_USAGE))
    return Merger(olds, new, dt.date.fromisoformat(state["on"]))


@router.flow(MERGE_FLOW)
def merge_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    merger = _stored_merger(ctx.session, state)
    with_people = bool(plan_merger(ctx.session, merger.olds, merger.new).people)
    answer = choice
    if answer is None:  # typed, not picked: "không" cancels; "có" is enough when nobody is to move
        yes = parsing.is_yes(text)
        answer = "no" if yes is False else PeopleChoice.MOVE.value if yes and not with_people else None
    if answer is None or answer not in {"no", *PeopleChoice}:
        count = len(state.get(flows.CHOICES_KEY, []))
        raise Refusal(
            _("Please answer with a number from 1 to {count}, or type “hủy” to stop.").format(count=count)
        )
    flows.end(ctx)
    if answer == "no":
        return [Reply(_("Cancelled. Nothing was recorded."))]
    return [Reply(merge_agencies(ctx.session, ctx.person, merger, PeopleChoice(answer), ctx.now))]


# /doiten ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Renaming:
    agency: Agency
    name: str
    on: dt.date


def parse_renaming(session: Session, args: str, today: dt.date) -> Renaming:
    text, on = _split_day(args, today)
    left, right = _split_at(_TO, text, session, RENAME_USAGE)
    return renaming_of(session, left, right, on)


def renaming_of(session: Session, agency_name: str, new_name: str, on: dt.date) -> Renaming:
    agency, name = parsing.agency(session, agency_name), " ".join(new_name.split())
    owner = find_agency(session, name)
    if owner is not None and owner.id != agency.id:
        raise _reorganisation_refusal(ReorganisationError("name_taken", owner))
    if not name:
        raise Refusal(_(RENAME_USAGE))
    if len(name) > NAME_LENGTH:
        raise Refusal(_("An agency's name can be at most {limit} characters long.").format(limit=NAME_LENGTH))
    return Renaming(agency, name, on)


def rename_preview(renaming: Renaming) -> str:
    return _(
        "Rename {agency} to “{name}” as of {date}? Its tasks, reports and results stay with it; the old name "
        "and its abbreviations will still find it."
    ).format(agency=renaming.agency.name, name=renaming.name, date=format_date(renaming.on))


def rename_agency(
    session: Session, by: Any, renaming: Renaming, now: dt.datetime, code: str | None = None
) -> str:
    try:
        former = rename(session, renaming.agency, renaming.name, renaming.on, by, now, code)
    except ReorganisationError as error:
        raise _reorganisation_refusal(error) from None
    return _("✅ {former} is now called {name} (as of {date}); code {code}.").format(
        former=former, name=renaming.name, date=format_date(renaming.on), code=renaming.agency.code
    )


@router.command(
    "doiten",
    roles=access.OFFICE,
    summary=N_("an agency renamed: its tasks and results stay with it"),
    syntax=N_("/doiten OLD thành NEW [ngày dd/mm/yyyy]"),
    aliases=("rename",),
)
def rename_command(ctx: Context, args: str) -> list[Reply]:
    if not args.strip():
        raise Refusal(_(RENAME_USAGE))
    renaming = parse_renaming(ctx.session, args, ctx.today)
    state = {"agency": renaming.agency.id, "name": renaming.name, "on": renaming.on.isoformat()}
    choices = [Choice(_("Confirm"), "yes"), Choice(_("Cancel"), "no")]
    return [flows.ask(ctx, RENAME_FLOW, state, rename_preview(renaming), choices)]


@router.flow(RENAME_FLOW)
def rename_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    answer = {"yes": True, "no": False}.get(choice or "", parsing.is_yes(text))
    if answer is None:
        raise Refusal(_("Please answer 1 (yes, record it) or 2 (no, cancel)."))
    flows.end(ctx)
    if not answer:
        return [Reply(_("Cancelled. Nothing was recorded."))]
    agency = ctx.session.get(Agency, int(state["agency"]))
    if agency is None:
        raise Refusal(_(RENAME_USAGE))
    renaming = Renaming(agency, state["name"], dt.date.fromisoformat(state["on"]))
    return [Reply(rename_agency(ctx.session, ctx.person, renaming, ctx.now))]
