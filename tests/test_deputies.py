"""/uyquyen: someone covers for an agency's head for a period and gets what is meant for the head (the
reports the agency's officers send, the office's decisions, messages to heads only), until the last day
given or /uyquyen thôi. Through the real dispatcher, on SQLite and PostgreSQL."""

import datetime as dt

import pytest

from dondoc.i18n import _, use_language
from tests.conftest import TZ, Chat


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def vi(msgid: str, **values: object) -> str:
    with use_language("vi"):
        return _(msgid).format(**values)


@pytest.fixture
def khcn(team: Chat) -> Chat:
    """The team, and a second officer of KHCN (pp-khcn), the one who will cover for the head."""
    team.join("pp-khcn", "KHCN", "staff")
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Xây dựng đề án chuyển đổi số")
    for user in ("gd-khcn", "cv-khcn", "pp-khcn"):
        team.inbox(user)
    return team


def test_a_deputy_gets_what_is_meant_for_the_head_until_the_day_given(app, khcn, clock):
    done = khcn.say("gd-khcn", "/uyquyen pp-khcn đến 20/3/2026")
    assert done == vi(
        "✅ {who} covers for the head of {agency} until {date} (included): they also receive what is meant "
        "for the head. /uyquyen thôi ends it early.",
        who="pp-khcn",
        agency="Sở Khoa học và Công nghệ",
        date="Thứ Sáu, 20/3/2026",
    )
    told = khcn.inbox("pp-khcn")
    assert len(told) == 1 and "20/3/2026" in told[0]
    covering = vi("{name} covers for the head until {date}", name="pp-khcn", date="Thứ Sáu, 20/3/2026")
    assert covering in khcn.say("vanphong", "/thanhvien KHCN")
    assert "pp-khcn" in khcn.say("gd-khcn", "/uyquyen")

    # An officer's report reaches the head and the deputy; without the cover, only the head.
    khcn.say("cv-khcn", "/baocao 1 30 Đã xin ý kiến các sở")
    assert len(khcn.inbox("gd-khcn")) == 1
    assert len(khcn.inbox("pp-khcn")) == 1
    # The office's decision on an extension too.
    khcn.say("cv-khcn", "/giahan 1 15/4/2026 Chờ ý kiến của Bộ")
    khcn.inbox("gd-khcn"), khcn.inbox("pp-khcn")
    khcn.say("vanphong", "/duyet 1")
    decision = khcn.inbox("gd-khcn")
    assert len(decision) == 1 and "15/4/2026" in decision[0]
    assert khcn.inbox("pp-khcn") == decision

    # After the last day covered, nothing more reaches the deputy as if they were the head.
    clock.now = at("2026-03-21 09:00")
    khcn.say("cv-khcn", "/baocao 1 50 Đã hoàn thiện dự thảo")
    assert len(khcn.inbox("gd-khcn")) == 1
    assert khcn.inbox("pp-khcn") == []
    assert covering not in khcn.say("vanphong", "/thanhvien KHCN")
    clock.now = at("2026-03-20 09:00")
    assert covering in khcn.say("vanphong", "/thanhvien KHCN")  # the last day is covered


def test_a_cover_can_end_early_and_only_a_head_or_the_office_gives_it(app, khcn, clock):
    khcn.say("vanphong", "/uyquyen pp-khcn đến 31/3/2026")  # the office names someone for any agency
    khcn.inbox("pp-khcn")
    khcn.say("cv-khcn", "/baocao 1 30 Đã xin ý kiến các sở")
    assert len(khcn.inbox("pp-khcn")) == 1
    assert khcn.say("gd-khcn", "/uyquyen thôi") == vi(
        "✅ Nobody covers for the head of {agency} any more.", agency="Sở Khoa học và Công nghệ"
    )
    khcn.say("cv-khcn", "/baocao 1 40 Đã hoàn thiện dự thảo")
    assert khcn.inbox("pp-khcn") == []

    usage = vi(
        "Write it like this: /uyquyen Nguyễn Văn An đến 31/12/2026 — that person then also receives what is "
        "meant for the head until that day. /uyquyen thôi ends it early."
    )
    assert khcn.say("gd-khcn", "/uyquyen pp-khcn") == usage  # no last day
    assert "2/3/2027" in khcn.say("gd-khcn", "/uyquyen pp-khcn đến 1/1/2030")  # at most a year
    assert "2/3/2027" in khcn.say("gd-khcn", "/uyquyen pp-khcn đến 1/3/2026")  # not in the past
    assert khcn.say("gd-khcn", "/uyquyen gd-stc đến 31/3/2026") == vi(
        "{name} is not registered at your agency. /thanhvien shows who is.", name="gd-stc"
    )
    assert "/uyquyen" in khcn.say("cv-khcn", "/uyquyen pp-khcn đến 31/3/2026")  # an officer may not
    assert "/thanhvien" in khcn.say("gd-khcn", "/uyquyen Không Có Ai đến 31/3/2026")
    khcn.say("cv-khcn", "/baocao 1 50 Đã hoàn thiện dự thảo")
    assert khcn.inbox("pp-khcn") == []  # none of the refused ones gave a cover
