"""The on-time ranking (`/danhgia`): agencies ordered by the share of their assignments due in a period
that were done on time, then by fewer overdue days; agencies with too few assignments listed apart.

Rates are compared as exact fractions, so two agencies share a place only when their rates and their
overdue days are really equal (2/3 and 4/6 tie; 66.7% and 66.6% do not).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from dondoc.handlers.periods import Period
from dondoc.i18n import _, format_percent_value, ngettext
from dondoc.store.ranking import AgencyResult
from dondoc.text import fold

MIN_ASSIGNMENTS = 3
LINES_SHOWN = 30  # agencies listed in each part of the reply, to keep it readable on a phone


@dataclass(frozen=True)
class Placed:
    place: int  # 1, 1, 3 …: agencies tied on rate and overdue days share a place
    result: AgencyResult


@dataclass(frozen=True)
class Ranking:
    ranked: tuple[Placed, ...]
    apart: tuple[AgencyResult, ...]  # fewer than `min_assignments` due in the period: not ranked
    min_assignments: int = MIN_ASSIGNMENTS

    @property
    def empty(self) -> bool:
        return not self.ranked and not self.apart


def rate(result: AgencyResult) -> Fraction:
    """Done on time ÷ due (an agency in the results has at least one assignment due)."""
    return Fraction(result.done_on_time, result.due) if result.due else Fraction(0)


def percent(value: Fraction) -> int:
    """A rate as a whole percentage, halves rounded up (5/8 -> 63)."""
    return int(value * 100 + Fraction(1, 2))


def _order(result: AgencyResult) -> tuple[Fraction, int, str, int]:
    return (-rate(result), result.overdue_days, fold(result.name), result.agency_id)


def rank(results: Iterable[AgencyResult], min_assignments: int = MIN_ASSIGNMENTS) -> Ranking:
    ordered = sorted(results, key=_order)
    ranked: list[Placed] = []
    for position, result in enumerate(r for r in ordered if r.due >= min_assignments):
        previous = ranked[-1] if ranked else None
        tied = previous is not None and _order(previous.result)[:2] == _order(result)[:2]
        ranked.append(Placed(previous.place if previous and tied else position + 1, result))
    apart = tuple(r for r in ordered if r.due < min_assignments)
    return Ranking(tuple(ranked), apart, min_assignments)


def result_details(result: AgencyResult) -> str:
    """'9/10 on time, 1 of them extended; 1 late; 3 days overdue' (only the parts that are not zero). An
    extension is always shown: beside the on-time count when it made the work on time, beside the late
    count when the work was late all the same."""
    on_time = _("{done}/{due} on time").format(done=result.done_on_time, due=result.due)
    if result.extended_on_time:
        on_time += ", " + _("{count} of them extended").format(count=result.extended_on_time)
    parts = [on_time]
    if result.done_late:
        late = _("{count} late").format(count=result.done_late)
        if result.extended_late:
            late += ", " + _("{count} of them extended").format(count=result.extended_late)
        parts.append(late)
    if result.reported:
        parts.append(_("{count} awaiting confirmation").format(count=result.reported))
    if result.open:
        parts.append(_("{count} not done").format(count=result.open))
    if result.overdue_days:
        days = result.overdue_days
        parts.append(ngettext("{count} day overdue", "{count} days overdue", days).format(count=days))
    return "; ".join(parts)


def result_line(result: AgencyResult) -> str:
    return f"{result.name} — {format_percent_value(percent(rate(result)))} ({result_details(result)})"


def _shown(lines: list[str]) -> list[str]:
    if len(lines) <= LINES_SHOWN:
        return lines
    return [*lines[:LINES_SHOWN], _("… and {more} more.").format(more=len(lines) - LINES_SHOWN)]


def _totals(ranking: Ranking) -> str:
    results = [p.result for p in ranking.ranked] + list(ranking.apart)
    due = sum(r.due for r in results)
    on_time = sum(r.done_on_time for r in results)
    return ngettext(
        "{due} assignment due in the period, at {agencies} agencies; {on_time} done on time ({rate}).",
        "{due} assignments due in the period, at {agencies} agencies; {on_time} done on time ({rate}).",
        due,
    ).format(
        due=due,
        agencies=len(results),
        on_time=on_time,
        rate=format_percent_value(percent(Fraction(on_time, due))),
    )


def footer(min_assignments: int) -> list[str]:
    """How the ranking is counted, written under it."""
    return [
        _("How it is counted:"),
        _(
            "• On-time rate = assignments due in the period (by their original deadline) done on time ÷ "
            "assignments due in the period; cancelled ones are left out."
        ),
        _(
            "• Done on time: the office confirmed the completion, and the completion report is dated on or "
            "before the deadline in force; an approved extension's date counts, and is shown (“extended”)."
        ),
        _(
            "• Ties: fewer overdue days first (days past the deadline in force, until the completion report "
            "or, for work not done, until today)."
        ),
        _("• Agencies with fewer than {count} assignments due in the period are listed apart.").format(
            count=min_assignments
        ),
    ]


def ranking_text(ranking: Ranking, period: Period) -> str:
    """The reply to /danhgia, in the language in force."""
    title = _("Ranking by on-time completion, {period}").format(period=period.label)
    if ranking.empty:
        example = Period.year(period.start.year - 1).label
        return "\n".join(
            [
                title,
                _(
                    "No assignment is due in this period (by original deadline), so there is nothing to "
                    "rank. Try another period, for example /danhgia {example}, or /danhgia alone for this "
                    "year."
                ).format(example=example),
            ]
        )
    lines = [title, _totals(ranking), ""]
    if ranking.ranked:
        lines += _shown([f"{p.place}. {result_line(p.result)}" for p in ranking.ranked])
    else:
        lines.append(
            _("No agency has {count} or more assignments due in this period: none is ranked.").format(
                count=ranking.min_assignments
            )
        )
    if ranking.apart:
        apart = _("Fewer than {count} assignments due, not ranked:").format(count=ranking.min_assignments)
        lines += ["", apart]
        lines += _shown([f"• {result_line(r)}" for r in ranking.apart])
    return "\n".join([*lines, "", *footer(ranking.min_assignments)])
