"""Reading what people type: task numbers, percentages, dates, roles and agency names.

Each reader returns a value or raises `Refusal` with a message that says what to type instead.
"""

import datetime as dt
import re

from sqlalchemy.orm import Session

from dondoc.handlers.messages import Refusal
from dondoc.i18n import _
from dondoc.store.agencies import find_agency, suggest_agencies
from dondoc.store.models import Agency
from dondoc.text import fold, shorten

MAX_TEXT = 3000  # characters in one report or task text
ECHO = 80  # characters of what the person typed that a refusal quotes back
MIN_YEAR, MAX_YEAR = 2000, 2100  # the years a date may name: a deadline, a period, a question's day
_NUMBER = re.compile(r"^#?(\d{1,9})$")
_PERCENT = re.compile(r"^(-?\d{1,6}(?:[.,]\d+)?)\s*%?$")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def split_first(text: str) -> tuple[str, str]:
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


def task_number(word: str, syntax: str) -> int:
    match = _NUMBER.match(word.strip())
    if not match:
        raise Refusal(
            _("“{word}” is not a task number. Type it like this: {syntax}").format(
                word=shorten(word.strip(), ECHO) or "…", syntax=syntax
            )
        )
    return int(match.group(1))


def is_percent(word: str) -> bool:
    return bool(_PERCENT.match(word.strip()))


def percent(word: str) -> int:
    match = _PERCENT.match(word.strip())
    if not match:
        raise Refusal(_("Give the progress as a percentage from 0% to 100%, for example 60%."))
    value = float(match.group(1).replace(",", "."))
    if not 0 <= value <= 100 or value != int(value):
        raise Refusal(
            _(
                "{value}% is not possible: progress is a whole number from 0% to 100%, for example 60%."
            ).format(value=match.group(1))
        )
    return int(value)


def report_text(text: str, example: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise Refusal(_("Please add what has been done. For example: {example}").format(example=example))
    if len(cleaned) > MAX_TEXT:
        raise Refusal(
            _(
                "The text is {length} characters long; the limit is {limit}. Please shorten it, or attach "
                "the full document as a file."
            ).format(length=len(cleaned), limit=MAX_TEXT)
        )
    return cleaned


def date(text: str, today: dt.date) -> dt.date:
    """'31/3/2026', '31/03/26', '31/3' (this year), or ISO '2026-03-31'."""
    match = _DATE.match(text.strip())
    iso = _ISO_DATE.match(text.strip())
    try:
        if match:
            day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
            full_year = today.year if year is None else int(year) + (2000 if len(year) == 2 else 0)
            return _in_range(dt.date(full_year, month, day))
        if iso:
            return _in_range(dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))))
    except ValueError:
        pass
    raise Refusal(
        _("“{text}” is not a date. Write it as day/month/year, for example 31/3/2026.").format(
            text=shorten(text, ECHO)
        )
    )


def _in_range(day: dt.date) -> dt.date:
    """A date in MIN_YEAR..MAX_YEAR; ValueError otherwise (1/1/0001 or 31/12/9999 is a slip, and a day
    after it, or a UTC time on it, would not exist)."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"year {day.year} out of range")
    return day


def agency(session: Session, name: str) -> Agency:
    """The agency the person named, or a refusal that suggests the closest names."""
    cleaned = name.strip()
    if not cleaned:
        raise Refusal(_("Please name the agency, for example KHCN or Sở Y tế."))
    found = find_agency(session, cleaned)
    if found is not None:
        return found
    suggestions = suggest_agencies(session, cleaned)
    if suggestions:
        names = "; ".join(f"{a.name} ({a.code})" for a in suggestions)
        raise Refusal(
            _("I do not know the agency “{name}”. Did you mean: {names}?").format(
                name=shorten(cleaned, ECHO), names=names
            )
        )
    raise Refusal(
        _(
            "I do not know the agency “{name}”. Use its name, abbreviation or code, for example "
            "“Sở Tài chính”, “STC” or “KHCN”."
        ).format(name=shorten(cleaned, ECHO))
    )


def is_yes(text: str) -> bool | None:
    folded = fold(text)
    if folded in {"co", "c", "yes", "y", "dong y", "ok", "xac nhan", "confirm"}:
        return True
    if folded in {"khong", "no", "n", "huy", "cancel", "thoi"}:
        return False
    return None
