"""Text normalisation: NFC on the way in, and a diacritics-free fold for every name comparison."""

import functools
import re
import unicodedata

_NON_KEY = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
# Characters that render nothing but make two equal-looking strings differ.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def nfc(text: str) -> str:
    """NFC-normalise, drop invisible characters and C0 controls other than newline and tab."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Lower-case, diacritics-free, single-spaced: 'Sở  Tài chính' -> 'so tai chinh'."""
    return _SPACES.sub(" ", strip_diacritics(nfc(text)).casefold()).strip()


def key(text: str) -> str:
    """Letters and digits only, folded: 'Sở KH&CN' -> 'sokhcn'. Used to match names and aliases."""
    return _NON_KEY.sub("", fold(text))


def shorten(text: str, limit: int) -> str:
    """First line of text, cut at a word boundary to at most `limit` characters."""
    line = _SPACES.sub(" ", text).strip()
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


@functools.cache
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x41, 0x2000):
        ch = chr(code)
        bare = strip_diacritics(ch).lower()
        if bare != ch and len(bare) == 1:
            table[code] = bare
    return table


def fold_same_length(text: str) -> str:
    """Lower-case and diacritics-free, one character for each of `text`'s (NFC text), so offsets in the
    fold are offsets in the text: what the notice reader matches names and phrases on."""
    return text.translate(_fold_table())
