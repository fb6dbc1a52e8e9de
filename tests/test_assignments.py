"""Each lead agency answers for its own part of a task, and the office closes the loop: received,
completion reported, confirmed or returned, extensions, edits, cancellations; one way of counting."""

import datetime as dt
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dondoc.bot.cli import main
from dondoc.i18n import use_language
from dondoc.nudges.digests import DAILY, digest_text
from dondoc.store.models import AssignmentState, Task, TaskAgency
from tests.conftest import TZ
from tests.test_notices import SAMPLE


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def states(app, task_id: int) -> dict[str, str]:
    """Agency code -> state of each lead assignment of a task."""
    with app.sessions() as session:
        rows = session.scalars(
            select(TaskAgency).where(TaskAgency.task_id == task_id, TaskAgency.role == "lead")
        )
        return {p.agency.code: p.state.value for p in rows}


@pytest.fixture
def province(team, app, tmp_path, capsys):
    """The sample notice imported (14 tasks; II.1.i is #9, II.4.a #13, II.4.b #14 — the last two given to
    every agency), and heads of Sở KH&CN, Sở Tài chính and Sở Tư pháp."""
    team.join("gd-stp", "STP", "head")
    path = tmp_path / "thong-bao.txt"
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["notice", "import", str(path), "--yes"], app=app) == 0
    capsys.readouterr()
    for user in ("gd-khcn", "cv-khcn", "gd-stc", "gd-stp", "vanphong"):
        team.inbox(user)
    return team


def test_the_office_closes_the_loop_agency_by_agency(app, province, clock):
    chat = province
    # II.4.b: Sở Tài chính reports completion; only its own assignment waits for the office.
    reply = chat.say("gd-stc", "/hoanthanh 14 Đã ban hành Kế hoạch 45/KH-STC ngày 5/3/2026")
    assert "14" in reply
    assert states(app, 14)["STC"] == "reported"
    assert {code for code, state in states(app, 14).items() if state != "open"} == {"STC"}
    office_inbox = chat.inbox("vanphong")
    assert any("Sở Tài chính" in m and "45/KH-STC" in m and "/xacnhan 14 STC" in m for m in office_inbox)
    with app.sessions() as session:
        from dondoc.store.models import Outbox

        buttons = session.scalars(select(Outbox.choices).where(Outbox.kind == "decision")).all()
    assert [c[1] for c in buttons[0]] == ["/xacnhan 14 STC", "/tralai 14 STC"]

    # Sở Tư pháp's part of the same task is untouched and still shows as open to it.
    assert "#14" in chat.say("gd-stp", "/nhiemvu 2") or "#14" in chat.say("gd-stp", "/nhiemvu")
    assert "chờ Văn phòng xác nhận" not in chat.say("gd-stp", "/xem 14")

    # With 46 lead agencies and no agency named, the office is asked which; the choice is the command.
    question = chat.send("vanphong", "/xacnhan 14")[0]
    assert [c.data for c in question.choices] == ["/xacnhan 14 STC"]
    confirmed = chat.say("vanphong", "1")
    assert "Sở Tài chính" in confirmed and "14" in confirmed
    assert states(app, 14)["STC"] == "done"
    assert any("xác nhận" in m.lower() and "14" in m for m in chat.inbox("gd-stc"))
    again = chat.say("vanphong", "/xacnhan 14 STC")  # a decision on what is not waiting for one
    assert "đã hoàn thành" in again and states(app, 14)["STC"] == "done"

    # Sở Tư pháp is still asked for its report on II.4.b (undated: the monthly request), Sở Tài chính not.
    with app.sessions() as session:
        session.execute(TaskAgency.__table__.update().values(received_at=clock.now))
        session.commit()
    sent = app.sweep(at("2026-04-01 08:00"))
    nudged = {(m.owed.task_id, m.person.name) for m in sent}
    assert (14, "gd-stp") in nudged and (14, "gd-stc") not in nudged

    # An extension for II.1.i (Sở KH&CN, 31/3/2026): asked, approved, the original kept.
    clock.now = at("2026-03-20 10:00")
    asked = chat.say("gd-khcn", "/giahan 9 30/4/2026 Chờ ý kiến thẩm định của Sở Tư pháp")
    assert "30/4/2026" in asked
    assert any("/duyet 9 SKHCN" in m for m in chat.inbox("vanphong"))
    second = chat.say("gd-khcn", "/giahan 9 15/5/2026 Lần hai")  # one pending request at a time
    assert "30/4/2026" in second and "chưa cho ý kiến" in second
    approved = chat.say("vanphong", "/duyet 9")
    assert "30/4/2026" in approved and "31/3/2026" in approved
    detail = chat.say("vanphong", "/xem 9")
    assert "Thứ Năm, 30/4/2026" in detail and "Thứ Ba, 31/3/2026" in detail
    with app.sessions() as session:
        part = session.scalar(select(TaskAgency).where(TaskAgency.task_id == 9, TaskAgency.role == "lead"))
        assert (part.deadline, part.original_deadline) == (dt.date(2026, 4, 30), dt.date(2026, 3, 31))

    # /tralai sends Sở Tư pháp's report on II.4.a back with the reason; its part is open again.
    chat.say("gd-stp", "/hoanthanh 13 Đã có Công văn 10/STP-VP gửi Sở KH&CN")
    assert states(app, 13)["STP"] == "reported"
    returned = chat.say("vanphong", "/tralai 13 STP Công văn chưa nêu sản phẩm cụ thể")
    assert "Sở Tư pháp" in returned
    assert states(app, 13)["STP"] == "open"
    told = chat.inbox("gd-stp")
    assert any("Công văn chưa nêu sản phẩm cụ thể" in m and "/hoanthanh 13" in m for m in told)
    assert "Công văn chưa nêu sản phẩm cụ thể" in chat.say("vanphong", "/xem 13")

    # /tonghop, /quahan and /nhiemvu agree, agency by agency.
    for code, head in (("STC", "gd-stc"), ("STP", "gd-stp"), ("KHCN", "gd-khcn")):
        line = chat.say("vanphong", f"/tonghop {code}").split("\n")[1].replace("7 ngày", "")
        open_, overdue, _soon, awaiting, _done = counts_in(line)[:5]
        overdue_line = chat.say("vanphong", f"/quahan {code}").split("\n")[0]
        assert (counts_in(overdue_line) or [0])[0] == overdue, (code, line, overdue_line)
        assert counts_in(chat.say(head, "/nhiemvu").split("\n")[0]) == [open_ + awaiting], code


def test_a_completion_on_time_and_late_is_judged_by_the_original_deadline(app, team, clock):
    team.say("vanphong", "/giao KHCN; STC | 10/3/2026 | Báo cáo sơ kết")
    clock.now = at("2026-03-09 10:00")
    team.say("gd-khcn", "/hoanthanh 1 Báo cáo 12/BC-SKHCN")
    clock.now = at("2026-03-12 10:00")
    team.say("gd-stc", "/hoanthanh 1 Báo cáo 30/BC-STC")
    on_time = team.say("vanphong", "/xacnhan 1 KHCN")
    late = team.say("vanphong", "/xacnhan 1 Sở Tài chính")
    assert "đúng hạn" in on_time and "trễ hạn" in late
    with app.sessions() as session:
        assert session.get(Task, 1).status == "done"


def test_an_extension_keeps_done_on_time_honest(app, team, clock):
    team.say("vanphong", "/giao STC | 10/3/2026 | Bố trí kinh phí")
    team.say("gd-stc", "/giahan 1 20/3/2026 Chờ số liệu")
    team.say("vanphong", "/duyet 1")
    clock.now = at("2026-03-18 10:00")
    team.say("gd-stc", "/hoanthanh 1 Quyết định 77/QĐ-STC")
    assert "đúng hạn (đã gia hạn)" in team.say("vanphong", "/xacnhan 1")


def test_bad_requests_are_told_what_to_type(app, team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch | STC")
    assert "31/3/2026" in team.say("gd-khcn", "/giahan 1 20/3/2026 Sớm hơn")  # before the current deadline
    assert "/giahan" in team.say("gd-khcn", "/giahan 1 ngày mai")
    assert "chủ trì" in team.say("gd-stc", "/giahan 1 30/4/2026 Phối hợp xin thêm thời gian")
    assert "chủ trì" in team.say("gd-stc", "/hoanthanh 1 Công văn 5/STC-NS")
    assert "chưa báo cáo hoàn thành nhiệm vụ số 1" in team.say("vanphong", "/xacnhan 1")  # nothing waits
    assert "số 1" in team.say("vanphong", "/duyet 1")
    assert "không" in team.say("gd-khcn", "/xacnhan 1").lower()  # not theirs to use
    team.say("gd-khcn", "/giahan 1 30/4/2026 Chờ thẩm định")
    second = team.say("gd-khcn", "/giahan 1 15/5/2026 Lần nữa")
    assert "30/4/2026" in second
    with app.sessions() as session:
        from dondoc.store.models import ExtensionRequest

        assert len(session.scalars(select(ExtensionRequest)).all()) == 1


def test_received_by_button_number_or_words(app, team, clock):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch")
    detail = team.say("vanphong", "/xem 1")
    assert "Chưa xác nhận đã nhận" in detail
    with app.sessions() as session:
        from dondoc.store.models import Outbox

        row = session.scalar(select(Outbox).where(Outbox.chat_id == "cv-khcn"))
        assert row.choices == [["✅ Đã nhận", "/danhan 1"]]
    team.inbox("cv-khcn")
    assert "đã nhận nhiệm vụ #1" in team.say("cv-khcn", "1")  # the numbered answer on the console and Zalo
    assert "cv-khcn" in team.say("vanphong", "/xem 1")
    team.say("vanphong", "/giao KHCN | 30/4/2026 | Việc thứ hai")
    assert "#2" in team.say("gd-khcn", "/danhan", choice="/danhan 2")  # the Telegram button
    team.say("vanphong", "/giao KHCN | 30/4/2026 | Việc thứ ba")
    assert "#3" in team.say("gd-khcn", "đã nhận")  # the words, with no number: everything new


def test_one_working_day_without_received_gets_one_reminder(app, team, clock):
    clock.now = at("2026-03-06 10:00")  # Friday
    team.say("vanphong", "/giao KHCN | 30/4/2026 | Trình Kế hoạch")
    team.say("vanphong", "/giao STC | 30/4/2026 | Bố trí kinh phí")
    team.say("gd-stc", "đã nhận 2")
    assert [m for m in app.sweep(at("2026-03-07 08:00"))] == []  # Saturday
    sent = app.sweep(at("2026-03-09 08:00"))  # Monday, the first working day after
    assert {(m.owed.task_id, m.owed.step.name) for m in sent} == {(1, "received")}
    assert "đã nhận 1" in sent[0].text and sent[0].choices
    assert app.sweep(at("2026-03-10 08:00")) == []  # once


def test_office_edits_are_told_and_kept(app, team, clock):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch | STC")
    for user in ("gd-khcn", "cv-khcn", "gd-stc"):
        team.inbox(user)
    changed = team.say("vanphong", "/sua 1 chutri +STP -KHCN")
    assert "Sở Tư pháp" in changed
    assert states(app, 1) == {"SKHCN": "cancelled", "STP": "open"}
    assert any("không còn" in m.lower() for m in team.inbox("gd-khcn"))
    assert "#1" not in team.say("gd-khcn", "/nhiemvu")
    team.say("vanphong", "/sua 1 hạn 15/4/2026")
    team.say("vanphong", "/sua 1 noidung Trình Kế hoạch năm 2026 đã điều chỉnh")
    detail = team.say("vanphong", "/xem 1")
    assert "15/4/2026" in detail and "đã điều chỉnh" in detail and "vanphong" in detail
    guided = team.send("vanphong", "/sua 1")[0]
    assert len(guided.choices) == 4
    team.say("vanphong", "2")
    team.say("vanphong", "20/4/2026")
    with app.sessions() as session:
        assert session.get(Task, 1).deadline == dt.date(2026, 4, 20)
    assert "/huy 1" in team.say("vanphong", "/sua 1 chutri -STP")  # the last lead cannot go
    cancelled = team.say("vanphong", "/huy 1 Đã được thay thế bằng nhiệm vụ khác")
    assert "số 1" in cancelled
    assert states(app, 1)["STP"] == "cancelled"
    assert app.sweep(at("2026-04-13 08:00")) == []


def counts_in(text: str) -> list[int]:
    """The numbers a line counts (not the "7" of "within 7 days")."""
    return [int(n) for n in re.findall(r"\d+", text.replace("within 7 days", ""))]


def test_every_view_counts_the_same_assignments(app, team, clock):
    """One state: several multi-agency tasks, mixed reports, an extension, a cancelled task."""
    team.join("gd-stp", "STP", "head")
    give = [
        "KHCN; STC | 10/3/2026 | A hai cơ quan chủ trì | STP",  # 1
        "STC | 20/3/2026 | B | KHCN",  # 2
        "STC; STP | 5/3/2026 | C được gia hạn cho STC",  # 3
        "KHCN | 31/3/2026 | D bị hủy | STC",  # 4
        "STC | 4/3/2026 | E đã xong",  # 5
        "STC | 6/3/2026 | F chờ xác nhận",  # 6
        "STC; KHCN | 5/3/2026 | H quá hạn",  # 7
        "STP | 6/3/2026 | I do STP chủ trì | STC",  # 8
    ]
    for line in give:
        team.say("vanphong", f"/giao {line}")
    team.say("gd-stc", "/giahan 3 25/3/2026 Chờ số liệu")
    team.say("vanphong", "/duyet 3 STC")
    team.say("vanphong", "/huy 4 Không còn phù hợp")
    team.say("gd-stc", "/hoanthanh 5 Quyết định 12/QĐ-STC")
    team.say("vanphong", "/xacnhan 5")
    team.say("gd-stc", "/hoanthanh 6 Quyết định 13/QĐ-STC")
    team.say("gd-stc", "/baocao 8 30% Đã gửi số liệu")  # a contribution, not I's progress
    team.say("gd-khcn", "/baocao 1 40% Đang dự thảo")
    clock.now = at("2026-03-09 10:00")
    for user in ("vanphong", "pct", "gd-stc", "gd-khcn", "gd-stp"):
        team.say(user, "/ngonngu en")

    # Province: open 8 (KHCN: 1, 7; STC: 1, 2, 3, 7; STP: 3, 8), overdue 4, due within 7 days 2,
    # awaiting 1 (STC 6), done 1 (STC 5).
    summary = team.say("vanphong", "/tonghop").split("\n")[1]
    assert counts_in(summary)[:5] == [8, 4, 2, 1, 1]
    assert counts_in(team.say("pct", "/quahan").split("\n")[0]) == [4]
    assert counts_in(team.say("pct", "/sapden").split("\n")[0])[0] == 2
    assert counts_in(team.say("vanphong", "/nhiemvu").split("\n")[0]) == [9]
    with app.sessions() as session, use_language("en"):
        digest = digest_text(session, DAILY, dt.date(2026, 3, 9), TZ).split("\n")[1]
    assert counts_in(digest)[:4] == [8, 4, 2, 1]

    # Sở Tài chính: open 4 (1, 2, 3, 7), overdue 1 (7), due soon 1 (1), awaiting 1, done 1; cooperates on 8.
    stc = team.say("vanphong", "/tonghop STC")
    assert counts_in(stc.split("\n")[1])[:5] == [4, 1, 1, 1, 1]
    overdue_stc = team.say("vanphong", "/quahan STC")
    assert counts_in(overdue_stc.split("\n")[0]) == [1] and "#7 " in overdue_stc and "#8 " not in overdue_stc
    assert counts_in(team.say("gd-stc", "/sapden").split("\n")[0])[0] == 1
    own = team.say("gd-stc", "/nhiemvu")
    assert counts_in(own.split("\n")[0]) == [5]
    leads, cooperating = own.split("Cooperating")
    assert "#8 " in cooperating and "#8 " not in leads and "#4 " not in own and "#5 " not in own
    progress = team.say("gd-stc", "/tiendo")
    assert [counts_in(line)[0] for line in progress.split("\n")[1:6]] == [4, 1, 1, 1, 1]
    assert counts_in(next(line for line in progress.split("\n") if "Cooperating" in line)) == [1]

    # Sở Tư pháp leads 8: its progress is its own (none), not Sở Tài chính's 30%.
    stp = team.say("gd-stp", "/nhiemvu")
    line_8 = next(line for line in stp.split("#8 ")[1:])
    assert "30%" not in line_8.split("\n")[1] and "not reported yet" in line_8.split("\n")[1]
    assert "30%" in team.say("gd-stp", "/xem 8")  # shown as Sở Tài chính's contribution
    assert counts_in(team.say("vanphong", "/quahan STP").split("\n")[0]) == [2]

    # Nudges go to open assignments only.
    with app.sessions() as session:
        session.execute(TaskAgency.__table__.update().values(received_at=clock.now))
        session.commit()
    owed = set()
    for day in ("2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"):
        owed |= {(m.owed.task_id, m.owed.agency_id) for m in app.sweep(at(f"{day} 08:00"))}
    with app.sessions() as session:
        rows = session.execute(select(TaskAgency.task_id, TaskAgency.agency_id, TaskAgency.state)).all()
    closed = {(t, a) for t, a, s in rows if s != AssignmentState.OPEN}
    assert owed and not owed & closed


COMMAND_WORD = re.compile(r"(?<![\w/])/([a-z]+)")


def test_no_message_offers_a_command_its_reader_may_not_use(app, team, clock):
    """Every reply and every queued message (nudges, escalations, digests, decisions) names only commands
    its reader's role may use."""
    roles = {"vanphong": "admin", "pct": "leader", "gd-khcn": "head", "cv-khcn": "staff", "gd-stc": "head"}
    said: list[tuple[str, str]] = []

    def say(user: str, text: str) -> None:
        for reply in team.send(user, text):
            said.append((user, reply.text + " " + " ".join(c.data for c in reply.choices)))

    clock.now = at("2026-03-02 09:00")
    say("vanphong", "/giao KHCN; STC | 10/3/2026 | Báo cáo sơ kết | STP")
    say("vanphong", "/giao KHCN | 4/3/2026 | Rà soát kết luận")
    for user in roles:
        say(user, "/help")
        say(user, "/nhiemvu")
        say(user, "/sapden")
        say(user, "/xem 1")
    say("cv-khcn", "/baocao 1 30% Đang dự thảo")
    say("gd-khcn", "/giahan 1 20/3/2026 Chờ số liệu")
    say("vanphong", "/duyet 1 KHCN")
    say("gd-stc", "/hoanthanh 1 Báo cáo 30/BC-STC")
    say("vanphong", "/tralai 1 STC Chưa có số liệu")
    say("gd-stc", "/hoanthanh 1 Báo cáo 31/BC-STC")
    say("vanphong", "/xacnhan 1")
    say("vanphong", "1")
    for day in ("2026-03-03", "2026-03-05", "2026-03-09", "2026-03-12", "2026-03-17"):
        app.sweep(at(f"{day} 08:00"))
    app.digest("daily", at("2026-03-17 16:30"))
    app.digest("weekly", at("2026-03-16 08:00"))
    say("vanphong", "/huy 2 Đã có kết luận mới")
    with app.sessions() as session:
        from dondoc.store.models import Outbox, Person

        for row in session.scalars(select(Outbox)):
            person = session.get(Person, row.person_id)
            said.append((person.name, row.text + " " + " ".join(c[1] for c in row.choices or [])))
    assert any(user == "vanphong" and text.startswith("⚠️") for user, text in said)  # an escalation
    assert any(user == "pct" for user, text in said[-20:])  # the leaders' weekly digest
    for user, text in said:
        for word in COMMAND_WORD.findall(text):
            command = app.registry.find(word)
            assert command is not None, (user, word, text)
            assert roles[user] in {r.value for r in command.roles}, (user, word, text)


OFFICE_WORDS = [
    "xacnhan",
    "tralai",
    "duyet",
    "tuchoi",
    "sua",
    "huy",
    "giahan",
    "danhan",
    "sapden",
    "hoanthanh",
]


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    word=st.sampled_from(OFFICE_WORDS),
    number=st.sampled_from(["1", "2", "3", "99", "-1", "9223372036854775808", "#2", ""]),
    rest=st.one_of(
        st.text(max_size=60),
        st.sampled_from(
            [
                "STC",
                "KHCN Lý do",
                "Sở Tài chính chưa đạt",
                "+STC -KHCN",
                "hạn 31/2/2026",
                "chutri +",
                "noidung",
                "30/4/2026 lý do",
                "1/1/2020 x",
                "STP",
                "hạn thường xuyên",
            ]
        ),
    ),
)
def test_office_decisions_on_real_tasks_never_crash(team, word, number, rest):
    """Arbitrary arguments to the commands of this loop, on tasks in every state, from every role."""
    with team.app.sessions() as session:
        from dondoc.store.models import Task as TaskRow

        empty = session.scalar(select(TaskRow.id).limit(1)) is None
    if empty:
        team.say("vanphong", "/giao KHCN; STC | 31/3/2026 | Hai cơ quan | STP")
        team.say("vanphong", "/giao STC | 30/4/2026 | Một cơ quan")
        team.say("gd-stc", "/hoanthanh 1 Quyết định 5/QĐ-STC")
        team.say("gd-khcn", "/giahan 1 30/4/2026 Chờ")
    for user in ("vanphong", "gd-stc", "cv-khcn", "pct"):
        replies = team.send(user, f"/{word} {number} {rest}")
        assert replies and all(r.text.strip() and "Traceback" not in r.text for r in replies)
        team.say(user, "hủy")
    with team.app.sessions() as session:
        from dondoc.store.models import Outbox

        assert session.scalar(select(Outbox.id).where(Outbox.kind == "alert")) is None
