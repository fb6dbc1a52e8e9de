"""What a question in plain words asks: a small intent grammar over normalised text.

A message is folded (no diacritics, lower case), cut into words, and chat shorthand is expanded ("ko"
-> "khong", "nv" -> "nhiem vu"). Then, in order, the grammar reads: the time window ("tuần này",
"15 ngày tới", "trước 30/4"), the task number ("nhiệm vụ 12", "nv 12", "#12"), the agency (a directory
name or alias, or failing that the closest directory name to the words left over), and the words of
the vocabulary below, each of which marks a topic ("quá hạn": overdue) or says the message is a
question ("mấy", "chưa", "?"). The topics found decide the intent by the rules in `_intent`.
Nothing here reads tasks: `questions.py` answers.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.orm import Session

from dondoc.handlers.messages import Refusal
from dondoc.handlers.parsing import MAX_YEAR, MIN_YEAR
from dondoc.handlers.parsing import date as written_date
from dondoc.handlers.periods import month_end
from dondoc.notices.mentions import Directory
from dondoc.store.agencies import directory_version
from dondoc.text import fold, key, nfc


class Intent(StrEnum):
    OVERDUE = "overdue"  # how many / which are overdue
    DUE = "due"  # due within a window
    TASK = "task"  # progress of task N
    SITUATION = "situation"  # an agency at a glance, or the province
    MOST_LATE = "most_late"  # the agencies with the most overdue work
    UNREPORTED = "unreported"  # no report at all
    REPORTED = "reported"  # reports written in a window (today unless said)
    UNACKNOWLEDGED = "unacknowledged"  # no "Đã nhận" yet
    AWAITING = "awaiting"  # completion reported, the office to confirm
    LIST = "list"  # an agency's task list


class Tag(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    PROGRESS = "progress"
    SITUATION = "situation"
    MOST = "most"
    WHICH_AGENCY = "which_agency"
    UNREPORTED = "unreported"
    REPORTED = "reported"
    REPORT = "report"
    UNACKNOWLEDGED = "unacknowledged"
    AWAITING = "awaiting"
    LIST = "list"
    EXPIRES = "expires"  # "hết hạn": overdue, or due within a window said of the future
    OPINION = "opinion"  # "có nên …", "tại sao …": not a question the tasks answer
    TASK_NOUN = "task_noun"
    ASK = "ask"  # makes the message a question
    FILLER = "filler"


# The vocabulary, folded. Longer phrases win over the words they contain ("sap het han" is due soon).
# A word typed with a letter doubled ("hạnn") is read as the vocabulary's word.
VOCABULARY: dict[Tag, str] = {
    Tag.OVERDUE: """qua han|tre han|bi tre|tre|cham tre|cham han|cham tien do|tre tien do|tre hen|cham|
        da het han|no han|qua thoi han|vuot han|qua hang|overdue|late|behind|past due|past the deadline""",
    Tag.EXPIRES: """het han|expire|expires|expiring""",
    Tag.OPINION: """co nen|nen khong|nen giao|y kien|nhan xet|tai sao|vi sao|why|should|danh gia the nao""",
    Tag.DUE: """sap den han|sap toi han|sap het han|sap dao han|den han|toi han|dao han|han chot|han|
        phai xong|phai hoan thanh|can hoan thanh|can xong|phai nop|phai bao cao|phai lam|sap toi|sap|
        han cuoi|due|deadline|deadlines|due soon|coming up""",
    Tag.PROGRESS: """tien do|toi dau|den dau|duoc bao nhieu|bao nhieu phan tram|xong chua|
        hoan thanh chua|lam den dau|lam toi dau|lam duoc gi|lam duoc|da lam|da xong|xong|progress|how far""",
    Tag.SITUATION: """tinh hinh|dao nay|the nao|nhu the nao|ra sao|sao roi|sao|the nao roi|tong hop|
        tong quan|thong ke|ket qua|status|situation|summary|overview""",
    Tag.MOST: """nhieu nhat|nhat|top|xep hang|dung dau|kem nhat|te nhat|most|worst|ranking|rank""",
    Tag.WHICH_AGENCY: """co quan nao|don vi nao|so nao|nganh nao|dia phuong nao|xa nao|phuong nao|
        ban nao|noi nao|ai|nhung ai|cac don vi|cac co quan|nhung don vi|nhung co quan|nhung so|cac so|
        which agencies|which agency|who""",
    Tag.UNREPORTED: """chua bao cao|chua co bao cao|chua co bao cao nao|khong co bao cao|chua ai bao cao|
        chua gui bao cao|chua cap nhat|khong bao cao|chua co tien do|chua cap nhat tien do|
        chua co cap nhat|chua duoc bao cao|chua tung bao cao|chua bao cao lan nao|no report|no reports|
        chua he bao cao|chua he co bao cao|chua co report|chua report|chua he|
        not reported|unreported|never reported|no progress report|without a report|without report""",
    Tag.REPORTED: """da bao cao|vua bao cao|moi bao cao|gui bao cao|co bao cao|co bao cao nao|
        co bao cao gi|bao cao moi|ai bao cao|cap nhat|duoc cap nhat|cap nhat tien do|moi cap nhat|
        update|updates|updated|update tien do|reported|reports|new reports""",
    Tag.REPORT: """bao cao|report""",
    Tag.UNACKNOWLEDGED: """chua nhan|chua xac nhan|chua xac nhan da nhan|chua bam da nhan|da nhan chua|
        nhan chua|xac nhan da nhan|chua tiep nhan|tiep nhan chua|chua bao da nhan|chua phan hoi|
        chua duoc tiep nhan|chua duoc nhan|chua bam tiep nhan|bam tiep nhan|tiep nhan|da nhan|
        chua duoc xac nhan da nhan|chua bam nhan|bam nhan|chua bam da nhan|
        not acknowledged|unacknowledged|acknowledged|not received""",
    Tag.AWAITING: """cho xac nhan|cho duyet|cho phe duyet|dang cho xac nhan|cho van phong xac nhan|
        chua duoc xac nhan|bao xong|bao hoan thanh|da bao hoan thanh|duyet hoan thanh|xac nhan hoan thanh|
        bao cao hoan thanh|duyet|van phong chua xac nhan|chua confirm|cho confirm|confirm|
        awaiting confirmation|awaiting|waiting for confirmation|waiting for our confirmation|to confirm|
        waiting""",
    Tag.LIST: """danh sach|liet ke|nhung viec|nhung nhiem vu|cac nhiem vu|cac viec|viec gi|viec nao|
        nhiem vu gi|nhiem vu nao|cong viec gi|cong viec nao|dang lam|phu trach|chu tri|dang thuc hien|
        con nhung|con lai|ton dong|dang giu|duoc giao|giao|chua xong|chua hoan thanh|danh sach|list|tasks|
        chua bao cao hoan thanh|chua bao hoan thanh|
        unfinished|open tasks|not finished|pending""",
    Tag.TASK_NOUN: """nhiem vu|viec|cong viec|task|so""",  # "nhiệm vụ số 12": see _read_task
    Tag.ASK: """may|bao nhieu|nao|gi|chua|khong|khong a|khong nhi|nhi|a|ha|vay|chu|
        co khong|hay chua|duoc khong|hay khong|dau|o dau|ai|cho hoi|xin hoi|hoi|cho biet|xin cho biet|
        cho minh hoi|cho em hoi|cho toi hoi|cho minh biet|cho em biet|cho toi biet|anh chi cho biet|
        vui long cho biet|lam on cho biet|kiem tra|kiem tra giup|xem giup|check|how many|which|what|
        show|tell me""",
    Tag.FILLER: """co|con|cua|cac|nhung|la|thi|da|dang|bi|roi|hien|hien nay|hien tai|bay gio|luc nay|
        duoc|voi|ve|cho|va|hoac|tren|trong|toan|toan tinh|ca tinh|tinh|chung|minh|em|anh|chi|toi|ban|
        oi|bot|ad|admin|a|nhe|nha|giup|dum|ho|voi|lai|tat ca|moi|het|tong|tong cong|so luong|hien gio|gio|
        tu nay|tu hom nay|ma|nhung ma|don vi minh|co quan minh|so minh|ben minh|ben|kinh gui|den|tu|
        van|lan nao|den gio|den nay|quang ngai|xu ly|de nghi|xin bao cao|bao cao giup|xem|coi|can|
        tinh quang ngai|thuc hien|trien khai|cong tac|hien trang|
        does|do|did|have|has|had|be|been|yet|still|our|your|their|its|department|now|
        phai|can|cu the|chi tiet|tai|the|of|the|for|in|is|are|there|any|me|please|our|my|all|
        province|we|us|with|by|to|from|at|a|an|tasks|task|agency|agencies|nhe|ne|day|kia|nay|ay|
        nao do|mot so|tung|moi nguoi|don vi|co quan|so ban nganh|phong ban|cua ho|bao gio|khi nao""",
}

# Words that make a message a question wherever they stand, pairs that do, and words that do at its end.
INTERROGATIVES = {"may", "nao", "gi", "ai", "sao", "dau", "how", "which", "what", "who", "when"}
INTERROGATIVE_PAIRS = {"bao nhieu", "the nao", "bao gio", "ra sao", "khi nao", "la ai"}
QUESTION_ENDS = {"chua", "khong", "nhi", "ha", "vay", "a", "chu", "the"}

SHORTHAND: dict[str, str] = {
    "k": "khong",
    "ko": "khong",
    "kh": "khong",
    "khg": "khong",
    "kg": "khong",
    "hok": "khong",
    "hong": "khong",
    "hem": "khong",
    "nv": "nhiem vu",
    "nvu": "nhiem vu",
    "nhiemvu": "nhiem vu",
    "bc": "bao cao",
    "baocao": "bao cao",
    "dc": "duoc",
    "đc": "duoc",
    "j": "gi",
    "ji": "gi",
    "ntn": "nhu the nao",
    "bn": "bao nhieu",
    "bnh": "bao nhieu",
    "bnhieu": "bao nhieu",
    "qh": "qua han",
    "quahan": "qua han",
    "trehan": "tre han",
    "tiendo": "tien do",
    "tinhhinh": "tinh hinh",
    "sapden": "sap den",
    "sapdenhan": "sap den han",
    "danhan": "da nhan",
    "r": "roi",
    "chx": "chua",
    "cx": "cung",
    "vs": "voi",
    "mk": "minh",
    "mik": "minh",
    "t": "toi",
    "e": "em",
    "ng": "nguoi",
    "bh": "bao gio",
    "hnay": "hom nay",
    "hn": "hom nay",
    "hqua": "hom qua",
    "ngmai": "ngay mai",
    "tg": "thoi gian",
    "ds": "danh sach",
    "wa": "qua",
    "%": "phan tram",
    "nhug": "nhung",
    "nhungg": "nhung",
    "dsach": "danh sach",
    "z": "vay",
    "hk": "khong",
    "bnhiu": "bao nhieu",
    "mai": "ngay mai",
    "ubnd": "ubnd",
}

UNIT_HEADS = (
    "so",
    "ban",
    "cong an",
    "ubnd",
    "uy ban",
    "xa",
    "phuong",
    "dac khu",
    "trung tam",
    "thanh tra",
    "van phong",
    "bo chi huy",
    "bql",
    "bo doi",
)

# Dates as people type them: 5/3, 05/03/2026, 5-3-2026, 5.3; a month as 4/2026.
_WORD = re.compile(r"\d{1,2}[/.-]\d{4}\b|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|#?\d+%?|[a-z&]+|%")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{4})$")
_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?$")
MAX_WORDS = 60
MAX_NAME_WORDS = 10


def _phrases() -> dict[tuple[str, ...], Tag]:
    table: dict[tuple[str, ...], Tag] = {}
    for tag, spec in VOCABULARY.items():
        for phrase in spec.split("|"):
            words = tuple(phrase.split())
            if words:
                table.setdefault(words, tag)  # a phrase listed twice keeps its first (more specific) tag
    return table


PHRASES = _phrases()
LONGEST_PHRASE = max(len(p) for p in PHRASES)
_PHRASE_WORDS = {word for phrase in PHRASES for word in phrase}


@dataclass(frozen=True)
class Window:
    """A span of days, both ends included; `past` for "hôm qua", "tuần này" said of reports."""

    start: dt.date
    end: dt.date
    label: str  # how it was said: "tuan nay", "15 ngay toi", "30/4"
    days: int | None = None  # "N ngày tới": N, so the answer matches /sapden N


@dataclass
class Question:
    """What the grammar read; `intent` None when no rule matched."""

    words: list[str]
    intent: Intent | None = None
    asks: bool = False  # reads as a question (an interrogative word, "?", a polite opening)
    tags: set[Tag] = field(default_factory=set)
    task: int | None = None
    agency_id: int | None = None
    agency_name: str | None = None
    unknown_agency: str | None = None  # reads as an agency's name the directory does not know
    window: Window | None = None
    past_window: Window | None = None
    unexplained: list[str] = field(default_factory=list)  # words no rule reads
    task_said: bool = False  # the number came with "nhiệm vụ", "#" …, not on its own
    limit: int | None = None  # "top 5"


def words_of(text: str) -> list[str]:
    """Folded words with chat shorthand expanded: 'Nv 12 tới đâu r?' -> ['nhiem','vu','12',…]."""
    found: list[str] = []
    for word in _WORD.findall(fold(text)[:2000]):
        if word == "mai" and found and found[-1] == "ngay":
            found.append(word)  # "ngày mai" as written
            continue
        word = _undoubled(word)
        found += SHORTHAND.get(word, word).split()
    return found[:MAX_WORDS]


def _undoubled(word: str) -> str:
    """'hann' -> 'han', 'quaa' -> 'qua': a letter typed twice where the vocabulary has it once."""
    if len(word) < 3 or (word,) in PHRASES or word in SHORTHAND:
        return word
    single = re.sub(r"([a-z])\1+", r"\1", word)
    return single if single != word and single in _PHRASE_WORDS else word


class Reader:
    """Reads questions; keeps the directory's names between messages, reloaded when they change."""

    def __init__(self) -> None:
        self._directory: Directory | None = None
        self._version: tuple[int, ...] | None = None

    def directory(self, session: Session) -> Directory:
        version = directory_version(session)
        if self._directory is None or version != self._version:
            self._directory, self._version = Directory.load(session), version
        return self._directory

    def read(self, session: Session, text: str, today: dt.date) -> Question:
        """Read a message as a question (see the module's docstring)."""
        return read(self.directory(session), text, today)


def read(directory: Directory, text: str, today: dt.date) -> Question:
    """Read a message as a question, with the directory's names (see the module's docstring)."""
    words = words_of(text)
    question = Question(words, asks="?" in text)
    used = [False] * len(words)
    _read_whole_province(text, words, used)
    _read_windows(question, words, used, today)
    _read_top(question, words, used)
    _read_task(question, words, used)
    _read_agency(directory, question, words, used)
    _read_vocabulary(question, words, used)
    if Tag.ASK in question.tags:
        question.asks = True
    question.intent = _intent(question)
    return question


# Time windows ------------------------------------------------------------------------------------

_FUTURE = {"toi", "nua", "sap toi", "tiep theo", "tiep", "sau", "den", "next"}
_PAST = {"qua", "truoc", "vua qua", "gan day", "gan nhat", "last"}
_UNIT_DAYS = {"ngay": 1, "day": 1, "days": 1, "tuan": 7, "week": 7, "weeks": 7, "thang": 30, "month": 30}


def _read_windows(question: Question, words: list[str], used: list[bool], today: dt.date) -> None:
    i = 0
    while i < len(words):
        found = _window_at(words, i, today)
        if found is None:
            i += 1
            continue
        length, window, past = found
        for j in range(i, i + length):
            used[j] = True
        if past:
            question.past_window = window
        else:
            question.window = window
        i += length


Said = tuple[int, Window, bool]  # how many words, the window, said of the past


def _window_at(words: list[str], i: int, today: dt.date) -> Said | None:
    """The window said at words[i:]."""
    return (
        _named_window(words, i, today) or _counted_window(words, i, today) or _dated_window(words, i, today)
    )


def _named_window(words: list[str], i: int, today: dt.date) -> Said | None:
    """'hôm nay', 'tuần này', 'tháng 4', 'cuối tháng', 'in April' …"""
    pair = " ".join(words[i : i + 2])
    word = words[i]
    monday = today - dt.timedelta(days=today.weekday())
    if pair in ("hom nay", "ngay nay") or word == "today":
        return (1 if word == "today" else 2), Window(today, today, "hom nay"), False
    if pair == "hom qua" or word == "yesterday":
        day = today - dt.timedelta(days=1)
        return (1 if word == "yesterday" else 2), Window(day, day, "hom qua"), True
    if pair == "ngay mai" or word == "tomorrow":
        day = today + dt.timedelta(days=1)
        return (1 if word == "tomorrow" else 2), Window(day, day, "ngay mai"), False
    if pair in ("tuan nay", "this week"):
        return 2, Window(today, monday + dt.timedelta(days=6), "tuan nay"), False
    if pair in ("tuan toi", "tuan sau", "next week"):
        start = monday + dt.timedelta(days=7)
        return 2, Window(start, start + dt.timedelta(days=6), "tuan toi"), False
    if pair in ("tuan truoc", "tuan qua", "last week"):
        start = monday - dt.timedelta(days=7)
        return 2, Window(start, start + dt.timedelta(days=6), "tuan truoc"), True
    if pair in ("thang nay", "this month"):
        return 2, Window(today, _month_end(today), "thang nay"), False
    if pair in ("nua thang", "half month"):
        end = 3 if " ".join(words[i + 2 : i + 3]) in ("toi", "nua", "sau", "tiep") else 2
        return end, Window(today, today + dt.timedelta(days=15), "nua thang", 15), False
    if pair in ("thang toi", "thang sau", "next month"):
        start = _month_end(today) + dt.timedelta(days=1)
        return 2, Window(start, _month_end(start), "thang toi"), False
    if pair in ("cuoi thang", "het thang", "end of"):
        return 2, Window(today, _month_end(today), "cuoi thang"), False
    if pair in ("cuoi tuan", "het tuan"):
        return 2, Window(today, monday + dt.timedelta(days=6), "cuoi tuan"), False
    if pair in ("cuoi nam", "het nam"):
        return 2, Window(today, dt.date(today.year, 12, 31), "cuoi nam"), False
    following = words[i + 1] if i + 1 < len(words) else ""
    if word == "in" and following in _MONTHS and following != "may":  # "in April"
        return 2, _month(_MONTHS[following], None, today, pair), False
    if word in ("thang", "month") and (written := _MONTH_YEAR.match(following)):  # "tháng 4/2026"
        month, year = int(written.group(1)), int(written.group(2))
        if 1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR:
            window = _month(month, year, today, pair)
            return 2, window, window.end < today
    if word in ("thang", "month") and following.isdigit() and 1 <= int(following[:2]) <= 12:  # "tháng 4"
        return 2, _month(int(following[:2]), None, today, pair), False
    if pair in ("quy nay", "this quarter"):
        quarter_end = _month_end(dt.date(today.year, 3 * ((today.month - 1) // 3) + 3, 1))
        return 2, Window(today, quarter_end, "quy nay"), False
    if pair in ("nam nay", "this year"):
        return 2, Window(today, dt.date(today.year, 12, 31), "nam nay"), False
    return None


def _counted_window(words: list[str], i: int, today: dt.date) -> Said | None:
    """'15 ngày tới', 'trong 15 ngày', '2 tuần tới', '7 ngày qua'."""
    word = words[i]
    start = i + 1 if word in ("trong", "within", "next", "last") and i + 1 < len(words) else i
    if words[start].isdigit() and start + 1 < len(words) and words[start + 1] in _UNIT_DAYS:
        count = int(words[start][:4]) * _UNIT_DAYS[words[start + 1]]
        end = start + 2
        rest = " ".join(words[end : end + 2])
        said = next((w for w in sorted(_FUTURE | _PAST, key=len, reverse=True) if rest.startswith(w)), None)
        if said is not None and (rest == said or rest.startswith(said + " ")):
            end += len(said.split())
        past = said in _PAST or word == "last"
        label = " ".join(words[i:end])
        if past:
            return end - i, Window(today - dt.timedelta(days=count), today, label, count), True
        return end - i, Window(today, today + dt.timedelta(days=count), label, count), False
    return None


def _dated_window(words: list[str], i: int, today: dt.date) -> Said | None:
    """'trước 30/4', 'đến hết ngày 15/5/2026', '9/3 - 15/3', 'by March 10', a date on its own."""
    lead = 0
    while i + lead < len(words) and words[i + lead] in _DATE_LEADS:
        if (
            words[i + lead] == "ngay"
            and words[i + lead + 1 : i + lead + 2] != []
            and words[i + lead + 1].isdigit()
        ):
            break  # "ngày 10 tháng 3": the date itself
        lead += 1
    first = _date_at(words, i + lead, today)
    if first is None:
        return None
    length, date = first
    end = i + lead + length
    rest = end
    while rest < len(words) and words[rest] in ("den", "toi", "and", "to", "ngay", "het"):
        rest += 1
    second = _date_at(words, rest, today)
    if second is not None and second[1] >= date:  # a range
        return rest + second[0] - i, Window(date, second[1], "range"), second[1] < today
    return end - i, Window(min(today, date), date, "date"), date < today


_DATE_LEADS = {"truoc", "den", "toi", "het", "ngay", "by", "before", "until", "between", "today", "and", "on"}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


def _date_at(words: list[str], i: int, today: dt.date) -> tuple[int, dt.date] | None:
    """A date written at words[i]: '30/4', '30/4/2026', 'March 10'; as (words it takes, date)."""
    if i >= len(words):
        return None
    if match := _DATE.match(words[i].lstrip("#")):
        date = _date(match.group(0), today)
        return None if date is None else (1, date)
    if words[i] in ("mung", "mong", "ngay") and i + 1 < len(words) and words[i + 1].isdigit():
        # "mùng 5", "ngày 10 tháng 3", "mùng 10 tháng 3 năm 2026"
        said = words[i + 1 : i + 6]
        month = int(said[2][:2]) if len(said) > 2 and said[1] == "thang" and said[2].isdigit() else None
        # A year of more digits is no year either: cut, so that dt.date refuses it (an int too big for it
        # raises OverflowError instead).
        year = (
            int(said[4][:9]) if month and len(said) > 4 and said[3] == "nam" and said[4].isdigit() else None
        )
        try:
            day = dt.date(today.year if year is None else year, month or today.month, int(said[0][:2]))
        except ValueError:
            return None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            return None
        return (6 if year else 4 if month else 2), day
    if words[i] in ("mung", "mong"):
        return None
    month = _MONTHS.get(words[i])
    if month is not None and words[i] != "may" and i + 1 < len(words) and words[i + 1].isdigit():
        try:
            return 2, dt.date(today.year, month, int(words[i + 1][:2]))
        except ValueError:
            return None
    return None


def _date(text: str, today: dt.date) -> dt.date | None:
    """'5/3', '05/03/2026', '5-3-26' as `parsing.date` reads them; None when it is no date."""
    try:
        return written_date(text, today)
    except Refusal:
        return None


def _month(month: int, year: int | None, today: dt.date, label: str) -> Window:
    """A month, from today if it has begun; with no year, this one unless it is over."""
    if year is None:
        year = today.year if month >= today.month else today.year + 1
    start = dt.date(year, month, 1)
    return Window(max(start, today), _month_end(start), label)


def _month_end(day: dt.date) -> dt.date:
    return month_end(day.year, day.month)


def _read_whole_province(text: str, words: list[str], used: list[bool]) -> None:
    """'cả tỉnh' (the whole province) folds to 'ca tinh', as 'CA tỉnh' (the police) does: written with its
    diacritic it is the province."""
    if not _WHOLE_PROVINCE.search(nfc(text).casefold()):
        return
    for i in range(len(words) - 1):
        if words[i] == "ca" and words[i + 1] == "tinh":
            used[i] = used[i + 1] = True


_WHOLE_PROVINCE = re.compile(r"\bcả\s+tỉnh\b")


def _read_top(question: Question, words: list[str], used: list[bool]) -> None:
    for i in range(len(words) - 1):
        if words[i] == "top" and words[i + 1].isdigit() and not used[i + 1]:
            question.limit = min(int(words[i + 1][:3]), 50)
            used[i + 1] = True
            question.tags.add(Tag.MOST)
            return


# The task number ---------------------------------------------------------------------------------

_TASK_NOUNS = (
    ("nhiem", "vu", "so"),
    ("nhiem", "vu"),
    ("cong", "viec", "so"),
    ("cong", "viec"),
    ("viec", "so"),
    ("viec",),
    ("task",),
    ("so",),
)


def _read_task(question: Question, words: list[str], used: list[bool]) -> None:
    """'nhiệm vụ (số) 12', 'việc 12', '#12', 'task 12'; or a lone number when nothing else claims it."""
    for i, word in enumerate(words):
        if used[i]:
            continue
        if word.startswith("#") and word[1:].isdigit():
            question.task, used[i], question.task_said = _number(word[1:]), True, True
            return
        for noun in _TASK_NOUNS:
            end = i + len(noun)
            if tuple(words[i:end]) == noun and end < len(words) and words[end].isdigit() and not used[end]:
                question.task = _number(words[end])
                for j in range(i, end + 1):
                    used[j] = True
                question.tags.add(Tag.TASK_NOUN)
                question.task_said = True
                return
    lone = [i for i, w in enumerate(words) if not used[i] and w.isdigit()]
    if len(lone) == 1:
        question.task, used[lone[0]] = _number(words[lone[0]]), True


def _number(word: str) -> int | None:
    return int(word) if len(word) <= 9 else None


# The agency ----------------------------------------------------------------------------------------


def _read_agency(directory: Directory, question: Question, words: list[str], used: list[bool]) -> None:
    """A directory name or alias among the words (longest first); else the directory name closest to a
    run of the words no rule uses, if close enough; else a run that reads as a unit's name."""
    keys = [key(w) for w in words]
    for i in range(len(words)):
        if used[i]:
            continue
        for length in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
            if any(used[i : i + length]):
                continue
            found = directory.aliases.get("".join(keys[i : i + length]))
            if found is not None and not _is_vocabulary(words, i, length):
                question.agency_id, question.agency_name = found.id, found.name
                for j in range(i, i + length):
                    used[j] = True
                break
        if question.agency_id is not None:
            break
    runs, unknown = _open_runs(words, used)
    best: tuple[float, int, int, int] | None = None  # score, length, start, agency id
    if question.agency_id is None and any(unknown):
        from rapidfuzz import fuzz, process  # only a name not found needs it, and its import is slow

        choices = list(directory.aliases)
        for first, stop in runs:
            for i in range(first, stop):
                for j in range(i + 1, min(stop, i + MAX_NAME_WORDS) + 1):
                    candidate = "".join(keys[i:j])
                    if len(candidate) < 5 or not any(unknown[i:j]):
                        continue
                    hit = process.extractOne(candidate, choices, scorer=fuzz.ratio, score_cutoff=88)
                    if hit is not None:
                        score = (hit[1], j - i, i, directory.aliases[hit[0]].id)
                        if best is None or score[:2] > best[:2]:
                            best = score
    if best is not None:
        _score, length, first, agency_id = best
        agency = next(a for a in directory.aliases.values() if a.id == agency_id)
        question.agency_id, question.agency_name = agency.id, agency.name
        for j in range(first, first + length):
            used[j] = True
    elif question.agency_id is None:
        for first, stop in runs:
            while stop > first and not unknown[stop - 1]:
                stop -= 1  # "sở giao thông có": the name ends with its last unknown word
            name = " ".join(words[first:stop])
            if any(unknown[first:stop]) and stop - first > 1 and name.startswith(_UNIT_HEADS):
                question.unknown_agency = name
                for j in range(first, stop):
                    used[j] = True
                break
    question.unexplained = [w for i, w in enumerate(words) if unknown[i] and not used[i]]


_UNIT_HEADS = tuple(head + " " for head in UNIT_HEADS)


def _is_vocabulary(words: list[str], i: int, length: int) -> bool:
    """An alias that is also the grammar's word where it stands ('ca tinh' in 'toàn tỉnh' is not)."""
    return length == 1 and tuple(words[i : i + 1]) in PHRASES and len(words[i]) <= 3


def _open_runs(words: list[str], used: list[bool]) -> tuple[list[tuple[int, int]], list[bool]]:
    """Runs of words that no window, task number or phrase of two words or more claims, and which of
    their words the vocabulary does not know (a name looked for among them must hold one)."""
    claimed = [used[i] or words[i].isdigit() for i in range(len(words))]
    i = 0
    while i < len(words):
        for length in range(min(LONGEST_PHRASE, len(words) - i), 1, -1):
            if not any(claimed[i : i + length]) and tuple(words[i : i + length]) in PHRASES:
                for j in range(i, i + length):
                    claimed[j] = True
                i += length - 1
                break
        i += 1
    unknown = [not claimed[i] and (words[i],) not in PHRASES for i in range(len(words))]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if claimed[i]:
            i += 1
            continue
        j = i
        while j < len(words) and not claimed[j]:
            j += 1
        runs.append((i, j))
        i = j
    return runs, unknown


# The vocabulary and the intent -------------------------------------------------------------------


def _read_vocabulary(question: Question, words: list[str], used: list[bool]) -> None:
    i = 0
    while i < len(words):
        if used[i]:
            i += 1
            continue
        for length in range(min(LONGEST_PHRASE, len(words) - i), 0, -1):
            if any(used[i : i + length]):
                continue
            tag = PHRASES.get(tuple(words[i : i + length]))
            if tag is not None:
                question.tags.add(tag)
                i += length
                break
        else:
            i += 1
    pairs = {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
    if set(words) & INTERROGATIVES or pairs & INTERROGATIVE_PAIRS or (words and words[-1] in QUESTION_ENDS):
        question.asks = True


def _intent(q: Question) -> Intent | None:
    """The rules, most specific first."""
    tags = q.tags
    if len(q.unexplained) > 2 or Tag.OPINION in q.tags:
        return None  # too much the grammar does not know, or an opinion asked: not a guess
    intent = _rules(q, tags)
    if intent in (Intent.SITUATION, Intent.LIST) and q.unexplained and q.agency_id is None:
        return None  # "thời tiết hôm nay thế nào" is not the province's situation
    return intent


def _rules(q: Question, tags: set[Tag]) -> Intent | None:
    if (
        q.task is not None
        and not q.task_said
        and tags & {Tag.OVERDUE, Tag.DUE, Tag.MOST, Tag.LIST, Tag.UNREPORTED}
    ):
        q.task = None  # a lone number in a list question is not a task's
    if Tag.AWAITING in tags:
        return Intent.AWAITING  # "báo xong nhưng văn phòng chưa xác nhận": not a "Đã nhận"
    if Tag.UNACKNOWLEDGED in tags:
        return Intent.UNACKNOWLEDGED
    if q.task is not None:
        if q.unexplained and not tags - {Tag.ASK, Tag.FILLER, Tag.TASK_NOUN}:
            return None  # "kinh phí nhiệm vụ 4 là bao nhiêu": about task 4, but not its progress
        return Intent.TASK
    if Tag.UNREPORTED in tags:
        return Intent.UNREPORTED
    if Tag.AWAITING in tags:
        return Intent.AWAITING
    if q.past_window is not None and tags & {Tag.REPORTED, Tag.REPORT}:
        return Intent.REPORTED
    if Tag.REPORTED in tags and not tags & {Tag.OVERDUE, Tag.DUE}:
        return Intent.REPORTED
    if Tag.REPORT in tags and q.window is not None and q.window.label == "hom nay" and Tag.DUE not in tags:
        return Intent.REPORTED
    if Tag.OVERDUE in tags and (Tag.MOST in tags or (Tag.WHICH_AGENCY in tags and q.agency_id is None)):
        return Intent.MOST_LATE
    if Tag.MOST in tags and tags & {Tag.WHICH_AGENCY, Tag.SITUATION} and Tag.DUE not in tags:
        return Intent.MOST_LATE
    if Tag.EXPIRES in tags:
        tags.add(Tag.DUE if q.window is not None else Tag.OVERDUE)
    if Tag.DUE in tags and q.window is not None:
        return Intent.DUE
    if Tag.OVERDUE in tags:
        return Intent.OVERDUE
    if Tag.DUE in tags:
        return Intent.DUE
    if q.window is not None and tags & {Tag.LIST, Tag.TASK_NOUN}:
        return Intent.DUE
    if Tag.SITUATION in tags:
        return Intent.SITUATION
    if Tag.LIST in tags or (Tag.TASK_NOUN in tags and q.agency_id is not None):
        return Intent.LIST
    if Tag.PROGRESS in tags:
        return Intent.SITUATION
    if q.agency_id is not None and q.asks and not q.unexplained:
        return Intent.SITUATION  # "STC thì sao?"
    return None
