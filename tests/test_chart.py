"""The /xuat chart: its bars come from the agencies' figures, best on-time rate first, and it is a real
picture (1080 pixels wide, the bars' colours drawn), in either language, drawn without a warning."""

import datetime as dt
import io
import struct
import subprocess
import sys

import pytest

from dondoc.i18n import use_language
from dondoc.reports.chart import SEGMENTS, ChartData, agency_chart, chart_series, drawable, short_name
from dondoc.store.exports import AgencySummary, agency_summaries
from tests.conftest import TZ

TODAY = dt.date(2026, 4, 1)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.strptime(day, "%d/%m/%Y").replace(hour=hour, tzinfo=TZ)


@pytest.fixture
def state(app, team, clock) -> list[AgencySummary]:
    """Sở KH&CN: #1 done on time, #2 done late, #3 overdue on 1/4, #4 ongoing and open; Sở Tài chính: #5
    reported, #6 open (due 30/4), #7 ongoing and done; Sở Tư pháp: #8 done on time."""
    team.join("gd-stp", "STP", "head")
    for lead, deadline in [("KHCN", "10/3/2026"), ("KHCN", "10/3/2026"), ("KHCN", "31/3/2026"),
                           ("KHCN", "thường xuyên"), ("STC", "20/3/2026"), ("STC", "30/4/2026"),
                           ("STC", "thường xuyên"), ("STP", "10/3/2026")]:  # fmt: skip
        team.say("vanphong", f"/giao {lead} | {deadline} | Việc của {lead}")
    for user, number, day, confirm in [("gd-khcn", 1, "9/3/2026", True), ("gd-khcn", 2, "12/3/2026", True),
                                       ("gd-stc", 5, "15/3/2026", False), ("gd-stc", 7, "16/3/2026", True),
                                       ("gd-stp", 8, "10/3/2026", True)]:  # fmt: skip
        clock.now = at(day)
        team.say(user, f"/hoanthanh {number} Báo cáo {number}/BC")
        if confirm:
            assert "✅" in team.say("vanphong", f"/xacnhan {number}")
    clock.now = at("1/4/2026", 9)
    with app.sessions() as session:
        return agency_summaries(session, TODAY)


def test_the_bars_are_the_agencies_figures_best_rate_first(state):
    summaries = {s.name: s for s in state}
    assert (summaries["Sở Khoa học và Công nghệ"].open, summaries["Sở Khoa học và Công nghệ"].overdue) == (
        2,
        1,
    )
    data = chart_series(state)
    assert data.names == ("Sở Tư pháp", "Sở Khoa học và Công nghệ", "Sở Tài chính")  # 1/1, 1/3, 0/2
    assert data.rates == pytest.approx((1.0, 1 / 3, 0.0))
    assert {s.key: s.values for s in data.segments} == {
        "on_time": (1, 1, 0),
        "undated": (0, 0, 1),  # #7: done, with no deadline to be on time or late against
        "late": (0, 1, 0),
        "reported": (0, 0, 1),
        "open": (0, 1, 1),  # #4 (ongoing) and #6; #3 is overdue, not here
        "overdue": (0, 1, 0),
    }
    # Each bar is the agency's whole count; the segments keep the legend's order.
    assert data.totals == tuple(summaries[n].assigned for n in data.names) == (1, 4, 3)
    for position, total in enumerate(data.totals):
        assert sum(s.values[position] for s in data.segments) == total
    assert [s.key for s in data.segments] == [key for key, _label, _colour in SEGMENTS]
    assert data.hidden == 0


def summary(
    agency_id: int, name: str, on_time: int, late: int, dated: int, overdue: int = 0
) -> AgencySummary:
    open_ = dated - on_time - late
    return AgencySummary(agency_id, name, dated, on_time, late, 0, open_, overdue, dated)


def test_no_dated_work_goes_last_the_limit_is_said_and_empty_kinds_are_left_out():
    summaries = [
        AgencySummary(1, "Trung tâm Phục vụ hành chính công tỉnh", 2, 0, 0, 0, 2, 0, 0),  # no deadline
        summary(2, "Sở Y tế", 1, 1, 2),  # 1/2, nothing overdue: by name after Sở Tư pháp
        summary(3, "Sở Nội vụ", 1, 0, 2, overdue=1),
        summary(4, "Sở Tư pháp", 1, 0, 2),  # the same rate as Sở Nội vụ, nothing overdue: before it
        summary(5, "Sở Xây dựng", 3, 0, 3),
        AgencySummary(6, "Sở Ngoại vụ", 0, 0, 0, 0, 0, 0, 0),  # nothing assigned: not drawn
    ]
    data = chart_series(summaries, limit=4)
    assert data.names == ("Sở Xây dựng", "Sở Tư pháp", "Sở Y tế", "Sở Nội vụ")
    assert data.hidden == 1
    assert [s.key for s in data.segments] == ["on_time", "late", "open", "overdue"]
    everyone = chart_series(summaries)
    assert everyone.names[-1] == "Trung tâm Phục vụ hành chính công…" and everyone.rates[-1] is None


def test_long_names_are_cut_at_a_word():
    assert short_name("Sở Khoa học và Công nghệ") == "Sở Khoa học và Công nghệ"
    assert short_name("Sở Văn hóa, Thể thao và Du lịch") == "Sở Văn hóa, Thể thao và Du lịch"
    long = "Ban Quản lý Khu Kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi"
    assert short_name(long) == "Ban Quản lý Khu Kinh tế Dung Quất…"
    assert short_name("Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh") == (
        "Văn phòng Đoàn đại biểu Quốc hội…"
    )


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def colours_in(png: bytes) -> set[tuple[int, int, int]]:
    import numpy as np
    from matplotlib.image import imread

    pixels = (imread(io.BytesIO(png), format="png")[..., :3] * 255).round().astype(np.int64)
    packed = np.unique(pixels[..., 0] << 16 | pixels[..., 1] << 8 | pixels[..., 2])
    return {(int(p) >> 16, int(p) >> 8 & 255, int(p) & 255) for p in packed}


def rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_chart_is_a_phone_sized_picture_with_the_bars_colours(state, language):
    with use_language(language):
        png = agency_chart(state, title="Tình hình thực hiện nhiệm vụ theo cơ quan, Quý I/2026")
    width, height = png_size(png)
    assert width == 1080 and 500 < height < 1000
    assert len(png) > 20_000
    found = colours_in(png)
    assert len(found) > 50  # text is anti-aliased: many shades, not a blank page
    for segment in chart_series(state).segments:
        assert rgb(segment.colour) in found, segment.key


def test_many_agencies_make_a_taller_picture_and_none_an_empty_one():
    many = [summary(i, f"Ủy ban nhân dân xã số {i}", i % 4, 1, 5, overdue=1) for i in range(1, 31)]
    width, height = png_size(agency_chart(many, title="Xếp hạng", limit=20))
    assert width == 1080 and height > 1500
    assert chart_series(many, limit=20).hidden == 10
    empty = agency_chart([], title="Không có nhiệm vụ")
    assert png_size(empty)[0] == 1080
    assert chart_series([]) == ChartData((), (), (), (), 0)


def test_the_bot_starts_without_matplotlib():
    code = (
        "import sys, dondoc.bot.cli, dondoc.reports.chart, dondoc.reports.ranking; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_what_the_font_cannot_draw_is_replaced_without_a_warning():
    odd = [AgencySummary(1, "Sở Y tế 🏥", 2, 1, 1, 0, 0, 0, 2)]
    assert png_size(agency_chart(odd, title="📊 Báo cáo 中文"))[0] == 1080  # warnings are errors here
    assert drawable("📊 Sở Khoa học và Công nghệ — 60% … ÷ “x”") == "? Sở Khoa học và Công nghệ — 60% … ÷ “x”"
