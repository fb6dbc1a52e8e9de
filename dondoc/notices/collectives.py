"""What a collective phrase means in the directory: the kinds of agency it names.

One table, read word by word from the phrase: "các sở, ban, ngành" names the departments and boards,
"UBND các xã, phường, đặc khu" the commune-level units, "các sở, ban, ngành, địa phương" both. The issuing
office, the Party and assembly offices are never part of a collective. Phrases about bodies outside the
province ("các Bộ, cơ quan trung ương", "UBND các tỉnh, thành phố") and phrases that name no kind ("các
cơ quan, đơn vị") have no meaning in the directory: they stay as written, and the office assigns them.
"""

import re
from dataclasses import dataclass

from dondoc.i18n import N_
from dondoc.store.agencies import COMMUNE_KINDS as COMMUNE_LEVEL
from dondoc.store.agencies import DEPARTMENT_KINDS as DEPARTMENTS
from dondoc.store.agencies import KINDS
from dondoc.text import fold

MASS = ("mass",)


@dataclass(frozen=True)
class GroupWord:
    words: str  # a regular expression over the folded phrase
    kinds: tuple[str, ...]
    label: str  # what the word names, for `dondoc agencies kinds`
    example: str


# Order matters only for the listing; every word found in a phrase adds its kinds.
GROUP_WORDS: tuple[GroupWord, ...] = (
    GroupWord(
        r"\bso\b|\bnganh\b|\bban\b(?! quan ly| chi)",
        DEPARTMENTS,
        N_("departments and boards"),
        "các sở, ban, ngành",
    ),
    GroupWord(
        r"\bdia phuong\b|\bcap xa\b|\bco so\b",
        COMMUNE_LEVEL,
        N_("communes, wards and special zones"),
        "các địa phương",
    ),
    GroupWord(r"\bxa\b", ("commune",), N_("communes"), "UBND các xã"),
    GroupWord(r"\bphuong\b", ("ward",), N_("wards"), "UBND các phường"),
    GroupWord(r"\bdac khu\b", ("special_zone",), N_("special zones"), "các đặc khu"),
    GroupWord(
        r"\bhoi\b|\bdoan the\b|chinh tri - xa hoi",
        MASS,
        N_("the Front and mass organisations"),
        "các hội, đoàn thể",
    ),
)
# Words that put a phrase outside the province: it means nothing in the directory.
OUTSIDE = re.compile(r"\bcac bo\b|\bbo,|co quan trung uong|co quan ngang bo|thuoc chinh phu|\bcac tinh\b")
# The words a plain collective is made of; any other word describes which of them ("Các sở quản lý chuyên
# ngành về giao thông"), and only the office can say which those are.
_PLAIN = {
    "cac", "tat", "ca", "nhung", "so", "ban", "nganh", "tinh", "dia", "phuong", "xa", "dac", "khu", "ubnd",
    "uy", "nhan", "dan", "chu", "tich", "thu", "truong", "nguoi", "dung", "dau", "giam", "doc", "lanh", "dao",
    "va", "hoi", "doan", "the", "chinh", "tri", "cap", "co", "truc", "thuoc", "tren",
}  # fmt: skip
_COMPILED = tuple((re.compile(word.words), word) for word in GROUP_WORDS)
KIND_LABELS = {
    "department": N_("departments"),
    "board": N_("boards"),
    "inspectorate": N_("the inspectorate"),
    "commune": N_("communes"),
    "ward": N_("wards"),
    "special_zone": N_("special zones"),
    "mass": N_("mass organisations"),
}


def kinds_table(counts: dict[str, int]) -> str:
    """`dondoc agencies kinds`: the directory's agencies by kind, and each group word with what it names."""
    from dondoc.i18n import _

    lines = [_("Agencies in the directory, by kind:")]
    lines += [f"  {kind:<14} {counts.get(kind, 0)}" for kind in KINDS if counts.get(kind)]
    lines.append(_("What a collective phrase in a notice names (the words are read from the phrase):"))
    for word in GROUP_WORDS:
        total = sum(counts.get(kind, 0) for kind in word.kinds)
        lines.append(
            "  "
            + _("“{example}” → {label} ({kinds}): {count}").format(
                example=word.example, label=_(word.label), kinds=", ".join(word.kinds), count=total
            )
        )
    lines.append(
        "  "
        + _(
            "Never included unless named: the People's Committee's office, the Party's and the assembly's "
            "offices, the Party's bodies. Phrases about bodies outside the province (“các Bộ”, “UBND các "
            "tỉnh”) or that name no kind (“các cơ quan, đơn vị”, “Các sở quản lý chuyên ngành về giao "
            "thông”) are kept as written, and the office assigns them."
        )
    )
    return "\n".join(lines)


def kinds_of(phrase: str) -> tuple[str, ...] | None:
    """The kinds of agency a collective phrase names, or None when it names none in the directory."""
    folded = fold(phrase)
    if OUTSIDE.search(folded) or set(re.findall(r"[a-z0-9]+", folded)) - _PLAIN:
        return None
    kinds: list[str] = []
    for pattern, word in _COMPILED:
        if pattern.search(folded):
            kinds += [kind for kind in word.kinds if kind not in kinds]
    return tuple(kinds) or None
