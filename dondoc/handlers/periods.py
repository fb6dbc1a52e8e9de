"""Reading a period of time for the reports: a year, a quarter, a half-year, a month or two dates.

`parse_period` takes what follows the command (`/danhgia quý I/2026`), with or without diacritics, in
Vietnamese or English, and returns a `Period`, or raises `Refusal` with the forms it reads.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from dondoc.handlers import parsing
from dondoc.handlers.messages import Refusal
from dondoc.handlers.parsing import MAX_YEAR, MIN_YEAR
from dondoc.i18n import N_, _, format_short_date
from dondoc.text import fold, shorten

MAX_YEARS = 5  # the longest period a report covers
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
QUARTER_LABELS = (N_("Q1 {year}"), N_("Q2 {year}"), N_("Q3 {year}"), N_("Q4 {year}"))
HALF_LABELS = (N_("first half of {year}"), N_("second half of {year}"))

_YEAR = r"(\d{4})"
_OF_YEAR = rf"(?:\s*[/.-]\s*|\s+(?:nam|of|year)\s+|\s*,?\s+){_YEAR}"  # "/2026", " năm 2026", " 2026"
_YEAR_FORM = re.compile(rf"^(?:(?:nam|year)\s+)?{_YEAR}$")
_QUARTER_FORM = re.compile(rf"^(?:quy|quarter|q)\s*([ivx]+|\d+)(?:{_OF_YEAR})?$")
_MONTH_FORM = re.compile(
    rf"^(?:(?:thang|month)\s*)?(\d{{1,2}})(?:{_OF_YEAR})$|^(?:thang|month)\s*(\d{{1,2}})$"
)
_HALF_FORM = re.compile(
    rf"^(?:(?:6 thang|nua)\s+(dau|cuoi)(?:\s+nam)?|(first|second) half(?: of)?|h([12]))(?:{_OF_YEAR})?$"
)
_RANGE_WORDS = re.compile(r"^(?:(?:tu|from)\s+)?(\S+)\s+(?:den|to|-|–|—|\.\.)\s+(\S+)$")
_RANGE_JOINED = re.compile(
    r"^(?:(?:tu|from)\s+)?(\d{1,2}/\d{1,2}(?:/\d{2,4})?)\s*[-–—]\s*(\d{1,2}/\d{1,2}(?:/\d{2,4})?)$"
)
_THIS_YEAR = {"nam nay", "this year"}
_LAST_YEAR = {"nam truoc", "nam ngoai", "last year"}
_THIS_QUARTER = {"quy nay", "this quarter"}


@dataclass(frozen=True)
class Period:
    """Both days included. `kind` and `number` say how it was named, so that `label` reads the same way
    ('năm 2026', 'Quý I/2026') in the language in force when it is shown."""

    start: dt.date
    end: dt.date
    kind: str = "range"  # year, half, quarter, month or range
    number: int = 0  # the half, quarter or month

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")

    @classmethod
    def half(cls, year: int, half: int) -> "Period":
        start = dt.date(year, 1 if half == 1 else 7, 1)
        return cls(start, dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31), "half", half)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        start = dt.date(year, 3 * quarter - 2, 1)
        return cls(start, month_end(year, 3 * quarter), "quarter", quarter)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(dt.date(year, month, 1), month_end(year, month), "month", month)

    @property
    def label(self) -> str:
        """'năm 2026', 'Quý I/2026', '6 tháng đầu năm 2026', 'tháng 3/2026', 'từ 1/1/2026 đến 31/3/2026'."""
        year = self.start.year
        if self.kind == "year":
            return _("year {year}").format(year=year)
        if self.kind == "half":
            return _(HALF_LABELS[self.number - 1]).format(year=year)
        if self.kind == "quarter":
            return _(QUARTER_LABELS[self.number - 1]).format(year=year)
        if self.kind == "month":
            return _("month {month}/{year}").format(month=self.number, year=year)
        return _("from {start} to {end}").format(
            start=format_short_date(self.start), end=format_short_date(self.end)
        )


def month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def forms_help() -> str:
    return _(
        "Periods I can read: năm 2026 · quý I/2026 · Q1 2026 · 6 tháng đầu năm 2026 · tháng 3/2026 · "
        "từ 1/1/2026 đến 31/3/2026 (nothing means this year)."
    )


def _refuse(reason: str) -> Refusal:
    return Refusal(f"{reason}\n{forms_help()}")


def parse_period(text: str, today: dt.date, max_years: int | None = MAX_YEARS) -> Period:
    """A period named in words, or `Refusal`. Nothing at all is this year. `max_years` bounds a period
    given by two dates (None: any length, as for "everything until 31/3/2026")."""
    words = fold(text).rstrip(".")
    if not words or words in _THIS_YEAR:
        return Period.year(today.year)
    if words in _LAST_YEAR:
        return Period.year(today.year - 1)
    if words in _THIS_QUARTER:
        return Period.quarter(today.year, (today.month - 1) // 3 + 1)
    for reader in (_year, _quarter, _half, _month, _range):
        period = reader(words, today)
        if period is not None:
            return _checked(period, max_years)
    raise _refuse(_("I cannot read “{text}” as a period.").format(text=text.strip()))


def _year_of(value: str | None, today: dt.date) -> int:
    year = today.year if value is None else int(value)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _refuse(_("The year {year} is out of range.").format(year=year))
    return year


def _year(words: str, today: dt.date) -> Period | None:
    match = _YEAR_FORM.match(words)
    return Period.year(_year_of(match.group(1), today)) if match else None


def _quarter(words: str, today: dt.date) -> Period | None:
    match = _QUARTER_FORM.match(words)
    if not match:
        return None
    number = match.group(1)
    quarter = int(number) if number.isdigit() and len(number) <= 2 else ROMAN.get(number, 0)
    if not 1 <= quarter <= 4:
        raise _refuse(
            _("There is no quarter {quarter}: a year has quarters I to IV.").format(
                quarter=shorten(number.upper(), 12)
            )
        )
    return Period.quarter(_year_of(match.group(2), today), quarter)


def _half(words: str, today: dt.date) -> Period | None:
    match = _HALF_FORM.match(words)
    if not match:
        return None
    first = match.group(1) == "dau" or match.group(2) == "first" or match.group(3) == "1"
    return Period.half(_year_of(match.group(4), today), 1 if first else 2)


def _month(words: str, today: dt.date) -> Period | None:
    match = _MONTH_FORM.match(words)
    if not match:
        return None
    number, year = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), None)
    if not 1 <= int(number) <= 12:
        raise _refuse(_("There is no month {month}.").format(month=number))
    return Period.month(_year_of(year, today), int(number))


def _range(words: str, today: dt.date) -> Period | None:
    match = _RANGE_WORDS.match(words) or _RANGE_JOINED.match(words)
    if not match:
        return None
    try:
        start, end = parsing.date(match.group(1), today), parsing.date(match.group(2), today)
    except Refusal as refusal:
        raise _refuse(refusal.message) from None
    return Period(start, end)


def between(start: dt.date | None, end: dt.date | None) -> Period:
    """The period of "from … to …" with either end left open (from the first year kept, or to the last),
    checked as a named one is: `/xuat from 1/1/2026`, `dondoc export --to 31/3/2026`."""
    period = Period(start or dt.date(MIN_YEAR, 1, 1), end or dt.date(MAX_YEAR, 12, 31))
    return _checked(period, max_years=None, refuse=Refusal)  # dates given: no list of named forms


def _checked(period: Period, max_years: int | None, refuse: Callable[[str], Refusal] = _refuse) -> Period:
    if period.end < period.start:
        raise refuse(
            _("The period ends on {end}, before it starts ({start}).").format(
                start=format_short_date(period.start), end=format_short_date(period.end)
            )
        )
    if not (period.start.year >= MIN_YEAR and period.end.year <= MAX_YEAR):
        raise refuse(_("The year {year} is out of range.").format(year=period.start.year))
    if max_years is not None and period.end >= _years_after(period.start, max_years):
        raise refuse(_("A period can be at most {years} years long.").format(years=max_years))
    return period


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
