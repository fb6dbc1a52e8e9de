"""Who is registered: /thanhvien [AGENCY] (each person, their messengers, whether the bot can reach them;
or, for the whole province, the agencies nobody can be reached at) and /nghi NAME (the office takes off a
person who left: nothing more is sent to them, their history stays).

The texts and the change are plain functions of a session (`agency_members`, `province_members`,
`find_people`, `deactivate`), so `dondoc people list|deactivate` does the same from the command line.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dondoc.handlers import access, notify, parsing
from dondoc.handlers import conversation as flows
from dondoc.handlers.messages import Choice, Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.handlers.roles import role_label
from dondoc.i18n import N_, _, format_date, ngettext
from dondoc.store import audit
from dondoc.store.broadcasts import EVERY_KIND, UNREACHABLE_ERROR, active_agency_ids
from dondoc.store.delegations import current_delegations
from dondoc.store.models import Agency, Person, Role
from dondoc.store.outbox import drop_pending
from dondoc.store.people import (
    Member,
    count_active_with_role,
    deactivate_person,
    members_of,
    people_with_user_id,
    person_by_id,
    registered_people,
)
from dondoc.text import fold, key, shorten

router = Router()
FLOW = "deactivate"
MAX_CANDIDATES = 20
PLATFORM_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console"}
NAME_USAGE = N_(
    "Type the name of the person who left, as /thanhvien shows it, for example: /nghi Nguyễn Văn An. "
    "/thanhvien AGENCY lists who is registered at an agency."
)


# /thanhvien ---------------------------------------------------------------------------------


def _messengers(platforms: list[str]) -> str:
    return ", ".join(PLATFORM_NAMES.get(p, p) for p in platforms)


def member_line(member: Member) -> str:
    """'• Nguyễn Văn An — agency head — reachable on Telegram', or why the bot cannot reach them."""
    who = f"• {member.name} — {role_label(member.role)} — "
    if member.reachable:
        line = who + _("reachable on {messengers}").format(messengers=_messengers(member.reachable_on))
        if member.blocked_on:
            line += "; " + _("blocked on {messengers}").format(messengers=_messengers(member.blocked_on))
        return line
    if member.blocked_on:
        return who + _("⚠️ cannot be reached: blocked the bot on {messengers}").format(
            messengers=_messengers(member.blocked_on)
        )
    return who + _("⚠️ cannot be reached: no chat with the bot")


def agency_members(session: Session, agency: Agency, today: dt.date) -> str:
    """One agency's registered people, each with their messengers and whether the bot can reach them,
    and who covers for the head today (/uyquyen)."""
    members = members_of(session, agency.id)
    if not members:
        return _(
            "{agency}: nobody is registered yet — invite someone with /moi {code} head or /moi {code} staff."
        ).format(agency=agency.name, code=agency.code)
    lines = [
        ngettext("{agency}: {n} person registered", "{agency}: {n} people registered", len(members)).format(
            agency=agency.name, n=len(members)
        )
    ]
    lines += [member_line(m) for m in members]
    for delegation in current_delegations(session, agency.id, today):
        lines.append(
            "   "
            + _("{name} covers for the head until {date}").format(
                name=delegation.deputy.name, date=format_date(delegation.until)
            )
        )
    if not any(m.reachable for m in members):
        lines.append(
            _(
                "⚠️ Nobody at {agency} can be reached now: phone them, or invite someone with "
                "/moi {code} staff."
            ).format(agency=agency.name, code=agency.code)
        )
    return "\n".join(lines)


def province_members(session: Session) -> str:
    """The agencies that take assignments: at how many someone (a head or focal officer) can be reached,
    and which have nobody the bot can reach; and how many office officers and leaders are registered."""
    ids = active_agency_ids(session, EVERY_KIND)
    nobody = notify.unreached(session, ids)
    lines = [
        ngettext(
            "A head or focal officer can be reached at {reached} of {n} agency.",
            "A head or focal officer can be reached at {reached} of {n} agencies.",
            len(ids),
        ).format(reached=len(ids) - len(nobody), n=len(ids))
    ]
    if nobody:
        lines.append(notify.unreached_line(session, nobody))
    lines.append(
        _("Office officers registered: {office}; leaders: {leaders}.").format(
            office=count_active_with_role(session, Role.ADMIN),
            leaders=count_active_with_role(session, Role.LEADER),
        )
    )
    lines.append(_("For one agency: /thanhvien KHCN. To invite someone: /moi KHCN staff."))
    return "\n".join(lines)


@router.command(
    "thanhvien",
    roles=access.PEOPLE,
    summary=N_("who is registered at an agency, and whether the bot can reach them"),
    syntax=N_("/thanhvien [AGENCY]"),
    aliases=("members",),
)
def members(ctx: Context, args: str) -> list[Reply]:
    named = parsing.agency(ctx.session, args) if args.strip() else None
    agency_id = access.members_in_view(ctx, named.id if named else None)
    if agency_id is None:
        return [Reply(province_members(ctx.session))]
    agency = named or ctx.session.get(Agency, agency_id)
    assert agency is not None  # a member's own agency
    return [Reply(agency_members(ctx.session, agency, ctx.today))]


# /nghi --------------------------------------------------------------------------------------


def describe(person: Person) -> str:
    """'Nguyễn Văn An, agency head of Sở Tài chính'."""
    if person.agency is not None:
        return _("{name}, {role} of {agency}").format(
            name=person.name, role=role_label(person.role), agency=person.agency.name
        )
    return _("{name}, {role}").format(name=person.name, role=role_label(person.role))


def _matching(people: list[Person], text: str) -> list[Person]:
    """The people whose name is `text` (case, diacritics, spacing and punctuation aside); failing that,
    those whose name has every word of it ('An' finds 'Nguyễn Văn An', 'van an' too)."""
    wanted = key(text)
    exact = [p for p in people if key(p.name) == wanted]
    if exact or not wanted:
        return exact
    words = fold(text).split()
    return [p for p in people if all(word in fold(p.name).split() for word in words)]


@dataclass(frozen=True)
class Found:
    active: list[Person]  # registered people the name means
    left: list[Person]  # when none: people of that name who were already taken off


def find_people(session: Session, text: str) -> Found:
    """Whom `text` means: a registered person's name (with or without diacritics, whole or some of its
    words), or the messenger account they write from (a console name, a Telegram or Zalo id, with or
    without @)."""
    cleaned = text.strip()
    account = cleaned.removeprefix("@")
    for active in (True, False):
        by_account = people_with_user_id(session, account, active) if account else []
        found = by_account or _matching(registered_people(session, active), cleaned)
        if found:
            return Found(found, []) if active else Found([], found)
    return Found([], [])


def registered_candidates(session: Session, name: str) -> list[Person]:
    """The registered people `name` may mean, one or several; Refusal when it means nobody registered
    (or only people already taken off). What /nghi and `dondoc people deactivate` both ask."""
    found = find_people(session, name)
    if found.left and not found.active:
        raise Refusal(
            _("Already off the bot: {who}. Nothing was changed.").format(who=describe(found.left[0]))
        )
    if not found.active:
        raise Refusal(
            _("Nobody registered is called “{name}”.").format(name=shorten(name, 60)) + " " + _(NAME_USAGE)
        )
    return found.active


def deactivate(session: Session, by: Person | None, person: Person, now: dt.datetime) -> str:
    """Take off a person who left: no more nudges, digests or broadcasts, messages still queued for them
    dropped, their links and history kept; audited. The answer says whether their agency is now left with
    nobody the bot can reach."""
    access.deactivatable(session, by, person)
    deactivate_person(session, person)
    dropped = drop_pending(session, person.id, now, UNREACHABLE_ERROR)
    agency = person.agency
    left_alone = (
        agency is not None
        and person.role in access.MEMBERS
        and notify.unreached(session, [agency.id]) == [agency.id]
    )
    audit.record(
        session,
        by,
        "person.deactivate",
        now,
        subject=f"person:{person.id}",
        name=person.name,
        role=person.role.value,
        agency_id=person.agency_id,
        dropped=dropped,
        agency_unreachable=left_alone,
    )
    lines = [
        _(
            "✅ No longer registered: {who}. The bot sends them no more reminders, digests or broadcasts, "
            "and answers their messages that they are no longer registered. Their reports and history stay "
            "on record; to bring them back, invite them again with /moi."
        ).format(who=describe(person))
    ]
    if left_alone:
        assert agency is not None
        lines.append(
            _(
                "⚠️ {agency} is now left with nobody the bot can reach. Invite someone with /moi {code} staff "
                "or /moi {code} head."
            ).format(agency=agency.name, code=agency.code)
        )
    return "\n".join(lines)


def _ask_confirm(ctx: Context, person: Person) -> Reply:
    access.deactivatable(ctx.session, ctx.person, person)
    return flows.ask(
        ctx,
        FLOW,
        {"step": "confirm", "person": person.id},
        _(
            "Take this person off the bot: {who}?\nThey will receive no more reminders, digests or "
            "broadcasts, and what they send will no longer be recorded. Their reports and history stay on "
            "record."
        ).format(who=describe(person)),
        [Choice(_("Confirm"), "yes"), Choice(_("Cancel"), "no")],
    )


def _ask_which(ctx: Context, text: str, people: list[Person]) -> Reply:
    if len(people) > MAX_CANDIDATES:
        raise Refusal(
            _("{count} registered people match “{name}”. Type more of the name.").format(
                count=len(people), name=shorten(text, 60)
            )
        )
    return flows.ask(
        ctx,
        FLOW,
        {"step": "pick"},
        _("Several registered people match “{name}”. Which one do you mean?").format(name=shorten(text, 60)),
        [Choice(shorten(describe(p), 64), f"person:{p.id}") for p in people],
    )


def _still_registered(ctx: Context, person_id: int) -> Person:
    person = person_by_id(ctx.session, person_id)
    if person is None or not person.active or person.role == Role.GUEST:
        raise Refusal(_("That person is no longer registered. Type /thanhvien AGENCY to see who is."))
    return person


@router.command(
    "nghi",
    roles=access.OFFICE,
    summary=N_("take off a person who left the agency: no more reminders"),
    syntax=N_("/nghi NAME"),
    aliases=("deactivate",),
)
def leave(ctx: Context, args: str) -> list[Reply]:
    if not args.strip():
        raise Refusal(_(NAME_USAGE))
    candidates = registered_candidates(ctx.session, args)
    if len(candidates) > 1:
        return [_ask_which(ctx, args, candidates)]
    return [_ask_confirm(ctx, candidates[0])]


@router.flow(FLOW)
def leave_flow(ctx: Context, state: dict[str, Any], text: str, choice: str | None) -> list[Reply]:
    if state.get("step") == "pick":
        if choice is None or not choice.startswith("person:"):
            raise Refusal(
                _("Please answer with a number from 1 to {count}, or type “hủy” to stop.").format(
                    count=len(state.get(flows.CHOICES_KEY, []))
                )
            )
        return [_ask_confirm(ctx, _still_registered(ctx, int(choice.removeprefix("person:"))))]
    answer = {"yes": True, "no": False}.get(choice or "", parsing.is_yes(text))
    if answer is None:
        raise Refusal(_("Please answer yes (take them off) or no (cancel), or 1 or 2."))
    flows.end(ctx)
    if not answer:
        return [Reply(_("Cancelled. Nothing was recorded."))]
    person = _still_registered(ctx, int(state["person"]))
    return [Reply(deactivate(ctx.session, ctx.person, person, ctx.now))]
