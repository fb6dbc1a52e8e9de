"""The on-time ranking (/danhgia): a year of work across seven agencies, built with the chat commands as
the office and the agencies would (/giao, /hoanthanh, /xacnhan, /giahan + /duyet, /huy), then ranked
by period; and the periods people type."""

import datetime as dt
import re

import pytest

from dondoc.handlers.messages import Refusal
from dondoc.handlers.periods import Period, parse_period
from dondoc.i18n import use_language
from dondoc.reports.ranking import Placed, rank, ranking_text
from dondoc.store.ranking import AgencyResult, period_results
from tests.conftest import TZ

TODAY = dt.date(2026, 12, 21)  # the ranking is read on Monday 21/12/2026
HEADS = {"SYT": "gd-syt", "STP": "gd-stp", "SXD": "gd-sxd", "SCT": "gd-sct", "SNV": "gd-snv"}


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.strptime(day, "%d/%m/%Y").replace(hour=hour, tzinfo=TZ)


class Year:
    """Drives the chat as the office and the agencies' heads, moving the clock between steps."""

    def __init__(self, chat, clock) -> None:
        self.chat, self.clock = chat, clock
        self.heads = {"KHCN": "gd-khcn", "STC": "gd-stc", **HEADS}

    def assign(self, code: str, deadline: str, text: str) -> int:
        reply = self.chat.say("vanphong", f"/giao {code} | {deadline} | {text}")
        match = re.search(r"/xem (\d+)", reply)
        assert match, reply
        return int(match.group(1))

    def report_done(self, code: str, number: int, day: str) -> None:
        self.clock.now = at(day)
        reply = self.chat.say(self.heads[code], f"/hoanthanh {number} Đã ban hành Báo cáo {number}/BC-{code}")
        assert f"{number}" in reply, reply

    def done(self, code: str, number: int, day: str, confirmed: str | None = None) -> None:
        """Completion reported on `day`, confirmed by the office an hour later or on `confirmed`."""
        self.report_done(code, number, day)
        self.clock.now = at(confirmed) if confirmed else at(day, 11)
        assert "✅" in self.chat.say("vanphong", f"/xacnhan {number}")

    def extend(self, code: str, number: int, day: str, new_deadline: str) -> None:
        self.clock.now = at(day)
        self.chat.say(self.heads[code], f"/giahan {number} {new_deadline} Chờ ý kiến thẩm định")
        assert new_deadline in self.chat.say("vanphong", f"/duyet {number}")


@pytest.fixture
def year(app, team, clock) -> Year:
    """2026 across seven agencies (tasks created on 2/3/2026; the numbers are the tasks'):

    Sở Y tế      #1 early, #2 on the day, #3, #4 on time; #5 due in 2027; #28 ongoing (no date)
    Sở Tư pháp   #6, #8, #9 on time; #7 three days late
    Sở Xây dựng  #10 extended 31/3 -> 30/4 and done 20/4; #11, #12 on time; #13 open since 30/11
    Sở KH&CN     #14 on time; #15 extended to 31/7, done 10/8; #16 reported 5/10, not confirmed;
                 #17 on time; #18 cancelled
    Sở Tài chính #19, #21 on time; #20 five days late; #22 eight days late (confirmed two days later)
    Sở Công Thương #23 fifteen days late; #24 open since 30/6; #25 on time
    Sở Nội vụ    #26 on time; #27 one day late (two assignments only)
    """
    for code, user in HEADS.items():
        team.join(user, code, "head")
    y = Year(team, clock)
    # fmt: off
    plan = [
        ("SYT", "31/3/2026"), ("SYT", "30/6/2026"), ("SYT", "30/9/2026"), ("SYT", "30/11/2026"),
        ("SYT", "15/1/2027"),
        ("STP", "31/3/2026"), ("STP", "30/6/2026"), ("STP", "30/9/2026"), ("STP", "31/10/2026"),
        ("SXD", "31/3/2026"), ("SXD", "30/6/2026"), ("SXD", "30/9/2026"), ("SXD", "30/11/2026"),
        ("KHCN", "31/3/2026"), ("KHCN", "30/6/2026"), ("KHCN", "30/9/2026"), ("KHCN", "31/10/2026"),
        ("KHCN", "30/11/2026"),
        ("STC", "31/3/2026"), ("STC", "30/6/2026"), ("STC", "30/9/2026"), ("STC", "10/12/2026"),
        ("SCT", "31/3/2026"), ("SCT", "30/6/2026"), ("SCT", "30/9/2026"),
        ("SNV", "31/3/2026"), ("SNV", "30/6/2026"),
        ("SYT", "thường xuyên"),
    ]
    # fmt: on
    numbers = [
        y.assign(code, deadline, f"Nhiệm vụ {i} của {code}") for i, (code, deadline) in enumerate(plan, 1)
    ]
    assert numbers == list(range(1, 29))

    y.done("SYT", 1, "10/3/2026")
    y.done("STP", 6, "20/3/2026")
    y.extend("SXD", 10, "20/3/2026", "30/4/2026")
    y.done("STC", 19, "25/3/2026")
    y.done("KHCN", 14, "31/3/2026")
    y.done("SNV", 26, "31/3/2026")
    y.done("SCT", 23, "15/4/2026")
    y.done("SXD", 10, "20/4/2026")
    y.done("SXD", 11, "15/6/2026")
    y.extend("KHCN", 15, "20/6/2026", "31/7/2026")
    y.done("SYT", 2, "30/6/2026")
    y.done("SNV", 27, "1/7/2026")
    y.done("STP", 7, "3/7/2026")
    y.done("STC", 20, "5/7/2026")
    y.done("KHCN", 15, "10/8/2026")
    y.done("SYT", 3, "15/9/2026")
    y.done("STC", 21, "20/9/2026")
    y.done("SXD", 12, "29/9/2026")
    y.done("STP", 8, "30/9/2026")
    y.done("SCT", 25, "30/9/2026")
    y.report_done("KHCN", 16, "5/10/2026")
    y.done("KHCN", 17, "15/10/2026")
    y.done("STP", 9, "20/10/2026")
    y.done("SYT", 4, "25/11/2026")
    clock.now = at("1/12/2026")
    assert "18" in team.say("vanphong", "/huy 18 Nội dung đã được thay thế")
    y.done("STC", 22, "18/12/2026", confirmed="20/12/2026")  # the report's date counts
    clock.now = at("21/12/2026", 9)
    return y


def results(app, period: Period) -> list[AgencyResult]:
    with app.sessions() as session:
        return period_results(session, period.start, period.end, TODAY, TZ)


def by_name(found: list[AgencyResult]) -> dict[str, AgencyResult]:
    return {r.name: r for r in found}


def test_the_year_is_counted_by_original_deadline_and_deadline_in_force(app, year):
    found = by_name(results(app, Period.year(2026)))
    assert set(found) == {
        "Sở Y tế", "Sở Tư pháp", "Sở Xây dựng", "Sở Khoa học và Công nghệ", "Sở Tài chính",
        "Sở Công Thương", "Sở Nội vụ",
    }  # fmt: skip
    fields = ("due", "done_on_time", "extended_on_time", "done_late", "extended_late", "reported", "open")
    fields += ("overdue", "overdue_days")
    counts = {name: tuple(getattr(r, f) for f in fields) for name, r in found.items()}
    assert counts == {
        # due, on time, of which extended, late, of which extended, reported, open, overdue, overdue days
        "Sở Y tế": (4, 4, 0, 0, 0, 0, 0, 0, 0),  # #5 (2027) and #28 (undated) are not in 2026
        "Sở Tư pháp": (4, 3, 0, 1, 0, 0, 0, 0, 3),
        "Sở Xây dựng": (4, 3, 1, 0, 0, 0, 1, 1, 21),  # #13: 30/11 -> 21/12
        "Sở Khoa học và Công nghệ": (4, 2, 0, 1, 1, 1, 0, 1, 10 + 5),  # #18 cancelled: left out
        "Sở Tài chính": (4, 2, 0, 2, 0, 0, 0, 0, 5 + 8),
        "Sở Công Thương": (3, 1, 0, 1, 0, 0, 1, 1, 15 + 174),
        "Sở Nội vụ": (2, 1, 0, 1, 0, 0, 0, 0, 1),
    }


def test_a_quarter_selects_by_original_deadline(app, year):
    first = by_name(results(app, parse_period("quý I/2026", TODAY)))
    second = by_name(results(app, parse_period("Q2 2026", TODAY)))
    # #10 was extended from 31/3 to 30/4 and done on 20/4: it stays in Q1, on time thanks to the extension.
    assert (first["Sở Xây dựng"].due, first["Sở Xây dựng"].extended_on_time) == (1, 1)
    assert second["Sở Xây dựng"].due == 1  # #11 only
    assert {r.due for r in first.values()} == {1} and len(first) == 7
    assert first["Sở Công Thương"].done_late == 1 and first["Sở Công Thương"].overdue_days == 15
    ranking = rank(first.values(), min_assignments=1)
    assert [(p.place, p.result.name) for p in ranking.ranked] == [
        (1, "Sở Khoa học và Công nghệ"),
        (1, "Sở Nội vụ"),
        (1, "Sở Tài chính"),
        (1, "Sở Tư pháp"),
        (1, "Sở Xây dựng"),
        (1, "Sở Y tế"),
        (7, "Sở Công Thương"),
    ]
    assert results(app, parse_period("năm 2027", TODAY)) == [
        AgencyResult(
            agency_id=first["Sở Y tế"].agency_id, name="Sở Y tế", due=1, done_on_time=0, extended_on_time=0,
            done_late=0, extended_late=0, reported=0, open=1, overdue=0, overdue_days=0,
        )
    ]  # fmt: skip


def test_agencies_are_ranked_by_rate_then_fewer_overdue_days(app, year):
    ranking = rank(results(app, parse_period("", TODAY)))
    assert [(p.place, p.result.name) for p in ranking.ranked] == [
        (1, "Sở Y tế"),  # 4/4
        (2, "Sở Tư pháp"),  # 3/4, 3 days
        (3, "Sở Xây dựng"),  # 3/4, 21 days
        (4, "Sở Tài chính"),  # 2/4, 13 days
        (5, "Sở Khoa học và Công nghệ"),  # 2/4, 15 days
        (6, "Sở Công Thương"),  # 1/3
    ]
    assert [r.name for r in ranking.apart] == ["Sở Nội vụ"]  # two assignments only


def test_agencies_tied_on_rate_and_overdue_days_share_a_place():
    def result(agency_id: int, name: str, on_time: int, due: int, days: int) -> AgencyResult:
        return AgencyResult(agency_id, name, due, on_time, 0, due - on_time, 0, 0, 0, 0, days)

    ranking = rank(
        [
            result(1, "Sở Y tế", 2, 3, 4),
            result(2, "Sở Tài chính", 4, 6, 4),  # 4/6 == 2/3, same days: the same place
            result(3, "Sở Tư pháp", 2, 3, 5),
            result(4, "Sở Nội vụ", 3, 3, 0),
            result(5, "Sở Xây dựng", 1, 2, 0),
        ]
    )
    assert [(p.place, p.result.agency_id) for p in ranking.ranked] == [(1, 4), (2, 2), (2, 1), (4, 3)]
    assert [r.agency_id for r in ranking.apart] == [5]
    assert all(isinstance(p, Placed) for p in ranking.ranked)


EXPECTED = """\
Ranking by on-time completion, year 2026
25 assignments due in the period, at 7 agencies; 16 done on time (64%).

1. Sở Y tế — 100% (4/4 on time)
2. Sở Tư pháp — 75% (3/4 on time; 1 late; 3 days overdue)
3. Sở Xây dựng — 75% (3/4 on time, 1 of them extended; 1 not done; 21 days overdue)
4. Sở Tài chính — 50% (2/4 on time; 2 late; 13 days overdue)
5. Sở Khoa học và Công nghệ — 50% (2/4 on time; 1 late, 1 of them extended; 1 awaiting confirmation; \
15 days overdue)
6. Sở Công Thương — 33% (1/3 on time; 1 late; 1 not done; 189 days overdue)

Fewer than 3 assignments due, not ranked:
• Sở Nội vụ — 50% (1/2 on time; 1 late; 1 day overdue)

How it is counted:
• On-time rate = assignments due in the period (by their original deadline) done on time ÷ assignments \
due in the period; cancelled ones are left out.
• Done on time: the office confirmed the completion, and the completion report is dated on or before the \
deadline in force; an approved extension's date counts, and is shown (“extended”).
• Ties: fewer overdue days first (days past the deadline in force, until the completion report or, for \
work not done, until today).
• Agencies with fewer than 3 assignments due in the period are listed apart."""


def test_the_ranking_text_shows_places_extensions_the_agencies_apart_and_the_formula(app, year):
    period = parse_period("năm 2026", TODAY)
    with use_language("en"):
        text = ranking_text(rank(results(app, period)), period)
    assert text == EXPECTED, text


def test_a_period_with_nothing_due_says_so_and_what_to_try(app, year):
    period = parse_period("2025", TODAY)
    with use_language("en"):
        text = ranking_text(rank(results(app, period)), period)
    assert text.splitlines() == [
        "Ranking by on-time completion, year 2025",
        "No assignment is due in this period (by original deadline), so there is nothing to rank. Try "
        "another period, for example /danhgia year 2024, or /danhgia alone for this year.",
    ]


def test_only_agencies_apart_are_listed_apart(app, year):
    period = parse_period("tháng 3/2026", TODAY)
    with use_language("en"):
        lines = ranking_text(rank(results(app, period)), period).splitlines()
    assert lines[0] == "Ranking by on-time completion, month 3/2026"
    assert lines[3] == "No agency has 3 or more assignments due in this period: none is ranked."
    assert "• Sở Xây dựng — 100% (1/1 on time, 1 of them extended)" in lines
    assert "• Sở Công Thương — 0% (0/1 on time; 1 late; 15 days overdue)" in lines


def test_a_long_ranking_is_cut_for_a_phone():
    results = [AgencyResult(i, f"Xã {i:02d}", 4, 3, 0, 1, 0, 0, 0, 0, i) for i in range(1, 41)]
    with use_language("en"):
        lines = ranking_text(rank(results), Period.year(2026)).splitlines()
    assert lines[3].startswith("1. Xã 01 — 75%") and lines[32].startswith("30. Xã 30")
    assert lines[33] == "… and 10 more."


# Periods ------------------------------------------------------------------------------------------

D = dt.date
PERIODS = [
    ("", D(2026, 1, 1), D(2026, 12, 31), "year 2026"),
    ("năm 2026", D(2026, 1, 1), D(2026, 12, 31), "year 2026"),
    ("nam 2026", D(2026, 1, 1), D(2026, 12, 31), "year 2026"),
    ("NĂM 2025", D(2025, 1, 1), D(2025, 12, 31), "year 2025"),
    ("2026", D(2026, 1, 1), D(2026, 12, 31), "year 2026"),
    ("year 2026", D(2026, 1, 1), D(2026, 12, 31), "year 2026"),
    ("năm nay", D(2026, 1, 1), D(2026, 12, 31), "year 2026"),
    ("last year", D(2025, 1, 1), D(2025, 12, 31), "year 2025"),
    ("quý I/2026", D(2026, 1, 1), D(2026, 3, 31), "Q1 2026"),
    ("Quý IV/2026", D(2026, 10, 1), D(2026, 12, 31), "Q4 2026"),
    ("quy 1/2026", D(2026, 1, 1), D(2026, 3, 31), "Q1 2026"),
    ("quý 2 năm 2026", D(2026, 4, 1), D(2026, 6, 30), "Q2 2026"),
    ("Q3/2026", D(2026, 7, 1), D(2026, 9, 30), "Q3 2026"),
    ("Q3 2026", D(2026, 7, 1), D(2026, 9, 30), "Q3 2026"),
    ("q2", D(2026, 4, 1), D(2026, 6, 30), "Q2 2026"),
    ("quý này", D(2026, 10, 1), D(2026, 12, 31), "Q4 2026"),
    ("tháng 3/2026", D(2026, 3, 1), D(2026, 3, 31), "month 3/2026"),
    ("thang 2 nam 2028", D(2028, 2, 1), D(2028, 2, 29), "month 2/2028"),
    ("month 12/2026", D(2026, 12, 1), D(2026, 12, 31), "month 12/2026"),
    ("6 tháng đầu năm 2026", D(2026, 1, 1), D(2026, 6, 30), "first half of 2026"),
    ("6 thang cuoi nam 2026", D(2026, 7, 1), D(2026, 12, 31), "second half of 2026"),
    ("H1/2026", D(2026, 1, 1), D(2026, 6, 30), "first half of 2026"),
    ("từ 1/1/2026 đến 31/3/2026", D(2026, 1, 1), D(2026, 3, 31), "from 1/1/2026 to 31/3/2026"),
    ("tu 1/1/2026 den 31/3/2026", D(2026, 1, 1), D(2026, 3, 31), "from 1/1/2026 to 31/3/2026"),
    ("Từ 01/01/2026 đến 31/03/2026.", D(2026, 1, 1), D(2026, 3, 31), "from 1/1/2026 to 31/3/2026"),
    ("from 1/1/2026 to 31/3/2026", D(2026, 1, 1), D(2026, 3, 31), "from 1/1/2026 to 31/3/2026"),
    ("1/1/2026 - 31/3/2026", D(2026, 1, 1), D(2026, 3, 31), "from 1/1/2026 to 31/3/2026"),
    ("1/1/2026-31/3/2026", D(2026, 1, 1), D(2026, 3, 31), "from 1/1/2026 to 31/3/2026"),
    ("15/2/2026 - 15/2/2026", D(2026, 2, 15), D(2026, 2, 15), "from 15/2/2026 to 15/2/2026"),
]


@pytest.mark.parametrize(("text", "start", "end", "label"), PERIODS)
def test_periods_are_read_with_or_without_diacritics(text, start, end, label):
    period = parse_period(text, TODAY)
    assert (period.start, period.end) == (start, end)
    with use_language("en"):
        assert period.label == label


def test_the_range_label_follows_the_language():
    with use_language("vi"):
        assert parse_period("from 1/1/2026 to 31/3/2026", TODAY).label == "từ 1/1/2026 đến 31/3/2026"


BAD_PERIODS = [
    ("hôm qua", "“hôm qua”"),
    ("năm 2026 và 2027", "“năm 2026 và 2027”"),
    ("quý 5/2026", "quarter 5"),
    ("quy v/2026", "quarter V"),
    ("tháng 13/2026", "month 13"),
    ("từ 31/3/2026 đến 1/1/2026", "ends on 1/1/2026"),
    ("from 1/1/2020 to 1/1/2026", "at most 5 years"),
    ("năm 1990", "1990"),
    ("từ 1/1/2026 đến mai", "“mai” is not a date"),
    ("from 30/2/2026 to 31/3/2026", "“30/2/2026” is not a date"),
]


@pytest.mark.parametrize(("text", "reason"), BAD_PERIODS)
def test_a_bad_period_is_refused_with_the_forms_that_work(text, reason):
    with use_language("en"), pytest.raises(Refusal) as refused:
        parse_period(text, TODAY)
    message = refused.value.message
    assert reason in message
    assert "Periods I can read: năm 2026 · quý I/2026" in message and "từ 1/1/2026 đến 31/3/2026" in message


def test_a_long_period_can_be_allowed():
    period = parse_period("from 1/1/2000 to 31/3/2026", TODAY, max_years=None)
    assert (period.start, period.end) == (D(2000, 1, 1), D(2026, 3, 31))
