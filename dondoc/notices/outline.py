"""The outline of a notice.

A notice is a letterhead, an optional "Kính gửi" list, a body of chapters, sections (I., II.), articles
(Điều 1), numbered items (1., 1.1., 1.2.1), letters (a), đ)) and bullets (-, +, •), the recipients
("Nơi nhận") and the signature — and often, after the signature, the plan or annex the decision issues,
whose body counts as much as the first. Labels nest by the order they appear in, not by a fixed rank,
because offices nest them every way. Text broken over lines or pages is joined again, page numbers and
running headers dropped, and task tables (however they were flattened) become rows with named fields.
"""

import re
from dataclasses import dataclass, field

from dondoc.notices import tables
from dondoc.text import fold_same_length

_SECTION = re.compile(r"^(X{0,3}(?:IX|IV|V?I{0,3}))[.)]\s+(\S.*)$")
_CHAPTER = re.compile(r"^(?:Chương|CHƯƠNG|Phần|PHẦN|Mục|MỤC)\s+([IVXLC\d]+)\b[.:]?\s*(.*)$")
_ARTICLE = re.compile(r"^Điều\s+(\d{1,3})\s*[.:]?\s*(.*)$")
_DECIMAL = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?: ?[.)]|(?=\s))(?:\s+(.*)|$)")
_LETTER = re.compile(r"^([abcdđeghiklmnopqrstuvxy])[)]\s*(.*)$")
_PAREN = re.compile(r"^\((\d{1,2}|[a-zđ])\)\s+(.*)$")
_BULLET = re.compile(r"^([-–—−‐‑•●○◦▪■□✓·*+])\s*(\S.*)$")
_BULLET_FAMILY = {"+": "plus", "*": "star"}
_PAGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,3}[-–—\s]*$|^(?:Trang|Page)\s+\d+(?:\s*/\s*\d+)?$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\d{1,3}\.?$")
# A fax or scanner's stamp repeated on every page: "10/02/2027 16:05 +84 255 … P.002/003".
_STAMP_LINE = re.compile(
    r"^\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}\b|\bFAX\b|Scanned with|CamScanner|\bP\.\s?\d{3}/\d{3}\b|"
    r"\bTr\.\s?\d+/\d+\s*$"
)
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])")
_RECIPIENTS = re.compile(r"^(?:Nơi nhận|NƠI NHẬN)\s*:?", re.IGNORECASE)
_CLOSING = re.compile(
    r"^(?:Nay thông báo|Thông báo này|Văn phòng UBND tỉnh thông báo để|Quyết định này có hiệu lực|"
    r"KT\.\s|TM\.\s|TL\.\s|Q\.\s|KT\.|TM\.|TL\.)",
    re.IGNORECASE,
)
# What opens an annex after a signature: its title in capitals, or "(Ban hành kèm theo …)".
_ANNEX = re.compile(
    r"^(?:KẾ HOẠCH|PHỤ LỤC|DANH MỤC|CHƯƠNG TRÌNH|ĐỀ ÁN|QUY CHẾ|QUY ĐỊNH|PHƯƠNG ÁN|BẢNG|BIỂU|"
    r"NHIỆM VỤ|CÁC NHIỆM VỤ)\b(?![a-zà-ỹđ])|^\((?:Ban hành )?[Kk]èm theo\b"
)
_KINH_GUI = re.compile(r"^Kính gửi\s*:?\s*(.*)$", re.IGNORECASE)
_SENTENCE_END = (".", ":", ";", "!", "?")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")


@dataclass
class Node:
    kind: str  # root, annex, chapter, section, article, item, letter, paren, bullet, row
    label: str
    family: str = ""
    lines: list[str] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None
    fields: dict[str, str] = field(default_factory=dict)  # a table row's or an activity's named cells

    @property
    def text(self) -> str:
        """The lines joined: a line broken mid-sentence continues with a space, a paragraph with a newline."""
        out = ""
        for line in self.lines:
            if not out:
                out = line
            elif out.endswith(_SENTENCE_END):
                out += "\n" + line
            else:
                out += " " + line
        return out

    @property
    def ref(self) -> str:
        labels: list[str] = []
        node: Node | None = self
        while node is not None and node.kind != "root":
            own = labels[-1] if labels else ""
            if node.label and not (node.kind == "item" and own.startswith(node.label + ".")):
                labels.append(node.label)
            node = node.parent
        return ".".join(reversed(labels))

    def ancestors(self) -> list["Node"]:
        found, node = [], self.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found

    def walk(self) -> list["Node"]:
        """This node and every node below it, in document order."""
        out = [self]
        for child in self.children:
            out += child.walk()
        return out


@dataclass
class Outline:
    root: Node
    header: list[str]  # the letterhead and title, before the body
    addressees: list[str]  # "Kính gửi:" names, one per line
    tail: list[str]  # recipients and signatures


def clean_lines(text: str) -> list[str]:
    """Lines stripped of emphasis marks and odd spacing, with page numbers and running headers dropped."""
    lines = [
        _EMPHASIS.sub(r"\1", _SPACES.sub(" ", line.replace("**", ""))).strip().lstrip("#").strip()
        for line in text.splitlines()
    ]
    counts: dict[str, int] = {}
    for line in lines:
        if line:
            counts[line] = counts.get(line, 0) + 1
    out: list[str] = []
    for index, line in enumerate(lines):
        if (
            not line
            or (_PAGE_NUMBER.match(line) and not _BARE_NUMBER.match(line))
            or _STAMP_LINE.search(line)
            or ("|" not in line and not any(ch.isalnum() for ch in line))  # "———————" under a letterhead
        ):
            continue  # a bare number may be a table's row number: the outline drops it if not
        if counts[line] > 1 and _beside_page_break(lines, index, len(line) > 40):
            continue  # a running header repeated on every page
        out.append(line)
    return out


def _beside_page_break(lines: list[str], index: int, long: bool) -> bool:
    """Next to a page number ("- 2 -", "Trang 2"; a bare "2" only for a long line or the line right after
    it, as a table's row numbers are bare too)."""
    for step in (-2, -1, 1, 2):
        other = index + step
        marker = 0 <= other < len(lines) and bool(lines[other]) and _PAGE_NUMBER.match(lines[other])
        bare = marker and _BARE_NUMBER.match(lines[other])
        # a running header comes right after its page's number; a table's row number is followed by
        # the row's own (unrepeated) content
        if marker and (long or not bare or step == -1):
            return True
    return False


def parse_outline(text: str) -> Outline:
    """The outline tree of the body (annexes included), and the lines around it."""
    lines = clean_lines(text)
    root = Node("root", "")
    header: list[str] = []
    addressees: list[str] = []
    tail: list[str] = []
    body = _body_start(lines)
    header = lines[:body]
    index = body
    stack: list[Node] = [root]
    container = root
    annexes = 0
    in_tail = False
    while index < len(lines):
        line = lines[index]
        if in_tail:
            if _ANNEX.match(line) and not _RECIPIENTS.match(line):
                annexes += 1
                container = Node("annex", "PL" if annexes == 1 else f"PL{annexes}", parent=root)
                root.children.append(container)
                stack = [container]
                in_tail = False
                index = _skip_annex_title(lines, index, container)
                continue
            tail.append(line)
            index += 1
            continue
        if _RECIPIENTS.match(line.lstrip("|* ")) or _CLOSING.match(line):
            in_tail = True
            continue
        if match := _KINH_GUI.match(line):
            index = _read_addressees(lines, index, match.group(1), addressees)
            continue
        table = tables.read_table(lines, index)
        if table is not None:
            rows, index = table
            parent = stack[-1]
            for row in rows:
                node = Node("row", row.label, "row", [row.text] if row.text else [], parent=parent)
                node.fields = row.fields
                parent.children.append(node)
            continue
        if _PAGE_NUMBER.match(line):
            index += 1
            continue
        opened = _label(line)
        if opened is None:
            heading = _heading_over(lines, index, stack)
            if heading is not None and heading.parent is not None:  # "Giao Công an tỉnh:" over "a) …"
                while stack[-1] is not heading.parent:
                    stack.pop()
                heading.parent.children.append(heading)
                stack.append(heading)
            else:
                stack[-1].lines.append(line)
            index += 1
            continue
        kind, label, family, rest = opened
        parent = _parent_for(stack, kind, family, container)
        node = Node(kind, label, family, [rest] if rest else [], parent=parent)
        if kind == "bullet":
            node.label = f"({sum(1 for c in parent.children if c.kind == 'bullet') + 1})"
        parent.children.append(node)
        while stack[-1] is not parent:
            stack.pop()
        stack.append(node)
        index += 1
    return Outline(root, header, addressees, tail)


def _heading_over(lines: list[str], index: int, stack: list[Node]) -> Node | None:
    """An unlabelled line that heads the units after it ("Giao Công an tỉnh:", "Đối với các đơn vị thuộc
    Bộ:"), where those units' labels would otherwise make them siblings of the unit it follows: a node of
    its own, beside that unit."""
    line = lines[index]
    if not line.endswith(":") or len(line.split()) > 15 or len(stack) < 2:
        return None
    current = stack[-1]
    if not current.lines or not current.lines[-1].endswith((".", ";", "!")):
        return None
    following = next((other for other in lines[index + 1 : index + 3] if other), "")
    opened = _label(following)
    if opened is None:
        return None
    same = next((node for node in reversed(stack[1:]) if node.family == opened[2]), None)
    if same is not None and same.parent is not None:
        return Node("heading", "", "heading", [line], parent=same.parent)
    return Node("heading", "", "heading", [line], parent=current)  # "Phòng Kinh tế:" over "+ …" bullets


def _body_start(lines: list[str]) -> int:
    """Where the letterhead and title end: the first line that opens a unit, "Kính gửi" or prose."""
    for index, line in enumerate(lines):
        if _KINH_GUI.match(line) or _label(line) is not None:
            return index
        if index > 3 and len(line) > 160:
            return index
    return len(lines)


def _skip_annex_title(lines: list[str], index: int, annex: Node) -> int:
    """An annex's title lines ("KẾ HOẠCH", its subject, "(Ban hành kèm theo …)") are not its body."""
    start = index
    while index < len(lines) and index - start < 6:
        line = lines[index]
        if _label(line) is not None or _KINH_GUI.match(line) or (index > start and len(line) > 160):
            break
        if tables.read_table(lines, index) is not None:
            break
        annex.fields.setdefault("title", line)
        index += 1
    return index


def _read_addressees(lines: list[str], index: int, rest: str, addressees: list[str]) -> int:
    if rest.strip():
        addressees.append(rest.strip())
    index += 1
    while index < len(lines):
        line = lines[index]
        bullet = _BULLET.match(line)
        if bullet and len(line) < 200:
            addressees.append(bullet.group(2))
        elif addressees and (
            addressees[-1].endswith(",")
            or (not addressees[-1].endswith((";", ".")) and len(line) < 90 and not _label(line))
        ):
            if len(line) > 120 or _label(line):
                break
            addressees[-1] += " " + line
        elif not addressees and len(line) < 160 and not _label(line):
            addressees.append(line)
        else:
            break
        index += 1
    return index


def _parent_for(stack: list[Node], kind: str, family: str, container: Node) -> Node:
    """Where a new unit goes: beside an open unit of its own family, or under the innermost one."""
    if kind in ("chapter", "section", "article"):
        for node in reversed(stack):
            if node.kind == "chapter" and kind != "chapter":
                return node
        return container
    for position in range(len(stack) - 1, 0, -1):
        if stack[position].family == family:
            return stack[position - 1]
    if family.startswith("decimal"):
        depth = int(family[-1])
        for position in range(len(stack) - 1, 0, -1):
            other = stack[position].family
            if other.startswith("decimal") and int(other[-1]) < depth:
                return stack[position]
    return stack[-1]


def _label(line: str) -> tuple[str, str, str, str] | None:
    """(kind, label, family, rest of the line) when the line opens a new unit."""
    if (m := _SECTION.match(line)) and m.group(1) and m.group(2)[:1].isupper():
        return "section", m.group(1), "section", m.group(2)
    if m := _CHAPTER.match(line):
        return "chapter", m.group(1), "chapter", m.group(2)
    if m := _ARTICLE.match(line):
        return "article", f"Điều {m.group(1)}", "article", m.group(2)
    if (m := _DECIMAL.match(line)) and _plausible_number(m.group(1), m.group(2) or ""):
        number = m.group(1)
        return "item", number, f"decimal{number.count('.') + 1}", m.group(2) or ""
    if m := _LETTER.match(line):
        return "letter", m.group(1), "letter", m.group(2)
    if m := _PAREN.match(line):
        return (
            "paren",
            f"({m.group(1)})",
            "paren-digit" if m.group(1).isdigit() else "paren-letter",
            m.group(2),
        )
    if (m := _BULLET.match(line)) and any(ch.isalnum() for ch in m.group(2)):
        return "bullet", "", _BULLET_FAMILY.get(m.group(1), "dash"), m.group(2)
    return None


def _plausible_number(number: str, rest: str) -> bool:
    """ "1.2. Hội chợ" opens a unit; "2026 - 2028" or "15 ngày" at a line's start does not."""
    if not rest:
        return "." in number or True
    first = rest[:1]
    return first.isupper() or first in '“"(' or fold_same_length(rest[:12]).startswith(("giao ", "de nghi"))


ASSESSMENT_WORDS = (
    "danh gia",
    "ket qua dat duoc",
    "ket qua thuc hien",
    "ket qua",
    "tinh hinh",
    "muc dich",
    "yeu cau",
    "muc tieu",
    "quan diem",
    "can cu",
    "kinh phi",
    "nguon kinh phi",
    "pham vi",
    "doi tuong",
    "boi canh",
    "thuc trang",
    "ton tai",
    "han che",
    "nguyen nhan",
    "bai hoc",
    "mot so ket qua",
    "noi dung cuoc hop",
    "chi tieu",
)


_ITEM_HEADING = re.compile(
    r"^(?:" + "|".join(ASSESSMENT_WORDS) + r")(?:\s*(?:,|va)\s*(?:" + "|".join(ASSESSMENT_WORDS) + r"))*"
    r"(?:\s+(?:chung|cu the|chu yeu|thuc hien|dat duoc|nam \d{4}))?\s*[.:]?$"
)


def is_assessment(node: Node) -> bool:
    """A section that reports, explains or funds rather than assigns: "I. MỤC ĐÍCH, YÊU CẦU"."""
    title = fold_same_length(node.lines[0] if node.lines else "").strip()
    if node.kind in ("section", "chapter"):
        return title.startswith(ASSESSMENT_WORDS)
    if node.kind in ("item", "letter", "bullet"):
        return bool(_ITEM_HEADING.match(title))
    return False
