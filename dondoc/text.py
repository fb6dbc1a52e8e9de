"""Text normalisation: NFC on the way in, and a diacritics-free fold for every name comparison."""

import functools
import re
import unicodedata

_NON_KEY = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
# Characters that render nothing but make two equal-looking strings differ.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SURROGATE = re.compile("[\ud800-\udfff]")
# What `nfc` changes besides the normal form: C0 and C1 controls other than newline and tab, the
# invisible characters, and surrogates.
_NOT_CLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200d\u2060\ufeff\u00ad\ud800-\udfff]")


def encodable(text: str) -> str:
    """`text` as UTF-8 can carry it: a surrogate pair (two UTF-16 halves, as some JSON escapes them) joined
    into its character, a lone surrogate (from a client's broken escape, or undecodable bytes in a
    command line) replaced with U+FFFD. Storing, logging or sending a lone surrogate raises."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def nfc(text: str) -> str:
    """NFC-normalise, drop invisible characters and C0/C1 controls other than newline and tab, replace
    lone surrogates (`encodable`): what comes out always encodes as UTF-8 and is NFC."""
    if unicodedata.is_normalized("NFC", text) and not _NOT_CLEAN.search(text):
        return text  # nearly all text: no per-character work
    return _normalised(text)


def _normalised(text: str) -> str:
    """`nfc` the long way. Dropping characters comes before normalising: a character dropped between a
    letter and its accent would otherwise leave the two uncomposed."""
    text = encodable(text).translate(_INVISIBLE)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return unicodedata.normalize("NFC", text)


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
