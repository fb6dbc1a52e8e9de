"""/thongbao: the office's broadcast to many agencies (preview, confirm, paced delivery through the outbox,
delivery report), and /datb, a recipient's "Đã nhận".

`/thongbao AUDIENCE: TEXT`. The audience comes first, then a colon (or | or a new line), then the text. A
keyword audience or `#N` may be followed by a space alone, except the keywords that also begin agency
names (sở, xã, phường). Keywords, with or without diacritics and in any case:
tatca (every active agency but the offices), thutruong (the head of every such agency), xa (communes,
wards, special zones), so (departments, boards, the inspectorate), quahan (agencies with overdue
work), #12 (every agency with a part in task 12); otherwise agency names or codes separated by ; or ,.
"""

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import Any

from dondoc.handlers import access, notify, parsing
from dondoc.handlers import conversation as flows
from dondoc.handlers.messages import Choice, Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.handlers.render import names_list
from dondoc.i18n import N_, _, current_language, format_datetime, ngettext, normalise_language
from dondoc.store import audit
from dondoc.store.agencies import find_agency, names_of
from dondoc.store.broadcasts import (
    COMMUNE_KINDS,
    DEPARTMENT_KINDS,
    EVERY_KIND,
    Problem,
    Sent,
    Status,
    Tally,
    acknowledge,
    active_agency_ids,
    add_broadcast,
    add_recipients,
    get_broadcast,
    problems,
    recent_broadcasts,
    tallies,
    task_agency_ids,
)
from dondoc.store.models import Agency, Person
from dondoc.store.people import reachable_ids
from dondoc.store.tasks import agency_counts
from dondoc.text import fold, key, shorten

router = Router()
FLOW = "broadcast"
MAX_TEXT = 3000  # characters the office writes; with the greeting and closing it fits one Telegram message
LISTED = 10  # broadcasts in the list
MAX_NAMED = 60  # agencies named one by one
MAX_KEYWORD_WORDS = 3  # "sở ban ngành"
MAX_NAME_WORDS = 10
MAX_COMMA_PARTS = 4  # an agency name may itself hold commas: "Sở Văn hóa, Thể thao và Du lịch"
_SEPARATOR = re.compile(r"[:|\n]")
_TASK = re.compile(r"^#\s*(\d{1,9})$")
_NUMBER = re.compile(r"^\d{1,9}$")
_ACK_NUMBER = re.compile(r"^(?:tb)?#?(\d{1,9})$")
_WORD = re.compile(r"\S+")


class Kind(enum.StrEnum):
    """The keyword audiences (a task's agencies and named agencies are read apart)."""

    ALL = "all"
    HEADS = "heads"
    COMMUNES = "communes"
    DEPARTMENTS = "departments"
    OVERDUE = "overdue"


# The words for each keyword audience; compared folded, without spaces or diacritics ("tất cả" = tatca).
KEYWORDS: dict[Kind, tuple[str, ...]] = {
    Kind.ALL: ("tatca", "tất cả", "toàn bộ", "all"),
    Kind.HEADS: ("thutruong", "thủ trưởng", "heads"),
    Kind.COMMUNES: ("xa", "xã", "phường", "xaphuong", "xã phường", "địa phương", "communes"),
    Kind.DEPARTMENTS: ("so", "sở", "sobannganh", "sở ban ngành", "sở ngành", "departments"),
    Kind.OVERDUE: ("quahan", "quá hạn", "overdue"),
}
_KEYWORD = {key(word): kind for kind, words in KEYWORDS.items() for word in words}
_NAME_WORDS = {key(word) for word in ("sở", "xã", "phường")}  # keywords that also begin agency names


@dataclass(frozen=True)
class Audience:
    typed: str  # as the office wrote it, kept with the broadcast
    agency_ids: tuple[int, ...]
    heads_only: bool = False


def usage() -> str:
    return _(
        "Type the audience, a colon, then the text, for example:\n"
        "/thongbao STC; Sở Y tế: Đề nghị gửi báo cáo trước 16h\n"
        "The audience is tatca (every agency), thutruong (every agency head), xa (communes, wards and "
        "special zones), so (departments, boards and the inspectorate), quahan (agencies with overdue "
        "work), #12 (the agencies of task 12), or agency names or codes separated by ;. Type /thongbao "
        "alone for the broadcasts sent, /thongbao 5 for the delivery report of broadcast 5."
    )


def _refusal(message: str) -> Refusal:
    """A refusal of what was typed: it says what was wrong, then how to type a broadcast."""
    return Refusal(message + "\n" + usage())


# Reading the command ------------------------------------------------------------------------


def read_broadcast(ctx: Context, args: str) -> tuple[Audience, str]:
    """The audience and the text of `/thongbao AUDIENCE: TEXT`.

    The part before the first separator is the audience when it reads as one; otherwise (the text itself
    holds a colon: "tatca Họp lúc 8:00") an opening keyword or #N is. Named agencies need the separator.
    """
    separator = _SEPARATOR.search(args)
    failure: Refusal | None = None
    if separator is not None:
        try:
            audience = _audience(ctx, args[: separator.start()].strip())
        except Refusal as refusal:
            failure = refusal
        else:
            return audience, _text(args[separator.end() :])
    leading = _leading_keyword(ctx, args)
    if leading is not None:
        audience, rest = leading
        return audience, _text(rest.lstrip().removeprefix(":").removeprefix("|"))
    if failure is not None:
        raise failure
    raise _no_separator(ctx, args)


def _text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise _refusal(_("The message is empty: write the text after the colon."))
    if len(cleaned) > MAX_TEXT:
        raise _refusal(
            _(
                "The message is {length} characters long; a broadcast takes at most {limit}. "
                "Please shorten it."
            ).format(length=len(cleaned), limit=MAX_TEXT)
        )
    return cleaned


def _audience(ctx: Context, typed: str) -> Audience:
    if not typed:
        raise _refusal(_("Say whom to send it to before the colon."))
    task = _TASK.match(typed)
    if task:
        return _task_audience(ctx, typed, int(task.group(1)))
    kind = _KEYWORD.get(key(typed))
    if kind is not None:
        return _keyword_audience(ctx, typed, kind)
    if _NUMBER.match(typed):
        raise _refusal(
            _("“{typed}” is not an audience. For the agencies of task {typed}, write #{typed}.").format(
                typed=typed
            )
        )
    return Audience(typed, tuple(a.id for a in _named_agencies(ctx, typed)))


def _keyword_audience(ctx: Context, typed: str, kind: Kind) -> Audience:
    session = ctx.session
    if kind == Kind.OVERDUE:
        ids = sorted(a for a, c in agency_counts(session, ctx.today).items() if c.overdue)  # as /tonghop
        if not ids:
            raise _refusal(
                _("No agency has overdue work today, so “{typed}” names nobody.").format(typed=typed)
            )
    elif kind == Kind.COMMUNES:
        ids = active_agency_ids(session, COMMUNE_KINDS)
    elif kind == Kind.DEPARTMENTS:
        ids = active_agency_ids(session, DEPARTMENT_KINDS)
    else:
        ids = active_agency_ids(session, EVERY_KIND)
    if not ids:
        raise _refusal(_("The directory has no agency for “{typed}”.").format(typed=typed))
    return Audience(typed, tuple(ids), heads_only=kind == Kind.HEADS)


def _task_audience(ctx: Context, typed: str, number: int) -> Audience:
    ids = task_agency_ids(ctx.session, number)
    if ids is None:
        raise _refusal(
            _("There is no task #{number}. Type /nhiemvu to list the tasks.").format(number=number)
        )
    if not ids:
        raise _refusal(
            _("Task #{number} has no agency left to tell: every part of it is cancelled.").format(
                number=number
            )
        )
    return Audience(typed, tuple(ids))


def _named_agencies(ctx: Context, typed: str) -> list[Agency]:
    """'STC; Sở Y tế', 'STC, SYT': each name as the directory knows it, in order, each once."""
    parts = [p.strip() for p in re.split(r"[;,]", typed) if p.strip()]
    agencies: list[Agency] = []
    start = 0
    while start < len(parts):
        found = _longest_name(ctx, parts, start)
        if found is None:
            raise _unknown_agency(ctx, parts[start])
        agency, start = found
        if agency not in agencies:
            agencies.append(agency)
        if len(agencies) > MAX_NAMED:
            raise _refusal(
                _("Name at most {limit} agencies one by one; for more, use tatca, xa or so.").format(
                    limit=MAX_NAMED
                )
            )
    return agencies


def _unknown_agency(ctx: Context, name: str) -> Refusal:
    """The directory's "did you mean …" refusal for a name it does not know, with the usage."""
    try:
        parsing.agency(ctx.session, name)
    except Refusal as refusal:
        return _refusal(refusal.message)
    raise AssertionError(f"{name!r} was looked up and not found, and then found")


def _longest_name(ctx: Context, parts: list[str], start: int) -> tuple[Agency, int] | None:
    """The agency named by the most comma-separated parts from `start` on, and where the next name starts."""
    for end in range(min(len(parts), start + MAX_COMMA_PARTS), start, -1):
        agency = find_agency(ctx.session, ", ".join(parts[start:end]))
        if agency is not None:
            return agency, end
    return None


def _leading_keyword(ctx: Context, args: str) -> tuple[Audience, str] | None:
    """A keyword audience or #N at the start, and the text after it; None when it does not start so.

    Words that also begin agency names ("sở", "xã", "phường") are an audience only before a colon:
    "Sở Y tế Đề nghị …" means Sở Y tế, not every department."""
    words = list(_WORD.finditer(args))
    if not words:
        return None
    first = words[0].group()
    if _TASK.match(first):
        return _task_audience(ctx, first, int(first.lstrip("#"))), args[words[0].end() :]
    for count in range(min(MAX_KEYWORD_WORDS, len(words)), 0, -1):
        typed = args[words[0].start() : words[count - 1].end()]
        kind = _KEYWORD.get(key(typed))
        if kind is not None and key(typed) not in _NAME_WORDS:
            return _keyword_audience(ctx, typed.rstrip(":|"), kind), args[words[count - 1].end() :]
    return None


def _no_separator(ctx: Context, args: str) -> Refusal:
    """What to say when neither a separator nor an opening keyword tells the audience from the text."""
    words = list(_WORD.finditer(args))
    for count in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
        name = args[words[0].start() : words[count - 1].end()]
        if find_agency(ctx.session, name) is not None or (count == 1 and key(name) in _NAME_WORDS):
            if count == len(words):
                return _refusal(_("The message is empty: write the text after the colon."))
            return _refusal(_("Put a colon after the audience, as in /thongbao {name}: …").format(name=name))
    return _refusal(_("I could not tell whom to send “{text}” to.").format(text=shorten(args, 60)))


# The message --------------------------------------------------------------------------------


def message_text(agency: str, text: str, signature: str | None) -> str:
    """What one recipient reads, in the current language: the office's text in the office's voice."""
    lines = [
        "📢 " + _("Dear {agency},").format(agency=agency),
        text,
        _("Please confirm you have received it: answer “đã nhận tb” (or /datb)."),
        _("Respectfully."),
    ]
    if signature:
        lines.append(signature)
    return "\n".join(lines)


def _signature(ctx: Context) -> str | None:
    person = ctx.person
    return person.agency.name if person is not None and person.agency is not None else None


def _recipients(ctx: Context, agency_ids: tuple[int, ...] | list[int], heads_only: bool) -> list[Person]:
    """Heads and focal officers of the agencies; heads only for thutruong."""
    return (
        notify.heads(ctx.session, agency_ids, ctx.today)
        if heads_only
        else notify.members(ctx.session, agency_ids)
    )


def _people_phrase(people: int, agencies: int) -> str:
    return _("{people} in {agencies}").format(
        people=ngettext("{n} person", "{n} people", people).format(n=people),
        agencies=ngettext("{n} agency", "{n} agencies", agencies).format(n=agencies),
    )


@dataclass(frozen=True)
class Reach:
    """Who of an audience can receive a broadcast now."""

    people: list[Person]
    reachable: set[int]
    nobody: list[int]  # agencies of the audience with nobody registered

    @property
    def reached(self) -> list[Person]:
        return [p for p in self.people if p.id in self.reachable]


def _reach(ctx: Context, agency_ids: tuple[int, ...] | list[int], heads_only: bool) -> Reach:
    people = _recipients(ctx, agency_ids, heads_only)
    registered = {p.agency_id for p in people}
    return Reach(
        people,
        reachable_ids(ctx.session, [p.id for p in people]),
        [a for a in agency_ids if a not in registered],
    )


def _unreachable(reach: Reach, names: dict[int, str]) -> str | None:
    """'Registered but cannot be reached: name (agency); …', or None when everyone can be."""
    people = [
        f"{p.name} ({names.get(p.agency_id or 0, '—')})" for p in reach.people if p.id not in reach.reachable
    ]
    if not people:
        return None
    return _("Registered but cannot be reached (blocked the bot, or no chat): {people}.").format(
        people=names_list(people, more=N_("and {more} more people"))
    )


def _nobody_can_receive(reach: Reach, names: dict[int, str]) -> str:
    lines = [_("Nobody in this audience can receive a broadcast now; nothing was sent.")]
    if reach.nobody:
        lines.append(
            _("Nobody registered: {agencies}.").format(agencies=names_list([names[a] for a in reach.nobody]))
        )
    unreachable = _unreachable(reach, names)
    if unreachable:
        lines.append(unreachable)
    lines.append(_("Invite people with /moi AGENCY ROLE, or choose another audience."))
    return "\n".join(lines)


# The command --------------------------------------------------------------------------------


@router.command(
    "thongbao",
    roles=access.OFFICE,
    summary=N_("broadcast a message to agencies, with a delivery report"),
    syntax=N_(
        "/thongbao AUDIENCE: TEXT (AUDIENCE: tatca, thutruong, xa, so, quahan, #N, or agencies "
        "separated by ;); /thongbao lists the broadcasts, /thongbao N shows one's delivery"
    ),
    aliases=("broadcast",),
)
def broadcast(ctx: Context, args: str) -> list[Reply]:
    if not args:
        return [_list(ctx)]
    if _NUMBER.match(args):
        return [_report(ctx, int(args))]
    audience, text = read_broadcast(ctx, args)
    return [_preview(ctx, audience, text)]


def _preview(ctx: Context, audience: Audience, text: str) -> Reply:
    reach = _reach(ctx, audience.agency_ids, audience.heads_only)
    names = names_of(ctx.session, audience.agency_ids)
    reached = reach.reached
    if not reached:
        raise Refusal(_nobody_can_receive(reach, names))
    agencies = [a for a in audience.agency_ids if a in {p.agency_id for p in reached}]
    roles = _("heads only") if audience.heads_only else _("heads and focal officers")
    lines = [
        _("📢 Broadcast to “{audience}”: {count} will receive it ({roles}).").format(
            audience=audience.typed, count=_people_phrase(len(reached), len(agencies)), roles=roles
        )
    ]
    if reach.nobody:
        lines.append(
            _(
                "⚠️ Nobody registered in {count} of these agencies; they will not receive it: {agencies}."
            ).format(count=len(reach.nobody), agencies=names_list([names[a] for a in reach.nobody]))
        )
    unreachable = _unreachable(reach, names)
    if unreachable:
        lines.append("⚠️ " + unreachable)
    others = sum(normalise_language(p.language) != current_language() for p in reached)
    if others:
        lines.append(
            _("{count} of them chose another language and get the greeting and closing in it.").format(
                count=others
            )
        )
    lines += [
        _("The message, as {agency} will read it:").format(agency=names[agencies[0]]),
        "",
        message_text(names[agencies[0]], text, _signature(ctx)),
        "",
        _("Send it now? Answer yes or no."),
    ]
    state = {
        "audience": audience.typed,
        "agencies": list(audience.agency_ids),
        "heads": audience.heads_only,
        "text": text,
        "since": ctx.now.isoformat(),
    }
    return flows.ask(
        ctx, FLOW, state, "\n".join(lines), [Choice(_("Send"), "send"), Choice(_("Cancel"), "cancel")]
    )


@router.flow(FLOW)
def confirm_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    answer = {"send": True, "cancel": False}.get(choice or "", parsing.is_yes(text))
    if answer is None:
        raise Refusal(_("Please answer yes (send it) or no (cancel), or 1 or 2."))
    flows.end(ctx)
    if not answer:
        return [Reply(_("Cancelled. Nothing was sent."))]
    return [_send(ctx, state)]


def _send(ctx: Context, state: dict[str, Any]) -> Reply:
    """Queue the confirmed broadcast for every reachable person of its audience (each in their language)
    and record whom it went to, agencies with nobody registered included."""
    agency_ids = [int(a) for a in state["agencies"]]
    reach = _reach(ctx, agency_ids, bool(state["heads"]))
    names = names_of(ctx.session, agency_ids)
    if not reach.reached:
        return Reply(_nobody_can_receive(reach, names))
    broadcast = add_broadcast(
        ctx.session,
        by=ctx.person,
        audience=state["audience"],
        text=state["text"],
        created_at=dt.datetime.fromisoformat(state["since"]),
        confirmed_at=ctx.now,
    )
    signature = _signature(ctx)
    sent: list[Sent] = []

    def compose(person: Person) -> str:
        return message_text(names.get(person.agency_id or 0, ""), state["text"], signature)

    def answers(_person: Person) -> list[Choice]:
        return [Choice(_("✅ Received"), f"/datb {broadcast.id}")]

    def queued(person: Person, outbox_id: int | None) -> None:
        assert person.agency_id is not None  # the people of agencies
        sent.append(Sent(person.agency_id, person.id, outbox_id))

    told = notify.tell(ctx.session, reach.people, ctx.now, "broadcast", compose, answers, queued=queued)
    add_recipients(ctx.session, broadcast.id, [*sent, *(Sent(a) for a in reach.nobody)])
    audit.record(
        ctx.session,
        ctx.person,
        "broadcast.send",
        ctx.now,
        subject=f"broadcast:{broadcast.id}",
        audience=broadcast.audience,
        agencies=len(agency_ids),
        people=told,
    )
    return Reply(
        _(
            "✅ Broadcast #{number} is on its way to {count}; it goes out paced under each messenger's "
            "limits. Type /thongbao {number} for the delivery report."
        ).format(
            number=broadcast.id, count=_people_phrase(told, len({s.agency_id for s in sent if s.outbox_id}))
        )
    )


# The list and the delivery report -----------------------------------------------------------


def _counts(tally: Tally) -> str:
    return _(
        "{agencies}, {people}: {delivered} delivered, {acknowledged} acknowledged, {failed} failed, "
        "{unreachable} unreachable, {queued} still queued; nobody registered in {nobody}"
    ).format(
        agencies=ngettext("{n} agency", "{n} agencies", tally.agencies).format(n=tally.agencies),
        people=ngettext("{n} person", "{n} people", tally.people).format(n=tally.people),
        delivered=tally.delivered,
        acknowledged=tally.acknowledged,
        failed=tally.failed,
        unreachable=tally.unreachable,
        queued=tally.queued,
        nobody=ngettext("{n} agency", "{n} agencies", tally.nobody).format(n=tally.nobody),
    )


def _list(ctx: Context) -> Reply:
    rows, total = recent_broadcasts(ctx.session, LISTED)
    if not rows:
        return Reply(_("No broadcasts yet.") + "\n" + usage())
    counted = tallies(ctx.session, [b.id for b in rows])
    lines = [_("Broadcasts, newest first ({total} in all):").format(total=total)]
    for row in rows:
        lines.append(
            f"#{row.id} · {format_datetime(row.confirmed_at, ctx.tz)} · “{shorten(row.audience, 60)}” · "
            + _counts(counted[row.id].total)
        )
    if total > len(rows):
        lines.append(_("… and {more} older.").format(more=total - len(rows)))
    lines.append(_("Type /thongbao N for a broadcast's delivery report per agency."))
    return Reply("\n".join(lines))


def _report(ctx: Context, number: int) -> Reply:
    broadcast = get_broadcast(ctx.session, number)
    if broadcast is None:
        raise Refusal(
            _("There is no broadcast #{number}. Type /thongbao to list the broadcasts.").format(number=number)
        )
    counted = tallies(ctx.session, [broadcast.id])[broadcast.id]
    names = names_of(ctx.session, counted.agencies)
    trouble: dict[int, list[Problem]] = {}
    for problem in problems(ctx.session, broadcast.id):
        trouble.setdefault(problem.agency_id, []).append(problem)
    lines = [
        _("📢 Broadcast #{number}, sent {when} by {who} to “{audience}”:").format(
            number=broadcast.id,
            when=format_datetime(broadcast.confirmed_at, ctx.tz),
            who=broadcast.created_by.name if broadcast.created_by else "—",
            audience=broadcast.audience,
        ),
        "“" + shorten(broadcast.text, 200) + "”",
        _counts(counted.total),
    ]
    registered = sorted((a for a, t in counted.agencies.items() if t.people), key=lambda a: fold(names[a]))
    if registered:
        lines.append(_("By agency:"))
    for agency_id in registered:
        lines.append(_agency_line(names[agency_id], counted.agencies[agency_id], trouble.get(agency_id, [])))
    nobody = sorted((names[a] for a, t in counted.agencies.items() if not t.people), key=fold)
    if nobody:
        lines.append(
            _("Nobody registered ({count}), phone them or invite someone with /moi: {agencies}").format(
                count=len(nobody), agencies="; ".join(nobody)
            )
        )
    return Reply("\n".join(lines))


def _agency_line(name: str, tally: Tally, trouble: list[Problem]) -> str:
    line = "• " + _("{agency}: {delivered} of {people} delivered, {acknowledged} acknowledged").format(
        agency=name, delivered=tally.delivered, people=tally.people, acknowledged=tally.acknowledged
    )
    if tally.queued:
        line += ", " + _("{count} still queued").format(count=tally.queued)
    failed = [p.name for p in trouble if p.status == Status.FAILED]
    if failed:
        line += " — " + _("failed: {people}").format(people=", ".join(failed))
    unreachable = [p.name for p in trouble if p.status == Status.UNREACHABLE]
    if unreachable:
        line += " — " + _("unreachable: {people}").format(people=", ".join(unreachable))
    return line


# "Đã nhận" ----------------------------------------------------------------------------------


@router.command(
    "datb",
    roles=access.MEMBERS,
    summary=N_("confirm you have received a broadcast of the office"),
    syntax=N_("/datb [N]"),
    aliases=("danhantb", "danhanthongbao"),
)
def acknowledge_broadcast(ctx: Context, args: str) -> list[Reply]:
    assert ctx.caller is not None
    word, _rest = parsing.split_first(args)
    number = None
    if word:
        match = _ACK_NUMBER.match(fold(word))
        if match is None:
            raise Refusal(
                _(
                    "“{word}” is not a broadcast number. Type /datb for every broadcast sent to you, or "
                    "/datb 5 for broadcast 5."
                ).format(word=shorten(word, 20))
            )
        number = int(match.group(1))
    new, already = acknowledge(ctx.session, ctx.caller.id, number, ctx.now)
    for broadcast_id in new:
        audit.record(
            ctx.session, ctx.caller, "broadcast.acknowledge", ctx.now, subject=f"broadcast:{broadcast_id}"
        )
    if new:
        return [
            Reply(
                _("✅ Recorded: you have received broadcast {numbers}. Thank you.").format(
                    numbers=", ".join(f"#{n}" for n in new)
                )
            )
        ]
    if number is None:
        return [Reply(_("You have no broadcast from the office waiting to be acknowledged."))]
    if already:
        return [Reply(_("You had already acknowledged broadcast #{number}.").format(number=number))]
    raise Refusal(
        _(
            "Broadcast #{number} was not sent to you. Type /datb to acknowledge the broadcasts you received."
        ).format(number=number)
    )
