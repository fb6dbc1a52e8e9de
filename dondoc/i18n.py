"""Gettext catalogs and Babel formatting, per message.

The language is held in a ContextVar set around each handled message (`use_language`), never
installed process-wide. Catalogs are compiled from the `.po` files when first used, so the `.po` files
are the only source of truth; the compiled catalog is kept in the user's cache directory, under a name
made from the `.po` file's path, size and modification time, because compiling it (Babel parses the
`.po` and loads its locale data) costs more than the rest of a `dondoc say`.
"""

import datetime as dt
import gettext
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from dondoc import PACKAGE_DIR

# Babel is imported in the functions that use it: a start that formats no date and finds its compiled
# catalog in the cache need not import it.

LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALES_DIR = PACKAGE_DIR / "locales"

_language: ContextVar[str] = ContextVar("dondoc_language", default=DEFAULT_LANGUAGE)


def cache_dir() -> Path | None:
    """Where compiled catalogs are kept; None when there is no home directory to put them in."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except (RuntimeError, KeyError):  # no HOME and no password entry
        return None
    return base / "dondoc" / "catalogs"


def compile_catalog(path: Path, language: str) -> bytes:
    """A `.po` file as `.mo` bytes."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as pybabel compile does
    return buffer.getvalue()


def _cache_file(path: Path, language: str) -> Path | None:
    """Where the compiled catalog of this `.po` file, as it is now, is kept: its name changes with the
    file's size and modification time."""
    folder = cache_dir()
    if folder is None:
        return None
    stat = path.stat()
    source = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    state = hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    return folder / f"{language}-{source}-{state}.mo"


def _store(cached: Path, compiled: bytes) -> None:
    """Keep a compiled catalog, replacing those of earlier versions of its `.po`; quietly nothing when the
    cache cannot be written."""
    with suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        language, source, _state = cached.stem.split("-")
        for old in cached.parent.glob(f"{language}-{source}-*.mo"):
            with suppress(OSError):
                old.unlink()
        fd, temporary = tempfile.mkstemp(dir=cached.parent, prefix=f".{cached.stem}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(compiled)
            os.replace(temporary, cached)  # whole or not at all: a reader never sees half a catalog
        finally:
            with suppress(OSError):
                os.unlink(temporary)


@cache
def translations(language: str) -> gettext.NullTranslations:
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return gettext.NullTranslations()
    cached = _cache_file(path, language)
    if cached is not None:
        try:
            return gettext.GNUTranslations(io.BytesIO(cached.read_bytes()))
        except FileNotFoundError:
            pass
        except Exception:  # unreadable or damaged (a disk error, another program): compiled again
            with suppress(OSError):
                cached.unlink()
    compiled = compile_catalog(path, language)
    if cached is not None:
        _store(cached, compiled)
    return gettext.GNUTranslations(io.BytesIO(compiled))


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


@cache
def _catalog(language: str) -> dict[object, str]:
    """The compiled catalog's own mapping (gettext keeps it as `_catalog`; empty when it has none)."""
    return getattr(translations(language), "_catalog", {})


def _(message: str) -> str:
    # A message found in the catalog is what `gettext` returns for it; looked up directly because a
    # list reply translates a few messages per line. Anything else takes the whole gettext way.
    language = _language.get()
    text = _catalog(language).get(message)
    return text if text is not None else translations(language).gettext(message)


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
    from babel.dates import format_date as babel_format_date  # see the imports

    return babel_format_date(value, pattern, locale=language)


def format_datetime(value: dt.datetime, tz: ZoneInfo) -> str:
    """'14:05 30/4/2026' in the configured zone."""
    from babel.dates import format_datetime as babel_format_datetime  # see the imports

    return babel_format_datetime(value, "HH:mm d/M/yyyy", tzinfo=tz, locale=_language.get())


def format_percent_value(percent: int) -> str:
    """60 -> '60%'."""
    return _format_percent(percent, _language.get())


@lru_cache(maxsize=512)
def _format_percent(percent: int, language: str) -> str:
    from babel.numbers import format_percent  # see the imports

    return format_percent(percent / 100, locale=language)
