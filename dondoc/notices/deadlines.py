"""Deadlines as Vietnamese notices write them, resolved to a date with the phrase kept.

"trong Quý I/2026" -> 31/3/2026, "Quý II, III/2027" -> 30/9/2027, "trước ngày 15 tháng 3 năm 2026" ->
15/3/2026, "trước 30/6" -> in the notice's year, "từ ngày 01/3 đến ngày 15/3/2027" -> the end date,
"trong 15 ngày kể từ ngày ký" -> from the signing date, "trong 03 tháng kể từ ngày Luật có hiệu lực" ->
from the date the text (or the whole document, `anchors`) gives for the Luật. "hằng tháng" and the like
are recurrences, with their first date when a day is named ("trước ngày 20 hằng tháng", "trước ngày 15/4
hằng năm"); "thường xuyên", "xuyên suốt", "tiếp tục", an event with no date ("sau khi có ý kiến của Bộ")
and no date at all mean ongoing.

In prose a date counts only after a trigger ("trước", "trong", "chậm nhất", "hoàn thành", "vào", "đến"
…) or under a label ("Thời hạn:", "Thời gian dự kiến:"); quarters, "6 tháng đầu năm 2026" and "cuối
năm 2026" count by themselves. With `field=True` (a time field's value, a table's deadline column), and
for a table cell or line holding nothing but the time, any date, month, quarter, year or range counts.
Dates in references ("Kế hoạch số 12/KH-UBND ngày 05/3/2026", "Căn cứ …", "(đã hoàn thành ngày …)") and
after "nhất là"/"được giao hoàn thành" are other work's. Of several deadlines the first wins, unless a
later one is what the work must be finished by ("hoàn thành …", "chậm nhất …", "Thời hạn: …").

Every pattern is compiled here, once; a call scans its text a fixed number of times, and the document
given as `anchors` is read for its "… có hiệu lực từ ngày …" statements only when a deadline refers to
one, once per document (cached).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from dondoc.notices import ONGOING

if TYPE_CHECKING:
    from dondoc.nudges.workdays import WorkCalendar

RECURRENCES = {"tháng": "monthly", "quý": "quarterly", "năm": "yearly", "tuần": "weekly"}
QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
FIRST_YEAR, LAST_YEAR = 2000, 2100  # a 4-digit number outside these, or a 2-digit one, is not a year

_I = re.IGNORECASE
_D = r"(3[01]|[12]\d|0?[1-9])(?!\d)"  # a day of the month
_M = r"(1[0-2]|0?[1-9])(?!\d)"  # a month
_Y = r"(\d+)"  # a year as written; checked against FIRST_YEAR..LAST_YEAR when read
_DAY_WORD = r"(?:(?:ngày|mùng|mồng)\s+)"
_DASH = r"[-–—‐‑−]"
_EVERY = r"(?:hằng|hàng|mỗi)"
_QUARTER = r"(IV|I{1,3}|[1-4])(?!\w)"
_PART = r"(đầu|giữa|cuối)"
_QN = r"(?:IV|I{1,3}|[1-4])(?!\w)"
_MN = r"(?:1[0-2]|0?[1-9])(?!\d)"
_LISTED = rf"(?=\s*(?:[/.,]|và|hoặc|đến|năm|{_DASH}))"  # "II" in "Quý I, II/2027", not "3" in "Quý I, 3 xã"

# Each kind of time, found wherever it is; whether it counts is decided afterwards, from its context.
_ATOMS: list[tuple[str, re.Pattern[str]]] = [
    ("dmy", re.compile(rf"(?<![\w/.]){_DAY_WORD}?{_D}\s*[/.-]\s*{_M}\s*[/.-]\s*{_Y}", _I)),
    ("dmy", re.compile(rf"(?<!\w){_DAY_WORD}?{_D}\s+tháng\s+{_M}\s*,?\s*năm\s+{_Y}", _I)),
    ("dm", re.compile(rf"(?<![\w/.]){_DAY_WORD}?{_D}\s*/\s*{_M}(?!\s*[/.]\s*\d)", _I)),
    ("dm", re.compile(rf"(?<!\w){_DAY_WORD}{_D}\s+tháng\s+{_M}", _I)),
    (
        "month",
        re.compile(
            rf"(?<!\w)(?:{_PART}\s+)?tháng\s+{_M}((?:\s*(?:,|và|đến|{_DASH})\s*(?:tháng\s+{_MN}|{_MN}{_LISTED}))*)"
            rf"(?:\s*[/.-]\s*{_Y}|\s*,?\s+năm\s+{_Y})?",
            _I,
        ),
    ),
    (
        "quarters",
        re.compile(
            rf"(?<!\w)quý\s+{_QUARTER}(?:\s*(?:,|và|hoặc|đến|{_DASH})\s*(?:quý\s+{_QN}|{_QN}{_LISTED})"
            rf"|\s*/\s*\d+|\s+năm\s+\d+|\s*(?:,|và|đến|{_DASH})\s*(?:năm\s+)?\d{{4}}(?!\d))*",
            _I,
        ),
    ),
    ("half", re.compile(r"(?<!\w)(\d{1,2}|sáu|chín|ba)\s+tháng\s+(đầu|cuối)\s+năm(?:\s+(\d+))?", _I)),
    ("ypart", re.compile(rf"(?<!\w){_PART}\s+năm(?!\s+(?:học|tài\s+chính))(?:\s+(\d+))?", _I)),
    ("year", re.compile(r"(?<!\w)năm\s+(\d+)", _I)),
    ("bare_year", re.compile(r"(?<![\w/.])(\d{4})(?![\d/]|[.,]\d)")),
    (
        "relative",
        re.compile(
            r"(?<![\w/.])(\d{1,3})\s+(ngày\s+làm\s+việc|ngày|tuần|tháng|năm)\s*,?\s+(?:kể\s+)?từ\s+"
            r"(?:ngày|khi|thời\s+điểm)\s+",
            _I,
        ),
    ),
    (
        "yearly",
        re.compile(
            rf"(?<!\w){_DAY_WORD}?{_D}(?:\s*/\s*|\s+tháng\s+){_M}\s+(?:của\s+)?(?:{_EVERY}|các)\s+năm", _I
        ),
    ),
    (
        "yearly",
        re.compile(
            rf"(?<!\w)(?:định\s+kỳ\s+)?(?<!nhiệm vụ )(?<!kế hoạch ){_EVERY}\s+năm[^.;\n\d]{{0,40}}?"
            rf"(?:trước|vào|chậm\s+nhất(?:\s+là)?)\s+{_DAY_WORD}?{_D}(?:\s*/\s*|\s+tháng\s+){_M}"
            r"(?!\s*(?:[/.-]\s*\d|,?\s*năm\s+\d))",
            _I,
        ),
    ),
    (
        "monthly",
        re.compile(
            rf"(?<!\w){_DAY_WORD}{_D}\s+(?:của\s+)?(?:{_EVERY}|các)\s+tháng(?!\s+(?:đầu|giữa|cuối)\s)", _I
        ),
    ),
    (
        "monthly",
        re.compile(
            rf"(?<!\w)(?:định\s+kỳ\s+)?{_EVERY}\s+tháng[^.;\n\d]{{0,40}}?(?:trước|vào|chậm\s+nhất(?:\s+là)?)\s+"
            rf"{_DAY_WORD}{_D}(?!\s*(?:[/.-]\s*\d|tháng\s+\d))",
            _I,
        ),
    ),
    (
        "quarterly",
        re.compile(
            rf"(?<!\w){_DAY_WORD}{_D}\s+(?:của\s+)?tháng\s+{_PART}\s+(?:của\s+)?(?:(?:{_EVERY}|các)\s+)?quý"
            r"(?:\s+(?:sau|tiếp\s+theo|kế\s+tiếp))?",
            _I,
        ),
    ),
    (
        "weekly",
        re.compile(
            r"(?<!\w)(?:(?:ngày\s+)?thứ\s+(hai|ba|tư|năm|sáu|bảy|[2-7])|(chủ\s+nhật))(?!\w)\s+(?:của\s+)?"
            rf"(?:{_EVERY}|các)\s+tuần",
            _I,
        ),
    ),
    (
        "weekly",
        re.compile(
            rf"(?<!\w){_EVERY}\s+tuần\s*[,(]?\s*(?:vào\s+)?(?:(?:ngày\s+)?thứ\s+(hai|ba|tư|năm|sáu|bảy|[2-7])|"
            r"(chủ\s+nhật))(?!\w)",
            _I,
        ),
    ),
]
_FIXED = {"yearly", "monthly", "quarterly", "weekly"}  # recurrences with a day of their own
_UNRANGED = _FIXED | {"relative"}
_WEEKDAYS = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5, "chủ nhật": 6}
_WEEKDAYS.update({str(n): n - 2 for n in range(2, 8)})
# "tháng đầu/giữa/cuối quý": which month of each quarter.
_QUARTER_MONTHS = {"đầu": 1, "giữa": 2, "cuối": 3}
# "đầu tháng 9" -> 10/9, "giữa tháng 9" -> 20/9 ("cuối tháng 9" -> 30/9).
_MONTH_PART_DAY = {"đầu": 10, "giữa": 20}
# "đầu năm" -> 31/3, "giữa năm" -> 30/6, "cuối năm" -> 31/12.
_YEAR_PART_MONTH = {"đầu": 3, "giữa": 6, "cuối": 12}
_HALF_WORDS = {"ba": 3, "sáu": 6, "chín": 9}
# In a run of quarters: a year after "/" or "năm" (checked when read), a 4-digit year, or a quarter.
_Q_TOKEN = re.compile(r"(?:/\s*|năm\s+)(\d+)|(?<!\w)(\d{4})(?!\d)|(?<!\w)(IV|I{1,3}|[1-4])(?!\w)", _I)
_DIGITS = re.compile(r"\d+")

# What comes right before a time: the trigger that makes it a deadline. Longest alternatives first.
_STRONG = r"chậm\s+nhất(?:\s+là)?(?:\s+vào)?|muộn\s+nhất(?:\s+là)?|hạn\s+chót(?:\s+là)?|không\s+muộn\s+hơn"
_WEAK = (
    r"trong\s+thời\s+hạn|trong\s+thời\s+gian|trong\s+giai\s+đoạn|trong\s+vòng|trong|từ\s+nay\s+đến\s+hết|"
    r"từ\s+nay\s+đến|đến\s+hết|cho\s+đến|đến|tới|hết|trước|vào|cuối|định\s+kỳ(?:\s+vào)?"
)
_TAIL = re.compile(
    rf"(?<!\w)(?:(?P<pre>hoàn\s+thành|hoàn\s+tất|xong)\s+)?(?:(?P<st>{_STRONG})|(?P<wk>{_WEAK}))?\s*"
    r"(?P<fr>(?:kể\s+)?từ\s+)?\Z",
    _I,
)
_TAIL_REACH = 48
_PLAIN_TO = re.compile(r"đến|tới", _I)  # "tầm nhìn đến năm 2050" names a horizon, not a deadline
# "hoàn thành đợt cao điểm trước ngày 15/6/2026": what the work must be finished by.
_FINISH_BEFORE = re.compile(r"(?<!\w)(?:hoàn\s+thành|hoàn\s+tất)(?:\s+[^\s,;.()]+){0,6}\s*\Z", _I)
_DONE_BEFORE = re.compile(r"(?<!\w)đã(?:\s+[^\s,;.()]+){0,3}\s*\Z", _I)  # "đã ban hành trước ngày …"
_DASHES = re.compile(_DASH)
_RANGE_SEP = re.compile(rf"\s*(?:(đến(?:\s+hết)?|tới|cho\s+đến)|{_DASH})\s*", _I)
# "Thời hạn: …", "Thời gian dự kiến: …", "Tiến độ thực hiện: …": the rest of the line is a time field.
_LABEL = re.compile(
    r"(?<!\w)(?:(?:thời\s+gian|tiến\s+độ|thời\s+điểm)(?:[ \t]+[^\W\d_][^:\n,;.|()]{0,30})?[ \t]*:"
    r"|(?:thời\s+hạn|hạn\s+chót)(?:[ \t]+(?:hoàn\s+thành|thực\s+hiện|báo\s+cáo|xử\s+lý|trình|là)){0,2}"
    r"[ \t]*:?"
    r"|(?<!giới\s)(?<!quyền\s)(?<!thời\s)(?<!kỳ\s)hạn[ \t]*:)",
    _I,
)
_ZONE_END = re.compile(r"[\n|;]")
_ZONE_REACH = 100
# A table cell or a line that holds nothing but the time.
_CELL_OPEN = re.compile(r"(?:^|[\n|])[ \t]{0,8}(?:[-–—+•*][ \t]{0,4})?\Z")
_CELL_CLOSE = re.compile(r"[ \t.;,]{0,8}(?:[\n|]|\Z)")

# References to other documents and meetings: their dates are not deadlines.
_DATEISH = (
    r"\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?"
    r"|\d{1,2}\s+tháng\s+\d{1,2}(?:\s*,?\s*năm\s+\d{4})?"
)
_REFERENCE = re.compile(
    rf"(?<!\w)số\s*:?\s*\d[\w./\-–]*(?:\s*,?\s*(?:ban\s+hành\s+)?ngày\s+(?:{_DATEISH}))?"
    r"|(?<!\w)căn\s+cứ(?:(?!trước|chậm|muộn|hoàn\s+thành|hạn|trong\s+(?:quý|tháng|năm|\d))[^,;\n]){0,150}"
    r"|(?<!\w)(?:công\s+văn|văn\s+bản|thông\s+báo|kế\s+hoạch|quyết\s+định|tờ\s+trình|nghị\s+quyết|chỉ\s+thị|"
    r"thông\s+tư|nghị\s+định|cuộc\s+họp|buổi\s+làm\s+việc|phiên\s+họp|kết\s+luận)\s+(?:ban\s+hành\s+)?ngày\s+"
    rf"(?:{_DATEISH})"
    r"|\(\s*đã[^()]{0,200}\)"
    rf"|(?<!\w)tính\s+(?:đến|tới|từ)(?:\s+hết)?\s+(?:(?:ngày|tháng|năm|thời\s+điểm)\s+)?(?:{_DATEISH}|\d+(?:\s*/\s*\d+)?)",
    _I,
)
# A date mentioned in passing belongs to other work: "nhất là các nhiệm vụ được giao hoàn thành trong Quý I".
_IN_PASSING = re.compile(r"(?<!chậm\s)(?<!muộn\s)nhất\s+là|được\s+giao\s+hoàn\s+thành|đã\s+được\s+giao", _I)
_CLAUSE_END = re.compile(r"[;.](?:\s|$)")

# Documents a deadline may count from, and the statements that give their dates.
_NOUNS = (
    r"bộ\s+luật|luật|pháp\s+lệnh|nghị\s+định|nghị\s+quyết|quyết\s+định|thông\s+tư|chỉ\s+thị|kế\s+hoạch|"
    r"thông\s+báo|chương\s+trình|đề\s+án|quy\s+chế|quy\s+định|văn\s+bản|hướng\s+dẫn|công\s+văn"
)
_GAP = r"(?:\s+(?!có\s|được\s)[^\s,;.()]+){0,8}?"  # "Luật Đất đai số 31/2024/QH15 có hiệu lực"


def _date_alternatives(p: str) -> str:
    return (
        rf"(?:(?P<{p}d>3[01]|[12]\d|0?[1-9])\s*[/.-]\s*(?P<{p}m>1[0-2]|0?[1-9])\s*[/.-]\s*(?P<{p}y>\d{{4}})(?!\d)"
        rf"|(?P<{p}wd>3[01]|[12]\d|0?[1-9])\s+tháng\s+(?P<{p}wm>1[0-2]|0?[1-9])\s*,?\s*năm\s+(?P<{p}wy>\d{{4}})"
        r"(?!\d))"
    )


_REF = re.compile(
    r"(?P<sign>(?:ký|ban\s+hành)(?!\w))"
    rf"|(?P<noun>{_NOUNS})(?!\w){_GAP}\s+(?:có\s+hiệu\s+lực(?:\s+thi\s+hành)?|được\s+(?P<signed>ký|ban\s+hành)"
    r"(?:\s+ban\s+hành)?)(?!\w)"
    rf"|{_date_alternatives('r')}"
    r"|(?P<event>[^\s,;.()]+(?:\s+[^\s,;.()]+){0,7})",
    _I,
)
_ANCHOR = re.compile(
    rf"(?<!\w)(?<!pháp\s)(?P<noun>{_NOUNS})(?!\w){_GAP}\s+có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s*,?\s+(?:kể\s+)?"
    rf"từ\s+(?:ngày\s+)?(?:(?P<sign>ký|ban\s+hành)(?!\w)|{_date_alternatives('a')})",
    _I,
)
_SPACES = re.compile(r"\s+")
_RIENG = re.compile(r"(?<!\w)riêng\s+(?:(?:đối\s+với|trong)\s+)?năm\s+(\d{4})(?!\d)", _I)  # a year exempted

# "hằng năm" in "nhiệm vụ hằng năm" or "kế hoạch hằng năm" names a kind of work, not a recurrence.
_RECURRING = re.compile(
    r"(?:định\s+kỳ\s+)?(?<!nhiệm vụ )(?<!kế hoạch )(?:hằng|hàng)\s+(tháng|quý|năm|tuần)(?!\w)", _I
)
_ONGOING = re.compile(r"thường xuyên|xuyên suốt|tiếp tục|liên tục|hằng ngày|hàng ngày", _I)
# An event, not a date: "sau khi có ý kiến của Bộ", "trước Tết Nguyên đán", "trước kỳ họp HĐND tỉnh".
_EVENT = re.compile(
    r"(?<!\w)(?:(?:ngay\s+)?sau\s+khi(?!\s+(?:nghe|xem\s+xét|thảo\s+luận|trao\s+đổi))|ngay\s+khi|khi\s+có|trước\s+khi|trước(?=\s+(?:(?:tết|kỳ\s+họp|phiên\s+họp|"
    r"lễ|mùa|đợt|hội\s+nghị|đại\s+hội|thời\s+điểm|năm\s+học)(?!\w)|ngày\s+[^\W\d_])))"
    r"(?:\s+[^\s,;.()]+){1,8}",
    _I,
)

_SIGN = "sign"  # an anchor that is the document's own signing date


@dataclass(frozen=True)
class Deadline:
    date: dt.date | None
    text: str | None
    recurrence: str | None


@dataclass
class _Atom:
    """One time phrase: where it is, what kind, and what it needs to become a date."""

    start: int
    end: int
    kind: str
    year: int | None = None
    day: int = 0
    month: int = 0
    part: str = ""
    quarters: tuple[tuple[int | None, int], ...] = ()  # (year, quarter), quarter 0 for a whole year
    unit: str = ""
    ref: re.Match[str] | None = None
    self_standing: bool = False  # counts in prose with no trigger
    ranged: str = ""  # "to" for "từ … đến …", "dash" for "… - …"


class _Invalid(ValueError):
    """A phrase that only looks like a time: "Quý I/1999", "31/2/2027"."""


def _year(value: str | None) -> int | None:
    if value is None:
        return None
    if len(value) != 4 or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise _Invalid(value)
    return int(value)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _on_day(year: int, month: int, day: int) -> dt.date:
    """The day in that month, or the month's last day when it has fewer (31 -> 30/4, 29/2 -> 28/2)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    return _on_day(day.year + total // 12, total % 12 + 1, day.day)


@lru_cache(maxsize=1)
def _work_calendar() -> WorkCalendar:
    # Imported here: the calendar loads the `holidays` package, and few deadlines count working days.
    from dondoc.nudges.workdays import WorkCalendar

    return WorkCalendar()


def _build(kind: str, match: re.Match[str]) -> _Atom:
    """The atom a match stands for; _Invalid when it is no time after all."""
    g = match.groups()
    atom = _Atom(match.start(), match.end(), kind)
    if kind in ("dmy", "dm"):
        atom.kind, atom.day, atom.month = "date", int(g[0]), int(g[1])
        atom.year = _year(g[2]) if kind == "dmy" else None
    elif kind == "month":
        atom.part = (g[0] or "").lower()
        months = [int(g[1]), *(int(n) for n in _DIGITS.findall(g[2]))]
        atom.month, atom.year = months[-1], _year(g[3] or g[4])
        atom.self_standing = atom.part == "cuối"
        if g[2]:  # "tháng 3 đến tháng 5/2027", "tháng 3-5/2027": a range in itself
            atom.ranged = "to" if _PLAIN_TO.search(g[2]) else "dash" if _DASHES.search(g[2]) else ""
    elif kind == "quarters":
        atom.quarters = _quarter_list(match.group(0))
        atom.year = atom.quarters[-1][0]
        atom.self_standing = True
    elif kind == "half":
        count = _HALF_WORDS.get(g[0].lower()) or int(g[0])
        if not 1 <= count <= 12:
            raise _Invalid(g[0])
        atom.month = count if g[1].lower() == "đầu" else 12
        atom.year = _year(g[2])
        atom.self_standing = atom.year is not None
    elif kind == "ypart":
        atom.part, atom.year = g[0].lower(), _year(g[1])
        atom.self_standing = atom.year is not None
    elif kind in ("year", "bare_year"):
        atom.year = _year(g[0])
    elif kind == "relative":
        atom.day, atom.unit = int(g[0]), _SPACES.sub(" ", g[1].lower())
        atom.ref = _REF.match(match.string, match.end())
        if atom.ref is None:
            raise _Invalid(match.group(0))
        atom.end = atom.ref.end()
        atom.self_standing = True
    elif kind == "yearly":
        atom.day, atom.month = int(g[0]), int(g[1])
    elif kind == "monthly":
        atom.day = int(g[0])
    elif kind == "quarterly":
        atom.day, atom.part = int(g[0]), g[1].lower()
    elif kind == "weekly":
        atom.day = _WEEKDAYS[_SPACES.sub(" ", (g[0] or g[1]).lower())]
    return atom


def _quarter_list(phrase: str) -> tuple[tuple[int | None, int], ...]:
    """ "Quý II, III/2027" -> ((2027, 2), (2027, 3)); "Quý IV/2027, 2028" -> ((2027, 4), (2028, 0))."""
    found: list[tuple[int | None, int]] = []
    pending: list[int] = []
    for match in _Q_TOKEN.finditer(phrase, 3):
        if match.group(1) or match.group(2):
            year = _year(match.group(1) or match.group(2))
            found += [(year, q) for q in pending] if pending else [(year, 0)]
            pending = []
        else:
            pending.append(QUARTERS[match.group(3).upper()])
    if pending and found:  # "Quý IV/2027, Quý I": the quarters after a year follow it
        year, last = found[-1]
        for q in pending:
            year, last = (year + 1 if year is not None and 0 < q <= last else year), q
            found.append((year, q))
        pending = []
    return (*found, *((None, q) for q in pending))


def _anchors_in(text: str) -> dict[str, dt.date | str]:
    """The dates documents take effect, by kind: {"luật": 2028-01-01, "quyết định": "sign"}."""
    found: dict[str, dt.date | str] = {}
    for match in _ANCHOR.finditer(text):
        noun = _SPACES.sub(" ", match.group("noun").lower())
        if noun in found:
            continue
        if match.group("sign"):
            found[noun] = _SIGN
        else:
            try:
                found[noun] = _explicit(match, "a")
            except ValueError:
                continue
    return found


@lru_cache(maxsize=8)
def _document_anchors(anchors: str) -> dict[str, dt.date | str]:
    """The whole document's anchors, read once per document."""
    return _anchors_in(_clean(anchors))


def _explicit(match: re.Match[str], p: str) -> dt.date:
    if match.group(f"{p}d"):
        day, month, year = match.group(f"{p}d", f"{p}m", f"{p}y")
    else:
        day, month, year = match.group(f"{p}wd", f"{p}wm", f"{p}wy")
    value = _year(year)
    assert value is not None
    return dt.date(value, int(month), int(day))


def _clean(text: str) -> str:
    text = text.replace("**", "")
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _starts(spans: list[tuple[int, int]]) -> list[int]:
    return [start for start, _end in spans]


class _Reading:
    """One call's text and what it takes to judge the times found in it."""

    def __init__(
        self, text: str, base: dt.date | None, anchors: str, field: bool, calendar: Callable[[], WorkCalendar]
    ) -> None:
        self.text = text
        self.calendar = calendar
        self.base = base
        self.anchors = anchors
        self.field = field
        self.references = [m.span() for m in _REFERENCE.finditer(text)]
        self.reference_starts = _starts(self.references)
        self.zones: list[tuple[int, int]] = []
        for label in _LABEL.finditer(text):
            reach = min(len(text), label.end() + _ZONE_REACH)
            end = _ZONE_END.search(text, label.end(), reach)
            self.zones.append((label.end(), end.start() if end else reach))
        self.zone_starts = _starts(self.zones)
        self.passing = [m.start() for m in _IN_PASSING.finditer(text)]
        self.clause_starts = [m.end() for m in _CLAUSE_END.finditer(text)] if self.passing else []
        self.own_anchors: dict[str, dt.date | str] | None = None

    @staticmethod
    def _inside(position: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
        index = bisect_right(starts, position) - 1
        return index >= 0 and spans[index][0] <= position < spans[index][1]

    def referenced(self, position: int) -> bool:
        return self._inside(position, self.references, self.reference_starts)

    def labelled(self, position: int) -> bool:
        return self._inside(position, self.zones, self.zone_starts)

    def in_passing(self, position: int) -> bool:
        """A "nhất là"/"được giao hoàn thành" earlier in the same clause."""
        if not self.passing:
            return False
        index = bisect_right(self.clause_starts, position) - 1
        clause_start = self.clause_starts[index] if index >= 0 else 0
        marker = bisect_right(self.passing, position) - 1
        return marker >= 0 and self.passing[marker] >= clause_start

    def standalone(self, start: int, end: int) -> bool:
        return bool(
            _CELL_OPEN.search(self.text, max(0, start - 16), start) and _CELL_CLOSE.match(self.text, end)
        )

    def anchor(self, noun: str) -> dt.date | None:
        if self.own_anchors is None:
            self.own_anchors = _anchors_in(self.text)
        for table in (self.own_anchors, _document_anchors(self.anchors) if self.anchors else {}):
            for key in (noun, "luật" if noun == "bộ luật" else "bộ luật" if noun == "luật" else noun):
                if key in table:
                    value = table[key]
                    return value if isinstance(value, dt.date) else self.base
        return None

    # The date a time stands for (None when it needs a date nobody gave), _Invalid when there is none.
    def resolve(self, atom: _Atom) -> dt.date | None:
        base = self.base
        year = atom.year if atom.year is not None else base.year if base else None
        kind = atom.kind
        if kind == "relative":
            return self._relative(atom)
        if kind in _FIXED:
            return self._first_occurrence(atom) if base else None
        if kind == "quarters":
            if year is None and any(y is None for y, _q in atom.quarters):
                return None
            return max(
                dt.date(y or year or 0, 12, 31) if q == 0 else _month_end(y or year or 0, q * 3)
                for y, q in atom.quarters
            )
        if year is None:
            return None
        if kind == "date":
            return dt.date(year, atom.month, atom.day)
        if kind == "month":
            if atom.part in _MONTH_PART_DAY:
                return dt.date(year, atom.month, _MONTH_PART_DAY[atom.part])
            return _month_end(year, atom.month)
        if kind == "half":
            return _month_end(year, atom.month)
        if kind == "ypart":
            return _month_end(year, _YEAR_PART_MONTH[atom.part])
        return dt.date(year, 12, 31)  # year, bare_year

    def _relative(self, atom: _Atom) -> dt.date | None:
        ref = atom.ref
        assert ref is not None
        start: dt.date | None
        if ref.group("sign") or ref.group("signed"):
            start = self.base
        elif ref.group("noun"):
            start = self.anchor(_SPACES.sub(" ", ref.group("noun").lower()))
        elif ref.group("event"):
            return None
        else:
            start = _explicit(ref, "r")
        if start is None:
            return None
        if atom.unit == "ngày":
            return start + dt.timedelta(days=atom.day)
        if atom.unit == "tuần":
            return start + dt.timedelta(weeks=atom.day)
        if atom.unit == "tháng":
            return _add_months(start, atom.day)
        if atom.unit == "năm":
            return _add_months(start, 12 * atom.day)
        if not FIRST_YEAR <= start.year <= LAST_YEAR:  # beyond the holiday tables: as days
            return start + dt.timedelta(days=atom.day)
        return self.calendar().after(start, atom.day)  # ngày làm việc

    def _first_occurrence(self, atom: _Atom) -> dt.date:
        """The first date of a fixed-day recurrence on or after the document's date."""
        base = self.base
        assert base is not None
        if atom.kind == "weekly":
            return base + dt.timedelta(days=(atom.day - base.weekday()) % 7)
        if atom.kind == "yearly":
            exempt = {int(m.group(1)) for m in _RIENG.finditer(self.text)}
            year = base.year
            while _on_day(year, atom.month, atom.day) < base or year in exempt:
                year += 1
            return _on_day(year, atom.month, atom.day)
        months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        if atom.kind == "quarterly":
            months = [m for m in months if (m - 1) % 3 + 1 == _QUARTER_MONTHS[atom.part]]
        year, month = base.year, base.month
        while True:
            if month in months and _on_day(year, month, atom.day) >= base:
                return _on_day(year, month, atom.day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _atoms(text: str) -> list[_Atom]:
    """Every time phrase in the text, the earliest (then the longest) kept where they overlap."""
    found: list[_Atom] = []
    for kind, pattern in _ATOMS:
        position = 0
        while match := pattern.search(text, position):
            try:
                found.append(_build(kind, match))
                position = match.end()
            except _Invalid:  # "01/3 - 15" is no date, but "15/3/2027" may start inside it
                position = match.start() + 1
    found.sort(key=lambda a: (a.start, -a.end))
    kept: list[_Atom] = []
    for atom in found:
        if not kept or atom.start >= kept[-1].end:
            kept.append(atom)
    return kept


def _merged(text: str, atoms: list[_Atom]) -> list[_Atom]:
    """Ranges as their end: "từ ngày 01/3 đến ngày 15/3/2027", "2026 - 2028", "tháng 3 - tháng 5/2027"."""
    out: list[_Atom] = []
    for atom in atoms:
        last = out[-1] if out else None
        sep = _RANGE_SEP.fullmatch(text, last.end, atom.start) if last else None
        if last is None or sep is None or last.kind in _UNRANGED or atom.kind in _UNRANGED:
            out.append(atom)
            continue
        atom.start, atom.ranged = last.start, "to" if sep.group(1) else "dash"
        if atom.year is None and last.year is not None:
            atom.year = last.year
            atom.quarters = tuple((y if y is not None else last.year, q) for y, q in atom.quarters)
        out[-1] = atom
    return out


def find_deadline(
    text: str,
    notice_date: dt.date | None,
    *,
    anchors: str = "",
    field: bool = False,
    calendar: Callable[[], WorkCalendar] | None = None,
) -> Deadline:
    """The item's own deadline, its recurrence, or ongoing when it names no date of its own.

    `anchors` is the whole document, for the dates deadlines count from ("… kể từ ngày Luật có hiệu
    lực"); `field` says the text is the value of a time field or a deadline column, where any time counts;
    `calendar` gives the office's working days ("trong 05 ngày làm việc"), the public holidays alone without.
    """
    plain = _clean(text)
    reading = _Reading(plain, notice_date, anchors, field, calendar or _work_calendar)
    fixed: list[tuple[_Atom, str]] = []
    dated: list[tuple[_Atom, str, dt.date, bool]] = []
    dateless: list[tuple[int, str]] = []
    for atom in _merged(plain, _atoms(plain)):
        if reading.referenced(atom.start):
            continue
        tail = _TAIL.search(plain, max(0, atom.start - _TAIL_REACH), atom.start)
        assert tail is not None  # every group is optional
        trigger = next((tail.start(g) for g in ("st", "wk", "fr", "pre") if tail.group(g)), atom.start)
        phrase = plain[trigger : atom.end].strip()
        if atom.kind in _FIXED:
            if not reading.in_passing(atom.start):
                fixed.append((atom, phrase))
            continue
        if reading.in_passing(atom.start) or _DONE_BEFORE.search(plain, max(0, trigger - 40), trigger):
            continue
        labelled = reading.labelled(atom.start)
        if not (field or labelled or _counts(atom, tail) or reading.standalone(atom.start, atom.end)):
            continue
        try:
            date = reading.resolve(atom)
        except (ValueError, OverflowError):
            continue
        if date is None:
            dateless.append((atom.start, phrase))
        else:
            strong = labelled or tail.group("pre") or tail.group("st")
            if not strong and tail.group("wk"):
                strong = _FINISH_BEFORE.search(plain, max(0, trigger - 80), trigger)
            dated.append((atom, phrase, date, bool(strong)))
    for atom, phrase in fixed:
        try:
            return Deadline(reading.resolve(atom), phrase, atom.kind)  # the kind is the recurrence
        except (ValueError, OverflowError):
            continue
    if dated:
        atom, phrase, date, _strong = next((item for item in dated if item[3]), dated[0])
        return Deadline(date, phrase, None)
    for recurring in _RECURRING.finditer(plain):
        if not reading.referenced(recurring.start()):
            return Deadline(None, recurring.group(0), RECURRENCES[recurring.group(1).lower()])
    if dateless:
        return Deadline(None, dateless[0][1], ONGOING)
    others = [
        (m.start(), m.group(0).strip())
        for pattern in (_EVENT, _ONGOING)
        for m in [pattern.search(plain)]
        if m and not reading.referenced(m.start())
    ]
    return Deadline(None, min(others)[1] if others else None, ONGOING)


def _counts(atom: _Atom, tail: re.Match[str]) -> bool:
    """Whether a time in prose is a deadline: its own kind, a trigger before it, or a "từ … đến …" range."""
    if atom.self_standing or (atom.ranged == "to" and atom.kind in ("date", "month")):
        return True
    if atom.ranged and tail.group("fr"):
        return True
    trigger = tail.group("wk") or tail.group("st") or tail.group("pre")
    if not trigger:
        return False
    return not (atom.kind in ("year", "bare_year", "ypart", "half") and _PLAIN_TO.fullmatch(trigger))
