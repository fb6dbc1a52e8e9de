"""Agencies named in a notice's sentence.

Three sources, longest match first: the province's directory (names and aliases), the shipped list of
national and standard agency names (`dondoc/data/national_agencies.csv`), and a name grammar for the
rest — a head word written as a name (Bộ, Sở, Cục, Vụ, Ủy ban nhân dân …) followed by the words of the
name, which stops at the first word that is not part of one (a verb, "và các", a comma before another
head word). Names are matched on their letters only, without diacritics, so "Sở KH&CN", "Sở Tàichính"
and "Bo Y te" all match; but a name must be written as one (capitalised), so "phối hợp với các xã xây
dựng kế hoạch" names no Sở Xây dựng. Collective leads ("các sở, ban, ngành, địa phương") and generic
phrases that name no agency ("các đơn vị có liên quan") are recognised too.
"""

import csv
import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from dondoc.store.agencies import active_alias_rows
from dondoc.text import fold_same_length, key

ALL_AGENCIES = "*"
MAX_NAME_WORDS = 24
_LEADING_WINDOW = 400
NATIONAL_FILE = Path(__file__).resolve().parent.parent / "data" / "national_agencies.csv"

# Group nouns a collective or generic phrase is made of (folded).
_GROUP = (
    r"(?:so|bo|ban|nganh|vu|co quan ngang bo|co quan thuoc chinh phu|co quan trung uong|co quan|don vi|"
    r"dia phuong|tinh|thanh pho|xa|phuong|dac khu|huyen|hoi|doan the|to chuc chinh tri - xa hoi|"
    r"to chuc|doanh nghiep|truong|benh vien|thanh vien|tap doan|tong cong ty|cong ty|ngan hang|"
    r"quan|thi xa|thon|to dan pho|khu pho|khu dan cu|chu rung|chu dap|chu dau tu|nha truong|co so)"
)
_GROUP_QUALIFIER = (
    r"(?:\s+(?:truc thuoc trung uong|thuoc chinh phu|trung uong|thuoc tinh|truc thuoc|tinh|"
    r"tren dia ban(?: tinh)?|nha nuoc|chuyen nganh|thanh vien|thuoc bo|hanh chinh nha nuoc(?: tinh)?|"
    r"chuyen mon(?: thuoc ubnd tinh)?|con lai|chinh tri - xa hoi(?: (?:tinh|xa|phuong))?))?"
)
COLLECTIVE = re.compile(
    r"(?<![a-z0-9])(?:(?:nguoi dung dau|thu truong|giam doc|chu tich|lanh dao|to truong|truong|bi thu|"
    r"hieu truong)\s+)?"
    r"(?:(?:ubnd|uy ban nhan dan)\s+)?(?:tat ca\s+)?(?:cac|nhung)\s+"
    + _GROUP
    + _GROUP_QUALIFIER
    + r"(?:(?:\s*[,;]\s*|\s+va\s+|\s+hoac\s+)(?!ubnd|uy ban)(?:cac\s+)?"
    + _GROUP
    + _GROUP_QUALIFIER
    + r")*"
    r"|(?<![a-z0-9])(?:chu tich\s+)?(?:ubnd|uy ban nhan dan)\s+(?:cap\s+)?(?:xa|tinh)\s*,\s*"
    r"(?:phuong|thanh pho)(?:(?:\s*,\s*|\s+va\s+)(?:dac khu|thanh pho|thi xa))*"
)
_RELATED = re.compile(r"\s+(?:co\s+)?lien quan(?![a-z])")
GENERIC = re.compile(
    r"(?<![a-z0-9])(?:cac\s+)?(?:co quan|don vi|dia phuong|to chuc|nganh|ca nhan)"
    r"(?:(?:\s*,\s*|\s+va\s+)(?:co quan|don vi|dia phuong|to chuc|doanh nghiep|ca nhan))*"
    r"\s+(?:co\s+)?lien quan(?![a-z])"
)
# A collective lead may be described: "Các sở quản lý chuyên ngành về giao thông: …".
_DESCRIBED = re.compile(
    r"\s+(?:quan ly|chuyen nganh|thuoc|truc thuoc|duoc giao|la thanh vien|thanh vien|co trach nhiem)"
    r"[^:;.\n]{0,80}?(?=:|\s*$|\s*\(|\s+(?:co trach nhiem|chiu trach nhiem|chu tri|phoi hop|theo chuc nang))"
)

# Head words that open an agency's name, in their written form (one or more tokens, folded keys).
_HEADS = {
    ("uy", "ban", "nhan", "dan"),
    ("uy", "ban", "mat", "tran"),
    ("uy", "ban"),
    ("ubnd",),
    ("hdnd",),
    ("ubmttq",),
    ("bo", "chi", "huy"),
    ("bo",),
    ("so",),
    ("cuc",),
    ("tong", "cuc"),
    ("chi", "cuc"),
    ("vu",),
    ("vien",),
    ("hoc", "vien"),
    ("vien", "kiem", "sat"),
    ("ban",),
    ("cong", "an"),
    ("thanh", "tra"),
    ("thue",),
    ("kho", "bac"),
    ("trung", "tam"),
    ("bao",),
    ("tap", "chi"),
    ("dai",),
    ("van", "phong"),
    ("phong",),
    ("cong", "ty"),
    ("tong", "cong", "ty"),
    ("tap", "doan"),
    ("hoi",),
    ("hoi", "dong"),
    ("lien", "doan"),
    ("tinh", "doan"),
    ("tinh", "uy"),
    ("thanh", "uy"),
    ("dang", "uy"),
    ("truong",),
    ("dai", "hoc"),
    ("benh", "vien"),
    ("ngan", "hang"),
    ("quy",),
    ("bao", "hiem", "xa", "hoi"),
    ("toa", "an"),
    ("kiem", "toan"),
    ("thong", "tan", "xa"),
    ("mat", "tran"),
    ("xa",),
    ("phuong",),
    ("dac", "khu"),
    ("doan", "thanh", "nien"),
    ("hai", "quan"),
    ("dien", "luc"),
    ("bo", "doi"),
    ("tram",),
    ("hiep", "hoi"),
    ("lien", "minh"),
    ("chi", "nhanh"),
    ("hop", "tac", "xa"),
    ("nha", "xuat", "ban"),
    ("cong", "thong", "tin"),
}
_HEAD_LENGTH = max(len(h) for h in _HEADS)
# Heads that are a whole name by themselves or with a place word: "Công an tỉnh", "Tỉnh ủy".
_SELF_NAMED = {
    ("cong", "an"),
    ("thanh", "tra"),
    ("thue",),
    ("kho", "bac"),
    ("tinh", "doan"),
    ("tinh", "uy"),
    ("thanh", "uy"),
    ("dang", "uy"),
    ("kiem", "toan"),
    ("uy", "ban", "nhan", "dan"),
    ("ubnd",),
    ("hdnd",),
    ("hai", "quan"),
    ("dien", "luc"),
    ("bao", "hiem", "xa", "hoi"),
    ("ubmttq",),
}
# Lower-case words that belong to names: "Ủy ban nhân dân tỉnh", "Kho bạc Nhà nước khu vực".
_NAME_WORDS = {
    "tinh", "thanh", "pho", "xa", "phuong", "huyen", "dac", "khu", "nhan", "dan", "nha", "nuoc", "quoc",
    "gia", "trung", "uong", "vuc", "viet", "nam", "cong", "dong", "cac",
}  # fmt: skip
# Words of names that are also the first syllables of verbs elsewhere: "Thủy văn", "Nhân dân".
_COMMON_BIGRAMS = frozenset(
    {
        ("thuy", "van"),
        ("nhan", "dan"),
        ("dan", "toc"),
        ("ton", "giao"),
        ("ngoai", "giao"),
        ("phap", "che"),
        ("chi", "huy"),
        ("ha", "tang"),
        ("dau", "tu"),
        ("phat", "trien"),
        ("thi", "dua"),
        ("giao", "thong"),
        ("cong", "trinh"),
        ("do", "thi"),
        ("dan", "dung"),
        ("khen", "thuong"),
        ("an", "ninh"),
        ("ve", "sinh"),
        ("an", "toan"),
        ("thuc", "pham"),
        ("bao", "ve"),
        ("thuc", "vat"),
        ("thi", "truong"),
        ("phong", "thu"),
        ("dan", "su"),
        ("thuong", "truc"),
    }
)
# Verbs that follow a lead's name: a name may end in lower-case words before them ("Cục Đổi mới sáng tạo
# chủ trì").
_LEAD_VERBS = {"chu", "phoi", "chiu", "tham"}
_PLACE_WORDS = {"tinh", "thanh", "pho", "xa", "phuong", "huyen", "dac", "khu", "vuc", "nam", "thon"}
# First syllables of the verbs and words that end a name ("Sở Công Thương chủ trì", "Cục Kiểm lâm và").
_STOPS = {
    "chu", "phoi", "tong", "xay", "ra", "tham", "theo", "huong", "trien", "thuc", "co", "duoc", "la",
    "can", "phai", "khan", "tiep", "nghien", "kiem", "bao", "de", "ban", "trinh", "to", "chi", "don",
    "dam", "hoan", "cap", "quan", "va", "ve", "trong", "tai", "cho", "tu", "den", "cua", "doi", "nham",
    "khi", "neu", "da", "se", "dang", "cung", "nhung", "mua", "lam", "lap", "giam", "xu", "tang", "nang",
    "day", "som", "kip", "ngay", "chiu", "giao", "chuan", "ho", "tuyen", "van", "thu", "bo", "phan",
    "sap", "danh", "tap", "long", "tao", "xac", "tim", "ung", "duy", "phat", "gui", "lay", "thong",
    "trao", "ky", "bai", "dieu", "sua", "rut", "dua", "ap", "goi", "cai", "soan", "hop", "dinh", "mo",
    "dao", "nop", "giai", "ket", "on", "xet", "hieu", "hien", "uu", "gop", "toan", "voi", "tren",
    "duoi", "sau", "truoc", "nay", "do", "kia", "ma", "vi", "nen", "hay", "hoac", "kem", "ca",
    "thuong", "tich", "quyet", "nhanh", "thiet", "rat", "deu", "luon",
}  # fmt: skip
_TOKEN = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
_CONNECTOR_GAP = re.compile(r"^(?:[\s,;/]|va|voi|cung|cac|hoac|-|–|\((?:[^()]{0,160})\))*$")
# Words that describe which of a group: "UBND các tỉnh có dự án đi qua", "các xã ven biển".
_DESCRIPTION = re.compile(
    r"\s+(?:co|noi|ven|mien|vung|bien gioi|giap|thuoc dien|trong diem|la|khu vuc)(?![a-z])"
)
_LIST_CONTEXT = re.compile(
    r"(?:(?<![a-z])so|(?<![a-z])nganh|so, nganh|so, ban, nganh|co quan|don vi)\s*[:(]?\s*$"
)


_PROVINCIAL_KINDS = ("department", "provincial_body")


@dataclass(frozen=True)
class DirectoryAgency:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class KnownName:
    """An agency of the national list: a ministry, a central body or a standard provincial name."""

    name: str
    kind: str
    status: str  # current | former
    successor: str | None


@dataclass(frozen=True)
class Mention:
    as_written: str
    agency: DirectoryAgency | None  # None: not in the directory (see `known` and the flags)
    collective: bool = False  # "các sở, ban, ngành, địa phương"
    generic: bool = False  # "các đơn vị có liên quan": names no agency
    start: int = 0
    end: int = 0
    known: KnownName | None = None  # the national list's entry, when the directory does not have it

    @property
    def unknown(self) -> bool:
        """Not an agency of the directory (a national name counts as unknown to the province)."""
        return self.agency is None and not self.collective and not self.generic

    @property
    def name(self) -> str:
        if self.agency is not None:
            return self.agency.name
        if self.known is not None and self.known.kind not in _PROVINCIAL_KINDS:
            return self.known.name
        return self.as_written  # a provincial body is named with its province: "… Truyền hình Gia Lai"


@dataclass(frozen=True)
class _Names:
    """Keys of names (letters and digits, folded, no spaces) and every prefix of them."""

    full: dict[str, "DirectoryAgency | KnownName"]
    prefixes: frozenset[str]
    written: dict[str, set[str]]  # a key's names as written, with their diacritics: "cụcthúy"

    @classmethod
    def of(
        cls, full: dict[str, "DirectoryAgency | KnownName"], written: dict[str, set[str]] | None = None
    ) -> "_Names":
        return cls(full, frozenset(k[:i] for k in full for i in range(1, len(k) + 1)), written or {})


def _bigrams(names: list[str]) -> set[tuple[str, str]]:
    """Pairs of a capitalised word and the lower-case word after it in known names ("Ngoại giao")."""
    pairs: set[tuple[str, str]] = set()
    for name in names:
        words = _TOKEN.findall(name)
        folded = _Tokens.of(name).keys
        for (a, b), (fa, fb) in zip(itertools.pairwise(words), itertools.pairwise(folded), strict=True):
            if a[:1].isupper() and b[:1].islower():
                pairs.add((fa, fb))
    return pairs


@functools.cache
def national_bigrams() -> frozenset[tuple[str, str]]:
    if not NATIONAL_FILE.exists():
        return frozenset()
    with NATIONAL_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    return frozenset(_bigrams([row["name"] for row in rows]))


@functools.cache
def national_names() -> _Names:
    """The shipped list, read once: names and aliases of national bodies and standard provincial ones."""
    full: dict[str, DirectoryAgency | KnownName] = {}
    written_as: dict[str, set[str]] = {}
    if not NATIONAL_FILE.exists():
        return _Names.of(full)
    with NATIONAL_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            known = KnownName(row["name"], row["kind"], row["status"], row.get("successor") or None)
            for written in [row["name"], *(row.get("aliases") or "").split("|")]:
                forms = [written, written[: -len(" tỉnh")]] if written.endswith(" tỉnh") else [written]
                for form in forms if written.strip() else []:  # "… Truyền hình Gia Lai" as "… tỉnh"
                    full.setdefault(key(form), known)
                    written_as.setdefault(key(form), set()).add(_compact(form))
    return _Names.of(full, written_as)


def _compact(text: str) -> str:
    """Letters and digits, lower case, with their diacritics: how OCR's joined words are compared."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


class Directory:
    """Alias keys -> agencies, read once per notice, with the national list beside it."""

    def __init__(
        self,
        aliases: dict[str, DirectoryAgency],
        extra: "dict[str, DirectoryAgency | KnownName] | None" = None,
    ) -> None:
        self.aliases = aliases
        self._own = _Names.of({**aliases, **(extra or {})})
        self.bigrams = national_bigrams() | _bigrams([a.name for a in aliases.values()]) | _COMMON_BIGRAMS

    def with_short_names(self, names: "dict[str, DirectoryAgency | KnownName]") -> "Directory":
        """This directory and a notice's own short names ("(sau đây gọi tắt là Ban Quản lý)")."""
        return Directory(self.aliases, {key(short): owner for short, owner in names.items()})

    @classmethod
    def load(cls, session: Session) -> "Directory":
        rows = active_alias_rows(session)
        aliases = {k: DirectoryAgency(i, code, name) for k, i, code, name in rows}
        # "Sở Tài chính" may be listed as "các Sở: Tài chính, Xây dựng": its field alone, in a list.
        for agency in list(aliases.values()):
            if agency.name.startswith("Sở "):
                aliases.setdefault(key(agency.name[3:]), agency)
        return cls(aliases)

    def longest(self, tokens: "_Tokens", start: int) -> tuple[int, "DirectoryAgency | KnownName"] | None:
        """The longest known name starting at token `start`: (tokens it spans, whose name it is).

        Names match on their letters without spaces, so OCR's "Bộ Tàichính" is Bộ Tài chính; where the
        words are cut differently from the name, the diacritics must agree too ("Cục Thủy lợi" is not
        "Cục Thú y")."""
        keys = tokens.keys
        best: tuple[int, DirectoryAgency | KnownName] | None = None
        for names in (self._own, national_names()):
            joined = ""
            for end in range(start, min(len(keys), start + MAX_NAME_WORDS)):
                joined += keys[end]
                if joined not in names.prefixes:
                    break
                found = names.full.get(joined)
                if found is None or (best is not None and end + 1 - start <= best[0]):
                    continue
                forms = names.written.get(joined)
                if forms and not tokens.written_as(start, end + 1, forms):
                    continue
                best = (end + 1 - start, found)
        return best


@dataclass
class _Tokens:
    text: str
    folded: str
    spans: list[tuple[int, int]]
    keys: list[str]

    @classmethod
    def of(cls, text: str) -> "_Tokens":
        folded = fold_same_length(text)
        spans = [(t.start(), t.end()) for t in _TOKEN.finditer(text)]
        return cls(text, folded, spans, [folded[a:b].replace("&", "") for a, b in spans])

    def written_as(self, start: int, end: int, forms: set[str]) -> bool:
        """Tokens start..end written as one of the forms, or without any diacritics at all."""
        text = self.text[self.spans[start][0] : self.spans[end - 1][1]]
        compact = _compact(text)
        return compact in forms or compact.isascii()

    def capitalised(self, i: int) -> bool:
        return self.text[self.spans[i][0]].isupper()

    def abbreviation(self, i: int) -> bool:
        word = self.text[self.spans[i][0] : self.spans[i][1]]
        letters = [c for c in word if c.isalpha()]
        return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 2

    def gap(self, i: int) -> str:
        """The folded text between token i-1 and token i."""
        return self.folded[self.spans[i - 1][1] if i else 0 : self.spans[i][0]]


def scan(segment: str, directory: Directory) -> list[Mention]:
    """Every agency, collective and generic phrase in the segment, in order."""
    tokens = _Tokens.of(segment)
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for match in GENERIC.finditer(tokens.folded):
        found.append(_phrase(segment, match.start(), match.end(), generic=True))
        taken.append((match.start(), match.end()))
    for match in COLLECTIVE.finditer(tokens.folded):
        if any(a <= match.start() < b for a, b in taken):
            continue
        related = _RELATED.match(tokens.folded, match.end())
        end = related.end() if related else _described_end(tokens, match.end())
        found = [m for m in found if not (match.start() <= m.start and m.end <= end)]
        taken = [(a, b) for a, b in taken if not (match.start() <= a and b <= end)]
        found.append(_phrase(segment, match.start(), end, generic=related is not None))
        taken.append((match.start(), end))
    i = 0
    previous_end = -1  # token index after the last named agency, for lists of bare fields
    while i < len(tokens.spans):
        begin = tokens.spans[i][0]
        if any(a <= begin < b for a, b in taken):
            i += 1
            continue
        named = _name_at(tokens, i, directory, previous_end) if tokens.capitalised(i) else None
        if named is None:
            i += 1
            continue
        length, owner, end_char = named
        text = segment[begin:end_char]
        if isinstance(owner, DirectoryAgency):
            found.append(Mention(text, owner, start=begin, end=end_char))
        else:
            found.append(Mention(text, None, start=begin, end=end_char, known=owner))
        i += length
        while i < len(tokens.spans) and tokens.spans[i][0] < end_char:
            i += 1
        previous_end = i
    return sorted(found, key=lambda m: m.start)


# Verbs that end a group's description: "UBND các xã có nghệ nhân tham gia | phối hợp …".
_DESCRIPTION_STOPS = {
    "phoi", "chu", "thuc", "trien", "khan", "tang", "chi", "bao", "xay", "kiem", "huong", "de", "dam", "hoan",
    "ra", "cap", "theo", "lap", "bo", "day", "giam", "ho", "tuyen", "chuan", "chiu", "va",
}  # fmt: skip


def _described_end(tokens: _Tokens, end: int) -> int:
    """Where a group's description ends: a few words after "có", "nơi", "ven" …, up to a verb."""
    if not _DESCRIPTION.match(tokens.folded, end):
        return end
    words = 0
    for a, b in tokens.spans:
        if a < end:
            continue
        gap = tokens.folded[end:a]
        if gap.strip() or words >= 7:
            break
        word = tokens.folded[a:b]
        if words and (word in _DESCRIPTION_STOPS or tokens.text[a].isupper()):
            break
        end, words = b, words + 1
    return end


def _phrase(segment: str, start: int, end: int, generic: bool) -> Mention:
    return Mention(
        segment[start:end].strip(), None, collective=not generic, generic=generic, start=start, end=end
    )


def _in_list(tokens: _Tokens, i: int, previous_end: int) -> bool:
    """Token i follows "các sở:" or another agency of the same list: a bare field name counts."""
    if previous_end == i and previous_end > 0 and _CONNECTOR_GAP.match(tokens.gap(i).strip()):
        return True
    before = tokens.folded[max(0, tokens.spans[i][0] - 24) : tokens.spans[i][0]]
    return bool(_LIST_CONTEXT.search(before))


def _name_at(
    tokens: _Tokens, i: int, directory: Directory, previous_end: int
) -> tuple[int, "DirectoryAgency | KnownName | None", int] | None:
    """(tokens spanned, the agency or None for a name only the grammar found, end offset)."""
    if not tokens.capitalised(i):
        return None
    head = _head_at(tokens.keys, i)
    committee = _committee_of(tokens, i, head, directory)
    if committee is not None:
        return committee
    known = directory.longest(tokens, i)
    if known is not None:
        length, owner = known
        strong = (
            head is not None
            or tokens.abbreviation(i)
            or length >= 3
            or (isinstance(owner, KnownName) and owner.name.split()[0].lower() == tokens.keys[i])
        )
        local = _local_unit_follows(tokens, i + length)
        if (strong or _in_list(tokens, i, previous_end)) and not local:
            end_char = tokens.spans[_locality_end(tokens, i + length, owner) - 1][1]
            grammar = _grammar_name(tokens, i, head, directory.bigrams) if head else None
            if (
                grammar is None
                or grammar[0] <= length
                or not _longer_by_a_name(tokens, i + length, i + grammar[0])
            ):
                return length, owner, end_char
    if head is None:
        return None
    grammar = _grammar_name(tokens, i, head, directory.bigrams)
    if grammar is None:
        return None
    return grammar[0], None, tokens.spans[i + grammar[0] - 1][1]


_LOCAL_PLACES = {"xa", "phuong", "huyen", "thon", "dac"}


def _local_unit_follows(tokens: _Tokens, after: int) -> bool:
    """ "Công an xã", "Ủy ban Mặt trận Tổ quốc Việt Nam phường": a commune's or ward's own unit, not the
    province's or the nation's of that name."""
    return (
        after < len(tokens.keys)
        and tokens.keys[after] in _LOCAL_PLACES
        and not tokens.capitalised(after)
        and tokens.gap(after).strip() == ""
    )


def _committee_of(
    tokens: _Tokens, i: int, head: tuple[str, ...] | None, directory: Directory
) -> tuple[int, "DirectoryAgency | KnownName | None", int] | None:
    """ "UBND xã Ba Xa", "Ủy ban nhân dân phường Cẩm Thành": the commune's or ward's own entry."""
    if head not in (("ubnd",), ("uy", "ban", "nhan", "dan")) or i + len(head) >= len(tokens.keys):
        return None
    after = i + len(head)
    if tokens.keys[after] not in ("xa", "phuong", "dac"):
        return None
    known = directory.longest(tokens, after)
    if known is None or not isinstance(known[1], DirectoryAgency):
        return None
    length = len(head) + known[0]
    return length, known[1], tokens.spans[i + length - 1][1]


def _locality_end(tokens: _Tokens, after: int, owner: "DirectoryAgency | KnownName") -> int:
    """Where a known name ends with the province it belongs to: "Sở Y tế tỉnh Gia Lai", "Báo và Phát
    thanh, Truyền hình Đắk Lắk" (the list has it as "… tỉnh")."""
    keys, n = tokens.keys, len(tokens.keys)
    j = after
    if keys[after - 1] in _PLACE_WORDS:
        return after
    if j < n and keys[j] == "tinh" and tokens.gap(j).strip() == "":
        j += 1
    elif j + 1 < n and keys[j] == "thanh" and keys[j + 1] == "pho" and tokens.gap(j).strip() == "":
        j += 2
    elif not (isinstance(owner, KnownName) and owner.name.endswith(" tỉnh")):
        return after
    start = j
    while (
        j < n
        and j - start < 3
        and tokens.capitalised(j)
        and tokens.gap(j).strip() == ""
        and _head_at(keys, j) is None
    ):
        j += 1
    return j


def _longer_by_a_name(tokens: _Tokens, start: int, end: int) -> bool:
    """The grammar's name goes on past a known one with more capitalised words: "Công an xã Tịnh Khê" is
    not "Công an tỉnh", though "Sở Y tế tỉnh Gia Lai" is a Sở Y tế."""
    if start < len(tokens.keys) and tokens.gap(start).strip() == ",":
        return False  # "Sở Y tế, Giáo dục và Đào tạo": a list of departments, not one name
    return any(tokens.capitalised(j) and tokens.keys[j] not in _PLACE_WORDS for j in range(start, end)) and (
        tokens.keys[start] not in ("tinh", "thanh")
    )


def _head_at(keys: list[str], i: int) -> tuple[str, ...] | None:
    for length in range(min(_HEAD_LENGTH, len(keys) - i), 0, -1):
        head = tuple(keys[i : i + length])
        if head in _HEADS:
            return head
    return None


def _grammar_name(
    tokens: _Tokens, i: int, head: tuple[str, ...], bigrams: frozenset[tuple[str, str]] | set[tuple[str, str]]
) -> tuple[int, None] | None:
    """A name the lists do not know: its head word, then the words of the name up to a verb.

    Vietnamese names capitalise the first syllable of each word ("Phòng Kinh tế, Hạ tầng và Đô thị", "Trung
    tâm Kiểm soát bệnh tật tỉnh"), so a lower-case syllable belongs to the name after a capitalised one, or
    when lower-case words lead to a place word ("… hành chính công xã") or to more of the name."""
    keys, n = tokens.keys, len(tokens.spans)
    j = i + len(head)
    named = False  # a word of the name after the head
    lower_run = 0
    capitals = 0  # capitalised words in a row: "Quảng Ngãi khảo sát" is a place, then a verb
    while j < n and j - i < MAX_NAME_WORDS:
        gap = tokens.gap(j).strip()
        word = keys[j]
        capital = tokens.capitalised(j)
        if gap == "," and named and capital and _head_at(keys, j) is None and _comma_name(tokens, j):
            capitals, lower_run = 1, 0  # "Phòng Kinh tế, Hạ tầng và Đô thị", "Cục Thông tin, Thống kê"
            j += 1
            continue
        if gap not in ("", "-", "–", "&"):
            break
        if not named and j + 1 < n and (word, keys[j + 1]) == ("thuong", "truc"):
            j += 2  # "Văn phòng thường trực Ban Chỉ huy …"
            continue
        if word == "va" and not capital:
            if j + 1 < n and tokens.capitalised(j + 1) and tokens.gap(j + 1).strip() == "":
                following = _head_at(keys, j + 1)
                if following is not None and not (head == ("van", "phong") and following in _COMMITTEES):
                    break  # "Cục Lâm nghiệp và Cục Kiểm lâm": the next agency
                j += 1
                lower_run = capitals = 0
                continue
            break
        if capital:
            if tokens.abbreviation(j) and named and _head_at(keys, j) is None and len(word) > 4:
                break
            named, lower_run, capitals = True, 0, capitals + 1
            j += 1
            continue
        if word in _NAME_WORDS and (word in _PLACE_WORDS or named or head in _SELF_NAMED):
            named = named or word in _PLACE_WORDS
            capitals = 0
            j += 1
            continue
        if named and (keys[j - 1], word) in bigrams:
            capitals = 0
            j += 1
            continue
        if named and lower_run and word in _STOPS:
            break
        if named and lower_run == 0 and word not in _STOPS and capitals <= 1:
            lower_run, capitals = 1, 0
            j += 1
            continue
        if named:
            ahead = _lower_run_end(tokens, j, lower_run)
            if ahead is None:
                break
            j, lower_run = ahead, 0
            if j < n and tokens.gap(j).strip() == "" and (tokens.capitalised(j) or keys[j] in _PLACE_WORDS):
                continue
            break
        break
    if not named and head not in _SELF_NAMED:
        return None
    return j - i, None


_COMMITTEES = {("ubnd",), ("uy", "ban", "nhan", "dan"), ("hdnd",), ("hoi", "dong")}


def _comma_name(tokens: _Tokens, j: int) -> bool:
    """After a comma, a capitalised word that is not a head word goes on with the name."""
    return tokens.gap(j).count(",") == 1


def _lower_run_end(tokens: _Tokens, j: int, lower_run: int) -> int | None:
    """Where lower-case words at j still belong to the name: up to a capitalised word that is not a head
    word, a place word, the end of the clause or a lead's verb; None when they do not."""
    keys, n = tokens.keys, len(tokens.keys)
    ahead = j
    while ahead < n and ahead - j < 4 and not tokens.capitalised(ahead) and tokens.gap(ahead).strip() == "":
        if keys[ahead] in _LEAD_VERBS and ahead > j:
            break
        if keys[ahead] == "va" and ahead + 1 < n and tokens.capitalised(ahead + 1) and ahead > j:
            break  # "… thị trường và Cục Trồng trọt": the next agency
        if keys[ahead] in _PLACE_WORDS and ahead > j:
            break
        ahead += 1
    run = keys[j:ahead]
    if not run:
        return None
    clean = not any(word in _STOPS for word in run)
    ends_clause = (
        ahead == n or tokens.gap(ahead).strip()[:1] in (":", ",", ";", ".", ")") or keys[ahead] == "va"
    )
    paired = len(run) == 2 and (run[0], run[1]) in _COMMON_BIGRAMS  # "Cục An toàn thực phẩm"
    if (
        len(run) <= 2
        and (ends_clause or (ahead < n and keys[ahead] in _LEAD_VERBS))
        and (lower_run or paired)
    ):
        return ahead
    if ahead < n and tokens.gap(ahead).strip() == "" and clean:
        if not tokens.capitalised(ahead) and keys[ahead] in _PLACE_WORDS and len(run) <= 3:
            return ahead  # "Trung tâm Phục vụ hành chính công xã"
        if (
            tokens.capitalised(ahead)
            and _head_at(keys, ahead) is None
            and keys[ahead] not in ("nhan", "nha")
            and lower_run
        ):
            return ahead  # "Viện Vệ sinh dịch tễ Trung ương"
    return None


def leading(segment: str, directory: Directory) -> tuple[list[Mention], str]:
    """The names at the start of the segment (joined by commas or "và"), and the text after them."""
    chain: list[Mention] = []
    cursor = 0
    folded = fold_same_length(segment)
    # Only the start is read: a long chain is read again with more of the text.
    limit = _LEADING_WINDOW
    while limit < len(segment):
        head = segment[:limit]
        found = scan(head, directory)
        if not found or found[-1].end < limit - 120:
            break
        limit *= 4
    for mention in scan(segment[:limit], directory):
        if not _CONNECTOR_GAP.match(folded[cursor : mention.start].strip()):
            break
        if mention.collective and not chain:
            described = _DESCRIBED.match(folded, mention.end)
            if described and described.group(0).strip() and len(described.group(0).split()) <= 10:
                mention = Mention(
                    segment[mention.start : described.end()].strip(),
                    None,
                    collective=True,
                    start=mention.start,
                    end=described.end(),
                )
        chain.append(mention)
        cursor = mention.end
    return chain, segment[cursor:] if chain else segment
