"""Deadlines as Vietnamese notices write them, resolved to a date with the phrase kept.

"trong Quý I/2026" -> 31/3/2026, "trước ngày 15 tháng 3 năm 2026" -> 15/3/2026, "trước 30/6" -> in
the notice's year, "trong 15 ngày kể từ ngày ký" -> from the signing date; "hằng tháng" and the like
are recurrences; "thường xuyên", "xuyên suốt", "tiếp tục" and no date at all mean ongoing.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dondoc.notices import ONGOING

RECURRENCES = {"tháng": "monthly", "quý": "quarterly", "năm": "yearly", "tuần": "weekly"}
QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_TRIGGER = r"(?:trước|chậm nhất(?: là)?|muộn nhất(?: là)?|hạn chót|thời hạn:?|hạn:?|đến hết|xong trước)"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "quarter",
        re.compile(
            r"(?:(?:trong|trước|hết|đến hết|cuối)\s+)?quý\s+(IV|I{1,3}|[1-4])\s*/\s*(\d{4})", re.IGNORECASE
        ),
    ),
    (
        "dmy_words",
        re.compile(_TRIGGER + r"\s+(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE),
    ),
    (
        "dmy",
        re.compile(
            _TRIGGER + r"\s+(?:ngày\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.IGNORECASE
        ),
    ),
    ("dm", re.compile(_TRIGGER + r"\s+(?:ngày\s+)?(\d{1,2})\s*/\s*(\d{1,2})(?![/\d])", re.IGNORECASE)),
    ("half", re.compile(r"(6|sáu)\s+tháng\s+(đầu|cuối)\s+năm\s+(\d{4})", re.IGNORECASE)),
    (
        "month",
        re.compile(
            r"(?:trong|hết|cuối|đến hết)\s+tháng\s+(\d{1,2})(?:\s*[/.-]\s*(\d{4})|\s+năm\s+(\d{4}))?",
            re.IGNORECASE,
        ),
    ),
    ("year", re.compile(r"(?:trong|hết|cuối|đến hết)\s+năm\s+(\d{4})", re.IGNORECASE)),
    (
        "days_after",
        re.compile(
            r"(?:trong(?:\s+vòng)?|trước)\s+(\d{1,3})\s+ngày(?:\s+làm việc)?\s+(?:kể\s+)?từ\s+ngày\s+"
            r"(?:ký|ban hành)",
            re.IGNORECASE,
        ),
    ),
]
_MONTHLY_DAY = re.compile(r"trước\s+ngày\s+(\d{1,2})\s+(?:hằng|hàng)\s+tháng", re.IGNORECASE)
# "hằng năm" in "nhiệm vụ hằng năm" or "kế hoạch hằng năm" names a kind of work, not a recurrence.
_RECURRING = re.compile(
    r"(?:định kỳ\s+)?(?<!nhiệm vụ )(?<!kế hoạch )(?:hằng|hàng)\s+(tháng|quý|năm|tuần)", re.IGNORECASE
)
_ONGOING = re.compile(r"thường xuyên|xuyên suốt|tiếp tục|liên tục", re.IGNORECASE)
# A date mentioned in passing belongs to other work: "nhất là các nhiệm vụ được giao hoàn thành trong Quý I".
_IN_PASSING = re.compile(
    r"nhất là|được giao hoàn thành|đã được giao|theo kế hoạch số|theo thông báo số|"
    r"theo quyết định số|theo văn bản số",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[;.](?:\s|$)")


@dataclass(frozen=True)
class Deadline:
    date: dt.date | None
    text: str | None
    recurrence: str | None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _resolve(kind: str, match: re.Match[str], base: dt.date | None) -> dt.date | None:
    groups = match.groups()
    year_of_notice = base.year if base else None
    try:
        if kind == "quarter":
            return _month_end(int(groups[1]), QUARTERS[groups[0].upper()] * 3)
        if kind in ("dmy", "dmy_words"):
            return dt.date(int(groups[2]), int(groups[1]), int(groups[0]))
        if kind == "dm":
            return dt.date(year_of_notice, int(groups[1]), int(groups[0])) if year_of_notice else None
        if kind == "half":
            return (
                dt.date(int(groups[2]), 6, 30)
                if groups[1].lower() == "đầu"
                else dt.date(int(groups[2]), 12, 31)
            )
        if kind == "month":
            year = groups[1] or groups[2]
            year_value = int(year) if year else year_of_notice
            return _month_end(year_value, int(groups[0])) if year_value else None
        if kind == "year":
            return dt.date(int(groups[0]), 12, 31)
        if kind == "days_after":
            return base + dt.timedelta(days=int(groups[0])) if base else None
    except ValueError:
        return None
    return None


def _clause(text: str, start: int, end: int) -> str:
    before = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    after = _CLAUSE_END.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


def find_deadline(text: str, notice_date: dt.date | None) -> Deadline:
    """The item's own deadline, its recurrence, or ongoing when it names no date of its own."""
    plain = text.replace("**", "")
    monthly = _MONTHLY_DAY.search(plain)
    if monthly and notice_date:
        day = int(monthly.group(1))
        first = notice_date.replace(day=min(day, calendar.monthrange(notice_date.year, notice_date.month)[1]))
        if first < notice_date:
            nxt = _month_end(notice_date.year, notice_date.month) + dt.timedelta(days=1)
            first = nxt.replace(day=min(day, calendar.monthrange(nxt.year, nxt.month)[1]))
        return Deadline(first, monthly.group(0), "monthly")
    found: list[tuple[int, re.Match[str], dt.date]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(plain):
            if _IN_PASSING.search(_clause(plain, match.start(), match.end())):
                continue
            date = _resolve(kind, match, notice_date)
            if date is not None and not any(start <= match.start() < m.end() for start, m, _ in found):
                found.append((match.start(), match, date))
    recurring = _RECURRING.search(plain)
    if found:
        _start, match, date = min(found, key=lambda item: item[0])
        return Deadline(date, match.group(0).strip(), None)
    if recurring:
        return Deadline(None, recurring.group(0), RECURRENCES[recurring.group(1).lower()])
    ongoing = _ONGOING.search(plain)
    return Deadline(None, ongoing.group(0) if ongoing else None, ONGOING)
