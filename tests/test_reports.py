"""Reporting progress and completion, in one line or step by step, and every way it can go wrong."""

import unicodedata

from sqlalchemy import select

from dondoc.store.models import Report, ReportKind, TaskAgency


def reports(app):
    with app.sessions() as session:
        return [(r.task_id, r.percent, r.kind, r.text, r.evidence) for r in session.scalars(select(Report))]


def make_task(team, lead="KHCN", deadline="31/3/2026", text="Trình UBND tỉnh Kế hoạch năm 2026", coops=""):
    team.say("vanphong", f"/giao {lead} | {deadline} | {text} | {coops}")


def test_inline_report_is_recorded_and_the_head_is_told(app, team):
    make_task(team)
    assert any(
        "Trình UBND tỉnh Kế hoạch năm 2026" in m for m in team.inbox("cv-khcn")
    )  # the new task arrived
    reply = team.say("cv-khcn", "/baocao 1 60% Đã hoàn thành dự thảo")
    assert reply == "✅ Đã ghi nhận: nhiệm vụ số 1, 60%. Xin cảm ơn."
    assert reports(app) == [(1, 60, ReportKind.PROGRESS, "Đã hoàn thành dự thảo", None)]
    head_inbox = team.inbox("gd-khcn")
    assert any("60%" in m and "cv-khcn" in m for m in head_inbox)
    assert team.inbox("gd-khcn") == []  # delivered once
    assert team.inbox("cv-khcn") == []  # the reporter is not told of their own report


def test_report_without_slash_and_without_diacritics(app, team):
    make_task(team)
    team.say("cv-khcn", "bao cao 1 40% da gui lay y kien")
    team.say("cv-khcn", "Báo cáo 1 50% đã tổng hợp ý kiến")
    assert [r[1] for r in reports(app)] == [40, 50]


def test_report_text_is_stored_nfc(app, team):
    make_task(team)
    decomposed = unicodedata.normalize("NFD", "Đã gửi Sở Tư pháp thẩm định")
    team.say("cv-khcn", f"/baocao 1 70% {decomposed}")
    assert reports(app)[0][3] == "Đã gửi Sở Tư pháp thẩm định"


def test_guided_report_flow_by_numbers(app, team):
    make_task(team)
    make_task(team, deadline="15/3/2026", text="Rà soát các kết luận")
    first = team.send("cv-khcn", "/baocao")[0]
    assert [c.data for c in first.choices] == ["task:2", "task:1"]  # most urgent first
    step = team.send("cv-khcn", "1")[0]
    assert "Rà soát các kết luận" in step.text and len(step.choices) == 4
    team.say("cv-khcn", "3")  # 75%
    evidence = team.send("cv-khcn", "Đã rà soát 12 kết luận")[0]
    assert len(evidence.choices) == 1
    done = team.say("cv-khcn", "https://qppl.quangngai.gov.vn/bc-12")
    assert "75%" in done
    assert reports(app) == [
        (2, 75, ReportKind.PROGRESS, "Đã rà soát 12 kết luận", "https://qppl.quangngai.gov.vn/bc-12")
    ]


def test_guided_flow_takes_a_typed_percentage_and_a_skip(app, team):
    make_task(team)
    team.say("cv-khcn", "/baocao 1")
    team.say("cv-khcn", "60%")
    team.say("cv-khcn", "Đang hoàn thiện")
    team.say("cv-khcn", "1")  # skip the evidence
    assert reports(app) == [(1, 60, ReportKind.PROGRESS, "Đang hoàn thiện", None)]


def test_guided_flow_survives_a_restart(app, team, config, clock):
    from dondoc.bot.app import App

    make_task(team)
    team.say("cv-khcn", "/baocao 1 30%")
    restarted = App(config, clock=clock)
    try:
        from tests.conftest import Chat

        again = Chat(restarted)
        again.say("cv-khcn", "Đã họp tổ soạn thảo")
        again.say("cv-khcn", "1")
    finally:
        restarted.close()
    assert reports(app) == [(1, 30, ReportKind.PROGRESS, "Đã họp tổ soạn thảo", None)]


def test_flow_can_be_cancelled_and_a_command_leaves_it(app, team):
    make_task(team)
    team.say("cv-khcn", "/baocao 1")
    team.say("cv-khcn", "hủy")
    team.say("cv-khcn", "/baocao 1")
    reply = team.say("cv-khcn", "/nhiemvu")
    assert "#1" in reply
    team.say("cv-khcn", "Hoàn thành dự thảo")  # not a flow answer any more, nor a completion
    assert reports(app) == []


def test_bad_percentages_are_refused_with_an_example(app, team):
    make_task(team)
    for bad in ("/baocao 1 120% quá", "/baocao 1 -5% lùi", "/baocao 1 6,5% lẻ", "/baocao 1 nhiều% x"):
        reply = team.say("cv-khcn", bad)
        assert "60%" in reply, (bad, reply)
    reply = team.say("cv-khcn", "/baocao 1 Đã làm xong")
    assert "/baocao 12 60%" in reply
    assert reports(app) == []


def test_lower_percentage_needs_confirmation(app, team):
    make_task(team)
    team.say("cv-khcn", "/baocao 1 60% Dự thảo xong")
    question = team.send("gd-khcn", "/baocao 1 40% Phải làm lại dự thảo")[0]
    assert "60%" in question.text and "40%" in question.text and len(question.choices) == 2
    assert [r[1] for r in reports(app)] == [60]
    team.say("gd-khcn", "2")
    assert [r[1] for r in reports(app)] == [60]
    team.say("gd-khcn", "/baocao 1 40% Phải làm lại dự thảo")
    team.say("gd-khcn", "1")
    assert [r[1] for r in reports(app)] == [60, 40]


def test_wrong_and_foreign_task_numbers(app, team):
    make_task(team, lead="STC", text="Bố trí kinh phí")
    not_ours = team.say("cv-khcn", "/baocao 1 50% x")
    missing = team.say("cv-khcn", "/baocao 99 50% x")
    assert not_ours == missing.replace("99", "1")  # a foreign task looks exactly like a missing one
    assert "Bố trí kinh phí" not in team.say("cv-khcn", "/xem 1")
    assert "/xem 12" in team.say("cv-khcn", "/xem một")
    assert reports(app) == []


def test_empty_and_overlong_text(app, team):
    make_task(team)
    team.say("cv-khcn", "/baocao 1 50%   ")
    empty = team.say("cv-khcn", " \u200b ")
    assert "/baocao" not in empty and empty  # asked again for the text, in words
    long_reply = team.say("cv-khcn", "/baocao 1 50% " + "chữ " * 2000)
    assert "3000" in long_reply or "3.000" in long_reply
    huge = team.say("cv-khcn", "/baocao 1 50% " + "😀" * 100_000)
    assert huge
    assert reports(app) == []


def test_completion_needs_a_concrete_product(app, team):
    make_task(team)
    asked = team.say("gd-khcn", "/hoanthanh 1 Đã hoàn thành tốt nhiệm vụ")
    assert "45/KH-UBND" in asked
    assert reports(app) == []
    team.say("gd-khcn", "Kế hoạch số 45/KH-UBND ngày 20/3/2026")
    assert reports(app) == [
        (1, 100, ReportKind.COMPLETION, "Đã hoàn thành tốt nhiệm vụ", "Kế hoạch số 45/KH-UBND ngày 20/3/2026")
    ]
    assert any("Sở Khoa học và Công nghệ" in m and "Đã hoàn thành tốt" in m for m in team.inbox("vanphong"))


def test_completion_with_document_number_in_one_line(app, team):
    make_task(team)
    team.say("cv-khcn", "/hoanthanh 1 Đã trình, UBND tỉnh ban hành Quyết định 123/QĐ-UBND")
    assert reports(app)[0][1:3] == (100, ReportKind.COMPLETION)


def test_only_the_lead_agency_completes(app, team):
    make_task(team, lead="STC", coops="KHCN")
    reply = team.say("gd-khcn", "/hoanthanh 1 Đã gửi ý kiến tại Công văn 12/SKHCN-QLKH")
    assert "/baocao 1 100%" in reply
    team.say("gd-khcn", "/baocao 1 100% Đã gửi ý kiến tại Công văn 12/SKHCN-QLKH")
    assert [r[2] for r in reports(app)] == [ReportKind.PROGRESS]


def test_viewing_is_not_receiving_but_saying_so_is(app, team):
    make_task(team)
    detail = team.say("gd-khcn", "/xem 1")
    assert "Thứ Ba, 31/3/2026" in detail and "Sở Khoa học và Công nghệ" in detail
    assert "chưa xác nhận đã nhận" in detail.lower()
    assert "Sở Khoa học và Công nghệ đã nhận nhiệm vụ #1" in team.say("cv-khcn", "Đã nhận 1")
    with app.sessions() as session:
        assert session.scalar(select(TaskAgency.received_at)) is not None
    assert "cv-khcn" in team.say("vanphong", "/xem 1")
