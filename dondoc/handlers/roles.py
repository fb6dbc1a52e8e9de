"""Role words, in one place: what people type for a role (/moi KHCN head), and how a role reads."""

from dondoc.i18n import N_, _
from dondoc.store.models import Role
from dondoc.text import key

# The words typed for each role, the first English and the second Vietnamese (shown in the usage line).
ROLE_WORDS: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: ("admin", "vanphong", "office"),
    Role.LEADER: ("leader", "lanhdao"),
    Role.HEAD: ("head", "thutruong", "giamdoc"),
    Role.STAFF: ("staff", "chuyenvien", "officer"),
}
ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("office (Văn phòng UBND tỉnh)"),
    Role.LEADER: N_("provincial leader"),
    Role.HEAD: N_("agency head"),
    Role.STAFF: N_("focal officer"),
    Role.GUEST: N_("guest"),
}
_BY_WORD = {key(word): role for role, words in ROLE_WORDS.items() for word in words}


def role_from_word(text: str) -> Role | None:
    """'head', 'thủ trưởng', 'Lãnh đạo' -> the role (diacritics, case and spaces do not matter)."""
    return _BY_WORD.get(key(text))


def role_label(role: Role) -> str:
    return _(ROLE_LABELS[role])


def role_words_hint() -> str:
    """'admin/vanphong, leader/lanhdao, head/thutruong, staff/chuyenvien' for usage lines."""
    return ", ".join("/".join(words[:2]) for words in ROLE_WORDS.values())
