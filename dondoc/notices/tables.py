"""Task tables, however a notice's table was flattened to text: rows joined with " | ", markdown rows
("| 3. | … |"), or one cell per line under a header whose cells say which column is which (a cell may
wrap over several lines). Each row becomes its number, its content and named fields: lead, coop,
deadline, product, note."""

import itertools
import re
from dataclasses import dataclass

from dondoc.text import fold_same_length

# Header cell words -> the field a column holds (folded, first match wins).
_ROLES: tuple[tuple[str, str], ...] = (
    ("stt", "index"),
    ("tt", "index"),
    ("so tt", "index"),
    ("chu tri", "lead"),
    ("don vi thuc hien", "lead"),
    ("co quan thuc hien", "lead"),
    ("don vi thuc hien", "lead"),
    ("trach nhiem", "lead"),
    ("phoi hop", "coop"),
    ("thoi gian", "deadline"),
    ("thoi han", "deadline"),
    ("tien do", "deadline"),
    ("hoan thanh", "deadline"),
    ("san pham", "product"),
    ("hinh thuc", "product"),
    ("ket qua", "product"),
    ("ghi chu", "note"),
    ("kinh phi", "funding"),
    ("du toan", "funding"),
    ("nguon von", "funding"),
    ("dia diem", "place"),
    ("noi dung", "content"),
    ("nhiem vu", "content"),
    ("cong viec", "content"),
    ("hoat dong", "content"),
    ("ten ", "content"),
    ("giai phap", "content"),
    ("chi tieu", "content"),
)
_INDEX = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2})*|[IVX]{1,5}|[a-zđ])\.?$")
_NUMBER_ONLY = re.compile(r"^(\d{1,3})\.?$")
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")
_DEADLINE_LIKE = re.compile(
    r"(?:\d{1,2}\s*/\s*\d{1,2}|quy\s+[ivx\d]|thang\s+\d|nam\s+\d{4}|^\s*\d{4}\b|thuong xuyen|hang nam|"
    r"hang thang|hang quy|dinh ky|giai doan|truoc ngay|tu nay|lien tuc|hang tuan|^\s*truoc\b)"
)
_AGENCY_LIKE = re.compile(
    r"^(?:so|bo|cuc|vu|vien|ban|ubnd|uy ban|cong an|thanh tra|thue|kho bac|trung tam|bao|dai|van phong|"
    r"chi cuc|phong|cong ty|tong cong ty|hoi|lien doan|tinh doan|tinh uy|cac|xa|phuong|dac khu|"
    r"ngan hang|bhxh|bao hiem|truong|benh vien|quy|tap doan|mttq|ubmttq|hdnd|doan|chi nhanh|dien luc|tram|"
    r"hiep hoi|lien minh|hop tac xa)"
    r"(?![a-z])"
)
_OPTIONAL = {"coop": 1.5, "note": 1.0, "product": 1.0, "funding": 1.0, "place": 1.0, "deadline": 2.5}
_MAX_ROW_LINES = 40


@dataclass
class Row:
    label: str
    text: str
    fields: dict[str, str]


def header_roles(cells: list[str]) -> list[str] | None:
    """The field of each column when the cells are a header row, else None."""
    roles: list[str] = []
    for cell in cells:
        folded = fold_same_length(cell).strip(" .:")
        role = next((r for word, r in _ROLES if folded == word.strip() or folded.startswith(word)), "")
        if not role:
            role = next((r for word, r in _ROLES if len(word) > 3 and word in folded), "")
        roles.append(role or "other")
    named = [r for r in roles if r not in ("other", "index")]
    if len(named) >= 2 and ("content" in roles or "lead" in roles) and sum(len(c) for c in cells) < 300:
        return roles
    return None


def read_table(lines: list[str], index: int) -> tuple[list[Row], int] | None:
    """The table starting at lines[index], and the index after it; None when no table starts there."""
    if _is_pipe_row(lines[index]):
        return _pipe_table(lines, index)
    return _cell_table(lines, index)


def _is_pipe_row(line: str) -> bool:
    return line.count("|") >= 2 or (line.startswith("|") and line.count("|") >= 1 and len(line) > 3)


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [cell.strip().replace("<br>", " ") for cell in inner.split("|")]


def _pipe_table(lines: list[str], index: int) -> tuple[list[Row], int] | None:
    """Rows joined with " | " (or markdown rows). A row a long cell broke over two physical lines is
    joined again; group headings between rows ("I. LĨNH VỰC Y TẾ") are passed over."""
    roles: list[str] | None = None
    raw: list[list[str]] = []
    width = 0
    partial = False  # the last row has fewer cells than the table: its last cell goes on
    while index < len(lines):
        line = lines[index]
        if _SEPARATOR.match(line) and set(line) <= set("|-: "):
            index += 1
            continue
        if not _is_pipe_row(line):
            if partial and raw:
                raw[-1][-1] += " " + line.strip()
            elif not (
                _GROUP_HEADING.match(line) and index + 1 < len(lines) and _is_pipe_row(lines[index + 1])
            ):
                break
            index += 1
            continue
        index += 1
        cells = _cells(line)
        if roles is None and not raw and (found := header_roles(cells)):
            roles, width = found, len(found)
            continue
        if partial and raw and len(raw[-1]) + len(cells) - 1 <= max(width, len(raw[-1])):
            raw[-1][-1] += " " + cells[0]
            raw[-1].extend(cells[1:])
        else:
            raw.append(cells)
        width = width or len(cells)
        partial = bool(width) and len(raw[-1]) < width
    if not raw:
        return ([], index) if roles else None
    rows = [row for cells in raw if (row := _pipe_row(cells, roles)) is not None]
    return rows, index


_GROUP_HEADING = re.compile(r"^(?:[IVX]{1,5}|[A-Z])[.)]\s+\S|^[A-ZĐÀ-Ỹ0-9 ,.\-–]{6,}$")


def _pipe_row(cells: list[str], roles: list[str] | None) -> Row | None:
    if roles is None:
        roles = _guess_roles(cells)
    fields: dict[str, str] = {}
    label = ""
    for cell, role in zip(cells, roles, strict=False):
        if not cell:
            continue
        if role == "index":
            label = cell.rstrip(".")
        elif role != "other":
            fields[role] = (fields[role] + "; " + cell) if role in fields else cell
    content = fields.get("content", "")
    if not content or (
        not fields.get("lead")
        and not fields.get("deadline")
        and _INDEX.match(label or "x")
        and label.isalpha()
    ):
        return None  # a group heading: "I | LĨNH VỰC KINH TẾ"
    return Row(label or "", content, fields)


def _guess_roles(cells: list[str]) -> list[str]:
    """Columns of a table without a header: number, content, then agencies, then the time."""
    roles = ["other"] * len(cells)
    folded = [fold_same_length(c).strip() for c in cells]
    start = 0
    if folded and _INDEX.match(folded[0] or "x"):
        roles[0], start = "index", 1
    content = next(
        (i for i in range(start, len(cells)) if len(cells[i]) > 20 and not _AGENCY_LIKE.match(folded[i])),
        None,
    )
    if content is None:
        content = start if start < len(cells) else 0
    roles[content] = "content"
    agencies = [i for i in range(content + 1, len(cells)) if _AGENCY_LIKE.match(folded[i])]
    for role, i in zip(("lead", "coop"), agencies, strict=False):
        roles[i] = role
    for i in range(len(cells) - 1, content, -1):
        if roles[i] == "other" and _DEADLINE_LIKE.search(folded[i]):
            roles[i] = "deadline"
            break
    return roles


def _cell_table(lines: list[str], index: int) -> tuple[list[Row], int] | None:
    """A header of one cell per line, then rows whose first line is their number."""
    header: list[str] = []
    cursor = index
    while cursor < len(lines) and len(header) < 9 and len(lines[cursor]) < 60:
        header.append(lines[cursor])
        cursor += 1
        roles = header_roles(header)
        ready = roles and roles[0] == "index" and len(header) >= 3
        if ready and cursor < len(lines) and _NUMBER_ONLY.match(lines[cursor]):
            return _cell_rows(lines, cursor, roles)  # type: ignore[arg-type]
    return None


def _cell_rows(lines: list[str], index: int, roles: list[str]) -> tuple[list[Row], int]:
    columns = [r for r in roles if r != "index"] if roles[0] == "index" else roles
    rows: list[Row] = []
    expected = int(_NUMBER_ONLY.match(lines[index]).group(1))  # type: ignore[union-attr]
    while index < len(lines):
        number = _NUMBER_ONLY.match(lines[index])
        if not number or int(number.group(1)) != expected:
            break
        index += 1
        start = index
        while index < len(lines) and index - start < _MAX_ROW_LINES:
            line = lines[index]
            following = _NUMBER_ONLY.match(line)
            if following and int(following.group(1)) == expected + 1:
                break
            if index - start >= len(columns) and (len(line) > 200 or _ends_table(line)):
                break
            if _ends_table(line) and index > start:
                break
            index += 1
        cells = _split_cells(lines[start:index], columns)
        fields = {role: cell for role, cell in zip(columns, cells, strict=True) if cell and role != "other"}
        rows.append(Row(str(expected), fields.get("content", ""), fields))
        expected += 1
    return rows, index


_ENDS = re.compile(
    r"^(?:[IVX]{1,4}\.\s|Điều\s+\d|Nơi nhận|NƠI NHẬN|KT\.|TM\.|TL\.|\d{1,2}\.\s+[A-ZĐÀ-Ỹ]|[a-zđ]\)\s)"
)


def _ends_table(line: str) -> bool:
    return bool(_ENDS.match(line))


def _split_cells(lines: list[str], columns: list[str]) -> list[str]:
    """The row's lines cut into its columns, wrapped cells joined again, empty cells allowed: the cut
    that best fits what each column holds (found by dynamic programming over the lines)."""
    m, k = len(lines), len(columns)
    infinity = float("inf")
    # best[c][i]: cost of putting lines[:i] into columns[:c]
    best = [[infinity] * (m + 1) for _ in range(k + 1)]
    cut = [[0] * (m + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for c in range(1, k + 1):
        for i in range(m + 1):
            for j in range(i + 1):
                if best[c - 1][j] == infinity:
                    continue
                cost = best[c - 1][j] + _cell_cost(lines[j:i], columns[c - 1])
                if cost < best[c][i]:
                    best[c][i], cut[c][i] = cost, j
    cells: list[str] = []
    i = m
    for c in range(k, 0, -1):
        j = cut[c][i]
        cells.append(" ".join(lines[j:i]))
        i = j
    return list(reversed(cells))


def _cell_cost(group: list[str], role: str) -> float:
    if not group:
        return _OPTIONAL.get(role, 6.0)
    cost = 0.0
    for previous, line in itertools.pairwise(group):
        joins = previous.rstrip().endswith((",", "và", "-", "–", ";", "&")) or line[:1].islower()
        cost += 0.2 if joins else 2.0
    text = fold_same_length(" ".join(group)).strip()
    if role == "deadline" and not _DEADLINE_LIKE.search(text):
        cost += 5.0
    elif role in ("lead", "coop") and not _AGENCY_LIKE.match(text):
        cost += 4.0 if role == "lead" else 2.5
    elif role == "content" and ((_AGENCY_LIKE.match(text) and len(text) < 40) or len(text) < 8):
        cost += 3.0
    elif role == "content":
        cost -= 0.5
    return cost
