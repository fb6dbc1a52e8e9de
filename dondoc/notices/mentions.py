"""Agencies named in a notice's sentence: directory names and aliases (longest match, with or without
diacritics), collective leads ("các sở, ban, ngành, địa phương"), generic phrases that name no agency
("các đơn vị có liên quan"), and names the directory does not know."""

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dondoc.store.agencies import active_alias_rows
from dondoc.text import fold, key

ALL_AGENCIES = "*"
MAX_ALIAS_WORDS = 20

GENERIC = re.compile(
    r"(?:các|những)\s+(?:cơ quan|đơn vị|địa phương|tổ chức|ngành)"
    r"(?:[\s,]+(?:và\s+)?(?:cơ quan|đơn vị|địa phương|tổ chức|doanh nghiệp))*\s+(?:có\s+)?liên quan",
    re.IGNORECASE,
)
COLLECTIVE = re.compile(
    r"(?:(?:người đứng đầu|thủ trưởng|giám đốc)\s+)?(?:các|tất cả các)\s+sở,\s*ban,\s*ngành"
    r"(?:(?:,|\s+và)?\s+(?:tỉnh|địa phương|đoàn thể|hội, đoàn thể))*"
    r"|(?:chủ tịch\s+)?(?:UBND|Ủy ban nhân dân)\s+các\s+xã(?:,\s*phường)?(?:(?:,|\s+và)\s*đặc khu)?",
    re.IGNORECASE,
)
# Words that open the name of a unit; an unknown name must start with one of them.
UNIT_HEADS = (
    "so ",
    "ban ",
    "ubnd ",
    "uy ban ",
    "cong an ",
    "trung tam ",
    "van phong ",
    "bo ",
    "cuc ",
    "chi cuc ",
    "truong ",
    "benh vien ",
    "dai ",
    "hoi ",
    "lien doan ",
    "tinh doan ",
    "kho bac ",
    "ngan hang ",
    "thanh tra ",
    "vien ",
    "tong cong ty ",
    "cong ty ",
    "quy ",
    "bao ",
    "xa ",
    "phuong ",
    "dac khu ",
    "phong ",
)
_TOKEN = re.compile(r"[\w&]+")
_BREAK = re.compile(
    r"[,;:.(]|\s(?:và|chủ trì|phối hợp|theo|có trách nhiệm|chịu trách nhiệm|tham mưu)\b", re.IGNORECASE
)
_CONNECTORS = {"va", "cac", "voi", "cung", "giao"}


@dataclass(frozen=True)
class DirectoryAgency:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Mention:
    as_written: str
    agency: DirectoryAgency | None  # None: the directory does not know this name (or see the flags)
    collective: bool = False  # "các sở, ban, ngành, địa phương": every agency
    generic: bool = False  # "các đơn vị có liên quan": names no agency
    start: int = 0
    end: int = 0

    @property
    def unknown(self) -> bool:
        return self.agency is None and not self.collective and not self.generic


class Directory:
    """Alias keys -> agencies, read once per notice."""

    def __init__(self, aliases: dict[str, DirectoryAgency]) -> None:
        self.aliases = aliases

    @classmethod
    def load(cls, session: Session) -> "Directory":
        rows = active_alias_rows(session)
        return cls({k: DirectoryAgency(i, code, name) for k, i, code, name in rows})


def scan(segment: str, directory: Directory) -> list[Mention]:
    """Every agency, collective and generic phrase in the segment, in order."""
    found: list[Mention] = []

    def free(begin: int) -> bool:
        return not any(m.start <= begin < m.end for m in found)

    for match in GENERIC.finditer(segment):
        found.append(
            Mention(match.group(0).strip(), None, generic=True, start=match.start(), end=match.end())
        )
    for match in COLLECTIVE.finditer(segment):
        if free(match.start()):
            found.append(
                Mention(match.group(0).strip(), None, collective=True, start=match.start(), end=match.end())
            )
    tokens = [t for t in _TOKEN.finditer(segment) if free(t.start())]
    i = 0
    while i < len(tokens):
        matched = _longest_alias(tokens, i, directory)
        if matched is not None:
            length, agency = matched
            first, last = tokens[i], tokens[i + length - 1]
            found.append(
                Mention(segment[first.start() : last.end()], agency, start=first.start(), end=last.end())
            )
            i += length
            continue
        rest = fold(segment[tokens[i].start() :]) + " "
        if tokens[i].group(0)[0].isupper() and rest.startswith(UNIT_HEADS):  # unit names are capitalised
            stop_at = _BREAK.search(segment, tokens[i].end())
            stop = stop_at.start() if stop_at else len(segment)
            name = segment[tokens[i].start() : stop].rstrip(" .")
            found.append(Mention(name, None, start=tokens[i].start(), end=tokens[i].start() + len(name)))
            while i < len(tokens) and tokens[i].start() < stop:
                i += 1
            continue
        i += 1
    return sorted(found, key=lambda m: m.start)


def leading(segment: str, directory: Directory) -> tuple[list[Mention], str]:
    """The names at the start of the segment (joined by commas or "và"), and the text after them."""
    chain: list[Mention] = []
    cursor = 0
    for mention in scan(segment, directory):
        gap = segment[cursor : mention.start]
        if any(word not in _CONNECTORS for word in fold(gap).replace(",", " ").replace(";", " ").split()):
            break
        chain.append(mention)
        cursor = mention.end
    return chain, segment[cursor:] if chain else segment


def _longest_alias(
    tokens: list[re.Match[str]], start: int, directory: Directory
) -> tuple[int, DirectoryAgency] | None:
    for length in range(min(MAX_ALIAS_WORDS, len(tokens) - start), 0, -1):
        words = tokens[start : start + length]
        agency = directory.aliases.get("".join(key(w.group(0)) for w in words))
        if agency is not None:
            return length, agency
    return None
