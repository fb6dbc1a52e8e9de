"""Agencies named in a notice's sentence: directory names and aliases (longest match, with or without
diacritics), collective leads ("các sở, ban, ngành, địa phương"), generic phrases that name no agency
("các đơn vị có liên quan"), and names the directory does not know."""

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.store.models import Agency, AgencyAlias
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
)
_TOKEN = re.compile(r"[\w&]+")
_BREAK = re.compile(r"[,;:]|\bvà\b", re.IGNORECASE)


@dataclass(frozen=True)
class DirectoryAgency:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Mention:
    as_written: str
    agency: DirectoryAgency | None  # None: the directory does not know this name
    collective: bool = False


class Directory:
    """Alias keys -> agencies, read once per notice."""

    def __init__(self, aliases: dict[str, DirectoryAgency]) -> None:
        self.aliases = aliases

    @classmethod
    def load(cls, session: Session) -> "Directory":
        rows = session.execute(
            select(AgencyAlias.key, Agency.id, Agency.code, Agency.name)
            .join(Agency)
            .where(Agency.active.is_(True))
        ).all()
        return cls({row.key: DirectoryAgency(row.id, row.code, row.name) for row in rows})


def find_mentions(segment: str, directory: Directory) -> tuple[list[Mention], list[str], int]:
    """Mentions in the segment, generic phrases as written, and how many words were left unexplained."""
    mentions: list[Mention] = []
    generic: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in GENERIC.finditer(segment):
        generic.append(match.group(0).strip())
        spans.append(match.span())
    for match in COLLECTIVE.finditer(segment):
        if not any(s <= match.start() < e for s, e in spans):
            mentions.append(Mention(match.group(0).strip(), None, collective=True))
            spans.append(match.span())
    tokens = [t for t in _TOKEN.finditer(segment) if not any(s <= t.start() < e for s, e in spans)]
    leftover = 0
    i = 0
    while i < len(tokens):
        matched = _longest_alias(segment, tokens, i, directory)
        if matched is not None:
            length, agency = matched
            mentions.append(Mention(segment[tokens[i].start() : tokens[i + length - 1].end()], agency))
            i += length
            continue
        rest = fold(segment[tokens[i].start() :]) + " "
        if tokens[i].group(0)[0].isupper() and rest.startswith(UNIT_HEADS):  # unit names are capitalised
            end = _BREAK.search(segment, tokens[i].end())
            stop = end.start() if end else len(segment)
            mentions.append(Mention(segment[tokens[i].start() : stop].strip(" .:"), None))
            while i < len(tokens) and tokens[i].start() < stop:
                i += 1
            continue
        if fold(tokens[i].group(0)) not in ("va", "cac", "giao", "voi", "cua", "cung"):
            leftover += 1
        i += 1
    return mentions, generic, leftover


def _longest_alias(
    segment: str, tokens: list[re.Match[str]], start: int, directory: Directory
) -> tuple[int, DirectoryAgency] | None:
    for length in range(min(MAX_ALIAS_WORDS, len(tokens) - start), 0, -1):
        words = tokens[start : start + length]
        agency = directory.aliases.get("".join(key(w.group(0)) for w in words))
        if agency is not None:
            return length, agency
    return None
