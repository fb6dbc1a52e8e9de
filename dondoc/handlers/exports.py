"""Reports out: /xuat (the workbook and the chart) and /danhgia (the ranking by on-time completion)."""

import io

from dondoc.handlers import access, parsing
from dondoc.handlers.messages import Attachment, Context, Refusal, Reply
from dondoc.handlers.periods import Period, between, parse_period
from dondoc.handlers.registry import Router
from dondoc.handlers.render import rate_phrase, where_phrase
from dondoc.i18n import N_, _, format_date
from dondoc.store.agencies import code_of
from dondoc.store.exports import AgencySummary, totals_of
from dondoc.text import fold

router = Router()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FROM = {"from", "tu"}
_TO = {"to", "den", "toi"}
_PERIOD_WORDS = {"nam", "year", "quy", "q1", "q2", "q3", "q4", "quarter", "thang", "month"}


@router.command(
    "xuat",
    roles=access.MEMBERS | access.READERS,
    summary=N_("an Excel workbook and a chart of the assignments"),
    syntax=N_("/xuat [AGENCY] [from dd/mm/yyyy] [to dd/mm/yyyy]"),
    aliases=("export",),
)
def export(ctx: Context, args: str) -> list[Reply]:
    from dondoc.reports.chart import agency_chart  # openpyxl and matplotlib only for a report
    from dondoc.reports.workbook import write_workbook

    name, period = _agency_and_period(ctx, args)
    agency = parsing.agency(ctx.session, name) if name else None
    agency_id = access.agency_in_view(ctx, agency.id if agency else None)
    start, end = (period.start, period.end) if period else (None, None)
    buffer = io.BytesIO()
    info = write_workbook(
        buffer, ctx.session, today=ctx.today, tz=ctx.tz, agency_id=agency_id, start=start, end=end
    )
    where = where_phrase(ctx.session, agency_id)
    when = period.label if period else _("to {date}").format(date=format_date(ctx.today))
    stem = f"dondoc-{ctx.today:%Y%m%d}" + (f"-{code_of(ctx.session, agency_id)}" if agency_id else "")
    elsewhere = _(
        "This messenger cannot carry files: type /xuat on Telegram, or ask the office for the workbook."
    )
    attachments = [Attachment(f"{stem}.xlsx", buffer.getvalue(), mime_type=XLSX, note=elsewhere)]
    charted = [s for s in info.summaries if s.assigned]
    if charted:
        title = _("Assignments by agency, {period}").format(period=when)
        picture = agency_chart(charted, title=title)
        attachments.append(Attachment(f"{stem}.png", picture, mime_type="image/png", note=elsewhere))
    return [Reply(_summary_text(info.summaries, info.rows, where, when), attachments=tuple(attachments))]


def _agency_and_period(ctx: Context, args: str) -> tuple[str, Period | None]:
    """'STC from 1/1/2026 to 31/3/2026', 'Sở Y tế quý I/2026', 'năm 2026': the agency, then the period."""
    words = args.split()
    folded = [fold(w) for w in words]
    at = next(
        (i for i, w in enumerate(folded) if w in _FROM | _TO | _PERIOD_WORDS or w[:1].isdigit()), len(words)
    )
    name, rest = " ".join(words[:at]), folded[at:]
    if not rest:
        return name, None
    if rest[0] in _FROM | _TO and len(rest) in (2, 4):  # "from X", "to Y", "from X to Y": either end open
        ends = dict(zip(rest[::2], rest[1::2], strict=True))
        start = next((ends[w] for w in _FROM if w in ends), None)
        end = next((ends[w] for w in _TO if w in ends), None)
        if len(ends) == len(rest) // 2 and (start or end):
            return name, between(
                parsing.date(start, ctx.today) if start else None,
                parsing.date(end, ctx.today) if end else None,
            )
    return name, parse_period(" ".join(words[at:]), ctx.today)


def _summary_text(summaries: list[AgencySummary], rows: int, where: str, when: str) -> str:
    """The workbook's totals in a few lines, for the chat (and for a messenger that cannot take files)."""
    total = totals_of(summaries)
    return "\n".join(
        [
            _("Report of {where}, {when}: {rows} assignments.").format(where=where, when=when, rows=rows),
            _(
                "Assigned {assigned}: done on time {on_time}, done late {late}, awaiting confirmation "
                "{reported}, in progress {open} ({overdue} overdue). Done on time: {rate}."
            ).format(
                assigned=total.assigned,
                on_time=total.done_on_time,
                late=total.done_late,
                reported=total.reported,
                open=total.open,
                overdue=total.overdue,
                rate=rate_phrase(total.done_on_time, total.dated),
            ),
            _("The workbook has a summary sheet by agency and a sheet of every assignment."),
        ]
    )


@router.command(
    "danhgia",
    roles=access.READERS,
    summary=N_("agencies ranked by on-time completion over a period"),
    syntax=N_("/danhgia [năm 2026 | quý I/2026 | from dd/mm/yyyy to dd/mm/yyyy]"),
    aliases=("ranking", "xephang"),
)
def ranking(ctx: Context, args: str) -> list[Reply]:
    from dondoc.reports.ranking import rank, ranking_text
    from dondoc.store.ranking import period_results

    period = parse_period(args, ctx.today)
    if period.start > ctx.today:
        raise Refusal(
            _("The period {period} has not begun yet. Try /danhgia năm {year}.").format(
                period=period.label, year=ctx.today.year
            )
        )
    results = period_results(ctx.session, period.start, period.end, ctx.today, ctx.tz)
    return [Reply(ranking_text(rank(results), period))]
