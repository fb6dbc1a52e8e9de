"""A notice's text -> its metadata and the tasks it assigns, each with leads, cooperating agencies and
a deadline. Pure: reads the agency directory, writes nothing."""

import datetime as dt
import re
from dataclasses import dataclass, field

from dondoc.notices.deadlines import Deadline, find_deadline
from dondoc.notices.mentions import Directory, Mention, leading, scan
from dondoc.notices.outline import Node, is_assessment, parse_outline
from dondoc.text import fold

_NUMBER = re.compile(r"Số\s*:\s*([0-9][\w/\-.]*)", re.IGNORECASE)
_SIGNED = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DOC_TYPE = re.compile(r"^(THÔNG BÁO|QUYẾT ĐỊNH|KẾ HOẠCH|CÔNG VĂN|CHỈ THỊ|BÁO CÁO)\b")
_MEETING = re.compile(
    r"Ngày\s+(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4}))\s*,\s*tại"
)
_CHAIR = re.compile(
    r"((?:Phó\s+)?Chủ tịch\s+(?:UBND|Ủy ban nhân dân)\s+(?:tỉnh|xã|phường|đặc khu)"
    r"(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*?)\s+chủ trì",
    re.UNICODE,
)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*)(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){1,4}$")

_OPENER = re.compile(r"^(?:Giao|Trách nhiệm của)\s+", re.IGNORECASE)
_LEAD_MARKER = re.compile(
    r"^\s*(?::|,?\s*(?:chủ trì|phối hợp|theo chức năng|có trách nhiệm|chịu trách nhiệm|"
    r"tham mưu|khẩn trương|tiếp tục|thực hiện|triển khai|chủ động|phải)\b)",
    re.IGNORECASE,
)
_COOPS = re.compile(r"phối hợp\s+(?:chặt chẽ\s+)?(?:với|cùng)\s+", re.IGNORECASE)
_FIELD = re.compile(
    r"^(Nội dung|Cơ quan chủ trì|Đơn vị chủ trì|Cơ quan phối hợp|Đơn vị phối hợp|Thời hạn|"
    r"Thời gian hoàn thành)\s*:\s*(.*)$",
    re.IGNORECASE,
)
_NOT_A_TASK = re.compile(
    r"ban hành kèm theo|có hiệu lực|chịu trách nhiệm thi hành|thi hành quyết định", re.IGNORECASE
)


@dataclass
class FoundTask:
    ref: str
    text: str
    leads: list[Mention]
    coops: list[Mention]
    coop_text: list[str]
    deadline: Deadline

    @property
    def unknown(self) -> list[str]:
        return [m.as_written for m in self.leads + self.coops if m.unknown]


@dataclass
class ParsedNotice:
    number: str | None
    issuer: str | None
    signed_on: dt.date | None
    signer: str | None
    meeting_on: dt.date | None
    chaired_by: str | None
    title: str
    tasks: list[FoundTask] = field(default_factory=list)

    @property
    def unknown(self) -> list[str]:
        seen: list[str] = []
        for task in self.tasks:
            seen += [name for name in task.unknown if name not in seen]
        return seen


def parse_notice(text: str, directory: Directory, today: dt.date) -> ParsedNotice:
    root, tail = parse_outline(text)
    header = root.lines
    notice = ParsedNotice(
        number=_first(_NUMBER, header),
        issuer=_issuer(header),
        signed_on=_signed_on(header),
        signer=_signer(tail),
        meeting_on=_meeting(root.text),
        chaired_by=(m.group(1) if (m := _CHAIR.search(root.text)) else None),
        title=_title(header),
    )
    base = notice.signed_on or notice.meeting_on or today
    for leaf in root.leaves():
        if leaf is root or not leaf.lines or any(is_assessment(a) for a in [leaf, *leaf.ancestors()]):
            continue
        if leaf.kind in ("section", "article") and (
            _NOT_A_TASK.search(leaf.text) or not _own_leads(leaf, directory)
        ):
            continue  # "Điều 1. Ban hành kèm theo …", "Điều 3. … chịu trách nhiệm thi hành"
        notice.tasks.append(_task(leaf, directory, base))
    return notice


def _task(leaf: Node, directory: Directory, base: dt.date) -> FoundTask:
    fields = _table_fields(leaf)
    text = fields.get("noi dung") or leaf.text
    leads = _own_leads(leaf, directory)
    coops, coop_text = _coops(
        fields.get("co quan phoi hop") or leaf.text, directory, table="co quan phoi hop" in fields
    )
    if not leads:
        for ancestor in leaf.ancestors():
            inherited_coops, inherited_text = _coops(ancestor.text, directory)
            coops, coop_text = coops + inherited_coops, coop_text + inherited_text
            if leads := _own_leads(ancestor, directory):
                break
    deadline = find_deadline(fields.get("thoi han") or leaf.text, base)
    return FoundTask(leaf.ref, text, leads, _without(coops, leads), _unique(coop_text), deadline)


def _own_leads(node: Node, directory: Directory) -> list[Mention]:
    """The agencies a unit opens with: "Giao Sở X:", "Sở X chủ trì …", "Công an tỉnh: …"."""
    fields = _table_fields(node)
    if "co quan chu tri" in fields:
        return _unique_mentions([m for m in scan(fields["co quan chu tri"], directory) if not m.generic])
    text = node.text
    opener = _OPENER.match(text)
    chain, rest = leading(text[opener.end() :] if opener else text, directory)
    if not opener and not _LEAD_MARKER.match(rest):
        return []  # "Xây dựng, trình …" opens with a verb that is also an alias, not with an agency
    return _unique_mentions([m for m in chain if not m.generic])


def _coops(text: str, directory: Directory, table: bool = False) -> tuple[list[Mention], list[str]]:
    """The names after "phối hợp với" (or in a table's column): agencies, and generic phrases as written."""
    found: list[Mention] = []
    if table:
        found = scan(text, directory)
    else:
        for match in _COOPS.finditer(text):
            found += leading(text[match.end() :], directory)[0]
    agencies = [m for m in found if not m.generic and not m.collective]
    generic = [m.as_written[0].lower() + m.as_written[1:] for m in found if m.generic or m.collective]
    return _unique_mentions(agencies), generic


def _table_fields(node: Node) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in node.lines:
        if match := _FIELD.match(line):
            name = (
                fold(match.group(1)).replace("don vi", "co quan").replace("thoi gian hoan thanh", "thoi han")
            )
            fields[name] = match.group(2).strip()
    return fields


def _unique_mentions(mentions: list[Mention]) -> list[Mention]:
    seen: set[str] = set()
    unique: list[Mention] = []
    for mention in mentions:
        marker = (
            "*"
            if mention.collective
            else (mention.agency.code if mention.agency else fold(mention.as_written))
        )
        if marker not in seen:
            seen.add(marker)
            unique.append(mention)
    return unique


def _without(coops: list[Mention], leads: list[Mention]) -> list[Mention]:
    lead_codes = {m.agency.code for m in leads if m.agency}
    return _unique_mentions([m for m in coops if not (m.agency and m.agency.code in lead_codes)])


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _first(pattern: re.Pattern[str], lines: list[str]) -> str | None:
    for line in lines:
        if match := pattern.search(line):
            return match.group(1).rstrip(".")
    return None


def _header_part(lines: list[str]) -> list[str]:
    """The lines before the document type (THÔNG BÁO, QUYẾT ĐỊNH …)."""
    for index, line in enumerate(lines):
        if _DOC_TYPE.match(line):
            return lines[:index]
    return lines[:6]


def _issuer(lines: list[str]) -> str | None:
    for line in _header_part(lines):
        first = re.split(r"\s{2,}|\t|CỘNG HÒA", line)[0].strip()
        if (
            first
            and first.upper() == first
            and any(ch.isalpha() for ch in first)
            and not _NUMBER.search(first)
        ):
            return first
    return None


def _signed_on(lines: list[str]) -> dt.date | None:
    for line in _header_part(lines):
        if match := _SIGNED.search(line):
            return _date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    return None


def _meeting(intro: str) -> dt.date | None:
    match = _MEETING.search(intro)
    if not match:
        return None
    day, month, year = (
        (match.group(1), match.group(2), match.group(3)) if match.group(1) else match.group(4, 5, 6)
    )
    return _date(int(year), int(month), int(day))


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _signer(tail: list[str]) -> str | None:
    for line in reversed(tail):
        if _NAME.match(line):
            return line
        if line:
            return None
    return None


def _title(lines: list[str]) -> str:
    for index, line in enumerate(lines):
        if _DOC_TYPE.match(line):
            following = [rest for rest in lines[index + 1 : index + 3] if not _DOC_TYPE.match(rest)]
            return " ".join(following[:1]) or line
    return next((line for line in lines if len(line) > 20), lines[0] if lines else "")
