"""A notice's text -> its metadata and the tasks it assigns, each with leads, cooperating agencies and
a deadline. Pure: reads the agency directory, writes nothing.

A task is one job given to one or more agencies. Its lead is the agency the job's sentence opens with
("Sở Y tế chủ trì …", "Giao Công an tỉnh: …"), else the agency heading the unit it sits under ("3. Sở
Y tế" then "– Chủ trì, phối hợp …"), else a table row's or an activity's "chủ trì" field, else whom the
notice is addressed to ("Kính gửi: …", "… đề nghị UBND các tỉnh: 1. …"). A unit holds several jobs when
its sentences open with different agencies, or when it is only an agency heading over paragraphs.
"""

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dondoc.notices import ONGOING
from dondoc.notices.deadlines import Deadline, find_deadline
from dondoc.notices.mentions import Directory, DirectoryAgency, KnownName, Mention, leading, scan
from dondoc.notices.outline import Node, is_assessment, parse_outline
from dondoc.notices.tables import header_roles
from dondoc.text import fold_same_length

if TYPE_CHECKING:
    from dondoc.nudges.workdays import WorkCalendar

_NUMBER = re.compile(r"Số\s*:\s*([0-9][\w/\-.]*)", re.IGNORECASE)
_SIGNED = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_E_SIGNED = re.compile(
    r"(?:Thời gian ký|Ngày ký|Ký ngày|Ngày giờ ký|Signing time)\s*:?\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})"
    r"|(?:Thời gian ký|Ngày ký|Ký ngày)\s*:?\s*(\d{4})-(\d{2})-(\d{2})",
    re.IGNORECASE,
)
_DOC_TYPE = re.compile(r"^(THÔNG BÁO|QUYẾT ĐỊNH|KẾ HOẠCH|CÔNG VĂN|CHỈ THỊ|BÁO CÁO|NGHỊ QUYẾT|CHƯƠNG TRÌNH)\b")
_MEETING = re.compile(
    r"Ngày\s+(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4}))\s*,\s*tại"
)
_CHAIR = re.compile(
    r"((?:Phó\s+)?Chủ tịch\s+(?:UBND|Ủy ban nhân dân)\s+(?:tỉnh|xã|phường|đặc khu)"
    r"(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*?)\s+chủ trì",
    re.UNICODE,
)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*)(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){1,4}$")

# Words before the agency a job opens with: "Giao Sở X", "Phó Thủ tướng yêu cầu Bộ Y tế …".
_OPENER = re.compile(
    r"^(?:(?:Thủ tướng|Phó Thủ tướng|Chủ tịch|Phó Chủ tịch|Bộ trưởng|Thứ trưởng|Lãnh đạo|Giám đốc)"
    r"[^,.:;]{0,60}?\s)?(?:(?:thống nhất\s+)?giao|đề nghị|yêu cầu|phân công|kính đề nghị)\s+"
    r"|^(?:Trách nhiệm(?: chung)? của|Nhiệm vụ của|Đối với|Riêng|Về phía)\s+",
    re.IGNORECASE,
)
_DELEGATES = re.compile(
    r"^\s*,?\s*(?:(?:Bộ|Sở|Ủy ban|UBND)(?:\s+tỉnh)?\s+)?(?:kính\s+|trân trọng\s+)?"
    r"(?:đề nghị|yêu cầu|giao|phân công)\s+",
    re.IGNORECASE,
)
# A condition before the agency: "Trường hợp nhà đầu tư không đáp ứng tiến độ, Sở Tài chính tham mưu …".
_CONDITION = re.compile(
    r"^(?:Trường hợp|Nếu|Khi|Sau khi|Trên cơ sở|Căn cứ|Trong trường hợp|Đối với|Về|"
    r"(?:Trong )?[Tt]hời gian tới|Sắp tới|Đồng thời|Ngoài ra)\b[^.;:]{0,200}?,\s+(?=[A-ZĐÀ-Ỹ])"
)
# What follows an agency that opens a job: its duty, or the predicate itself (a lower-case word).
_PREDICATE = re.compile(r"^\s*(?:[:(–-]|,\s*[a-zà-ỹđ]|[a-zà-ỹđ]|$)")
# The words of a heading that carry no job of their own.
_HEADING_WORDS = re.compile(
    r"^[\s,:;.–-]*(?:(?:là cơ quan\s+)?chủ trì(?:\s+thực hiện)?|chịu trách nhiệm chính)?[\s,]*"
    r"(?:(?:phối hợp|trao đổi, thống nhất|thống nhất)(?:\s+(?:chặt chẽ\s+)?(?:với|cùng))?)?"
    r"[\s,]*(?:theo chức năng, nhiệm vụ(?: được giao)?(?:,|\s)*)?"
    r"(?:(?:có|chịu) trách nhiệm(?:\s+(?:thực hiện|triển khai|tổ chức thực hiện))?)?[\s,]*"
    r"(?:(?:tổ chức\s+)?(?:thực hiện|triển khai|tập trung(?: thực hiện)?(?: vào)?)\s*)?"
    r"(?:(?:một số|các|những)\s+)?(?:(?:nhiệm vụ|nội dung|công việc|việc)(?:\s+(?:trọng tâm|chủ yếu|cụ thể))?"
    r"(?:\s+(?:sau(?: đây)?|như sau|cụ thể như sau|cụ thể))?)?[\s,]*"
    r"(?:cụ thể(?: như sau)?|như sau|sau đây|gồm)?"
    r"[\s:;.]*$",
    re.IGNORECASE,
)
_COOPS = re.compile(
    r"(?:phối hợp|trao đổi,?\s+thống nhất|thống nhất|cùng)\s+(?:chặt chẽ\s+)?(?:với|cùng)\s+", re.IGNORECASE
)
# "…; giao Sở Xây dựng chủ trì …": a job given in the middle of a sentence.
_ASSIGNING = re.compile(r"[;,]\s+(?=(?:giao|đề nghị|yêu cầu)\s+[A-ZĐÀ-Ỹ])")
# A new job inside a unit starts where a sentence opens with an agency.
_SENTENCE = re.compile(r"(?<=[.;:])\s+(?=[A-ZĐÀ-Ỹ])")
_FIELD = re.compile(
    r"^(Nội dung|Cơ quan chủ trì|Đơn vị chủ trì|Chủ trì|Cơ quan phối hợp|Đơn vị phối hợp|Phối hợp|"
    r"Đơn vị thực hiện|Cơ quan thực hiện|Thời hạn(?: hoàn thành)?|Thời gian(?: dự kiến| thực hiện| hoàn thành"
    r"| tổ chức)?|Tiến độ(?: thực hiện)?|Sản phẩm(?: đầu ra)?|Địa điểm|Kinh phí(?: thực hiện)?|Thành phần|"
    r"Quy mô|Hình thức|Đối tượng)\s*:\s*(.*)$",
    re.IGNORECASE,
)
# Units that assign nothing (folded text).
_NOT_A_TASK = re.compile(
    r"^(?:dong y|nhat tri|thong nhat (?:chu truong|voi|ve|noi dung)|ghi nhan|bieu duong|danh gia cao|"
    r"hoan nghenh|luu y|chu y|phe duyet|ban hanh kem theo|(?:ve )?kinh phi|nguon kinh phi|quyet dinh nay|"
    r"thong bao nay|ke hoach nay|nay thong bao|can cu|thoi gian qua|trong thoi gian qua|nhin chung|"
    r"tuy nhien|ben canh do|sau khi nghe|tham du|ngay \d{1,2}[/ ]|qua bao cao)"
    r"|chiu trach nhiem thi hanh|thi hanh quyet dinh|co hieu luc(?: thi hanh)?(?: ke)? tu"
    r"|(?<![a-z])(?:trong qua trinh|neu co|neu|truong hop)(?![a-z])[^.]{0,120}"
    r"(?:kho khan|vuong mac|phat sinh)"
    r"|thong bao (?:y kien|ket luan|noi dung)|thong bao de|tran trong|"
    r"nhan duoc (?:cong van|van ban|to trinh)|"
    r"chu tri cuoc hop|ket luan (?:va chi dao )?nhu sau|chi dao nhu sau|"
    r"de (?:cac )?(?:bo|so|co quan|don vi|dia phuong|nganh)[^.]{0,60}(?:biet|thuc hien)\W*$|"
    r"^(?:chu de|thoi gian|dia diem|quy mo|thanh phan|doi tuong|hinh thuc|khau hieu)(?: [^\W\d_]+){0,4}\s*:|"
    r"nhiem vu so \d+[^)]{0,40}tai phu luc|(?:neu|chi tiet|the hien|phan cong) tai phu luc(?: kem theo)?"
    r"(?: (?:ke hoach|quyet dinh|thong bao|van ban) nay)?\W*$|"
    r"(?:^la co quan thuong truc,? )?(?:chu tri,? )?(?:thuc hien|to chuc|trien khai)? ?(?:cac )?"
    r"(?:nhiem vu|hoat dong|noi dung) duoc (?:giao|phan cong) tai (?:muc|phan|ke hoach|phu luc|dieu)|"
    r"duoc phan cong tai (?:cac )?muc|tai (?:so thu tu|stt|dong) \d|^tren day la|"
    r"^(?:cac )?(?:nhiem vu|noi dung)[^.;]{0,80}(?:thuc hien|trien khai) (?:theo|tai) "
    r"(?:muc|diem|khoan|phan|dieu|ke hoach|quyet dinh|thong bao|cong van)"
)
# A paragraph that closes a decision: whoever it names, it assigns nothing.
_CLOSING_PARAGRAPH = re.compile(
    r"chiu trach nhiem thi hanh|thi hanh quyet dinh nay|"
    r"(?:quyet dinh|chi thi|ke hoach|thong bao|quy che|quy dinh) nay co hieu luc"
    r"(?: thi hanh)?(?: ke)? tu ngay|"
    r"ban hanh kem theo quyet dinh"
)
_CROSS_REFERENCE = re.compile(
    r"^(?:tiep tuc |khan truong )?(?:thuc hien|trien khai|can cu)\s+(?:cac|nhung)?\s*(?:nhiem vu|noi dung)"
    r"(?:\s+duoc giao)?"
    r"\s+(?:tai|o|theo)\s+"
    r"(?:(?:muc|diem|khoan|phan|dieu)\s+[\divx]|(?:thong bao|ke hoach|quyet dinh|van ban|cong van|chi thi|"
    r"nghi quyet|chuong trinh)(?:\s+so|\s+nay))"
)
# A statement of what was done ("… các Bộ đã cắt giảm 312 thủ tục"): an assessment, not a job.
_DONE = re.compile(
    r"^(?:Trong |Năm |Quý |Qua |Từ đầu năm|Thời gian qua|Những năm qua|Đến nay|Tính đến|Sau )[^.;:]{0,120}?"
    r"(?<!\w)đã (?!được giao|giao|nêu|đề ra)",
    re.IGNORECASE,
)
_EXHORTATION = re.compile(
    r"^(?:de nghi |yeu cau )?(?:nghiem tuc|khan truong|to chuc|tiep tuc)?\s*(?:trien khai|thuc hien)"
    r"(?:(?! ngay| ky )[^.;]){0,30}"
    r"(?:thong bao|ket luan|chi dao|"
    r"ke hoach|quyet dinh|chi thi|van ban|cong van|noi dung)\s+(?:nay|tren|neu tren)"
)
# "… chịu trách nhiệm trước Chủ tịch UBND tỉnh về kết quả …": whom they answer to, not a job.
_ANSWERABLE = re.compile(
    r"^(?:(?:duoc giao|chu tri)[^;]{0,80}?)?(?:phai |se )?(?:chiu trach nhiem|bi xem xet)"
    r"(?: toan dien| truc tiep)?"
    r" truoc"
)
# "… nghiêm túc triển khai thực hiện./.": a duty with nothing in it.
_CLOSING_REQUEST = re.compile(r"^quan tam,? chi dao")
_EMPTY_DUTY = re.compile(
    r"^(?:(?:nghiem tuc|khan truong|to chuc|trien khai|thuc hien|tot|day du|kip thoi)\W*)+$"
)
# What an agency did or is ("… đã triển khai", "còn chậm"): an assessment. Read with its diacritics, as
# "đa dạng hóa" or "cơn bão" fold to the same letters.
_PAST = re.compile(r"^(?:đã|vẫn còn|còn|chưa|bước đầu|đang)\s", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\([^()]*\)")
_WORD = re.compile(r"[^\W\d_]+")
MIN_JOB_WORDS = 3


@dataclass
class FoundTask:
    ref: str
    text: str
    leads: list[Mention]
    coops: list[Mention]
    coop_text: list[str]
    deadline: Deadline
    from_table: bool = False

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


@dataclass
class _Context:
    """What a unit hands down to the units under it."""

    leads: list[Mention]
    coops: list[Mention]
    coop_text: list[str]
    deadline: Deadline | None
    lead_set: bool = False  # the leads are a list of agencies named one per unit above


@dataclass
class _Job:
    text: str
    leads: list[Mention]
    own_lead: bool


def parse_notice(
    text: str, directory: Directory, today: dt.date, calendar: "Callable[[], WorkCalendar] | None" = None
) -> ParsedNotice:
    """The notice's metadata and tasks. `calendar` loads the office's working days, for deadlines counted
    in them; it is called only if a notice has one."""
    outline = parse_outline(text)
    intro = outline.header + outline.root.lines
    intro_text = "\n".join(intro)
    notice = ParsedNotice(
        number=_first(_NUMBER, outline.header) or _first(_NUMBER, intro[:12]),
        issuer=_issuer(outline.header),
        signed_on=_signed_on(outline.header) or _e_signed(text),
        signer=_signer(outline.tail),
        meeting_on=_meeting(intro_text),
        chaired_by=(m.group(1) if (m := _CHAIR.search(intro_text)) else None),
        title=_title(outline.header),
    )
    directory = _with_short_names(text, directory)
    reader = _Reader(directory, notice.signed_on or notice.meeting_on or today, text, calendar)
    default = reader.default_leads(outline.addressees, outline.root)
    root_context = _Context(default, [], [], None)
    tasks: list[FoundTask] = []
    for child in outline.root.children:
        tasks += reader.tasks(child, root_context)
    # A prose notice's paragraphs are its units; a notice that also has numbered units may still give
    # jobs in prose after "… kết luận như sau:".
    concluded = any(_CONCLUSION.search(fold_same_length(line)) for line in outline.header)
    tasks = reader.root_tasks(outline.root, root_context, bool(tasks), concluded) + tasks
    notice.tasks = _without_restated_rows(tasks)
    return notice


class _Reader:
    def __init__(
        self,
        directory: Directory,
        base: dt.date,
        text: str,
        calendar: "Callable[[], WorkCalendar] | None" = None,
    ) -> None:
        self.calendar = functools.cache(calendar) if calendar else None
        self.directory = directory
        self.base = base
        self.text = text
        self._scans: dict[str, list[Mention]] = {}
        self._subjects: dict[str, tuple[list[Mention], str] | None] = {}

    # -- agencies ---------------------------------------------------------------------------------

    def scan(self, text: str) -> list[Mention]:
        found = self._scans.get(text)
        if found is None:
            found = self._scans[text] = scan(text, self.directory)
        return found

    def subject(self, text: str) -> tuple[list[Mention], str] | None:
        """The agencies a job opens with and the rest of its sentence, or None when it opens otherwise."""
        if text not in self._subjects:
            self._subjects[text] = self._conditional_subject(text)
        return self._subjects[text]

    def _conditional_subject(self, text: str) -> tuple[list[Mention], str] | None:
        condition = _CONDITION.match(text)
        if condition:
            found = self._subject(text[condition.end() :])
            if found is not None:
                return found
        return self._subject(text)

    def _subject(self, text: str) -> tuple[list[Mention], str] | None:
        opener = _OPENER.match(text)
        body = text[opener.end() :] if opener else text
        chain, rest = leading(body, self.directory)
        chain = [m for m in chain if not m.generic]
        if not chain:
            return None
        if not opener and not _PREDICATE.match(rest):
            return None
        if delegated := _DELEGATES.match(rest):
            inner, after = leading(rest[delegated.end() :], self.directory)
            inner = [m for m in inner if not m.generic]
            if inner:
                return _unique_mentions(inner), after
        return _unique_mentions(chain), rest

    def has_job(self, rest: str) -> bool:
        return _has_job(self.without_coop_names(_PARENTHESIS.sub(" ", rest)))

    def without_coop_names(self, text: str) -> str:
        """ "chủ trì, phối hợp với Sở Tài chính và các đơn vị liên quan:" -> "chủ trì, phối hợp với :"."""
        out, cursor = "", 0
        for match in _COOPS.finditer(text):
            if match.start() < cursor:
                continue
            chain, after = leading(text[match.end() :], self.directory)
            if chain:
                out += text[cursor : match.end()]
                cursor = len(text) - len(after)
        return out + text[cursor:]

    def coops(self, text: str) -> tuple[list[Mention], list[str]]:
        found: list[Mention] = []
        for match in _COOPS.finditer(text):
            found += leading(text[match.end() :], self.directory)[0]
        return _split_generic(found)

    def default_leads(self, addressees: list[str], root: Node) -> list[Mention]:
        """Whom items without a subject are for: "… đề nghị UBND các tỉnh:" or the "Kính gửi" list."""
        for paragraph in reversed(root.text.split("\n")[-2:]):
            for match in _DELEGATES_ANYWHERE.finditer(paragraph):
                chain = [m for m in leading(paragraph[match.end() :], self.directory)[0] if not m.generic]
                if chain:
                    return _unique_mentions(chain)
        found: list[Mention] = []
        for line in addressees:
            found += [m for m in self.scan(line) if not m.generic]
        return _unique_mentions(found)

    # -- tasks ------------------------------------------------------------------------------------

    def root_tasks(
        self, root: Node, context: _Context, after_conclusion: bool = False, concluded: bool = False
    ) -> list[FoundTask]:
        """Paragraphs before the first unit are tasks when they open with an agency (in a notice with
        numbered units too, only those after "… kết luận như sau:")."""
        tasks: list[FoundTask] = []
        paragraphs = root.text.split("\n")
        if after_conclusion:
            marks = [i for i, p in enumerate(paragraphs) if _CONCLUSION.search(fold_same_length(p))]
            paragraphs = paragraphs[marks[0] + 1 :] if marks else paragraphs if concluded else []
        for paragraph in paragraphs:
            for chunk in self._chunks(paragraph):
                subject = self.subject(chunk)
                if subject and self.has_job(subject[1]) and self._is_task(chunk, subject[1]):
                    tasks.append(self._task(root, len(tasks), _Job(chunk, subject[0], True), context))
        for index, task in enumerate(tasks):
            task.ref = f"¶{index + 1}"
        return tasks

    def tasks(self, node: Node, context: _Context) -> list[FoundTask]:
        if is_assessment(node):
            return []
        if node.kind == "row":
            return self._row(node, context)
        fields, children = _fields_of(node)
        title_only = node.kind in ("section", "chapter", "annex") and _is_title(node)
        lines = node.lines[1:] if title_only else node.lines
        named = self._lead_only_line(lines[0]) if len(lines) > 1 and not title_only else None
        if named is not None:  # "3. Sở Y tế" alone on its line, its jobs on the lines after it
            lines = lines[1:]
        elif len(lines) > 1 and not title_only and _is_title_line(lines[0], lines[1]):
            lines = lines[1:]  # "2. Rà soát văn bản quy phạm pháp luật" over "Vụ Pháp chế chủ trì …"
        jobs, heading = self._jobs(_joined(lines), context, has_children=bool(children), heading=named)
        own: list[FoundTask] = []
        if fields:
            own = [self._activity(node, fields, context)]
            jobs = []
        here = _Context(context.leads, context.coops, context.coop_text, context.deadline)
        if heading is not None:
            leads, text = heading
            coops, coop_text = self.coops(text)
            if leads and context.lead_set and _markers(leads) <= _markers(context.leads):
                pass  # one of a lead set: "– Sở Xây dựng (…); – Công an tỉnh (…). Có trách nhiệm:"
            elif leads:
                here = _Context(leads, coops, coop_text, None)
            else:
                here = _Context(
                    context.leads,
                    _unique_mentions(context.coops + coops),
                    _unique(context.coop_text + coop_text),
                    context.deadline,
                )
            deadline = find_deadline(text, self.base, calendar=self.calendar)
            if deadline.date is not None or (deadline.recurrence not in (None, ONGOING)):
                here.deadline = deadline
        elif jobs and jobs[0].own_lead:  # "2.1. Cục Kiểm lâm chủ trì …, cụ thể:" over its sub-units
            coops, coop_text = self.coops(jobs[0].text)
            here = _Context(jobs[0].leads, coops, coop_text, None)
        for index, job in enumerate(jobs):
            own.append(self._task(node, index, job, here))
        below: list[FoundTask] = []
        pending: list[Mention] = []
        for child in children:
            listed = self._lead_only(child)
            if listed is not None and not child.children:
                pending += listed
                continue
            child_context = here
            if listed is not None and pending:
                pending += listed
                child_context = _Context(_unique_mentions(pending), [], [], here.deadline, lead_set=True)
                pending = []
                below += self.tasks(child, child_context)
                continue
            pending = []
            below += self.tasks(child, child_context)
        return own + below

    def _lead_only_line(self, line: str) -> tuple[list[Mention], str] | None:
        """A unit's first line that only names agencies, as its heading."""
        if line.rstrip().endswith((".", ";")):
            return None
        leads = self._lead_only_text(line)
        if not leads and _OPENER.match(line):  # "Trách nhiệm chung của các cơ quan, đơn vị", "Đối với các Bộ"
            subject = self.subject(line)
            if subject is not None and not _WORD.findall(_PARENTHESIS.sub(" ", subject[1])):
                leads = subject[0]
        return (leads, line) if leads else None

    def _lead_only(self, node: Node) -> list[Mention] | None:
        """A unit that only names agencies ("– Sở Xây dựng (đối với …);"): a lead set for the duty after."""
        return self._lead_only_text(node.text)

    def _lead_only_text(self, text: str) -> list[Mention] | None:
        chain, rest_text = leading(_PARENTHESIS.sub(" ", text), self.directory)
        chain = [m for m in chain if not m.generic]
        if not chain:
            return None
        subject = (chain, rest_text)
        rest = fold_same_length(subject[1]).strip(" .,;:–-\n")
        rest = re.sub(r"^(?:co|chiu) trach nhiem(?: thuc hien)?(?: cac nhiem vu sau)?\s*:?", "", rest).strip()
        return subject[0] if not rest else None

    def _jobs(
        self,
        text: str,
        context: _Context,
        has_children: bool = False,
        heading: tuple[list[Mention], str] | None = None,
    ) -> tuple[list[_Job], tuple[list[Mention], str] | None]:
        """The unit's jobs, and its heading (leads, text) when it opens with an agency and no job."""
        jobs: list[_Job] = []
        heading_mode = heading is not None
        for number, paragraph in enumerate(p for p in text.split("\n") if p.strip()):
            if _CLOSING_PARAGRAPH.search(fold_same_length(paragraph)):
                continue
            for chunk in self._chunks(paragraph):
                subject = self.subject(chunk)
                if subject is not None:
                    leads, rest = subject
                    if self.has_job(rest):
                        if self._is_task(chunk, rest):
                            jobs.append(_Job(chunk, leads, True))
                        continue
                    if not jobs and heading is None:
                        heading, heading_mode = (leads, chunk), True
                        continue
                    if not jobs:
                        continue
                    jobs[-1].text += " " + chunk
                    continue
                if number == 0 and not jobs and heading is None and _is_heading_phrase(chunk):
                    heading, heading_mode = ([], chunk), False
                    continue
                if jobs and not heading_mode and (chunk is not paragraph or _continues(paragraph)):
                    jobs[-1].text += ("\n" if chunk is paragraph else " ") + chunk
                    continue
                if jobs and heading_mode and chunk is not paragraph:
                    jobs[-1].text += " " + chunk
                    continue
                if number == 0 and not jobs and has_children and _is_topic(chunk):
                    heading, heading_mode = ([], chunk), False  # a topic over its sub-units
                    continue
                if _is_topic(chunk) and chunk.rstrip().endswith(":"):
                    continue  # "Về các kiến nghị của nhà đầu tư:" over what follows
                if self.has_job(chunk) and self._is_task(chunk, chunk):
                    jobs.append(_Job(chunk, [], False))
        return jobs, heading

    def _chunks(self, paragraph: str) -> list[str]:
        """A paragraph cut where a sentence opens with an agency that has a job of its own."""
        starts = [0]
        for match in _SENTENCE.finditer(paragraph):
            subject = self.subject(paragraph[match.end() :])
            if subject is not None and self.has_job(subject[1]) and not all(m.collective for m in subject[0]):
                starts.append(match.end())
        for match in _ASSIGNING.finditer(paragraph):
            if self.subject(paragraph[match.end() :]) is not None and match.end() not in starts:
                starts.append(match.end())
        if len(starts) == 1:
            return [paragraph]
        starts.sort()
        pieces = [
            paragraph[a:b].strip(" ;,") for a, b in zip(starts, [*starts[1:], len(paragraph)], strict=True)
        ]
        # What comes before the first agency ("Về chuyển đổi số:", a statement of the problem) is no job
        # of its own; a date in it ("Hội nghị … trước ngày 15/7; giao Sở X chuẩn bị …") is the job's.
        if len(pieces) > 1 and self.subject(pieces[0]) is None:
            preamble = pieces.pop(0)
            if find_deadline(
                preamble, self.base, calendar=self.calendar
            ).date is not None and not preamble.rstrip().endswith(":"):
                pieces[0] = f"{pieces[0]} ({preamble.rstrip(' .;')})"
        return [p for p in pieces if p]

    def _is_task(self, chunk: str, rest: str) -> bool:
        folded = fold_same_length(chunk).strip(" –-•+*")
        body = fold_same_length(rest).strip(" ,:;–-")
        if _NOT_A_TASK.search(folded):
            return False
        reference = _CROSS_REFERENCE.search(body)
        if reference and not _main_clause_after(body[reference.end() :]):  # not "Căn cứ …, ban hành …"
            return False
        if _EXHORTATION.search(body) and len(_WORD.findall(folded)) < 40:
            return False
        if (_ANSWERABLE.match(body) and ";" not in body.rstrip(" ;.")) or _EMPTY_DUTY.match(body):
            return False
        if _CLOSING_REQUEST.match(body):
            return False
        if _DONE.match(chunk.strip(" –-•+*")) and not re.match(r"^(?:tiep tuc|khan truong|day nhanh)", body):
            return False
        return not _PAST.match(rest.strip(" ,:;–-"))

    def _task(self, node: Node, index: int, job: _Job, context: _Context) -> FoundTask:
        ref = node.ref if index == 0 else f"{node.ref} [{index + 1}]"
        coops, coop_text = self.coops(job.text)
        if job.own_lead:
            leads = job.leads
        else:
            leads = context.leads
            coops, coop_text = coops + context.coops, context.coop_text + coop_text
        deadline = find_deadline(job.text, self.base, anchors=self.text, calendar=self.calendar)
        if deadline.date is None and deadline.recurrence in (None, ONGOING) and not deadline.text:
            deadline = _dated_event(job.text, self.base) or deadline
        if deadline.date is None and deadline.recurrence in (None, ONGOING) and context.deadline is not None:
            deadline = context.deadline if not deadline.text else deadline
        return FoundTask(ref, job.text, leads, _without(coops, leads), _unique(coop_text), deadline)

    def _row(self, node: Node, context: _Context) -> list[FoundTask]:
        text = node.fields.get("content") or node.text
        if not text or not self._is_task(text, text):
            return []
        return [self._from_fields(node.ref, text, node.fields, context, from_table=True)]

    def _activity(self, node: Node, fields: dict[str, str], context: _Context) -> FoundTask:
        """An activity with its fields: "1.2. Hội chợ nông sản / – Đơn vị chủ trì: … / – Thời gian: …"."""
        title = node.lines[0] if node.lines else ""
        text = title if "content" not in fields else f"{title} {fields['content']}".strip()
        return self._from_fields(node.ref, text, fields, context)

    def _from_fields(
        self, ref: str, text: str, fields: dict[str, str], context: _Context, from_table: bool = False
    ) -> FoundTask:
        """A task whose lead, cooperators and time are named fields (a table row's cells, an activity's)."""
        leads = [m for m in self.scan(fields["lead"]) if not m.generic] if fields.get("lead") else []
        coops, coop_text = _split_generic(self.scan(fields["coop"])) if fields.get("coop") else ([], [])
        if not leads:
            subject = self.subject(text)
            leads = subject[0] if subject else context.leads
        deadline = self._field_deadline(fields.get("deadline"), text, context)
        leads = _unique_mentions(leads)
        return FoundTask(ref, text, leads, _without(coops, leads), _unique(coop_text), deadline, from_table)

    def _field_deadline(self, value: str | None, text: str, context: _Context) -> Deadline:
        if value:
            deadline = find_deadline(value, self.base, anchors=self.text, field=True, calendar=self.calendar)
            if deadline.date is not None or deadline.recurrence not in (None, ONGOING):
                return deadline
        deadline = find_deadline(text, self.base, anchors=self.text, calendar=self.calendar)
        if deadline.date is None and deadline.recurrence in (None, ONGOING) and context.deadline is not None:
            return context.deadline
        return deadline


_CONCLUSION = re.compile(r"(?:ket luan|chi dao|yeu cau|giao|de nghi)(?: va chi dao)?(?: nhu sau)?\s*:\s*$")
_DELEGATES_ANYWHERE = re.compile(r"(?:đề nghị|yêu cầu)\s+", re.IGNORECASE)


# "… cấp cứu tại các điểm tổ chức lễ ngày 02/9/2027": a job for a dated event is due that day.
_EVENT_DATE = re.compile(r"(?<!số )(?<![/\d])ngày (\d{1,2})/(\d{1,2})/(\d{4})")
_REFERENCE_BEFORE = re.compile(r"(?:số|Số)\s*\d+[^\s]*\s*$")


def _dated_event(text: str, base: dt.date) -> Deadline | None:
    """The one full date a job names without a deadline word, when it is not a document's date."""
    found = [
        m
        for m in _EVENT_DATE.finditer(text)
        if not _REFERENCE_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
    ]
    if len(found) != 1:
        return None
    match = found[0]
    date = _date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if date is None or date < base:
        return None
    return Deadline(date, match.group(0), None)


# "Ban Quản lý Khu kinh tế Dung Quất … (sau đây gọi tắt là Ban Quản lý)": the notice's own short name.
_SHORT_NAME = re.compile(
    r"\((?:sau đây\s+)?(?:được\s+)?gọi\s+(?:tắt\s+)?là\s+[“\"]?([^()“”\"]{2,60}?)[”\"]?\)", re.IGNORECASE
)


def _with_short_names(text: str, directory: Directory) -> Directory:
    names: dict[str, DirectoryAgency | KnownName] = {}
    for match in _SHORT_NAME.finditer(text):
        before = text[max(0, match.start() - 240) : match.start()]
        found = [m for m in scan(before, directory) if m.agency or m.known]
        if found and len(before) - found[-1].end <= 3:
            names[match.group(1).strip()] = found[-1].agency or found[-1].known  # type: ignore[assignment]
    return directory.with_short_names(names) if names else directory


def _fields_of(node: Node) -> tuple[dict[str, str], list[Node]]:
    """An activity's named fields (in its lines or as bullets under it), and its other children."""
    fields: dict[str, str] = {}
    for line in node.lines[1:]:
        if match := _FIELD.match(line):
            _add_field(fields, match)
    children: list[Node] = []
    for child in node.children:
        match = (
            _FIELD.match(child.text) if child.kind in ("bullet", "letter") and not child.children else None
        )
        if match:
            _add_field(fields, match)
        else:
            children.append(child)
    if node.kind in ("section", "chapter", "annex", "article") or not (
        "lead" in fields or len({"coop", "deadline", "place", "funding", "content"} & set(fields)) >= 2
    ):
        return {}, node.children
    return fields, children


def _add_field(fields: dict[str, str], match: re.Match[str]) -> None:
    roles = header_roles([match.group(1), "Nội dung"]) or ["other"]
    role = roles[0]
    if role == "other" and fold_same_length(match.group(1)).startswith("chu tri"):
        role = "lead"
    if role not in ("other", "index") and role not in fields:
        fields[role] = match.group(2).strip()


# A paragraph that goes on with the job before it rather than giving another.
_CONTINUATION = re.compile(
    r"^(?:dong thoi|trong do|qua do|ngoai ra|ben canh do|dac biet|tuy nhien|theo do|tu do|tren co so do|"
    r"sau do|nhat la|cu the|luu y|rieng|chu y|muc tieu|yeu cau)(?![a-z])"
)


_OPEN_ENDED = re.compile(
    r"(?<![^\W\d_])(?:với|và|của|các|cho|tại|theo|về|để|trong|đối với|những|là|được|có|từ|đến|trên|ở)$",
    re.IGNORECASE,
)


def _is_title_line(line: str, following: str) -> bool:
    """A unit's first line that is its title: short, not a sentence broken off ("… phối hợp với"), and
    followed by a line of its own."""
    words = _WORD.findall(line)
    return (
        0 < len(words) <= 10
        and not words[-1][:1].isupper()  # "… phối hợp với Sở Công" / "Thương …": a name broken off
        and not re.match(r"(?:Chủ trì|Phối hợp|Giao)\b", line)
        and not line.rstrip().endswith((".", ";", ",", ":"))
        and not _OPEN_ENDED.search(line.rstrip())
        and following[:1].isupper()
    )


def _main_clause_after(text: str) -> bool:
    """Whether a clause of its own follows a reference: "Căn cứ nhiệm vụ tại Kế hoạch này, ban hành …"."""
    parts = re.split(r"[,;]", text, maxsplit=1)
    return len(parts) == 2 and len(_WORD.findall(parts[1])) >= 3


def _is_topic(text: str) -> bool:
    """A unit's opening words over its sub-units: a title, or a phrase that ends in a colon."""
    return text.rstrip().endswith(":") or (len(_WORD.findall(text)) <= 14 and not text.rstrip().endswith("."))


def _continues(paragraph: str) -> bool:
    """A paragraph that belongs to the job before it: a connective, lower case, or a field of it
    ("Thời gian: Quý III/2027.")."""
    return (
        paragraph[:1].islower()
        or bool(_CONTINUATION.match(fold_same_length(paragraph)))
        or bool(_FIELD.match(paragraph))
    )


def _is_title(node: Node) -> bool:
    first = node.lines[0] if node.lines else ""
    letters = [c for c in first if c.isalpha()]
    return bool(letters) and (sum(c.isupper() for c in letters) > len(letters) * 0.6 or len(first) < 80)


def _is_heading_phrase(text: str) -> bool:
    """A topic heading over sub-units: "1. Về công tác quy hoạch", "Lĩnh vực y tế:"."""
    folded = fold_same_length(text).strip(" –-")
    return (folded.startswith(("ve ", "linh vuc", "doi voi", "cong tac", "nhom")) and len(folded) < 120) or (
        folded.endswith(":") and len(_WORD.findall(folded)) <= 12
    )


def _has_job(rest: str) -> bool:
    """Whether the words after an agency say what to do, beyond "chủ trì, phối hợp với …:" (the names
    after "phối hợp với" are taken out first, by `_Reader.without_coop_names`)."""
    if _HEADING_WORDS.match(rest):
        return False
    return len(_WORD.findall(rest)) >= MIN_JOB_WORDS


def _joined(lines: list[str]) -> str:
    node = Node("root", "", lines=list(lines))
    return node.text


def _split_generic(found: list[Mention]) -> tuple[list[Mention], list[str]]:
    agencies = [m for m in found if not m.generic]
    generic = [m.as_written[0].lower() + m.as_written[1:] for m in found if m.generic]
    return _unique_mentions(agencies), generic


def _without_restated_rows(tasks: list[FoundTask]) -> list[FoundTask]:
    """Prose that restates a row of the notice's task table is not a second task. Restating prose sits
    near its table, so each task is compared with the rows within a window of it (linear in length)."""
    rows = [(index, fold_same_length(t.text)) for index, t in enumerate(tasks) if t.from_table]
    if not rows:
        return tasks
    from rapidfuzz import fuzz, process

    kept: list[FoundTask] = []
    for index, task in enumerate(tasks):
        if not task.from_table:
            near = [text for at, text in rows if abs(at - index) <= _RESTATED_WINDOW]
            if near and process.extractOne(
                fold_same_length(task.text), near, scorer=fuzz.token_set_ratio, score_cutoff=88
            ):
                continue
        kept.append(task)
    return kept


_RESTATED_WINDOW = 60


def _markers(mentions: list[Mention]) -> set[str]:
    return {m.agency.code if m.agency else fold_same_length(m.name) for m in mentions}


def _unique_mentions(mentions: list[Mention]) -> list[Mention]:
    seen: set[str] = set()
    unique: list[Mention] = []
    for mention in mentions:
        marker = mention.agency.code if mention.agency else fold_same_length(mention.name)
        if marker not in seen:
            seen.add(marker)
            unique.append(mention)
    return unique


def _without(coops: list[Mention], leads: list[Mention]) -> list[Mention]:
    lead_markers = {m.agency.code if m.agency else fold_same_length(m.name) for m in leads}
    return _unique_mentions(
        [m for m in coops if (m.agency.code if m.agency else fold_same_length(m.name)) not in lead_markers]
    )


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
    return lines[:12]  # a letter (công văn) has no document type: its header runs to "Kính gửi"


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


def _e_signed(text: str) -> dt.date | None:
    """The e-signature's timestamp, for a notice whose printed date was left blank."""
    match = _E_SIGNED.search(text)
    if not match:
        return None
    if match.group(1):
        return _date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    return _date(int(match.group(4)), int(match.group(5)), int(match.group(6)))


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


_STAMP = re.compile(r"^(?:Ký bởi|Thời gian ký|Ngày ký|Email|Cơ quan|Người ký|Signed|Ký số)", re.IGNORECASE)


def _signer(tail: list[str]) -> str | None:
    for line in reversed(tail):
        if _STAMP.match(line):
            continue
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
