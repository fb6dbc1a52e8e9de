"""Gettext catalogs and Babel formatting, per message.

The language is held in a ContextVar set around each handled message (`use_language`), never
installed process-wide. Catalogs are compiled from the `.po` files in memory when first used, so
the `.po` files are the only source of truth.
"""

import datetime as dt
import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_percent

from dondoc import PACKAGE_DIR

LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALES_DIR = PACKAGE_DIR / "locales"

_language: ContextVar[str] = ContextVar("dondoc_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> gettext.NullTranslations:
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as pybabel compile does
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def normalise_language(value: str | None) -> str:
    """'vi', 'VI', 'vi-VN', 'en_US' -> a supported language, else the default."""
    code = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    token = _language.set(normalise_language(language))
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def current_language() -> str:
    return _language.get()


def _(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for extraction; translate it later with `_`."""
    return message


# Formatting ---------------------------------------------------------------------------------

_DATE_PATTERN = "EEEE, d/M/yyyy"  # CLDR gives the weekday in each language
_SHORT_DATE_PATTERN = "d/M/yyyy"


def format_date(value: dt.date) -> str:
    """'Thứ Ba, 31/3/2026' in Vietnamese, 'Tuesday, 31/3/2026' in English."""
    return _format_date(value, _DATE_PATTERN, _language.get())


def format_short_date(value: dt.date) -> str:
    return _format_date(value, _SHORT_DATE_PATTERN, _language.get())


@lru_cache(maxsize=4096)
def _format_date(value: dt.date, pattern: str, language: str) -> str:
    # Lists show the same few dates again and again; Babel's pattern formatting is comparatively slow.
    return babel_format_date(value, pattern, locale=language)


def format_datetime(value: dt.datetime, tz: ZoneInfo) -> str:
    """'14:05 30/4/2026' in the configured zone."""
    return babel_format_datetime(value, "HH:mm d/M/yyyy", tzinfo=tz, locale=_language.get())


def format_percent_value(percent: int) -> str:
    """60 -> '60%'."""
    return _format_percent(percent, _language.get())


@lru_cache(maxsize=512)
def _format_percent(percent: int, language: str) -> str:
    return format_percent(percent / 100, locale=language)
