"""Generated notices for the importer's benchmark: `make_notice(pages, seed)` writes one realistic
Vietnamese notice of about `pages` pages (a page ≈ 3,000 characters).

The notice has what a real one has: the letterhead (issuer, national motto, number, place and date),
the document type and title, an introduction (the meeting, who chaired and attended it, or the
documents it carries out; a "Kính gửi:" list in an official letter), then its body, then the closing
sentence, "Nơi nhận:" and the signature. The body is made of parts numbered I., II., III., … in order
(an assessment first and now and then another one, a purpose part in a plan, parts of tasks by topic,
proposals to the ministries, "Tổ chức thực hiện" last), each holding units numbered 1., 2., 3., … in
order; a unit's letters a), b), … and decimal numbers (3.1., 3.2.1.) follow its own number.

Each unit is drawn from about thirty templates of the genre (numbered items "Giao Sở X chủ trì, phối
hợp với Sở Y …; hoàn thành trước ngày …", lettered sub-items, bullets of three kinds, decimal numbering,
task tables joined with " | ", markdown tables, activity blocks with "– Đơn vị chủ trì: …" fields, field
blocks "Cơ quan chủ trì: …", prose paragraphs, purpose and assessment text that assigns nothing,
proposals to ministries, collective leads "các sở, ban, ngành, địa phương", deadlines as dates,
quarters, months, years and periods) and filled with agencies drawn from the shipped directory
(dondoc/data/agencies.csv: names and the aliases a notice would write), names the directory does not
know (ministries, companies), dates, verbs, objects and places from word lists, all seeded: the same
(pages, seed) gives the same text, and no two units read alike. Page numbers are set between
paragraphs every ~3,000 characters, now and then splitting a paragraph as text taken from a PDF does.

`python bench/notice_corpus.py PAGES [--seed N]` prints one.
"""

import argparse
import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dondoc.store.agencies import DIRECTORY_CSV, read_directory

PAGE_CHARS = 3_000

ROMAN = ("", "I", "II", "III", "IV")  # quarters
LETTERS = "abcdđeghiklmnopqrstuvxy"

# Words an alias in English is made of: a Vietnamese notice does not write those.
_ENGLISH = re.compile(
    r"\b(?:Department|Provincial|Police|Command|Guard|Inspectorate|Affairs|Office|Board|Zone)\b"
)
_LOCAL_UNIT = re.compile(r"^(?:UBND|Ủy ban|Xã|Phường|P\.|Đặc khu|ĐK)\b")

MINISTRIES = (
    "Bộ Kế hoạch và Đầu tư",
    "Bộ Tài chính",
    "Bộ Văn hóa, Thể thao và Du lịch",
    "Bộ Xây dựng",
    "Bộ Nông nghiệp và Môi trường",
    "Bộ Khoa học và Công nghệ",
    "Bộ Công an",
    "Bộ Y tế",
    "Bộ Giáo dục và Đào tạo",
    "Bộ Nội vụ",
    "Bộ Công Thương",
    "Bộ Tư pháp",
    "Bộ Quốc phòng",
    "Bộ Dân tộc và Tôn giáo",
)
OTHER_UNITS = (  # not in the directory: a parser must say it does not know them
    "Công ty Điện lực Quảng Ngãi",
    "Công ty TNHH MTV Khai thác công trình thủy lợi Quảng Ngãi",
    "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh",
    "Ngân hàng Nhà nước Khu vực 9",
    "Kho bạc Nhà nước Khu vực XIV",
    "Báo Quảng Ngãi",
    "Đài Phát thanh và Truyền hình Quảng Ngãi",
    "Hội Nông dân tỉnh",
    "Tỉnh đoàn Quảng Ngãi",
    "Liên đoàn Lao động tỉnh",
    "Trung tâm Kiểm soát bệnh tật tỉnh",
    "Cục Hải quan tỉnh",
)
COLLECTIVE_LEADS = (
    "Các sở, ban, ngành, địa phương",
    "Các sở, ban, ngành tỉnh",
    "UBND các xã, phường, đặc khu",
    "Thủ trưởng các sở, ban, ngành",
    "Người đứng đầu các sở, ban, ngành, địa phương",
    "Chủ tịch UBND các xã, phường, đặc khu",
    "Các sở, ban, ngành và UBND các xã, phường, đặc khu",
)
GENERIC_COOPS = (
    "các cơ quan, đơn vị có liên quan",
    "các đơn vị liên quan",
    "các cơ quan, đơn vị, địa phương liên quan",
    "các địa phương có liên quan",
    "các sở, ban, ngành, địa phương",
    "UBND các xã, phường, đặc khu",
    "các tổ chức, doanh nghiệp có liên quan",
)
VERBS = (
    "Rà soát",
    "Tham mưu UBND tỉnh ban hành",
    "Xây dựng",
    "Hướng dẫn",
    "Triển khai",
    "Kiểm tra, giám sát",
    "Tổng hợp, báo cáo UBND tỉnh",
    "Hoàn thiện",
    "Đôn đốc",
    "Nghiên cứu, đề xuất",
    "Tổ chức",
    "Đẩy mạnh",
    "Khẩn trương hoàn thành",
    "Tiếp tục thực hiện",
    "Rà soát, đánh giá",
    "Chuẩn bị",
    "Thẩm định",
    "Cập nhật",
    "Tháo gỡ vướng mắc trong",
    "Tăng cường",
    "Tổ chức tập huấn về",
    "Đề xuất cấp có thẩm quyền phê duyệt",
    "Hoàn chỉnh hồ sơ",
    "Trình UBND tỉnh phê duyệt",
    "Công khai",
    "Lập",
    "Điều chỉnh",
    "Xử lý dứt điểm",
    "Kiện toàn",
    "Số hóa",
    "Tuyên truyền, phổ biến",
    "Chỉ đạo thực hiện",
)
OBJECTS = (
    "kế hoạch chuyển đổi số năm {year}",
    "hồ sơ điều chỉnh chủ trương đầu tư dự án {project}",
    "danh mục dự án kêu gọi đầu tư giai đoạn {year}-{year5}",
    "cơ sở dữ liệu đất đai tại {place}",
    "phương án bồi thường, hỗ trợ, tái định cư dự án {project}",
    "quy chế phối hợp quản lý nhà nước về {field}",
    "kế hoạch phân bổ vốn đầu tư công năm {year1}",
    "tình hình giải ngân vốn đầu tư công của các dự án do đơn vị làm chủ đầu tư",
    "các thủ tục hành chính thuộc lĩnh vực {field}",
    "đề án phát triển {field} đến năm 2030, tầm nhìn đến năm 2045",
    "chương trình khuyến công năm {year}",
    "công tác phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão năm {year}",
    "công tác tuyển sinh các cấp học năm học {year}-{year1}",
    "hạ tầng kỹ thuật khu tái định cư {place}",
    "hệ thống camera giám sát an ninh trật tự tại {place}",
    "báo cáo sơ kết 6 tháng đầu năm {year} về {field}",
    "các kiến nghị của cử tri gửi đến kỳ họp thứ {session} HĐND tỉnh",
    "phương án sắp xếp, xử lý nhà, đất dôi dư sau sắp xếp đơn vị hành chính",
    "kế hoạch kiểm tra an toàn thực phẩm dịp Tết Nguyên đán",
    "chỉ tiêu biên chế công chức, số lượng người làm việc năm {year1}",
    "mạng lưới trạm y tế cấp xã tại {place}",
    "việc cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình, cá nhân tại {place}",
    "hồ sơ đề nghị công nhận xã {place} đạt chuẩn nông thôn mới nâng cao",
    "tuyến đường ven biển đoạn qua {place}",
    "Ngày hội văn hóa các dân tộc tỉnh lần thứ {session}",
    "chính sách hỗ trợ doanh nghiệp nhỏ và vừa đổi mới công nghệ",
    "nền tảng tích hợp, chia sẻ dữ liệu dùng chung của tỉnh (LGSP)",
    "kế hoạch thu gom, xử lý chất thải rắn sinh hoạt tại {place}",
    "danh sách các dự án chậm tiến độ, có dấu hiệu vi phạm pháp luật về đất đai",
    "kết quả thực hiện các chỉ tiêu kinh tế - xã hội quý {quarter}/{year}",
    "mô hình chính quyền địa phương hai cấp tại {place}",
    "dự thảo Nghị quyết của HĐND tỉnh quy định mức chi cho {field}",
    "hồ sơ xếp hạng di tích lịch sử - văn hóa cấp tỉnh tại {place}",
    "phương án phòng cháy, chữa cháy tại các chợ, trung tâm thương mại",
    "kế hoạch ứng phó sự cố tràn dầu trên vùng biển {place}",
    "các nhiệm vụ khoa học và công nghệ cấp tỉnh bắt đầu thực hiện từ năm {year1}",
    "bảng giá đất điều chỉnh áp dụng từ ngày 01/01/{year1}",
    "kế hoạch đào tạo nghề cho lao động nông thôn tại {place}",
    "phương án tổ chức giao thông khu vực trung tâm {place}",
    "hồ sơ mời thầu gói thầu số {number} thuộc dự án {project}",
)
FIELDS = (
    "khoa học và công nghệ",
    "giáo dục nghề nghiệp",
    "tài nguyên nước",
    "khoáng sản",
    "du lịch cộng đồng",
    "kinh tế tập thể",
    "y tế cơ sở",
    "an toàn giao thông",
    "công nghiệp hỗ trợ",
    "chuyển đổi số",
    "đầu tư công",
    "quản lý giá",
    "văn hóa cơ sở",
    "bảo vệ môi trường",
    "thể dục, thể thao",
    "cải cách hành chính",
    "lao động, việc làm",
    "nông nghiệp công nghệ cao",
    "thủy sản",
    "đất đai",
)
PROJECTS = (
    "Đường Hoàng Sa - Dốc Sỏi",
    "Khu dân cư {place}",
    "Cầu Trà Khúc 3",
    "Bệnh viện Đa khoa tỉnh (giai đoạn 2)",
    "Hồ chứa nước Nước Trong",
    "Khu công nghiệp VSIP Quảng Ngãi mở rộng",
    "Cảng Dung Quất giai đoạn 2",
    "Kè chống sạt lở bờ sông {river} đoạn qua {place}",
    "Trường THPT {place}",
    "Nâng cấp, mở rộng đường tỉnh ĐT.{road}",
    "Khu tái định cư {place}",
    "Đường trục Khu kinh tế nối cảng Dung Quất với cảng Sa Kỳ",
)
RIVERS = ("Trà Khúc", "Vệ", "Trà Bồng", "Đăk Bla", "Trà Câu")
QUALIFIERS = (
    "; bảo đảm đúng quy định của pháp luật",
    ", phù hợp với tình hình thực tế của địa phương",
    " trên địa bàn tỉnh",
    ", bảo đảm chất lượng, hiệu quả, tránh hình thức",
    "; chịu trách nhiệm trước UBND tỉnh về tính chính xác của số liệu",
    ", gắn với trách nhiệm của người đứng đầu",
    " theo đúng chỉ đạo của Thủ tướng Chính phủ tại Công điện số {number}/CĐ-TTg ngày {date}",
    ", không để phát sinh khiếu kiện phức tạp",
    " theo Kế hoạch số {number}/KH-UBND ngày {date} của UBND tỉnh",
    ", công khai, minh bạch",
    "",
    "",
)
PURPOSES = (
    " nhằm nâng cao hiệu quả quản lý nhà nước",
    " để kịp thời tháo gỡ khó khăn, vướng mắc cho người dân, doanh nghiệp",
    " phục vụ công tác chỉ đạo, điều hành của UBND tỉnh",
    " góp phần hoàn thành các chỉ tiêu kinh tế - xã hội năm {year}",
    " làm cơ sở trình HĐND tỉnh tại kỳ họp gần nhất",
    "",
    "",
    "",
)
TOPICS = (
    "CHUYỂN ĐỔI SỐ",
    "GIẢI NGÂN VỐN ĐẦU TƯ CÔNG",
    "THU NGÂN SÁCH NHÀ NƯỚC",
    "QUẢN LÝ ĐẤT ĐAI, TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    "PHÁT TRIỂN NÔNG NGHIỆP, NÔNG THÔN",
    "CÔNG NGHIỆP, THƯƠNG MẠI VÀ DỊCH VỤ",
    "DU LỊCH",
    "GIÁO DỤC VÀ ĐÀO TẠO",
    "Y TẾ VÀ CHĂM SÓC SỨC KHỎE NHÂN DÂN",
    "VĂN HÓA, THỂ THAO",
    "LAO ĐỘNG, VIỆC LÀM VÀ AN SINH XÃ HỘI",
    "CẢI CÁCH HÀNH CHÍNH",
    "XÂY DỰNG CHÍNH QUYỀN",
    "QUỐC PHÒNG, AN NINH",
    "PHÒNG, CHỐNG THIÊN TAI",
    "KHOA HỌC, CÔNG NGHỆ VÀ ĐỔI MỚI SÁNG TẠO",
    "HẠ TẦNG GIAO THÔNG",
    "THANH TRA, TIẾP CÔNG DÂN",
    "KINH TẾ BIỂN",
    "THU HÚT ĐẦU TƯ",
)
FIGURES = (
    "giải ngân đạt {pct}% kế hoạch vốn được giao",
    "thu ngân sách nhà nước ước đạt {amount} tỷ đồng, bằng {pct}% dự toán",
    "tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn đạt {pct}%",
    "có {count} dự án được cấp mới chủ trương đầu tư với tổng vốn đăng ký {amount} tỷ đồng",
    "tỷ lệ hộ nghèo giảm còn {pct}%",
    "{count} xã đạt chuẩn nông thôn mới",
    "tổ chức {count} lớp tập huấn cho {count2} lượt cán bộ, công chức",
    "{count} km đường giao thông nông thôn được bê tông hóa",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Huỳnh")
MIDDLE = ("Văn", "Thị", "Đức", "Quang", "Minh", "Thanh", "Hữu", "Ngọc", "Phước", "Công", "Hoàng")
GIVEN = ("Hiền", "Long", "Vinh", "Tuấn", "Bảo", "Diệp", "Hùng", "Sơn", "Hà", "Phương", "Dũng", "Trung")


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: str
    forms: tuple[str, ...]  # as a notice writes it when the agency leads: the name, usable aliases
    short: str | None  # "Tài chính" for Sở Tài chính, as in "Giám đốc các Sở: Tài chính, Nội vụ"


def _forms(name: str, kind: str, aliases: list[str]) -> tuple[str, ...]:
    usable = [name]
    for alias in aliases:
        if _ENGLISH.search(alias) or not alias[:1].isupper():
            continue
        if kind == "department" and " " in alias and not alias.startswith("Sở"):
            continue  # "Tài chính" alone names a field, not the department
        if kind in ("commune", "ward", "special_zone") and not _LOCAL_UNIT.match(alias):
            continue  # "Tịnh Khê" alone is a place
        usable.append(alias)
    return tuple(usable)


def load_agencies(path: Path = DIRECTORY_CSV) -> list[Agency]:
    agencies = []
    for row in read_directory(path):  # the project's own reader: comment lines, kinds, NFC
        short = row.name[3:] if row.kind == "department" and row.name.startswith("Sở ") else None
        agencies.append(
            Agency(row.code, row.name, row.kind, _forms(row.name, row.kind, list(row.aliases)), short)
        )
    return agencies


_AGENCIES: list[Agency] | None = None


def _agencies() -> list[Agency]:
    global _AGENCIES
    if _AGENCIES is None:
        _AGENCIES = load_agencies()
    return _AGENCIES


def _place(agency: Agency) -> str:
    """ "Tịnh Khê" for Xã Tịnh Khê, "Lý Sơn" for Đặc khu Lý Sơn."""
    return re.sub(r"^(?:Xã|Phường|Đặc khu)\s+", "", agency.name)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _low(text: str) -> str:
    return text[:1].lower() + text[1:]


class Writer:
    """The seeded choices every template draws from."""

    def __init__(self, rng: random.Random, signed: dt.date) -> None:
        self.rng = rng
        self.signed = signed
        self.year = signed.year
        everyone = _agencies()
        self.departments = [a for a in everyone if a.kind == "department"]
        self.provincial = [a for a in everyone if a.kind not in ("commune", "ward", "special_zone")]
        self.local = [a for a in everyone if a.kind in ("commune", "ward", "special_zone")]
        self.places = [_place(a) for a in self.local]
        self.taken: list[Agency] = []  # the leads of the sentence being written: not their own partners
        self.this = "văn bản này"  # how the notice names itself
        self.places += ["Dung Quất", "Sa Huỳnh", "Mỹ Khê", "Ba Tơ", "Minh Long", "Sơn Hà", "Trà Bồng"]

    # choices --------------------------------------------------------------------------------------
    def pick(self, items: tuple[str, ...] | list[str]) -> str:
        return self.rng.choice(items)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def agency(self, local: float = 0.12) -> Agency:
        if self.chance(local):
            return self.rng.choice(self.local)
        return self.rng.choice(self.departments if self.chance(0.6) else self.provincial)

    def form(self, agency: Agency) -> str:
        # The full name most of the time, an alias (abbreviation, short form) now and then.
        return agency.name if self.chance(0.6) else self.rng.choice(agency.forms)

    def lead(self) -> str:
        agency = self.agency()
        self.taken = [agency]
        return self.form(agency)

    def distinct(self, count: int, local: float = 0.12, besides: list[Agency] | None = None) -> list[Agency]:
        chosen: list[Agency] = []
        while len(chosen) < count:
            agency = self.agency(local)
            if agency not in chosen and agency not in (besides or ()):
                chosen.append(agency)
        return chosen

    def names(self, count: int, joiner: str = " và ") -> str:
        self.taken = self.distinct(count)
        forms = [self.form(a) for a in self.taken]
        if len(forms) == 1:
            return forms[0]
        return ", ".join(forms[:-1]) + joiner + forms[-1]

    def coops(self) -> str:
        parts = [self.form(a) for a in self.distinct(self.rng.randint(1, 3), besides=self.taken)]
        if self.chance(0.12):  # a unit the directory does not know: a ministry, a company …
            parts.insert(self.rng.randint(0, len(parts)), self.pick(OTHER_UNITS + MINISTRIES))
        if self.chance(0.45):
            return ", ".join(parts) + (" và " if self.chance(0.5) else ", ") + self.pick(GENERIC_COOPS)
        if len(parts) == 1:
            return parts[0]
        return ", ".join(parts[:-1]) + " và " + parts[-1]

    def person(self) -> str:
        return f"{self.pick(FAMILY)} {self.pick(MIDDLE)} {self.pick(GIVEN)}"

    def number(self) -> int:
        return self.rng.randint(2, 980)

    def date(self, after: dt.date | None = None, days: int = 300) -> dt.date:
        return (after or self.signed) + dt.timedelta(days=self.rng.randint(3, days))

    def past(self) -> dt.date:
        return self.signed - dt.timedelta(days=self.rng.randint(5, 400))

    def dmy(self, day: dt.date, year: bool = True) -> str:
        d = f"{day.day:02d}" if self.chance(0.4) else str(day.day)
        m = f"{day.month:02d}" if self.chance(0.4) else str(day.month)
        return f"{d}/{m}/{day.year}" if year else f"{d}/{m}"

    def fill(self, template: str) -> str:
        # Only the fields a template names are drawn: each draw moves the seeded sequence on.
        values: dict[str, str | int] = {}
        for name in re.findall(r"{(\w+)}", template):
            if name in values:
                continue
            values[name] = {
                "year": lambda: self.year,
                "year1": lambda: self.year + 1,
                "year5": lambda: self.year + 5,
                "place": lambda: self.pick(self.places),
                "project": lambda: self.fill(self.pick(PROJECTS)),
                "river": lambda: self.pick(RIVERS),
                "road": lambda: self.rng.randint(621, 629),
                "field": lambda: self.pick(FIELDS),
                "number": lambda: self.number(),
                "session": lambda: self.rng.randint(8, 32),
                "quarter": lambda: ROMAN[self.rng.randint(1, 4)],
                "date": lambda: self.dmy(self.past()),
                "pct": lambda: f"{self.rng.randint(12, 99)},{self.rng.randint(0, 9)}",
                "amount": lambda: f"{self.rng.randint(120, 28_000):,}".replace(",", "."),
                "count": lambda: self.rng.randint(3, 180),
                "count2": lambda: f"{self.rng.randint(1_000, 25_000):,}".replace(",", "."),
            }[name]()
        return template.format(**values)

    def task(self, capital: bool = True) -> str:
        verb = self.pick(VERBS)
        text = f"{verb} {self.fill(self.pick(OBJECTS))}"
        text += self.fill(self.pick(QUALIFIERS)) + self.fill(self.pick(PURPOSES))
        return text if capital else _low(text)

    def deadline(self, bold: float = 0.12) -> str:
        day = self.date()
        quarter = (day.month - 1) // 3 + 1
        text = self.pick(
            (
                f"hoàn thành trước ngày {self.dmy(day)}",
                f"hoàn thành trước ngày {self.dmy(day, year=False)}",
                f"trước ngày {self.dmy(day)}",
                f"chậm nhất ngày {day.day} tháng {day.month} năm {day.year}",
                f"hoàn thành trong Quý {ROMAN[quarter]}/{day.year}",
                f"trong quý {quarter} năm {day.year}",
                f"hoàn thành trong tháng {day.month}/{day.year}",
                f"trong tháng {day.month:02d}/{day.year}",
                f"hoàn thành trong năm {day.year}",
                f"báo cáo kết quả về UBND tỉnh trước ngày {self.dmy(day)}",
                f"báo cáo UBND tỉnh trước ngày {day.day} tháng {day.month} năm {day.year}",
                "định kỳ hằng quý báo cáo UBND tỉnh",
                f"báo cáo kết quả trước ngày {self.rng.choice((15, 20, 25))} hằng tháng",
                "thực hiện thường xuyên",
                "định kỳ 6 tháng, hằng năm báo cáo kết quả thực hiện",
                f"trong {self.rng.choice((7, 10, 15, 30))} ngày kể từ ngày ký văn bản này",
                f"trong {self.rng.choice((5, 7, 10))} ngày làm việc",
                f"hoàn thành trước ngày 31/12/{day.year}",
            )
        )
        return f"**{text}**" if self.chance(bold) else text

    def short_deadline(self) -> str:
        day = self.date()
        quarter = (day.month - 1) // 3 + 1
        return self.pick(
            (
                f"Quý {ROMAN[quarter]}/{day.year}",
                self.dmy(day),
                f"Tháng {day.month}/{day.year}",
                f"Trước {self.dmy(day)}",
                "Thường xuyên",
                "Hằng quý",
                f"Năm {day.year}",
                f"Trước ngày {self.dmy(day)}",
            )
        )

    def tail(self, p: float = 0.7) -> str:
        """ "; hoàn thành trước ngày …." or "."."""
        return f"; {self.deadline()}." if self.chance(p) else "."

    def letters(self, count: int) -> list[str]:
        return list(LETTERS[:count])

    def figures(self) -> str:
        return self.fill(self.pick(FIGURES))


Unit = Callable[[Writer, int], list[str]]
# Each template writes one unit numbered n: a list of paragraphs (a paragraph may hold single line
# breaks: table rows, field blocks).


def t_giao_letters(w: Writer, n: int) -> list[str]:
    out = [f"{n}. Giao {w.lead()}:"]
    for letter in w.letters(w.rng.randint(2, 7)):
        opener = w.pick(("Chủ trì, phối hợp với " + w.coops() + " ", "", "", "Khẩn trương ", "Tiếp tục "))
        body = w.task(capital=not opener)
        out.append(f"{letter}) {opener}{body}{w.tail(0.6)}")
    return out


def t_lead_chu_tri(w: Writer, n: int) -> list[str]:
    return [f"{n}. {w.lead()} chủ trì, phối hợp với {w.coops()} {w.task(False)}{w.tail(0.8)}"]


def t_lead_colon(w: Writer, n: int) -> list[str]:
    return [f"{n}. {w.lead()}: {w.task()}{w.tail()}"]


def t_theo_chuc_nang(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. {w.names(w.rng.randint(2, 4))} theo chức năng, nhiệm vụ được giao, {w.task(False)}"
        f"{w.tail(0.5)}"
    ]


def t_collective_letters(w: Writer, n: int) -> list[str]:
    out = [f"{n}. {w.pick(COLLECTIVE_LEADS)}:"]
    for letter in w.letters(w.rng.randint(2, 4)):
        out.append(f"{letter}) {w.task()}{w.tail(0.5)}")
    return out


def t_ubnd_xa(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. UBND các xã, phường, đặc khu chủ trì, phối hợp với {w.coops()} {w.task(False)}; "
        f"phấn đấu đến hết năm {w.year} {w.figures()}{w.tail(0.5)}"
    ]


def t_trach_nhiem(w: Writer, n: int) -> list[str]:
    out = [f"{n}. Trách nhiệm của {w.lead()}"]
    for _ in range(w.rng.randint(2, 5)):
        out.append(f"- {w.task()}{w.tail(0.5)}")
    return out


def t_giao_chu_tri_letters(w: Writer, n: int) -> list[str]:
    out = [f"{n}. Giao {w.lead()} chủ trì, phối hợp với {w.coops()}:"]
    for letter in w.letters(w.rng.randint(2, 4)):
        out.append(f"{letter}) {w.task()}{w.tail(0.6)}")
    return out


def t_bullets_plus(w: Writer, n: int) -> list[str]:
    out = [f"{n}. {w.lead()}:"]
    for _ in range(w.rng.randint(1, 3)):
        out.append(f"- {w.task()}:")
        for _ in range(w.rng.randint(2, 3)):
            out.append(f"+ {w.task()}{w.tail(0.4)}")
    return out


def t_round_bullets(w: Writer, n: int) -> list[str]:
    out = [f"{n}. Giao {w.names(2)}:"]
    for _ in range(w.rng.randint(2, 4)):
        out.append(f"• {w.task()}{w.tail(0.6)}")
    return out


def t_decimal(w: Writer, n: int) -> list[str]:
    out = [f"{n}. Về {_low(w.pick(TOPICS).capitalize())}"]
    for i in range(1, w.rng.randint(2, 4) + 1):
        if w.chance(0.4):
            out.append(f"{n}.{i}. Giao {w.lead()}:")
            for j in range(1, w.rng.randint(2, 3) + 1):
                out.append(f"{n}.{i}.{j}. {w.task()}{w.tail(0.6)}")
        else:
            out.append(f"{n}.{i}. {w.lead()} chủ trì, phối hợp với {w.coops()} {w.task(False)}{w.tail()}")
    return out


def t_pipe_table(w: Writer, n: int) -> list[str]:
    rows = ["STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn hoàn thành"]
    for i in range(1, w.rng.randint(3, 8) + 1):
        rows.append(f"{i} | {w.task()} | {w.lead()} | {w.coops()} | {w.short_deadline()}")
    return [f"{n}. Giao nhiệm vụ cụ thể cho các cơ quan, đơn vị theo danh mục sau:", "\n".join(rows)]


def t_markdown_table(w: Writer, n: int) -> list[str]:
    rows = [
        "| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian thực hiện |",
        "|---|---|---|---|---|",
    ]
    for i in range(1, w.rng.randint(3, 7) + 1):
        rows.append(f"| {i} | {w.task()} | {w.lead()} | {w.coops()} | {w.short_deadline()} |")
    return [f"{n}. Danh mục nhiệm vụ {_low(w.pick(TOPICS).capitalize())} năm {w.year}:", "\n".join(rows)]


def t_activities(w: Writer, n: int) -> list[str]:
    out = [f"{n}. Các hoạt động trọng tâm về {w.pick(FIELDS)}"]
    for k in range(1, w.rng.randint(2, 4) + 1):
        block = [
            f"Hoạt động {k}: {w.task()}",
            f"– Đơn vị chủ trì: {w.lead()}",
            f"– Đơn vị phối hợp: {w.coops()}",
            f"– Thời gian hoàn thành: {w.short_deadline()}",
        ]
        if w.chance(0.4):
            block.append(
                f"– Sản phẩm: {w.pick(('Báo cáo', 'Kế hoạch', 'Quyết định', 'Đề án'))} của UBND tỉnh"
            )
        out.append("\n".join(block))
    return out


def t_field_block(w: Writer, n: int) -> list[str]:
    block = [
        f"{n}.",
        f"Nội dung: {w.task()}",
        f"Cơ quan chủ trì: {w.names(w.rng.choice((1, 1, 2)), ', ')}",
        f"Cơ quan phối hợp: {w.coops()}",
        f"Thời hạn: {w.short_deadline()}",
    ]
    return ["\n".join(block)]


def t_prose_task(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. Giao {w.lead()} chủ trì, phối hợp với {w.coops()} {w.task(False)}; đồng thời {w.task(False)}.",
        f"Đồng thời, {_low(w.task())}; qua đó {w.pick(('xác định rõ', 'làm rõ', 'đánh giá đúng'))} "
        f"nguyên nhân, trách nhiệm của từng cơ quan, đơn vị và đề xuất giải pháp khắc phục{w.tail(0.6)}",
    ]


def t_deadline_long(w: Writer, n: int) -> list[str]:
    day = w.date()
    return [
        f"{n}. {w.lead()} khẩn trương {w.task(False)}, trình UBND tỉnh xem xét, quyết định chậm nhất "
        f"ngày {day.day} tháng {day.month} năm {day.year}; quá thời hạn nêu trên mà chưa hoàn thành, "
        f"{w.pick(('Giám đốc', 'Thủ trưởng', 'Người đứng đầu'))} đơn vị phải báo cáo, giải trình "
        "rõ lý do với Chủ tịch UBND tỉnh."
    ]


def t_report_periodic(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. {w.names(w.rng.randint(1, 3))} tổng hợp, báo cáo kết quả thực hiện {w.fill(w.pick(OBJECTS))} "
        f"về {w.lead()} định kỳ hằng {w.pick(('tháng', 'quý'))} (trước ngày "
        f"{w.rng.choice((10, 15, 20))} của tháng cuối kỳ báo cáo) để tổng hợp, báo cáo UBND tỉnh."
    ]


def t_office_monitor(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. Văn phòng UBND tỉnh theo dõi, đôn đốc các cơ quan, đơn vị thực hiện các nhiệm vụ được giao "
        f"tại {w.this}; kịp thời báo cáo Chủ tịch UBND tỉnh những nội dung chậm tiến độ"
        f"{w.tail(0.4)}"
    ]


def t_head_responsibility(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. Người đứng đầu các sở, ban, ngành, địa phương phải trực tiếp chỉ đạo và chịu trách nhiệm "
        f"toàn diện trước UBND tỉnh, Chủ tịch UBND tỉnh về kết quả {_low(w.task())} trong phạm vi ngành, "
        f"lĩnh vực, địa bàn quản lý; xem đây là nhiệm vụ trọng tâm, xuyên suốt năm {w.year}."
    ]


def t_phoi_hop_chat_che(w: Writer, n: int) -> list[str]:
    w.taken = w.distinct(3)
    first, second, third = (w.form(a) for a in w.taken)
    return [
        f"{n}. Giao {first}, {second} và {third} phối hợp chặt chẽ với {w.coops()} {w.task(False)}"
        f"{w.tail(0.7)}"
    ]


def t_projects(w: Writer, n: int) -> list[str]:
    out = [f"{n}. Đối với các dự án trọng điểm:"]
    for letter in w.letters(w.rng.randint(2, 4)):
        out.append(
            f"{letter}) Dự án {w.fill(w.pick(PROJECTS))}: Giao {w.lead()} {w.task(False)}; {w.deadline()}."
        )
    return out


def t_thong_nhat(w: Writer, n: int) -> list[str]:
    lead = w.rng.choice(w.departments)
    return [
        f"{n}. Thống nhất chủ trương theo đề xuất của {lead.name} tại Tờ trình số {w.number()}/TTr-"
        f"{lead.code} ngày {w.dmy(w.past())}. Giao {w.form(lead)} hoàn chỉnh hồ sơ, trình UBND tỉnh "
        f"ban hành {w.fill(w.pick(OBJECTS))}{w.tail(0.8)}"
    ]


def t_letters_bullets(w: Writer, n: int) -> list[str]:
    out = [f"{n}. {w.lead()}:"]
    for letter in w.letters(w.rng.randint(2, 3)):
        out.append(f"{letter}) {w.task()}:")
        for _ in range(w.rng.randint(1, 3)):
            out.append(f"- {w.task()}{w.tail(0.5)}")
    return out


def t_giam_doc_cac_so(w: Writer, n: int) -> list[str]:
    fields = [a.short for a in w.rng.sample(w.departments, w.rng.randint(2, 5)) if a.short]
    return [
        f"{n}. Giám đốc các Sở: {', '.join(fields)} theo lĩnh vực quản lý, {w.task(False)}; tổng hợp, "
        f"gửi {w.lead()} để báo cáo UBND tỉnh{w.tail(0.6)}"
    ]


def t_rut_kinh_nghiem(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. Phê bình {w.lead()} chậm triển khai {w.fill(w.pick(OBJECTS))}; yêu cầu "
        f"{w.pick(('Giám đốc', 'Thủ trưởng'))} đơn vị nghiêm túc rút kinh nghiệm, khẩn trương "
        f"{w.task(False)}{w.tail(0.9)}"
    ]


def t_local_named(w: Writer, n: int) -> list[str]:
    chosen = w.rng.sample(w.local, 3)
    w.taken = chosen[:1]
    return [
        f"{n}. Chủ tịch UBND các xã, phường: {', '.join(_place(a) for a in chosen)} chỉ đạo "
        f"{w.task(False)}; báo cáo kết quả về {w.lead()}{w.tail(0.5)}",
        f"{w.rng.choice(chosen[0].forms)} chủ trì, phối hợp với {w.coops()} {w.task(False)}{w.tail(0.7)}",
    ]


def t_abbreviations(w: Writer, n: int) -> list[str]:
    chosen = w.distinct(3)
    forms = [w.rng.choice(a.forms[1:] or a.forms) for a in chosen]
    return [f"{n}. {', '.join(forms)} phối hợp {w.task(False)}{w.tail(0.6)}"]


def t_thuong_truc(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. Giao {w.lead()} (cơ quan thường trực Ban Chỉ đạo) chủ trì, phối hợp với {w.coops()} "
        f"{w.task(False)}{w.tail()}"
    ]


def t_kien_nghi_cu_tri(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. Đối với kiến nghị của {w.lead()} về {w.fill(w.pick(OBJECTS))}: Giao {w.lead()} nghiên cứu, "
        f"giải quyết theo thẩm quyền; trường hợp vượt thẩm quyền, báo cáo, đề xuất UBND tỉnh "
        f"{w.deadline(bold=0)}."
    ]


def t_cac_co_quan(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. Các cơ quan: {w.names(w.rng.randint(3, 5), ', ')} theo chức năng, nhiệm vụ được giao, "
        f"khẩn trương {w.task(False)}{w.tail()}"
    ]


def t_month_recurring(w: Writer, n: int) -> list[str]:
    month = w.rng.randint(1, 12)
    return [
        f"{n}. {w.lead()}: {w.task()}; tổ chức thực hiện trước ngày {w.rng.randint(1, 28)}/{month} "
        f"hằng năm và trong tháng {month}/{w.year + 1} tổng kết, báo cáo UBND tỉnh."
    ]


def t_khac_phuc(w: Writer, n: int) -> list[str]:
    return [
        f"{n}. Về những tồn tại, hạn chế nêu trên: Giao {w.lead()} chủ trì, phối hợp với {w.coops()} "
        f"xác định rõ nguyên nhân, đề xuất giải pháp khắc phục; trong đó tập trung {w.task(False)}"
        f"{w.tail(0.8)}",
        f"{_cap(w.pick(GENERIC_COOPS))} có trách nhiệm phối hợp, cung cấp đầy đủ thông tin, hồ sơ, tài liệu "
        "khi được đề nghị.",
    ]


def t_so_ket(w: Writer, n: int) -> list[str]:
    year = w.year
    return [
        f"{n}. Giao {w.lead()} chủ trì, phối hợp với {w.coops()} theo dõi, đôn đốc việc triển khai "
        f"{w.this}; tổ chức sơ kết 6 tháng đầu năm {year} (trước ngày {w.rng.randint(10, 25)}/7/{year}) và "
        f"tổng kết năm {year} (trước ngày {w.rng.randint(5, 20)}/12/{year}), báo cáo UBND tỉnh."
    ]


TASK_UNITS: tuple[Unit, ...] = (
    t_giao_letters,
    t_lead_chu_tri,
    t_lead_colon,
    t_theo_chuc_nang,
    t_collective_letters,
    t_ubnd_xa,
    t_trach_nhiem,
    t_giao_chu_tri_letters,
    t_bullets_plus,
    t_round_bullets,
    t_decimal,
    t_pipe_table,
    t_markdown_table,
    t_activities,
    t_field_block,
    t_prose_task,
    t_deadline_long,
    t_report_periodic,
    t_head_responsibility,
    t_phoi_hop_chat_che,
    t_projects,
    t_thong_nhat,
    t_letters_bullets,
    t_giam_doc_cac_so,
    t_rut_kinh_nghiem,
    t_local_named,
    t_abbreviations,
    t_thuong_truc,
    t_kien_nghi_cu_tri,
    t_cac_co_quan,
    t_month_recurring,
    t_khac_phuc,
)
CLOSING_UNITS: tuple[Unit, ...] = (t_office_monitor, t_so_ket, t_report_periodic)


# Parts that assign nothing ----------------------------------------------------------------------
def assessment_paragraphs(w: Writer) -> list[str]:
    first, second = (w.form(a) for a in w.distinct(2))
    return [
        f"Trong thời gian qua, {w.pick(GENERIC_COOPS[-3:])} đã có nhiều cố gắng trong việc triển khai "
        f"thực hiện các nhiệm vụ được giao; {w.figures()}; {w.figures()}. {first} đã chủ trì, phối hợp với "
        f"{second} {w.task(False)}, bước đầu đạt kết quả tích cực.",
        f"Tuy nhiên, việc tổ chức thực hiện ở một số cơ quan, đơn vị còn chậm; tính chủ động, quyết liệt "
        f"chưa cao; {_low(w.fill(w.pick(OBJECTS)))} còn vướng mắc kéo dài; sự phối hợp giữa "
        f"{w.lead()} với {w.lead()} có lúc chưa chặt chẽ.",
    ]


def assessment_items(w: Writer) -> list[str]:
    return [
        f"1. Kết quả đạt được: {_cap(w.figures())}; {w.figures()}; {w.lead()} đã hoàn thành "
        f"{w.fill(w.pick(OBJECTS))} trước thời hạn.",
        f"2. Tồn tại, hạn chế: {_cap(w.fill(w.pick(OBJECTS)))} chưa bảo đảm tiến độ; {w.figures()}, thấp "
        "hơn cùng kỳ năm trước.",
    ]


def purpose_part(w: Writer) -> list[str]:
    return [
        "1. Mục đích",
        f"a) Triển khai kịp thời, đồng bộ các nhiệm vụ, giải pháp về {w.pick(FIELDS)}; phát huy vai trò, "
        "trách nhiệm của người đứng đầu các cơ quan, đơn vị.",
        f"b) Xác định rõ nội dung công việc, thời hạn hoàn thành và trách nhiệm của các cơ quan, đơn vị "
        f"trong tổ chức thực hiện, bảo đảm {w.pick(FIELDS)} đạt kết quả cụ thể.",
        "2. Yêu cầu",
        "- Bám sát chủ trương của Đảng, chính sách, pháp luật của Nhà nước; phù hợp với điều kiện thực tế.",
        f"- Phân công nhiệm vụ cụ thể, gắn với lộ trình thực hiện đến năm {w.year + 5}; thường xuyên kiểm "
        "tra, đánh giá kết quả thực hiện.",
    ]


def proposals_part(w: Writer) -> list[str]:
    chosen = w.rng.sample(MINISTRIES, w.rng.randint(2, 4))
    out = ["1. Kính gửi:\n" + "\n".join(f"- {ministry};" for ministry in chosen)]
    out.append(f"UBND tỉnh kính đề nghị các Bộ quan tâm, xem xét {w.task(False)}.")
    for index, ministry in enumerate(chosen, start=2):
        out.append(
            f"{index}. Đề nghị {ministry} {w.pick(('xem xét', 'sớm có ý kiến về', 'hướng dẫn'))} "
            f"{_low(w.fill(w.pick(OBJECTS)))}, tạo điều kiện để tỉnh {w.task(False)}."
        )
    return out


# The document -------------------------------------------------------------------------------------
@dataclass
class Frame:
    kind: str  # THÔNG BÁO, KẾ HOẠCH, CÔNG VĂN
    header: list[str]
    closing: list[str]


def _frame(w: Writer, kind: str) -> Frame:
    chair_title = w.pick(("Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh"))
    chair = w.person()
    day = w.signed
    topic = _low(w.pick(TOPICS).capitalize())
    issuer = w.pick(("UBND TỈNH QUẢNG NGÃI", "VĂN PHÒNG UBND TỈNH QUẢNG NGÃI"))
    code = {"THÔNG BÁO": "TB", "KẾ HOẠCH": "KH", "CÔNG VĂN": "UBND"}[kind]
    suffix = w.pick(("UBND", "VP", "KTTH", "KGVX")) if kind != "CÔNG VĂN" else w.pick(("KTTH", "KGVX"))
    header = [
        f"{issuer}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        f"Số: {w.number()}/{code}-{suffix}\n"
        f"Quảng Ngãi, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
    ]
    if kind == "THÔNG BÁO":
        meeting = day - dt.timedelta(days=w.rng.randint(1, 6))
        present = w.rng.sample(w.departments, 4)
        attendees = [a.short for a in present if a.short]
        header += [
            kind,
            f"Kết luận của {chair_title} {chair} tại cuộc họp về {topic} năm {w.year}",
            f"Ngày {meeting.day:02d}/{meeting.month:02d}/{meeting.year}, tại Trụ sở UBND tỉnh, {chair_title} "
            f"{chair} chủ trì cuộc họp về {topic} năm {w.year}. Tham dự cuộc họp có đại diện lãnh đạo các "
            f"sở, ngành: {', '.join(attendees)}, "
            f"{', '.join(w.form(a) for a in w.distinct(2, besides=present))}, Văn phòng UBND tỉnh.",
            f"Sau khi nghe {w.lead()} báo cáo và ý kiến thảo luận của các đại biểu dự họp, {chair_title} "
            f"{chair} kết luận và chỉ đạo như sau:",
        ]
        end = "Nay thông báo để các sở, ban, ngành, địa phương biết, thực hiện./."
        sign = "TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG"
    elif kind == "KẾ HOẠCH":
        header += [
            kind,
            f"Triển khai các nhiệm vụ về {topic} trên địa bàn tỉnh Quảng Ngãi năm {w.year}",
            f"Thực hiện Nghị quyết số {w.number()}/NQ-CP ngày {w.dmy(w.past())} của Chính phủ và Kế hoạch "
            f"số {w.number()}/KH-UBND ngày {w.dmy(w.past())} của UBND tỉnh, UBND tỉnh ban hành Kế hoạch "
            f"triển khai các nhiệm vụ về {topic} năm {w.year} như sau:",
        ]
        end = (
            "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị, địa phương kịp "
            f"thời phản ánh về {w.lead()} để tổng hợp, báo cáo UBND tỉnh xem xét, giải quyết./."
        )
        sign = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    else:
        recipients = [f"- {a.name};" for a in w.distinct(w.rng.randint(2, 4))]
        header[1] += f"\nV/v đôn đốc thực hiện các nhiệm vụ về {topic}"
        header += [
            kind,
            "Kính gửi:\n- Các sở, ban, ngành tỉnh;\n"
            + "\n".join(recipients)
            + "\n- UBND các xã, phường, đặc khu.",
            f"Qua theo dõi, tính đến ngày {w.dmy(day - dt.timedelta(days=5))} còn {w.rng.randint(5, 60)} "
            f"nhiệm vụ về {topic} do UBND tỉnh giao đã quá hạn nhưng chưa hoàn thành. Để bảo đảm tiến độ "
            "chung của tỉnh, Chủ tịch UBND tỉnh yêu cầu:",
        ]
        end = "Yêu cầu các cơ quan, đơn vị, địa phương nghiêm túc triển khai thực hiện./."
        sign = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    copies = [f"- {w.form(a)};" for a in w.distinct(w.rng.randint(1, 3))]
    closing = [
        end,
        "Nơi nhận:",
        "\n".join(
            [
                "- CT, các PCT UBND tỉnh;",
                "- Các sở, ban, ngành tỉnh;",
                *copies,
                "- UBND các xã, phường, đặc khu;",
                f"- VPUB: CVP, PCVP, {w.pick(('KTTH', 'KGVX', 'NC'))};",
                "- Lưu: VT.",
            ]
        ),
        sign,
        w.person(),
    ]
    return Frame(kind, header, closing)


def _length(paragraphs: list[str]) -> int:
    return sum(len(p) + 2 for p in paragraphs)


def _paginate(w: Writer, paragraphs: list[str]) -> str:
    """Join the paragraphs, with a page number every PAGE_CHARS characters; now and then the page
    breaks a paragraph in two, and a long paragraph is broken over two lines, as a PDF's text is."""
    style = w.pick(("{p}", "- {p} -", "Trang {p}"))
    out: list[str] = []
    size, page = 0, 1
    for paragraph in paragraphs:
        plain = "\n" not in paragraph and "|" not in paragraph and len(paragraph) > 160
        if plain and w.chance(0.08):
            cut = paragraph.find(" ", len(paragraph) // 2)
            if cut > 0:
                paragraph = paragraph[:cut] + "\n" + paragraph[cut + 1 :]
        if size + len(paragraph) > page * PAGE_CHARS:
            page += 1
            number = style.format(p=page)
            cut = paragraph.find(" ", len(paragraph) // 2) if plain and w.chance(0.3) else -1
            if cut > 0:
                out += [paragraph[:cut], number, paragraph[cut + 1 :]]
            else:
                out += [number, paragraph] if w.chance(0.5) else [paragraph, number]
        else:
            out.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(out) + "\n"


def make_notice(pages: int, seed: int = 0) -> str:
    """One notice of about `pages` × 3,000 characters (at least its frame and a few units)."""
    if pages < 1:
        raise ValueError("a notice has at least one page")
    rng = random.Random(f"notice-{seed}-{pages}")
    signed = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 120))
    w = Writer(rng, signed)
    # The kind follows the seed alone, so that one seed's notices of each size are alike; an official
    # letter (CÔNG VĂN) runs to three pages at most, a longer one is a notice.
    kind = random.Random(f"kind-{seed}").choice(("THÔNG BÁO", "KẾ HOẠCH", "CÔNG VĂN", "THÔNG BÁO"))
    frame = _frame(w, "THÔNG BÁO" if kind == "CÔNG VĂN" and pages > 3 else kind)
    w.this = {"THÔNG BÁO": "Thông báo này", "KẾ HOẠCH": "Kế hoạch này"}.get(frame.kind, "văn bản này")
    target = pages * PAGE_CHARS
    # What ends the body is written first (numbered 0 for now), so that the rest fills the target.
    closing = [unit(w, 0) for unit in rng.sample(CLOSING_UNITS, 2)]
    proposals = proposals_part(w) if pages >= 5 and frame.kind != "CÔNG VĂN" else []
    reserve = _length(frame.closing) + sum(_length(u) for u in closing) + _length(proposals) + 80

    body: list[str] = []
    roman = 0

    def part(title: str) -> None:
        nonlocal roman
        roman += 1
        body.append(f"{_roman(roman)}. {title}")

    def room() -> int:
        return target - _length(frame.header) - _length(body) - reserve

    def add_unit(n: int) -> None:
        """A unit that fits what is left of the target (of a few drawn, else the shortest)."""
        drawn = []
        for _ in range(4):
            unit = rng.choice(TASK_UNITS)(w, n)
            if _length(unit) <= room() + 300:
                body.extend(unit)
                return
            drawn.append(unit)
        body.extend(min(drawn, key=_length))

    def numbered(unit: list[str], n: int) -> list[str]:
        return [unit[0].replace("0. ", f"{n}. ", 1), *unit[1:]]

    if frame.kind == "CÔNG VĂN":  # a letter: numbered requests, no parts
        n = 0
        while room() > 0 or n < 1:
            n += 1
            add_unit(n)
        for i, unit in enumerate(closing, start=n + 1):
            body += numbered(unit, i)
        return _paginate(w, frame.header + body + frame.closing)

    if frame.kind == "KẾ HOẠCH":
        part("MỤC ĐÍCH, YÊU CẦU")
        body += purpose_part(w)
    part(w.pick(("ĐÁNH GIÁ CHUNG", "KẾT QUẢ ĐẠT ĐƯỢC", f"TÌNH HÌNH THỰC HIỆN NĂM {w.year - 1}")))
    body += assessment_paragraphs(w) if pages < 3 or rng.random() < 0.5 else assessment_items(w)

    per_part = (5 + pages // 6, 10 + pages // 5)  # ~25 parts at 100 pages
    parts_done = 0
    while parts_done == 0 or room() > 0:
        parts_done += 1
        if parts_done % 7 == 0:
            part(f"ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN NHIỆM VỤ VỀ {w.pick(TOPICS)}")
            body += assessment_paragraphs(w)
            continue
        if parts_done == 1:
            part("NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM" + (" TRONG THỜI GIAN TỚI" if w.chance(0.5) else ""))
        else:
            part(f"NHIỆM VỤ VỀ {w.pick(TOPICS)}")
        for n in range(1, rng.randint(*per_part) + 1):
            add_unit(n)
            if room() <= 0:
                break
    if proposals:
        part("KIẾN NGHỊ, ĐỀ XUẤT")
        body += proposals
    part("TỔ CHỨC THỰC HIỆN")
    for i, unit in enumerate(closing, start=1):
        body += numbered(unit, i)
    return _paginate(w, frame.header + body + frame.closing)


def _roman(number: int) -> str:
    out = ""
    for value, numeral in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        out += numeral * count
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Print one generated notice.")
    parser.add_argument("pages", nargs="?", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(make_notice(args.pages, args.seed), end="")


if __name__ == "__main__":
    main()
