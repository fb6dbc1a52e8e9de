"""Every word a user reads comes from the catalogs, and the Vietnamese one is complete."""

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dondoc import PACKAGE_DIR
from dondoc.i18n import LOCALES_DIR, format_date, format_percent_value, use_language

PLACEHOLDER = re.compile(r"\{\w*\}")


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        PACKAGE_DIR, method_map=[("**.py", "python")], keywords={"_": None, "N_": None, "ngettext": (1, 2)}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(language: str):
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def test_every_message_in_the_code_has_a_vietnamese_translation():
    vi = catalog("vi")
    missing = []
    for message in sorted(source_messages()):
        entry = vi.get(message)
        text = None if entry is None else (entry.string if isinstance(entry.string, str) else entry.string[0])
        if entry is None or not text or entry.fuzzy:
            missing.append(message)
    assert missing == [], "missing or fuzzy in vi: run `make catalogs` and translate"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_translations_keep_their_placeholders(language):
    for entry in catalog(language):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            if text:
                assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(ids[-1])), entry.id


def test_dates_and_percentages_follow_the_language():
    import datetime as dt

    with use_language("vi"):
        assert format_date(dt.date(2026, 3, 31)) == "Thứ Ba, 31/3/2026"
        assert format_percent_value(60) == "60%"
    with use_language("en"):
        assert format_date(dt.date(2026, 3, 31)) == "Tuesday, 31/3/2026"
