"""Deadlines read from notice text: every reading the importer relies on, what is not a deadline, and that
no text at all makes the reader fail."""

import datetime as dt
import unicodedata
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.notices import ONGOING
from dondoc.notices.deadlines import find_deadline

DOC = dt.date(2026, 3, 2)  # a Monday
ANY = object()  # the phrase is not checked


class Case(NamedTuple):
    text: str
    date: str | None
    recurrence: str | None = None
    phrase: object = ANY
    base: dt.date | None = DOC
    field: bool = False
    anchors: str = ""


LAW = "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2028."
DECREE = "Nghị định này có hiệu lực kể từ ngày 15/02/2028."
DECISION = "Quyết định này có hiệu lực kể từ ngày ký."

CASES = {
    # Readings that worked before and must keep working.
    "quarter": Case("Rà soát hồ sơ; hoàn thành trong Quý I/2026.", "2026-03-31", phrase="trong Quý I/2026"),
    "quarter bold": Case("hoàn thành **trong Quý I/2026**.", "2026-03-31", phrase="trong Quý I/2026"),
    "date in words": Case(
        "báo cáo UBND tỉnh trước ngày 15 tháng 3 năm 2026.",
        "2026-03-15",
        phrase="trước ngày 15 tháng 3 năm 2026",
    ),
    "day and month": Case("trình UBND tỉnh trước 30/6.", "2026-06-30", phrase="trước 30/6"),
    "day and month, no document date": Case("trình UBND tỉnh trước 30/6.", None, ONGOING, "trước 30/6", None),
    "days after signing": Case(
        "gửi Sở Khoa học và Công nghệ trong 15 ngày kể từ ngày ký Thông báo này.",
        "2026-03-17",
        phrase="trong 15 ngày kể từ ngày ký",
    ),
    "latest": Case(
        "chậm nhất ngày 10/4/2026 phải trình UBND tỉnh", "2026-04-10", phrase="chậm nhất ngày 10/4/2026"
    ),
    "latest là": Case("chậm nhất là ngày 30/4/2026 phải trình UBND tỉnh", "2026-04-30"),
    "month": Case("hoàn thành trong tháng 6/2026.", "2026-06-30", phrase="trong tháng 6/2026"),
    "month of the document's year": Case("Tổ chức Ngày hội; hoàn thành trong tháng 10.", "2026-10-31"),
    "first half": Case("đạt 50% kế hoạch trong 6 tháng đầu năm 2026.", "2026-06-30"),
    "second half": Case("6 tháng cuối năm 2026", "2026-12-31"),
    "nine months": Case("trong 9 tháng đầu năm 2026", "2026-09-30"),
    "year": Case(
        "Hoàn thành việc sắp xếp trường, lớp trong năm 2026.", "2026-12-31", phrase="trong năm 2026"
    ),
    "monthly": Case("định kỳ hằng tháng báo cáo UBND tỉnh", None, "monthly", "định kỳ hằng tháng"),
    "quarterly": Case("báo cáo UBND tỉnh định kỳ hằng quý.", None, "quarterly", "định kỳ hằng quý"),
    "weekly": Case("tổ chức kiểm tra hiện trường hằng tuần.", None, "weekly"),
    "yearly": Case("tổ chức hằng năm cuộc thi", None, "yearly"),
    "a kind of work, not a recurrence": Case(
        "mức độ hoàn thành nhiệm vụ hằng năm của tập thể", None, ONGOING
    ),
    "ongoing": Case("Thường xuyên kiểm tra công vụ.", None, ONGOING, "Thường xuyên"),
    "continuing": Case("Tiếp tục duy trì phong trào.", None, ONGOING, "Tiếp tục"),
    "throughout": Case("triển khai xuyên suốt năm học", None, ONGOING, "xuyên suốt"),
    "monthly day": Case(
        "báo cáo trước ngày 20 hằng tháng.", "2026-03-20", "monthly", "trước ngày 20 hằng tháng"
    ),
    "monthly day, passed": Case(
        "báo cáo trước ngày 20 hằng tháng.", "2026-04-20", "monthly", base=dt.date(2026, 3, 25)
    ),
    "monthly day, no document date": Case("báo cáo trước ngày 20 hằng tháng.", None, "monthly", base=None),
    # Quarter lists.
    "quarter list": Case("Quý II, III/2027", "2027-09-30", phrase="Quý II, III/2027"),
    "quarter and a year": Case("Quý IV/2027, 2028", "2028-12-31", phrase="Quý IV/2027, 2028"),
    "quarter and quarter": Case("hoàn thành trong Quý I và Quý II năm 2027", "2027-06-30"),
    "quarter in words": Case(
        "hoàn thành trong quý III năm 2027.", "2027-09-30", phrase="trong quý III năm 2027"
    ),
    "quarter to quarter": Case("từ Quý IV/2027 đến Quý I/2028", "2028-03-31"),
    "quarter of the document's year": Case("hoàn thành trong Quý II.", "2026-06-30"),
    # Years and year ranges.
    "year range in a field": Case("2026 - 2028", "2028-12-31", field=True),
    "stage in a field": Case("Giai đoạn 2026-2030", "2030-12-31", field=True),
    "year range in a table cell": Case(
        "3 | Tuyên truyền, phổ biến | Sở Văn hóa, Thể thao và Du lịch | Các xã | 2026 - 2028", "2028-12-31"
    ),
    "stage as the task's time": Case("Triển khai Đề án trong giai đoạn 2026–2030.", "2030-12-31"),
    "years from to": Case("Thực hiện từ năm 2026 đến năm 2028.", "2028-12-31"),
    "a plan's stage is no deadline": Case(
        "Xây dựng Đề án phát triển khoa học, công nghệ tỉnh giai đoạn 2026 - 2030, phù hợp với Nghị quyết.",
        None,
        ONGOING,
    ),
    "a plan's horizon is no deadline": Case(
        "Triển khai Quy hoạch tỉnh thời kỳ 2021 - 2030, tầm nhìn đến năm 2050.", None, ONGOING
    ),
    "year in a field": Case("năm 2027", "2027-12-31", field=True),
    "bare year in a field": Case("2027", "2027-12-31", field=True),
    "a plan's year is no deadline": Case(
        "Ban hành Kế hoạch chuyển đổi số năm 2027 của cơ quan.", None, ONGOING
    ),
    "end of year": Case("trình HĐND tỉnh cuối năm 2027", "2027-12-31", phrase="cuối năm 2027"),
    "start of year": Case("đầu năm 2028", "2028-03-31"),
    "middle of year": Case("hoàn thành giữa năm 2028", "2028-06-30"),
    "before the end of the year": Case("hoàn thành trước cuối năm.", "2026-12-31"),
    "end of month": Case("cuối tháng 9/2027", "2027-09-30"),
    "start of month": Case("hoàn thành trong đầu tháng 9/2027", "2027-09-10"),
    # Months, dates and ranges in fields.
    "bare month in a field": Case("Tháng 9/2027", "2027-09-30", field=True, phrase="Tháng 9/2027"),
    "month in words": Case("hoàn thành trong tháng 9 năm 2027", "2027-09-30"),
    "date in a time field": Case(
        "Thời gian: ngày 02/9/2027", "2027-09-02", field=True, phrase="ngày 02/9/2027"
    ),
    "bare date in a field": Case("05/11/2027", "2027-11-05", field=True),
    "labelled date in prose": Case(
        "1.2. Hội chợ nông sản\n– Thời gian dự kiến: ngày 05/11/2027\n– Đơn vị chủ trì: Sở Công Thương",
        "2027-11-05",
    ),
    "labelled date with an hour": Case("– Thời gian: 19 giờ 30 phút, ngày 10/3/2027", "2027-03-10"),
    "date range": Case(
        "từ ngày 01/3 đến ngày 15/3/2027", "2027-03-15", phrase="từ ngày 01/3 đến ngày 15/3/2027", field=True
    ),
    "date range in prose": Case("Bố trí lực lượng tại Lễ hội từ ngày 01/3 đến ngày 15/3/2027.", "2027-03-15"),
    "full date range": Case("Kiểm tra từ 01/3/2027 đến 15/3/2027.", "2027-03-15"),
    "dash date range in a field": Case("01/3 - 15/3/2027", "2027-03-15", field=True),
    "month range": Case("Tổ chức từ tháng 3 đến tháng 5/2027.", "2027-05-31"),
    "month range with a dash": Case("tháng 3 - tháng 5/2027", "2027-05-31", field=True),
    "month range, short": Case("tháng 3-5/2027", "2027-05-31", field=True),
    # Yearly, monthly, quarterly and weekly days.
    "yearly day in words": Case(
        "báo cáo Chính phủ trước ngày 15 tháng 4 hằng năm.",
        "2026-04-15",
        "yearly",
        "trước ngày 15 tháng 4 hằng năm",
    ),
    "yearly day": Case("báo cáo trước ngày 15/4 hằng năm.", "2026-04-15", "yearly"),
    "yearly day on the document's date": Case(
        "báo cáo trước ngày 15/4 hằng năm.", "2026-04-15", "yearly", base=dt.date(2026, 4, 15)
    ),
    "yearly day already past": Case(
        "báo cáo trước ngày 15/4 hằng năm.", "2027-04-15", "yearly", base=dt.date(2026, 5, 1)
    ),
    "yearly day, the document's year exempted": Case(
        "báo cáo trước ngày 15/4 hằng năm (riêng năm 2026 thực hiện lồng ghép với báo cáo tổng kết).",
        "2027-04-15",
        "yearly",
    ),
    "yearly day after the recurrence": Case(
        "Định kỳ hằng năm, trước ngày 15/12 báo cáo Bộ",
        "2026-12-15",
        "yearly",
        "Định kỳ hằng năm, trước ngày 15/12",
    ),
    "monthly day, periodic": Case(
        "Định kỳ ngày 20 hàng tháng", "2026-03-20", "monthly", "Định kỳ ngày 20 hàng tháng"
    ),
    "monthly day, on": Case(
        "gửi số liệu vào ngày 25 hằng tháng", "2026-04-25", "monthly", base=dt.date(2026, 3, 26)
    ),
    "monthly day after the recurrence": Case("báo cáo hằng tháng, trước ngày 05", "2026-03-05", "monthly"),
    "monthly day past a short month's end": Case(
        "ngày 31 hằng tháng", "2026-04-30", "monthly", base=dt.date(2026, 4, 5)
    ),
    "quarterly with no day": Case("Thời hạn: Hằng quý", None, "quarterly", field=True),
    "quarterly day": Case("báo cáo hằng quý, trước ngày 15 của tháng cuối quý", "2026-03-15", "quarterly"),
    "quarterly day, passed": Case(
        "trước ngày 15 của tháng cuối quý", "2026-06-15", "quarterly", base=dt.date(2026, 3, 20)
    ),
    "quarterly day, next quarter": Case("trước ngày 10 tháng đầu quý sau", "2026-04-10", "quarterly"),
    "weekly day": Case("báo cáo vào thứ Sáu hằng tuần", "2026-03-06", "weekly"),
    "yearly in a field": Case("Hằng năm", None, "yearly", field=True),
    "ongoing in a field": Case("Thường xuyên", None, ONGOING, "Thường xuyên", field=True),
    # Deadlines counted from an anchor date.
    "months after a law takes effect": Case(
        "Luật có hiệu lực từ ngày 01/01/2028. Bộ Tư pháp ban hành văn bản hướng dẫn "
        "trong 03 tháng kể từ ngày Luật có hiệu lực.",
        "2028-04-01",
        phrase="trong 03 tháng kể từ ngày Luật có hiệu lực",
    ),
    "months after a law, from the document": Case(
        "Bộ Tư pháp ban hành văn bản hướng dẫn trong 03 tháng kể từ ngày Luật có hiệu lực.",
        "2028-04-01",
        anchors=f"Điều 50. Hiệu lực thi hành\n{LAW}",
    ),
    "days after a decree takes effect": Case(
        "trong 30 ngày kể từ ngày Nghị định có hiệu lực thi hành", "2028-03-16", anchors=DECREE
    ),
    "the text's own anchor first": Case(
        "Luật có hiệu lực từ 01/7/2027; trong 03 tháng kể từ ngày Luật có hiệu lực.",
        "2027-10-01",
        anchors=LAW,
    ),
    "a decision in force when signed": Case(
        "trong 10 ngày kể từ ngày Quyết định có hiệu lực", "2026-03-12", anchors=DECISION
    ),
    "days after issue": Case("trong 01 tháng kể từ ngày ban hành", "2026-02-28", base=dt.date(2026, 1, 31)),
    "working days": Case("trong 10 ngày làm việc kể từ ngày ký", "2026-03-16"),
    "days after a date": Case("trong 60 ngày kể từ ngày 01/3/2027", "2027-04-30"),
    "no anchor given": Case(
        "trong 03 tháng kể từ ngày Luật có hiệu lực",
        None,
        ONGOING,
        "trong 03 tháng kể từ ngày Luật có hiệu lực",
    ),
    "days after an event": Case("trong 15 ngày kể từ ngày nhận được văn bản", None, ONGOING),
    # Events with no date.
    "before Tết": Case("hoàn thành trước Tết Nguyên đán", None, ONGOING, "trước Tết Nguyên đán"),
    "after an opinion": Case(
        "trình UBND tỉnh sau khi có ý kiến của Bộ Tài chính.",
        None,
        ONGOING,
        "sau khi có ý kiến của Bộ Tài chính",
    ),
    "a meeting's preamble is no event": Case(
        "Sau khi nghe Sở Y tế báo cáo và ý kiến của các thành viên, Chủ tịch UBND tỉnh kết luận như sau:",
        None,
        ONGOING,
        None,
    ),
    "right after": Case("triển khai ngay sau khi Nghị định được ban hành", None, ONGOING),
    "a date beats an event": Case("sau khi có ý kiến của Bộ, trình UBND tỉnh trước 30/6/2026", "2026-06-30"),
    # Urgency is no deadline.
    "urgently": Case("Khẩn trương triển khai thực hiện.", None, ONGOING, None),
    "soon": Case("sớm hoàn thành việc rà soát", None, ONGOING, None),
    "in time": Case("kịp thời báo cáo UBND tỉnh", None, ONGOING, None),
    "at once": Case("báo cáo ngay UBND tỉnh", None, ONGOING, None),
    # Dates in references are other work's.
    "plan reference": Case(
        "Triển khai theo Kế hoạch số 12/KH-UBND ngày 05/3/2026 của UBND tỉnh.", None, ONGOING
    ),
    "plan reference in a field": Case(
        "theo Kế hoạch số 12/KH-UBND ngày 05/3/2026", None, ONGOING, field=True
    ),
    "reference, then a deadline": Case(
        "Thực hiện Công văn số 45/UBND-KT ngày 10/3/2026, Sở Y tế báo cáo trước 30/6/2026.", "2026-06-30"
    ),
    "plan reference, then a deadline": Case(
        "Triển khai theo Kế hoạch số 12/KH-UBND, hoàn thành trước ngày 30/9/2026.", "2026-09-30"
    ),
    "căn cứ": Case(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025", None, ONGOING, field=True
    ),
    "căn cứ, then a deadline": Case(
        "căn cứ Nghị quyết này xây dựng kế hoạch hành động gửi Bộ trước ngày 15/3/2026.", "2026-03-15"
    ),
    "notice reference": Case(
        "thực hiện nhiệm vụ tại Thông báo số 58/TB-UBND ngày 30/01/2026", None, ONGOING, field=True
    ),
    "already done": Case("Quý II/2026 (đã hoàn thành ngày 05/3/2026)", "2026-06-30", field=True),
    "already done, alone": Case("(đã hoàn thành ngày 05/3/2026)", None, ONGOING, field=True),
    "meeting date": Case("Kết luận tại cuộc họp ngày 22/01/2026", None, ONGOING, field=True),
    "as of a date": Case("tính đến ngày 10/3/2026 còn 27 nhiệm vụ quá hạn", None, ONGOING),
    "mentioned in passing": Case(
        "Theo dõi, đôn đốc; tuyệt đối không để chậm trễ, "
        "nhất là các nhiệm vụ được giao hoàn thành trong Quý I/2026.",
        None,
        ONGOING,
    ),
    "signing line": Case("Quảng Ngãi, ngày 02 tháng 3 năm 2026", None, ONGOING),
    "a date with no trigger in prose": Case("Hội nghị ngày 20/5/2027 đã thống nhất", None, ONGOING),
    # What is not a year.
    "two-digit year": Case("trình UBND tỉnh trước 30/6/26", None, ONGOING),
    "year before 2000": Case("hoàn thành trong năm 1999", None, ONGOING),
    "year after 2100": Case("năm 2101", None, ONGOING, field=True),
    "quarter with a two-digit year": Case("Quý II/26", None, ONGOING),
    "no such quarter": Case("Quý V/2027", None, ONGOING),
    "no such date": Case("trước ngày 99/99/99999", None, ONGOING),
    "no 31 February": Case("trước ngày 31/2/2027", None, ONGOING),
    # Several deadlines.
    "the first one": Case("báo cáo trước 15/3/2026 và tổng kết trước 30/6/2026", "2026-03-15"),
    "finished by beats an earlier date": Case(
        "Tổ chức hội nghị sơ kết trong tháng 6/2027; hoàn thành trước 30/9/2027.", "2027-09-30"
    ),
    "latest beats an earlier date": Case(
        "Khảo sát trong tháng 5/2026, chậm nhất ngày 30/6/2026 trình UBND tỉnh.", "2026-06-30"
    ),
    "finished by, some words apart": Case(
        "tổ chức tiêm chủng, hoàn thành đợt cao điểm trước ngày 15/6/2026, cụ thể: "
        "– Xã A hoàn thành trước ngày 20/5/2026",
        "2026-06-15",
    ),
    "a one-off beats a recurrence": Case("hằng quý báo cáo; hoàn thành trước 30/6/2026", "2026-06-30"),
    # Layouts.
    "table row": Case(
        "2 | Cập nhật dữ liệu đất đai | Sở Nông nghiệp và Môi trường | Sở Tài chính; các xã | Quý III/2027",
        "2027-09-30",
    ),
    "table cell with a date": Case("| 1 | Rà soát phương án | Sở Y tế | Trước 30/6/2027 |", "2027-06-30"),
    "a line holding only the time": Case("Xây dựng phương án\nSở Y tế\nTháng 9/2027\nCác xã", "2027-09-30"),
    "label with no colon": Case("Thời hạn hoàn thành trước ngày 30/6/2026", "2026-06-30"),
    "decomposed unicode": Case(unicodedata.normalize("NFD", "hoàn thành trước ngày 15/4/2026"), "2026-04-15"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_reading(case: Case) -> None:
    found = find_deadline(case.text, case.base, anchors=case.anchors, field=case.field)
    assert (found.date.isoformat() if found.date else None, found.recurrence) == (case.date, case.recurrence)
    if case.phrase is not ANY:
        assert found.text == case.phrase


def test_the_keywords_are_optional() -> None:
    assert find_deadline("trước 30/6", DOC) == find_deadline("trước 30/6", DOC, anchors="", field=False)


def test_a_long_document_reads_in_linear_time() -> None:
    """The anchors are read once per document, and a long text takes no longer per character."""
    paragraph = (
        "Sở Y tế chủ trì, phối hợp với Sở Tài chính rà soát theo Kế hoạch số 12/KH-UBND ngày 05/3/2026; "
        "báo cáo UBND tỉnh trước 30/6/2026, nhất là các nhiệm vụ được giao hoàn thành trong Quý I/2026.\n"
    )
    document = paragraph * 2000 + LAW
    for _ in range(50):
        found = find_deadline("trong 03 tháng kể từ ngày Luật có hiệu lực", DOC, anchors=document)
    assert found.date == dt.date(2028, 4, 1)
    assert find_deadline(document, DOC).date == dt.date(2026, 6, 30)


FRAGMENTS = st.sampled_from(
    [
        "trước ",
        "ngày ",
        "99/99/99999",
        "Quý V/2027",
        "Quý II, III/",
        "quý ",
        "IV",
        "/",
        "-",
        "–",
        " đến ",
        "từ ",
        "tháng ",
        "13",
        "0",
        "31",
        "2/",
        "năm ",
        "2027",
        "1999",
        "99999999999",
        "hằng ",
        "tháng cuối quý",
        "thứ Sáu hằng tuần",
        " kể từ ngày ",
        "Luật có hiệu lực",
        " có hiệu lực từ ",
        "999 ngày làm việc",
        "riêng năm 2026",
        "số 12/KH-UBND ",
        "Căn cứ ",
        "(đã ",
        ")",
        "|",
        "\n",
        "Thời gian:",
        "**",
        "sau khi ",
        "nhất là ",
        "\u0300",
        "\u200b",
        "𝟚𝟘𝟚𝟟",
        "٢٠٢٧",
        "２０２７",
        " ",
    ]
)
TEXTS = st.one_of(st.text(), st.lists(st.one_of(FRAGMENTS, st.text(max_size=3)), max_size=30).map("".join))


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, base=st.none() | st.dates(), anchors=TEXTS, field=st.booleans())
def test_any_text_is_read_without_failing(text: str, base: dt.date | None, anchors: str, field: bool) -> None:
    found = find_deadline(text, base, anchors=anchors, field=field)
    assert found.recurrence in (None, ONGOING, "monthly", "quarterly", "yearly", "weekly")
    assert found.date is None or isinstance(found.date, dt.date)
    assert found.date is not None or found.recurrence is not None
    if found.text is not None:
        assert found.text in unicodedata.normalize("NFC", text.replace("**", ""))
