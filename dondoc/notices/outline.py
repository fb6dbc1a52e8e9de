"""The outline of a notice: sections (I., II.), articles (Điều 1), items (1.), letters (a), đ)) and
bullets (-, +, •), with text broken over lines or pages joined again."""

import re
from dataclasses import dataclass, field

from dondoc.text import fold

_SECTION = re.compile(r"^(X{0,3}(?:IX|IV|V?I{0,3}))\.\s+(.+)$")
_ARTICLE = re.compile(r"^Điều\s+(\d{1,3})\s*[.:]?\s*(.*)$")
_ITEM = re.compile(r"^(\d{1,2})[.)](?:\s+(.*)|$)")
_LETTER = re.compile(r"^([abcdđeghiklmnopqrstuvxy])\)\s*(.*)$")
_BULLET = re.compile(r"^([-+•–])\s+(.*)$")
_PAGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,3}[-–—\s]*$|^Trang\s+\d+(/\d+)?$", re.IGNORECASE)
_END = re.compile(
    r"^(Nơi nhận|Nay thông báo|Thông báo này|Quyết định này có hiệu lực|KT\.|TM\.|TL\.|Q\.\s)", re.IGNORECASE
)
_BULLET_LEVEL = {"-": 3, "–": 3, "•": 3, "+": 4}
_SENTENCE_END = (".", ":", ";", "!", "?")


@dataclass
class Node:
    kind: str  # root, section, article, item, letter, bullet
    label: str
    level: int
    lines: list[str] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None

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
            labels.append(node.label)
            node = node.parent
        return ".".join(reversed(labels))

    def ancestors(self) -> list["Node"]:
        found, node = [], self.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found

    def leaves(self) -> list["Node"]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


def _label(line: str) -> tuple[str, str, int, str] | None:
    """(kind, label, level, rest of the line) when the line opens a new unit."""
    if (m := _SECTION.match(line)) and m.group(1) and line[len(m.group(1)) + 2 :].strip()[:1].isupper():
        return "section", m.group(1), 0, m.group(2)
    if m := _ARTICLE.match(line):
        return "article", f"Điều {m.group(1)}", 0, m.group(2)
    if m := _ITEM.match(line):
        return "item", m.group(1), 1, m.group(2) or ""
    if m := _LETTER.match(line):
        return "letter", m.group(1), 2, m.group(2)
    if m := _BULLET.match(line):
        return "bullet", m.group(1), _BULLET_LEVEL[m.group(1)], m.group(2)
    return None


def parse_outline(text: str) -> tuple[Node, list[str]]:
    """The outline tree, and the lines after the body (recipients, signature)."""
    root = Node("root", "", -1)
    current = root
    lines = [line.replace("**", "").strip() for line in text.splitlines()]
    for index, line in enumerate(lines):
        if not line or _PAGE_NUMBER.match(line):
            continue
        if _END.match(line) and current is not root:
            return root, [rest for rest in lines[index:] if rest]
        opened = _label(line)
        if opened is None:
            current.lines.append(line)
            continue
        kind, label, level, rest = opened
        parent = current
        while parent.level >= level:
            parent = parent.parent  # type: ignore[assignment]
        if kind == "bullet":
            label = f"({sum(1 for c in parent.children if c.kind == 'bullet') + 1})"
        node = Node(kind, label, level, [rest] if rest else [], parent=parent)
        parent.children.append(node)
        current = node
    return root, []


ASSESSMENT_WORDS = ("danh gia", "ket qua dat duoc", "tinh hinh", "ket qua thuc hien")


def is_assessment(node: Node) -> bool:
    return node.kind == "section" and fold(node.text).startswith(ASSESSMENT_WORDS)
