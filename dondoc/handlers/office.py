"""The office's commands: /moi, /giao, /tonghop, /quahan, /bidanh."""

import datetime as dt

from sqlalchemy.orm import Session

from dondoc.handlers import access, notify, parsing
from dondoc.handlers.messages import Context, Refusal, Reply
from dondoc.handlers.new_tasks import ONGOING_WORDS, tell_new_parts
from dondoc.handlers.registry import Router
from dondoc.handlers.render import agency_names, deadline_phrase, part_line
from dondoc.handlers.roles import role_from_word, role_label, role_words_hint
from dondoc.i18n import N_, _, format_date, format_datetime
from dondoc.store import audit
from dondoc.store.agencies import AgencyRow, add_agency, find_agency, names_of
from dondoc.store.models import Agency, Invite, Person, Role
from dondoc.store.people import create_invite
from dondoc.store.tasks import (
    TITLE_LENGTH,
    add_task,
    agency_cooperating,
    agency_counts,
    agency_unfinished,
    overdue_assignments,
)
from dondoc.text import fold, shorten

router = Router()
LIST_LIMIT = 30
OFFICE_AGENCY_CODE = "VPUB"


def invite_instructions(invite: Invite, bot_username: str | None, tz) -> str:
    """How the invited person joins: the code, the deep link when there is a Telegram bot, the expiry."""
    lines = [
        _("Invite code for {role}{agency}: {code}").format(
            role=role_label(invite.role),
            agency=f" — {invite.agency.name}" if invite.agency else "",
            code=invite.code,
        ),
        _("The person types /start {code} to the bot. The code works once and expires at {when}.").format(
            code=invite.code, when=format_datetime(invite.expires_at, tz)
        ),
    ]
    if bot_username:
        lines.append(
            _("On Telegram they can also open: {link}").format(
                link=f"https://t.me/{bot_username}?start={invite.code}"
            )
        )
    return "\n".join(lines)


def parse_invite_args(session: Session, args: str) -> tuple[Role, Agency | None]:
    """'KHCN head', 'Sở Y tế thủ trưởng', 'lanhdao', 'admin': the role is the last word or two."""
    words = args.split()
    usage = _("Type it like this: /moi KHCN head (roles: {roles}).").format(roles=role_words_hint())
    for count in (2, 1):
        if len(words) >= count and (role := role_from_word("".join(words[-count:]))) is not None:
            agency_name = " ".join(words[:-count])
            break
    else:
        raise Refusal(usage)
    if role in (Role.HEAD, Role.STAFF):
        if not agency_name:
            raise Refusal(_("Name the agency for a head or focal officer. ") + usage)
        return role, parsing.agency(session, agency_name)
    if role == Role.ADMIN:
        return role, parsing.agency(session, agency_name) if agency_name else find_agency(
            session, OFFICE_AGENCY_CODE
        )
    return role, None


def make_invite(
    session: Session, args: str, by: Person | None, now: dt.datetime, ttl: dt.timedelta
) -> Invite:
    """/moi and `dondoc invite`: a single-use, expiring invite for 'AGENCY ROLE', audited."""
    role, agency = parse_invite_args(session, args)
    created = create_invite(session, role=role, agency=agency, created_by=by, now=now, ttl=ttl)
    audit.record(
        session,
        by,
        "invite",
        now,
        subject=f"invite:{created.id}",
        role=role.value,
        agency_id=agency.id if agency else None,
    )
    return created


@router.command(
    "moi",
    roles=access.OFFICE,
    summary=N_("a one-time invite code for a person"),
    syntax=N_("/moi AGENCY ROLE"),
    aliases=("invite",),
)
def invite(ctx: Context, args: str) -> list[Reply]:
    created = make_invite(ctx.session, args, ctx.person, ctx.now, ctx.invite_ttl)
    return [Reply(invite_instructions(created, ctx.bot_username, ctx.tz))]


@router.command(
    "giao",
    roles=access.OFFICE,
    summary=N_("create a task by hand"),
    syntax=N_("/giao LEAD | DEADLINE | TEXT | COOPERATING"),
    aliases=("assign",),
)
def assign(ctx: Context, args: str) -> list[Reply]:
    example = _("/giao KHCN | 31/3/2026 | Trình UBND tỉnh Kế hoạch năm 2026 | STC; Sở Tư pháp")
    parts = [p.strip() for p in args.split("|")]
    if len(parts) < 3 or not parts[0] or not parts[2]:
        raise Refusal(
            _(
                "Type the lead agency, the deadline, the text and (optionally) the cooperating agencies, "
                "separated by |. Several agencies are separated by ;. A task without a date takes "
                "“thường xuyên” as deadline. For example:\n{example}"
            ).format(example=example)
        )
    leads = [parsing.agency(ctx.session, name) for name in parts[0].split(";") if name.strip()]
    coop_names = (parts[3] if len(parts) > 3 else "").split(";")
    coops = [parsing.agency(ctx.session, name) for name in coop_names if name.strip()]
    coops = [a for a in coops if a not in leads]
    deadline_text = parts[1]
    deadline = (
        None
        if fold(deadline_text) in ONGOING_WORDS or not deadline_text
        else parsing.date(deadline_text, ctx.today)
    )
    if deadline is not None and deadline < ctx.today:
        raise Refusal(
            _("The deadline {date} has already passed. Give a date from today on.").format(
                date=format_date(deadline)
            )
        )
    text = parsing.report_text(parts[2], example)
    task = add_task(
        ctx.session,
        text=text,
        title=shorten(text, TITLE_LENGTH),
        leads=leads,
        coops=coops,
        deadline=deadline,
        deadline_text=deadline_text or None,
        created_by=ctx.person,
        now=ctx.now,
        recurrence=None if deadline else "ongoing",
    )
    audit.record(ctx.session, ctx.person, "task.create", ctx.now, subject=f"task:{task.id}")
    told = tell_new_parts(ctx.session, [(task, part) for part in task.agencies], ctx.now, ctx.today)
    lines = [
        _("Created task #{number}: {title}").format(number=task.id, title=task.title),
        _("Lead: {agencies}").format(agencies=agency_names(leads)),
    ]
    if coops:
        lines.append(_("Cooperating: {agencies}").format(agencies=agency_names(coops)))
    lines.append(_("Deadline: {deadline}").format(deadline=deadline_phrase(task.deadline, ctx.today)))
    lines.append(
        _("{told} people of these agencies were told; /xem {number} shows who has received it.").format(
            told=told, number=task.id
        )
    )
    if nobody := notify.nobody_line(ctx.session, [part.agency_id for part in task.agencies]):
        lines.append(nobody)
    return [Reply("\n".join(lines))]


@router.command(
    "tonghop",
    roles=access.READERS,
    summary=N_("province-wide or per-agency summary"),
    syntax=N_("/tonghop [AGENCY]"),
    aliases=("summary",),
)
def summary(ctx: Context, args: str) -> list[Reply]:
    if args.strip():
        return [Reply(_agency_summary(ctx, parsing.agency(ctx.session, args)))]
    counts = agency_counts(ctx.session, ctx.today)
    if not counts:
        return [Reply(_("No tasks yet. Create one with /giao."))]
    names = names_of(ctx.session, counts)
    lines = [
        _("Summary on {date}, counting each lead agency's part (assignment):").format(
            date=format_date(ctx.today)
        ),
        counts_sentence(
            sum(c.open for c in counts.values()),
            sum(c.overdue for c in counts.values()),
            sum(c.due_soon for c in counts.values()),
            sum(c.awaiting_confirmation for c in counts.values()),
            sum(c.done for c in counts.values()),
        ),
    ]
    ranked = sorted(counts.values(), key=lambda c: (-c.overdue, -c.open, names[c.agency_id]))
    for c in ranked[:LIST_LIMIT]:
        lines.append(
            _(
                "• {agency}: {open} in progress, {overdue} overdue, {awaiting} awaiting confirmation, "
                "{done} done"
            ).format(
                agency=names[c.agency_id],
                open=c.open,
                overdue=c.overdue,
                awaiting=c.awaiting_confirmation,
                done=c.done,
            )
        )
    if len(ranked) > LIST_LIMIT:
        lines.append(_("… and {more} more agencies.").format(more=len(ranked) - LIST_LIMIT))
    lines.append(_("For one agency: /tonghop KHCN. Overdue: /quahan. Due soon: /sapden."))
    return [Reply("\n".join(lines))]


def counts_sentence(open_: int, overdue: int, soon: int, awaiting: int, done: int) -> str:
    return _(
        "{open} in progress ({overdue} overdue, {soon} due within 7 days), {awaiting} awaiting confirmation, "
        "{done} done."
    ).format(open=open_, overdue=overdue, soon=soon, awaiting=awaiting, done=done)


def _agency_summary(ctx: Context, agency: Agency) -> str:
    counts = agency_counts(ctx.session, ctx.today, [agency.id]).get(agency.id)
    rows, total = agency_unfinished(ctx.session, agency.id, limit=LIST_LIMIT)
    coops, coop_total = agency_cooperating(ctx.session, agency.id, limit=LIST_LIMIT)
    lines = [_("{agency} on {date}:").format(agency=agency.name, date=format_date(ctx.today))]
    if counts is not None:
        lines.append(
            counts_sentence(
                counts.open, counts.overdue, counts.due_soon, counts.awaiting_confirmation, counts.done
            )
        )
    if not rows and not coops:
        lines.append(_("No open tasks."))
        return "\n".join(lines)
    lines += [part_line(row, ctx.today, ctx.tz) for row in rows]
    if total > len(rows):
        lines.append(_("… and {more} more.").format(more=total - len(rows)))
    if coops:
        lines.append(
            _("Cooperating (its contribution to another agency's task): {total}").format(total=coop_total)
        )
        lines += [part_line(row, ctx.today, ctx.tz) for row in coops]
        if coop_total > len(coops):
            lines.append(_("… and {more} more.").format(more=coop_total - len(coops)))
    return "\n".join(lines)


@router.command(
    "quahan",
    roles=access.READERS,
    summary=N_("overdue tasks"),
    syntax=N_("/quahan [AGENCY]"),
    aliases=("overdue",),
)
def overdue(ctx: Context, args: str) -> list[Reply]:
    agency = parsing.agency(ctx.session, args) if args.strip() else None
    rows, total = overdue_assignments(ctx.session, ctx.today, LIST_LIMIT, agency.id if agency else None)
    where = agency.name if agency else _("all agencies")
    if total == 0:
        return [Reply(_("{where}: no overdue tasks. ✅").format(where=where))]
    lines = [
        _("{where}: {total} overdue (each lead agency's part counted):").format(where=where, total=total)
    ]
    lines += [part_line(row, ctx.today, ctx.tz, show_agency=agency is None) for row in rows]
    if total > len(rows):
        lines.append(_("… and {more} more.").format(more=total - len(rows)))
    return [Reply("\n".join(lines))]


@router.command(
    "bidanh",
    roles=access.OFFICE,
    summary=N_("teach the directory another name for an agency"),
    syntax=N_("/bidanh NAME = CODE"),
    aliases=("alias",),
)
def add_alias(ctx: Context, args: str) -> list[Reply]:
    name, _sep, target = args.rpartition("=")
    if not name.strip() or not target.strip():
        raise Refusal(
            _(
                "Type it like this: /bidanh Sở KH-CN = SKHCN (the name as written, then the agency's code "
                "or name)."
            )
        )
    agency = parsing.agency(ctx.session, target)
    existing = find_agency(ctx.session, name)
    if existing is not None:
        raise Refusal(_("“{name}” already means {agency}.").format(name=name.strip(), agency=existing.name))
    add_agency(ctx.session, AgencyRow(agency.code, agency.name, agency.kind, (name.strip(),)), ctx.now)
    audit.record(
        ctx.session, ctx.person, "agency.alias", ctx.now, subject=f"agency:{agency.id}", alias=name.strip()
    )
    return [Reply(_("From now on “{name}” means {agency}.").format(name=name.strip(), agency=agency.name))]
