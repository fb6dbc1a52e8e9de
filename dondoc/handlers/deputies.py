"""/uyquyen NAME đến dd/mm/yyyy: someone covers for an agency's head for a period. What is meant for
the head (escalated reminders, the office's decisions, messages to heads only) reaches them too, until
the day given (included) or until /uyquyen thôi."""

import datetime as dt
import re

from dondoc.handlers import access, notify, parsing
from dondoc.handlers.members import describe, registered_candidates
from dondoc.handlers.messages import Context, Refusal, Reply
from dondoc.handlers.registry import Router
from dondoc.handlers.render import names_list
from dondoc.i18n import N_, _, format_date
from dondoc.store import audit
from dondoc.store.delegations import current_delegations, delegate, end_delegations
from dondoc.store.models import Agency, Person
from dondoc.text import fold

router = Router()
LONGEST = dt.timedelta(days=365)  # a cover longer than a year is a new head, not a deputy
USAGE = N_(
    "Write it like this: /uyquyen Nguyễn Văn An đến 31/12/2026 — that person then also receives what is "
    "meant for the head until that day. /uyquyen thôi ends it early."
)
_UNTIL = re.compile(
    r"\s+(?:đến(?:\s+(?:hết\s+)?ngày)?|den(?:\s+(?:het\s+)?ngay)?|until|to)\s+(\S+)\s*$", re.I
)
_STOP_WORDS = {"thoi", "huy", "ket thuc", "stop", "end", "cancel"}


def _covering_line(ctx: Context, agency: Agency) -> str:
    delegations = current_delegations(ctx.session, agency.id, ctx.today)
    if not delegations:
        return _("Nobody covers for the head of {agency} now.").format(agency=agency.name) + " " + _(USAGE)
    return _("Covering for the head of {agency}: {people}.").format(
        agency=agency.name,
        people=names_list(
            [
                _("{name} until {date}").format(name=d.deputy.name, date=format_date(d.until))
                for d in delegations
            ]
        ),
    )


def _deputy(ctx: Context, name: str) -> Person:
    """The registered person `name` means, among those the caller may name (`access.delegable`)."""
    candidates = [p for p in registered_candidates(ctx.session, name) if access.may_cover(ctx, p)]
    if not candidates:
        raise Refusal(
            _("{name} is not registered at your agency. /thanhvien shows who is.").format(name=name.strip())
        )
    if len(candidates) > 1:
        raise Refusal(
            _("Several registered people match “{name}”: {people}. Type the full name.").format(
                name=name.strip(), people=names_list([describe(p) for p in candidates])
            )
        )
    return candidates[0]


@router.command(
    "uyquyen",
    roles=access.COVER_GIVERS,
    summary=N_("someone covers for the head for a period: they get what is meant for the head"),
    syntax=N_("/uyquyen NAME đến dd/mm/yyyy"),
    aliases=("deputy",),
)
def cover(ctx: Context, args: str) -> list[Reply]:
    own = access.own_agency_id(ctx)
    agency = ctx.session.get(Agency, own) if own is not None else None
    first, rest = parsing.split_first(args)
    if fold(first) in _STOP_WORDS or fold(args) in _STOP_WORDS:
        if rest.strip() and fold(args) not in _STOP_WORDS:  # the office names the agency
            agency = parsing.agency(ctx.session, rest) if access.sees_every_agency(ctx) else agency
        if agency is None:
            raise Refusal(_(USAGE))
        ended = end_delegations(ctx.session, agency.id, ctx.now)
        audit.record(ctx.session, ctx.person, "delegation.end", ctx.now, subject=f"agency:{agency.id}")
        if not ended:
            return [Reply(_("Nobody covers for the head of {agency} now.").format(agency=agency.name))]
        return [Reply(_("✅ Nobody covers for the head of {agency} any more.").format(agency=agency.name))]
    match = _UNTIL.search(args)
    if match is None:
        if agency is not None and not args.strip():
            return [Reply(_covering_line(ctx, agency))]
        raise Refusal(_(USAGE))
    until = parsing.date(match.group(1), ctx.today)
    if until < ctx.today or until > ctx.today + LONGEST:
        raise Refusal(
            _("The last day covered must be from today to {latest}.").format(
                latest=format_date(ctx.today + LONGEST)
            )
        )
    deputy = _deputy(ctx, args[: match.start()])
    assert deputy.agency is not None  # `may_cover` names people of an agency only
    delegate(ctx.session, deputy.agency.id, deputy, until, ctx.person, ctx.now)
    audit.record(
        ctx.session,
        ctx.person,
        "delegation.start",
        ctx.now,
        subject=f"agency:{deputy.agency.id}",
        deputy_id=deputy.id,
        until=until.isoformat(),
    )
    agency_name, date = deputy.agency.name, format_date(until)
    notify.tell(
        ctx.session,
        [deputy],
        ctx.now,
        "message",
        lambda _person: _(
            "You cover for the head of {agency} until {date}: the bot sends you what is meant for the head "
            "too (escalated reminders, the office's decisions)."
        ).format(agency=agency_name, date=format_date(until)),
        skip=ctx.person,
    )
    return [
        Reply(
            _(
                "✅ {who} covers for the head of {agency} until {date} (included): they also receive what is "
                "meant for the head. /uyquyen thôi ends it early."
            ).format(who=deputy.name, agency=agency_name, date=date)
        )
    ]
