"""Commands for everyone: /start CODE, /help, /ngonngu."""

import datetime as dt

from dondoc.handlers import access
from dondoc.handlers.messages import Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.handlers.roles import role_label
from dondoc.i18n import LANGUAGES, N_, _, normalise_language, use_language
from dondoc.store import audit
from dondoc.store.models import Invite, Person, Role
from dondoc.store.people import (
    add_person,
    claim_invite,
    create_invite,
    find_invite,
    link_platform,
    move_links,
    person_by_id,
    platforms_of,
)

router = Router()


def _ensure_person(ctx: Context) -> Person:
    """The person writing; a stranger becomes a guest record so their language can be kept."""
    if ctx.person is None:
        incoming = ctx.incoming
        ctx.person = add_person(
            ctx.session,
            name=incoming.display_name or incoming.user_id,
            role=Role.GUEST,
            agency=None,
            platform=incoming.platform,
            user_id=incoming.user_id,
            chat_id=incoming.address or incoming.chat_id,
            now=ctx.now,
        )
    return ctx.person


def who_am_i(ctx: Context) -> str:
    assert ctx.person is not None
    if ctx.person.agency is not None:
        return _("{name}, {role} of {agency}").format(
            name=ctx.person.name, role=role_label(ctx.person.role), agency=ctx.person.agency.name
        )
    return _("{name}, {role}").format(name=ctx.person.name, role=role_label(ctx.person.role))


@router.command(
    "start",
    roles=access.EVERYONE,
    summary=N_("join with an invite code"),
    syntax=N_("/start CODE"),
    aliases=("batdau",),
)
def start(ctx: Context, args: str) -> list[Reply]:
    code = args.split()[0] if args.split() else ""
    if ctx.role != Role.GUEST:
        if code:
            return [
                Reply(
                    _("You are already registered as {who}. The code was not used.").format(who=who_am_i(ctx))
                )
            ]
        return [Reply(_("Welcome back, {who}. Type /help to see your commands.").format(who=who_am_i(ctx)))]
    if not code:
        return [
            Reply(
                _(
                    "Welcome to Đôn Đốc, the task follow-up bot of the Provincial People's Committee. "
                    "To join, ask the office for an invite code and type /start followed by the code."
                )
            )
        ]
    invite = find_invite(ctx.session, code)
    if invite is None:
        raise Refusal(
            _(
                "The code “{code}” is not valid. Check it and type /start CODE again, or ask the office "
                "for a new code."
            ).format(code=code[:20])
        )
    if invite.used_at is not None:
        raise Refusal(
            _("This invite code has already been used. Each code works once; ask the office for a new one.")
        )
    if invite.expires_at <= ctx.now:
        raise Refusal(_("This invite code has expired. Ask the office for a new one."))
    if invite.person_id is not None:
        return _link_here(ctx, invite)
    person = _ensure_person(ctx)
    if not claim_invite(ctx.session, invite, person, ctx.now):
        raise Refusal(
            _("This invite code has already been used. Each code works once; ask the office for a new one.")
        )
    person.role, person.agency_id, person.active = invite.role, invite.agency_id, True
    ctx.session.flush()
    ctx.session.refresh(person)
    audit.record(
        ctx.session,
        person,
        "join",
        ctx.now,
        subject=f"invite:{invite.id}",
        role=invite.role.value,
        agency_id=invite.agency_id,
    )
    return [
        Reply(
            _("Welcome, {who}. You can now use these commands:").format(who=who_am_i(ctx))
            + "\n"
            + _help_lines(ctx)
        )
    ]


def _link_here(ctx: Context, invite: Invite) -> list[Reply]:
    """A link code: this messenger account becomes another way to reach an existing person."""
    target = person_by_id(ctx.session, invite.person_id)
    if target is None or not target.active or not ctx.linking_allowed:
        raise Refusal(_("This code cannot link accounts now. Ask the office."))
    if not claim_invite(ctx.session, invite, target, ctx.now):
        raise Refusal(
            _("This invite code has already been used. Each code works once; ask the office for a new one.")
        )
    incoming = ctx.incoming
    if ctx.person is not None:  # a guest record made by /ngonngu: its account moves to the person
        move_links(ctx.session, ctx.person.id, target.id)
        ctx.person.active = False
    else:
        link_platform(
            ctx.session,
            target,
            incoming.platform,
            incoming.user_id,
            incoming.address or incoming.chat_id,
            ctx.now,
        )
    ctx.person = target
    audit.record(
        ctx.session, target, "link", ctx.now, subject=f"invite:{invite.id}", platform=incoming.platform
    )
    return [
        Reply(
            _("Linked. You are {who} here too; choose where messages reach you with /kenh.").format(
                who=who_am_i(ctx)
            )
        )
    ]


@router.command(
    "lienket",
    roles=access.PEOPLE,
    summary=N_("use the bot on another messenger too"),
    syntax=N_("/lienket"),
    aliases=("link",),
)
def link_code(ctx: Context, args: str) -> list[Reply]:
    assert ctx.person is not None
    if not ctx.linking_allowed:
        raise Refusal(_("The office has not allowed linking accounts. Ask the office."))
    code = create_invite(
        ctx.session,
        role=ctx.person.role,
        agency=ctx.person.agency,
        created_by=ctx.person,
        now=ctx.now,
        ttl=min(ctx.invite_ttl, dt.timedelta(days=1)),
        for_person=ctx.person,
    )
    return [
        Reply(
            _(
                "Your link code: {code}. On the other messenger (Telegram or Zalo) send the bot: "
                "/start {code} — within 24 hours; it works once."
            ).format(code=code.code)
        )
    ]


@router.command(
    "kenh",
    roles=access.PEOPLE,
    summary=N_("choose the messenger that reminders come to"),
    syntax=N_("/kenh telegram|zalo"),
    aliases=("channel",),
)
def channel(ctx: Context, args: str) -> list[Reply]:
    assert ctx.person is not None
    linked = platforms_of(ctx.session, ctx.person.id)
    wanted = args.strip().lower()
    if not wanted:
        current = ctx.person.preferred_platform or _("the one you used last")
        return [
            Reply(
                _(
                    "Linked messengers: {linked}. Reminders come to: {current}. Change with /kenh zalo or "
                    "/kenh telegram."
                ).format(linked=", ".join(linked), current=current)
            )
        ]
    if wanted not in linked:
        raise Refusal(
            _("You are not linked on {name}. Send /lienket here, then /start CODE on {name}.").format(
                name=wanted[:20]
            )
        )
    ctx.person.preferred_platform = wanted
    return [Reply(_("Reminders will come to you on {name}.").format(name=wanted))]


def _help_lines(ctx: Context) -> str:
    return "\n".join(f"{_(c.syntax)} — {_(c.summary)}" for c in ctx.registry.for_role(ctx.role))


@router.command(
    "help",
    roles=access.EVERYONE,
    summary=N_("the commands you can use"),
    syntax=N_("/help"),
    aliases=("trogiup", "huongdan"),
)
def help_(ctx: Context, args: str) -> list[Reply]:
    if ctx.role == Role.GUEST:
        return [
            Reply(
                _(
                    "To join, ask the office for an invite code and type /start followed by the code. "
                    "Type /ngonngu en for English."
                )
            )
        ]
    return [
        Reply(
            _("You are {who}. Your commands:").format(who=who_am_i(ctx))
            + "\n"
            + _help_lines(ctx)
            + "\n"
            + _(
                "Commands also work without the slash and without diacritics, "
                "for example: bao cao 12 60% đã xong dự thảo."
            )
        )
    ]


@router.command(
    "ngonngu",
    roles=access.EVERYONE,
    summary=N_("choose your language: vi or en"),
    syntax=N_("/ngonngu vi|en"),
    aliases=("language", "lang"),
)
def language(ctx: Context, args: str) -> list[Reply]:
    wanted = args.strip().lower()
    if wanted not in LANGUAGES:
        raise Refusal(_("Choose vi (Tiếng Việt) or en (English), for example: /ngonngu en"))
    person = _ensure_person(ctx)
    person.language = normalise_language(wanted)
    with use_language(person.language):
        return [Reply(_("From now on I will write to you in English."))]
