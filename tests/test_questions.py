"""Questions in plain words, through the real dispatcher, on one known state of the province.

Each question of the set below is asked as written and again with its diacritics stripped; the answer
must name the agency it is about and exactly the task numbers the matching command would count.
"""

import datetime as dt
import re

import pytest

from dondoc.store.agencies import find_agency
from dondoc.store.tasks import add_task
from dondoc.text import strip_diacritics
from tests.conftest import TZ
from tests.question_set_blind import ALL, BLIND, CAT, KHCN, REFUSED, STC, SXD, SYT, TK, UNSURE
from tests.question_set_blind2 import BLIND2
from tests.question_set_blind3 import BLIND3
from tests.question_set_blind4 import BLIND4


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


# Tasks of the state, in the order they are created (#1 … #14). Today is Monday 2/3/2026.
TASKS: list[tuple[list[str], list[str], str | None]] = [
    (["STC"], [], "2026-02-20"),  # 1 overdue, never reported, not acknowledged
    (["STC"], [], "2026-02-25"),  # 2 overdue, reported 40% yesterday
    (["STC"], [], "2026-03-05"),  # 3 due this week, reported 70% today
    (["STC"], [], "2026-03-15"),  # 4 due in 13 days, acknowledged
    (["SYT"], [], "2026-02-28"),  # 5 overdue, acknowledged, reported 20% today
    (["SYT", "SXD"], ["STC"], "2026-03-10"),  # 6 two leads, due next week
    (["CAT"], [], "2026-03-01"),  # 7 overdue by one day
    (["CAT"], [], None),  # 8 ongoing
    (["KHCN"], [], "2026-03-31"),  # 9 completion reported, awaiting the office
    (["KHCN"], [], "2026-02-01"),  # 10 done on time
    (["SXD"], [], "2026-04-20"),  # 11 next month
    (["SYT"], ["KHCN"], "2026-03-03"),  # 12 due tomorrow; SYT 50% today, KHCN's contribution today
    (["XA_TINHKHE"], [], "2026-02-26"),  # 13 overdue
    (["STC"], [], "2026-02-10"),  # 14 cancelled
]
TITLES = [
    "Rà soát đầu tư công",
    "Quyết toán ngân sách",
    "Phân bổ vốn sự nghiệp",
    "Báo cáo tài chính quý",
    "Kiểm tra an toàn thực phẩm",
    "Xây dựng trạm y tế",
    "Bảo đảm trật tự giao thông",
    "Tuần tra kiểm soát",
    "Trình kế hoạch chuyển đổi số",
    "Ban hành quy chế khoa học",
    "Quy hoạch khu đô thị",
    "Tiêm chủng mở rộng",
    "Dồn điền đổi thửa",
    "Việc đã hủy",
]


@pytest.fixture
def province(team, app, clock):
    team.join("cv-syt", "SYT", "staff")
    team.join("ca-tinh", "CAT", "head")
    start = clock.now
    clock.now = at("2026-01-05 08:00")
    with app.sessions() as session:
        for (leads, coops, deadline), title in zip(TASKS, TITLES, strict=True):
            add_task(
                session,
                text=title,
                title=title,
                leads=[find_agency(session, code) for code in leads],
                coops=[find_agency(session, code) for code in coops],
                deadline=dt.date.fromisoformat(deadline) if deadline else None,
                deadline_text=None,
                created_by=None,
                now=clock.now,
                recurrence=None if deadline else "ongoing",
            )
        session.commit()
    assert "✅" in team.say("gd-khcn", "/hoanthanh 10 Quyết định số 12/QĐ-SKHCN")
    assert "✅" in team.say("vanphong", "/xacnhan 10")
    assert "✅" in team.say("gd-stc", "/danhan 4")
    assert "✅" in team.say("cv-syt", "/danhan 5")
    team.say("vanphong", "/huy 14 Đã được thay thế")
    clock.now = at("2026-03-01 10:00")
    assert "✅" in team.say("gd-stc", "/baocao 2 40% Đã rà soát hồ sơ")
    clock.now = start
    assert "✅" in team.say("gd-stc", "/baocao 3 70% Đã phân bổ")
    assert "✅" in team.say("cv-syt", "/baocao 5 20% Đã kiểm tra 3 chợ")
    assert "✅" in team.say("cv-syt", "/baocao 12 50% Đã tiêm đợt 1")
    assert "✅" in team.say("gd-khcn", "/baocao 12 30% Đã góp ý kế hoạch")
    assert "✅" in team.say("gd-khcn", "/hoanthanh 9 Công văn số 15/SKHCN-VP")
    for user in ("vanphong", "gd-stc", "cv-syt", "gd-khcn", "cv-khcn", "pct", "ca-tinh"):
        team.inbox(user)
    return team


# (who asks, the question, whom the answer is about, the task numbers it counts)
QUESTIONS: list[tuple[str, str, str, set[int] | str]] = [
    # Overdue, one agency or the province
    ("vanphong", "Sở Tài chính còn mấy việc quá hạn?", STC, {1, 2}),
    ("vanphong", "STC có việc nào quá hạn không", STC, {1, 2}),
    ("vanphong", "cho hỏi STC còn bao nhiêu nhiệm vụ trễ hạn", STC, {1, 2}),
    ("vanphong", "Sở TC quá hạn mấy việc rồi", STC, {1, 2}),
    ("vanphong", "sở tài chánh có trễ hạn gì ko", STC, {1, 2}),
    ("vanphong", "so tai chin co viec gi qua han k", STC, {1, 2}),
    ("vanphong", "anh/chị cho biết Sở Tài chính có bao nhiêu nv quá hạn ạ", STC, {1, 2}),
    ("vanphong", "xin cho biết các nhiệm vụ quá hạn của Sở Tài chính", STC, {1, 2}),
    ("vanphong", "Tài chính đang chậm những việc gì", STC, {1, 2}),
    ("vanphong", "việc nào quá hạn rồi", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "những nhiệm vụ nào đã quá hạn?", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "toàn tỉnh có bao nhiêu việc trễ hạn", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "cả tỉnh còn mấy nhiệm vụ quá hạn", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "có việc gì bị trễ không", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "danh sách nhiệm vụ quá hạn", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "liệt kê các việc đã hết hạn mà chưa xong", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "CA tỉnh có trễ hạn gì không", CAT, {7}),
    ("vanphong", "công an tỉnh có việc nào quá hạn k", CAT, {7}),
    ("vanphong", "Cong an tinh qua han may viec", CAT, {7}),
    ("vanphong", "SYT có nhiệm vụ nào trễ không?", SYT, {5}),
    ("vanphong", "Sở Y tế quá hạn bao nhiêu", SYT, {5}),
    ("vanphong", "sở y tê có chậm việc gì không", SYT, {5}),
    ("vanphong", "SXD có việc quá hạn không", SXD, set()),
    ("vanphong", "Sở Xây dựng có trễ gì không?", SXD, set()),
    ("vanphong", "Sở KH&CN có việc quá hạn không", KHCN, set()),
    ("vanphong", "xã Tịnh Khê có nhiệm vụ nào quá hạn", TK, {13}),
    ("vanphong", "Tinh Khe qua han gi", TK, {13}),
    ("pct", "còn bao nhiêu việc quá hạn", ALL, {1, 2, 5, 7, 13}),
    ("pct", "STC trễ hạn mấy việc?", STC, {1, 2}),
    ("vanphong", "how many overdue tasks does STC have?", STC, {1, 2}),
    # Due soon: within N days, this week, this month, before a date
    ("vanphong", "nhiệm vụ nào sắp đến hạn tuần này", ALL, {3, 12}),
    ("vanphong", "tuần này có việc gì đến hạn không", ALL, {3, 12}),
    ("vanphong", "những việc phải xong trong tuần này", ALL, {3, 12}),
    ("vanphong", "sắp đến hạn", ALL, {3, 12}),
    ("vanphong", "việc nào sắp hết hạn?", ALL, {3, 12}),
    ("vanphong", "7 ngày tới có những nhiệm vụ nào đến hạn", ALL, {3, 12}),
    ("vanphong", "15 ngày tới STC phải xong việc gì", STC, {3, 4}),
    ("vanphong", "trong 15 ngày tới Sở Tài chính có việc nào đến hạn", STC, {3, 4}),
    ("vanphong", "15 ngày tới có những việc gì đến hạn", ALL, {3, 4, 6, 12}),
    ("vanphong", "2 tuần tới có gì đến hạn không", ALL, {3, 4, 6, 12}),
    ("vanphong", "tháng này còn những nhiệm vụ nào đến hạn", ALL, {3, 4, 6, 12}),
    ("vanphong", "trong tháng này STC phải hoàn thành việc gì", STC, {3, 4}),
    ("vanphong", "tuần sau có việc gì đến hạn", ALL, {4, 6}),
    ("vanphong", "tuần tới SXD có việc gì đến hạn không", SXD, {6}),
    ("vanphong", "ngày mai có việc nào đến hạn không", ALL, {12}),
    ("vanphong", "việc nào đến hạn hôm nay", ALL, set()),
    ("vanphong", "trước ngày 10/3 phải xong những việc gì", ALL, {3, 6, 12}),
    ("vanphong", "những việc có hạn trước 10/3/2026", ALL, {3, 6, 12}),
    ("vanphong", "SYT có việc gì sắp đến hạn không", SYT, {12}),
    ("vanphong", "Sở Y tế 15 ngày tới phải làm xong việc gì", SYT, {6, 12}),
    ("vanphong", "nv nào sắp tới hạn tuần này?", ALL, {3, 12}),
    ("vanphong", "tháng sau có những việc gì đến hạn", ALL, {11}),
    ("pct", "sắp tới có việc gì phải xong không", ALL, {3, 12}),
    ("vanphong", "which tasks are due this week?", ALL, {3, 12}),
    # Progress of task N
    ("vanphong", "tiến độ nhiệm vụ 12", SYT, {12}),
    ("vanphong", "nv 12 tới đâu rồi", SYT, {12}),
    ("vanphong", "nhiem vu 4 da co bao cao chua", STC, {4}),
    ("vanphong", "nhiệm vụ số 6 thế nào rồi", SYT, {6}),
    ("vanphong", "việc 3 đã xong chưa?", STC, {3}),
    ("vanphong", "tình hình nhiệm vụ 5", SYT, {5}),
    ("vanphong", "#7 ra sao", CAT, {7}),
    ("vanphong", "nhiệm vụ 9 hoàn thành chưa", KHCN, {9}),
    ("vanphong", "nv 2 được bao nhiêu phần trăm rồi", STC, {2}),
    ("vanphong", "cho hỏi tiến độ nv số 11", SXD, {11}),
    ("vanphong", "nhiệm vụ 12 đã có báo cáo chưa?", SYT, {12}),
    ("vanphong", "bc nhiệm vụ 1 có chưa", STC, {1}),
    ("pct", "nhiệm vụ 6 đến đâu rồi", SYT, {6}),
    ("vanphong", "12 tới đâu rồi", SYT, {12}),
    ("vanphong", "progress of task 12", SYT, {12}),
    ("vanphong", "tiến độ nhiệm vụ 99", REFUSED, set()),
    # The situation of one agency
    ("vanphong", "tình hình Công an tỉnh", CAT, {7}),
    ("vanphong", "tinh hinh cong an tinh", CAT, {7}),
    ("vanphong", "Sở KH&CN dạo này thế nào", KHCN, {9}),
    ("vanphong", "KHCN thế nào rồi", KHCN, {9}),
    ("vanphong", "Sở Khoa học Công nghệ tình hình ra sao", KHCN, {9}),
    ("vanphong", "báo cáo tình hình Sở Xây dựng", SXD, set()),
    ("vanphong", "tình hình STC", STC, {1, 2, 3}),
    ("vanphong", "Sở Tài chính dạo này sao rồi", STC, {1, 2, 3}),
    ("vanphong", "cho mình hỏi tình hình sở y tế", SYT, {5, 12}),
    ("vanphong", "SYT tiến độ thế nào", SYT, {5, 12}),
    ("vanphong", "tiến độ của Sở Y tế", SYT, {5, 12}),
    ("vanphong", "xã Tịnh Khê thế nào", TK, {13}),
    ("vanphong", "tổng hợp tình hình Công an tỉnh", CAT, {7}),
    ("vanphong", "STC thì sao?", STC, {1, 2, 3}),
    ("pct", "tình hình Sở Tài chính thế nào?", STC, {1, 2, 3}),
    ("vanphong", "tình hình chung toàn tỉnh", "Tổng hợp", set()),
    ("vanphong", "what is the status of SYT?", SYT, {5, 12}),
    # The agencies most late
    ("vanphong", "đơn vị nào trễ hạn nhiều nhất", STC, {1, 2, 5, 7, 13}),
    ("vanphong", "cơ quan nào chậm nhất?", STC, {1, 2, 5, 7, 13}),
    ("vanphong", "những đơn vị nào có việc quá hạn", STC, {1, 2, 5, 7, 13}),
    ("vanphong", "top 3 đơn vị quá hạn nhiều nhất", STC, {1, 2, 5, 7}),
    ("vanphong", "xếp hạng các sở trễ hạn", STC, {1, 2, 5, 7, 13}),
    ("vanphong", "ai đang trễ hạn nhiều nhất", STC, {1, 2, 5, 7, 13}),
    ("pct", "sở nào chậm tiến độ nhiều nhất?", STC, {1, 2, 5, 7, 13}),
    ("vanphong", "which agencies are most late?", STC, {1, 2, 5, 7, 13}),
    # Tasks with no report at all
    ("vanphong", "nhiệm vụ nào chưa có báo cáo", ALL, {1, 4, 6, 7, 8, 11, 13}),
    ("vanphong", "việc nào chưa bc", ALL, {1, 4, 6, 7, 8, 11, 13}),
    ("vanphong", "những việc chưa ai báo cáo", ALL, {1, 4, 6, 7, 8, 11, 13}),
    ("vanphong", "STC có việc nào chưa báo cáo không", STC, {1, 4}),
    ("vanphong", "công an tỉnh chưa báo cáo những việc gì", CAT, {7, 8}),
    ("vanphong", "danh sách nhiệm vụ chưa cập nhật tiến độ", ALL, {1, 4, 6, 7, 8, 11, 13}),
    ("pct", "việc gì chưa có báo cáo?", ALL, {1, 4, 6, 7, 8, 11, 13}),
    # What was reported today (or another day)
    ("vanphong", "hôm nay ai báo cáo", ALL, {3, 5, 9, 12}),
    ("vanphong", "hôm nay có báo cáo nào không", ALL, {3, 5, 9, 12}),
    ("vanphong", "báo cáo hôm nay", ALL, {3, 5, 9, 12}),
    ("vanphong", "hnay có bc gì mới k", ALL, {3, 5, 9, 12}),
    ("vanphong", "những báo cáo mới hôm nay", ALL, {3, 5, 9, 12}),
    ("vanphong", "hôm qua có ai báo cáo không", ALL, {2}),
    ("vanphong", "STC hôm nay đã báo cáo gì", STC, {3}),
    ("vanphong", "Sở Y tế hôm nay gửi báo cáo chưa", SYT, {5, 12}),
    ("pct", "hôm nay có đơn vị nào báo cáo không?", ALL, {3, 5, 9, 12}),
    ("vanphong", "what was reported today?", ALL, {3, 5, 9, 12}),
    # Who has not acknowledged
    ("vanphong", "ai chưa xác nhận đã nhận nhiệm vụ", ALL, {1, 6, 7, 8, 11, 13}),
    ("vanphong", "đơn vị nào chưa nhận nhiệm vụ", ALL, {1, 6, 7, 8, 11, 13}),
    ("vanphong", "những việc chưa xác nhận đã nhận", ALL, {1, 6, 7, 8, 11, 13}),
    ("vanphong", "nhiệm vụ 6 ai chưa nhận", SYT, {6}),
    ("vanphong", "nhiệm vụ 6 đã nhận chưa", SXD, {6}),
    ("vanphong", "STC có việc nào chưa xác nhận đã nhận không", STC, {1}),
    ("vanphong", "CA tỉnh đã nhận nhiệm vụ chưa", CAT, {7, 8}),
    ("vanphong", "ai chưa bấm đã nhận", ALL, {1, 6, 7, 8, 11, 13}),
    # Awaiting confirmation
    ("vanphong", "việc nào đang chờ xác nhận", ALL, {9}),
    ("vanphong", "có báo cáo hoàn thành nào chờ duyệt không", ALL, {9}),
    # One agency's task list
    ("vanphong", "STC có những nhiệm vụ nào", STC, {1, 2, 3, 4}),
    ("vanphong", "danh sách nhiệm vụ của Sở Tài chính", STC, {1, 2, 3, 4}),
    ("vanphong", "liệt kê việc của SYT", SYT, {5, 6, 12}),
    ("vanphong", "Sở Y tế đang chủ trì những việc gì", SYT, {5, 6, 12}),
    ("vanphong", "nhiệm vụ của CA tỉnh", CAT, {7, 8}),
    ("vanphong", "công an tỉnh đang làm những việc gì?", CAT, {7, 8}),
    ("vanphong", "các việc được giao cho Sở Xây dựng", SXD, {6, 11}),
    ("vanphong", "SKHCN còn những nhiệm vụ nào", KHCN, {9}),
    ("vanphong", "cho xin danh sách nv của sở tài chính", STC, {1, 2, 3, 4}),
    ("pct", "Sở Xây dựng có những việc gì?", SXD, {6, 11}),
    # Members: their own agency; another agency's figures are not theirs
    ("cv-syt", "việc nào quá hạn", SYT, {5}),
    ("cv-syt", "còn mấy việc trễ hạn?", SYT, {5}),
    ("cv-syt", "sắp đến hạn tuần này có gì", SYT, {12}),
    ("cv-syt", "Sở Y tế còn việc gì", SYT, {5, 6, 12}),
    ("cv-syt", "tiến độ nhiệm vụ 12", SYT, {12}),
    ("cv-syt", "việc nào chưa có báo cáo", SYT, {6}),
    ("cv-syt", "quá hạn", SYT, {5}),
    ("cv-syt", "STC còn mấy việc quá hạn", REFUSED, set()),
    ("cv-syt", "tình hình Công an tỉnh", REFUSED, set()),
    ("cv-syt", "tiến độ nhiệm vụ 1", REFUSED, set()),
    ("cv-syt", "đơn vị nào trễ hạn nhiều nhất", REFUSED, set()),
    ("gd-stc", "nhiệm vụ 6 tới đâu rồi", SYT, {6}),
    ("gd-stc", "tình hình đơn vị mình thế nào", STC, {1, 2, 3}),
    ("gd-stc", "hôm nay mình đã báo cáo gì", STC, {3}),
    ("ca-tinh", "có việc gì quá hạn không", CAT, {7}),
    ("ca-tinh", "việc nào chưa xác nhận đã nhận", CAT, {7, 8}),
    # What the bot cannot answer: it says what it understood, and no guess
    ("vanphong", "thời tiết hôm nay thế nào?", UNSURE, set()),
    ("vanphong", "ai là giám đốc Sở Tài chính?", UNSURE, set()),
    ("vanphong", "Sở Tài chính có bao nhiêu cán bộ?", UNSURE, set()),
    ("vanphong", "nhiệm vụ nào khó nhất?", UNSURE, set()),
    ("vanphong", "Sở Du lịch biển có việc gì quá hạn?", REFUSED, set()),
    # a former name is its successor's: Sở Giao thông vận tải merged into Sở Xây dựng in 2025
    ("vanphong", "Sở Giao thông vận tải có việc gì quá hạn?", SXD, set()),
]

NUMBER = re.compile(r"(?:#|[Nn]hiệm vụ số |[Tt]ask #)(\d+)")


def wrong_answers(province, questions) -> list[str]:
    """Each question asked as written and without its diacritics; what was answered wrong, and why."""
    wrong = []
    for who, text, about, numbers in questions:
        for asked in dict.fromkeys((text, strip_diacritics(text))):
            if asked != text and "cả tỉnh" in text:
                continue  # "ca tinh" is also "CA tỉnh" (the police), which it means without its diacritic
            reply = province.say(who, asked)
            if not right(asked, reply, about, numbers):
                wrong.append(f"{who}: {asked!r} -> {reply!r}")
    return wrong


def right(asked: str, reply: str, about: str, numbers: set[int] | str) -> bool:
    found = {int(n) for n in NUMBER.findall(reply)}
    said = {int(n) for n in re.findall(r"\d+", asked)}
    if about == REFUSED:  # a refusal that says what to type or whom it meant, not "not understood"
        return ("/" in reply or "?" in reply) and not found - said and "Chưa hiểu" not in reply
    if about == UNSURE:  # says it cannot answer, and guesses no task
        return ("không trả lời được" in reply or "Chưa hiểu" in reply) and not found - said
    return about in reply and found == numbers


def test_the_set_is_large_and_varied():
    assert len(QUESTIONS) >= 150
    assert len({q[:2] for q in QUESTIONS}) == len(QUESTIONS)
    kinds = {about for _who, _text, about, _numbers in QUESTIONS}
    assert {ALL, STC, SYT, SXD, CAT, KHCN, TK, REFUSED, UNSURE} <= kinds


def test_every_question_of_the_set_is_answered_right(province):
    wrong = wrong_answers(province, QUESTIONS)
    assert wrong == [], f"{len(wrong)} of the set answered wrong:\n" + "\n".join(wrong)


def test_a_set_written_without_seeing_the_grammar_is_answered_right(province):
    """Four sets written from the state's description alone, by people who had not read the grammar,
    each run once before the grammar was mended for the next. Their first runs answered 133 of 151, 121
    of 140, 184 of 194 and 193 of 204 right; the causes were mended in the grammar (a vocabulary word, a
    kind of window or date, a rule), not for these questions."""
    for questions in (BLIND, BLIND2, BLIND3, BLIND4):
        wrong = wrong_answers(province, questions)
        assert wrong == [], f"{len(wrong)} of {len(questions)} answered wrong:\n" + "\n".join(wrong)


def _numbers_in(reply: str) -> set[int]:
    return {int(n) for n in NUMBER.findall(reply)}


@pytest.mark.parametrize(
    ("command", "question"),
    [
        ("/quahan", "việc nào quá hạn"),
        ("/quahan STC", "STC còn mấy việc quá hạn?"),
        ("/quahan CAT", "công an tỉnh có trễ hạn gì không"),
        ("/sapden", "việc nào sắp đến hạn"),
        ("/sapden 15", "15 ngày tới có việc gì đến hạn"),
        ("/sapden 15 STC", "15 ngày tới STC phải xong việc gì"),
        ("/sapden 30 SYT", "30 ngày tới Sở Y tế có việc nào đến hạn"),
    ],
)
def test_the_numbers_agree_with_the_commands(province, command, question):
    by_command, by_question = province.say("vanphong", command), province.say("vanphong", question)
    assert _numbers_in(by_command) == _numbers_in(by_question), (by_command, by_question)
    total = re.search(r": (\d+) ", by_command)
    assert total and f": {total.group(1)} nhiệm vụ" in by_question, (by_command, by_question)


def test_the_summary_counts_what_the_questions_list(province):
    summary = province.say("vanphong", "/tonghop STC")
    assert "quá hạn: 2, đến hạn trong 7 ngày tới: 1" in summary, summary
    assert _numbers_in(province.say("vanphong", "STC quá hạn mấy việc")) == {1, 2}
    assert _numbers_in(province.say("vanphong", "STC có việc gì đến hạn trong 7 ngày tới")) == {3}


def test_a_name_taught_to_the_directory_is_understood_at_once(province):
    assert "Có phải là" in province.say("vanphong", "Sở Kế hoạch có việc gì quá hạn?")
    province.say("vanphong", "/bidanh Sở Kế hoạch = STC")
    reply = province.say("vanphong", "Sở Kế hoạch có việc gì quá hạn?")
    assert STC in reply and _numbers_in(reply) == {1, 2}, reply


def test_an_english_speaker_is_answered_in_english(province):
    province.say("pct", "/ngonngu en")
    reply = province.say("pct", "how many overdue tasks does STC have?")
    assert reply.startswith("Sở Tài chính: 2 overdue:") and _numbers_in(reply) == {1, 2}, reply


def test_a_guest_learns_nothing(province):
    reply = province.say("stranger", "Sở Tài chính còn mấy việc quá hạn?")
    assert "/start" in reply and not _numbers_in(reply), reply


def test_odd_text_gets_an_answer_not_an_error(province):
    for text in ("?", "??? !!!", "a" * 4000, "nhiệm vụ 99999999999999999999 tới đâu rồi", "\u202e\u0301 ai?"):
        reply = province.say("vanphong", text)
        assert reply and "went wrong" not in reply and "Xin lỗi" not in reply, (text, reply)


def test_a_command_in_its_own_form_stays_a_command(province):
    """Free text in a command's own form is that command, not a question: the numbers are the command's."""
    assert province.say("vanphong", "sapden 15 STC") == province.say("vanphong", "/sapden 15 STC")
    assert province.say("vanphong", "nhiem vu 2") == province.say("vanphong", "/nhiemvu 2")
    reply = province.say("gd-stc", "bao cao 4 30% Đã rà soát hồ sơ, sở nào chưa gửi thì nhắc gì?")
    assert reply.startswith("✅"), reply  # a report's shape is a report, whatever its text asks
    assert "sở nào chưa gửi thì nhắc gì?" in province.say("gd-stc", "/xem 4")
