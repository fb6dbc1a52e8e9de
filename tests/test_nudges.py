"""Nudges: the ladder on working days, never missed, never doubled, through `dondoc nudges plan/preview`."""

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import func, select

from dondoc.bot.cli import main
from dondoc.store.models import NudgeLog, Outbox, Person, Task, TaskStatus
from tests.conftest import TZ


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


@pytest.fixture
def agency(team, clock):
    """Sở KH&CN with a head (gd-khcn) and an officer (cv-khcn); the office is vanphong. 1/2/2026."""
    clock.now = at("2026-02-02 09:00")
    return team


def give(
    team, deadline: str, text: str = "Trình Kế hoạch năm 2026", lead: str = "KHCN", received: bool = True
) -> int:
    reply = team.say("vanphong", f"/giao {lead} | {deadline} | {text}")
    assert "#" in reply or "số" in reply, reply
    with team.app.sessions() as session:
        number = session.scalar(select(func.max(Task.id)))
    if received:
        assert "đã nhận" in team.say("cv-khcn", f"đã nhận {number}")
    return number


def plan(app, capsys, start: str, end: str) -> list[dict]:
    capsys.readouterr()
    assert main(["nudges", "plan", "--from", start, "--to", end, "--json"], app=app) == 0
    return json.loads(capsys.readouterr().out)


def days_for(entries: list[dict], who: str) -> list[str]:
    return [f"{int(e['date'][8:])}/{int(e['date'][5:7])}" for e in entries if e["recipient"]["name"] == who]


def test_deadline_on_tuesday_31_march(app, agency, capsys):
    give(agency, "31/3/2026")
    entries = plan(app, capsys, "2026-03-01", "2026-05-06")
    officer = days_for(entries, "cv-khcn")
    assert officer == [
        "24/3",
        "27/3",
        "30/3",
        "31/3",
        "1/4",
        "6/4",
        "9/4",
        "14/4",
        "17/4",
        "22/4",
        "28/4",
        "5/5",
    ]
    escalated = ["9/4", "14/4", "17/4", "22/4", "28/4", "5/5"]
    assert days_for(entries, "gd-khcn") == escalated  # the head hears from 7 days late
    assert days_for(entries, "vanphong") == escalated  # and so does the office
    assert days_for(entries, "pct") == []


def test_deadline_inside_tet(app, agency, capsys):
    give(agency, "20/2/2026")
    officer = days_for(plan(app, capsys, "2026-02-02", "2026-03-04"), "cv-khcn")
    assert officer == ["13/2", "23/2", "26/2", "3/3"]
    assert days_for(plan(app, capsys, "2026-03-03", "2026-03-03"), "gd-khcn") == ["3/3"]


def test_deadline_on_labour_day(app, agency, capsys):
    give(agency, "1/5/2026")
    entries = plan(app, capsys, "2026-04-20", "2026-05-13")
    assert days_for(entries, "cv-khcn") == ["24/4", "28/4", "29/4", "4/5", "7/5", "12/5"]
    assert days_for(entries, "gd-khcn") == ["12/5"]


def test_a_nudge_says_what_to_do(app, agency, capsys):
    number = give(agency, "31/3/2026")
    agency.say("cv-khcn", f"/baocao {number} 40% Đã có dự thảo")
    entries = plan(app, capsys, "2026-04-01", "2026-04-01")
    text = entries[0]["text"]
    for part in (
        f"/baocao {number}",
        "Trình Kế hoạch năm 2026",
        "Sở Khoa học và Công nghệ",
        "Thứ Ba, 31/3/2026",
        "40%",
        "2/2/2026",
        "quá hạn 1 ngày",
    ):
        assert part in text, part


def test_english_nudges_for_english_readers(app, agency, capsys):
    give(agency, "31/3/2026")
    agency.say("cv-khcn", "/ngonngu en")
    text = plan(app, capsys, "2026-03-24", "2026-03-24")[0]["text"]
    assert "Tuesday, 31/3/2026" in text and "7 days left" in text


def test_plan_and_preview_write_nothing(app, agency, capsys):
    give(agency, "31/3/2026")
    plan(app, capsys, "2026-03-01", "2026-04-30")
    assert main(["nudges", "preview", "--at", "2026-03-24 08:00", "--json"], app=app) == 0
    previewed = json.loads(capsys.readouterr().out)
    assert [e["step"] for e in previewed] == ["before7"]
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(NudgeLog)) == 0


def sweep(app, moment: str) -> list:
    return app.sweep(at(moment))


def test_sweep_sends_once_and_the_console_shows_it(app, agency):
    give(agency, "31/3/2026")
    agency.inbox("cv-khcn")
    assert sweep(app, "2026-03-24 07:59") == []  # nudges go out from 08:00
    assert len(sweep(app, "2026-03-24 08:00")) == 1
    assert sweep(app, "2026-03-24 08:05") == []
    assert sweep(app, "2026-03-24 15:00") == []
    inbox = agency.inbox("cv-khcn")
    assert len(inbox) == 1 and "Thứ Ba, 31/3/2026" in inbox[0]


def test_preview_knows_what_was_sent(app, agency, capsys):
    give(agency, "31/3/2026")
    sweep(app, "2026-03-24 08:00")
    assert main(["nudges", "preview", "--at", "2026-03-24 10:00", "--json"], app=app) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_restart_after_downtime_sends_only_the_latest_owed(app, agency):
    number = give(agency, "31/3/2026")
    other = give(agency, "2/4/2026", text="Báo cáo sơ kết quý I")
    sweep(app, "2026-03-24 08:00")  # before7 of the first task
    # down from 25/3 to 1/4 at noon: the first task owes late1 (1/4), the second before1wd (1/4)
    sent = sweep(app, "2026-04-01 12:00")
    assert sorted((m.owed.task_id, m.owed.step.name) for m in sent) == [
        (number, "late1"),
        (other, "before1wd"),
    ]
    assert sweep(app, "2026-04-01 12:05") == []


def test_nothing_on_days_off(app, agency):
    give(agency, "31/3/2026")
    assert sweep(app, "2026-03-28 09:00") == []  # Saturday: the before3 step went out on Friday 27/3
    sweep(app, "2026-03-27 09:00")
    assert sweep(app, "2026-03-29 09:00") == []


def test_two_sweeps_at_once_send_nothing_twice(app, agency, config, clock):
    from dondoc.bot.app import App

    for i in range(20):
        give(agency, "31/3/2026", text=f"Nhiệm vụ {i}")
    others = [App(config, clock=clock) for _ in range(3)]
    barrier = threading.Barrier(len(others))
    results: list[int] = []

    def run(other):
        barrier.wait()
        results.append(len(other.sweep(at("2026-03-24 08:00"))))

    threads = [threading.Thread(target=run, args=(o,)) for o in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in others:
        other.close()
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "nudge")) == 20
        assert session.scalar(select(func.count()).select_from(NudgeLog)) == 20
    assert sum(results) == 20  # between them, each nudge was claimed exactly once


def test_done_cancelled_and_deactivated_get_nothing(app, agency):
    done = give(agency, "31/3/2026", text="Việc đã xong")
    reported = give(agency, "31/3/2026", text="Việc chờ xác nhận")
    cancelled = give(agency, "31/3/2026", text="Việc bị hủy")
    agency.say("gd-khcn", f"/hoanthanh {done} Đã ban hành Kế hoạch 45/KH-UBND")
    agency.say("vanphong", f"/xacnhan {done}")
    agency.say("gd-khcn", f"/hoanthanh {reported} Đã ban hành Kế hoạch 46/KH-UBND")
    agency.say("vanphong", f"/huy {cancelled} Không còn phù hợp")
    with app.sessions() as session:
        assert session.get(Task, done).status == TaskStatus.DONE
        assert session.get(Task, cancelled).status == TaskStatus.CANCELLED
    assert sweep(app, "2026-03-24 08:00") == []
    open_task = give(agency, "2/4/2026", text="Việc còn mở")
    with app.sessions() as session:
        session.scalar(select(Person).where(Person.name == "cv-khcn")).active = False
        session.commit()
    sent = sweep(app, "2026-03-26 08:00")
    assert [(m.owed.task_id, m.person.name) for m in sent] == [(open_task, "gd-khcn")]  # the head stands in


def test_a_report_skips_the_next_before_step(app, agency, clock):
    number = give(agency, "31/3/2026")
    sweep(app, "2026-03-24 08:00")
    clock.now = at("2026-03-25 10:00")
    agency.say("cv-khcn", f"/baocao {number} 70% Đang trình ký")
    assert sweep(app, "2026-03-27 08:00") == []  # before3 skipped: they just reported
    assert len(sweep(app, "2026-03-30 08:00")) == 1  # before1wd: no report since the last (skipped) step
    with app.sessions() as session:
        outcomes = session.execute(select(NudgeLog.step, NudgeLog.outcome).order_by(NudgeLog.id)).all()
    assert outcomes == [("before7", "queued"), ("before3", "skipped"), ("before1wd", "queued")]
    assert agency.inbox("cv-khcn")  # delivered: the log says so only now
    with app.sessions() as session:
        outcomes = session.execute(select(NudgeLog.step, NudgeLog.outcome).order_by(NudgeLog.id)).all()
    assert outcomes == [("before7", "sent"), ("before3", "skipped"), ("before1wd", "sent")]
    with app.sessions() as session:  # and each nudge's messages are linked to its log row
        linked = session.scalars(select(Outbox.nudge_id).where(Outbox.kind == "nudge")).all()
    assert linked and all(linked)


def test_an_extension_moves_the_ladder(app, agency, capsys):
    number = give(agency, "31/3/2026")
    agency.say("cv-khcn", f"/giahan {number} 30/4/2026 Chờ ý kiến thẩm định")
    assert "30/4/2026" in agency.say("vanphong", f"/duyet {number}")
    officer = days_for(plan(app, capsys, "2026-03-20", "2026-05-05"), "cv-khcn")
    assert officer == ["23/4", "24/4", "29/4", "4/5"]  # 27/4 and 30/4 are days off


def test_office_calendar_changes(app, agency, capsys):
    give(agency, "31/3/2026")
    assert main(["calendar", "add-off", "2026-03-24", "--note", "Bầu cử"], app=app) == 0
    assert main(["calendar", "add-workday", "2026-03-28"], app=app) == 0
    officer = days_for(plan(app, capsys, "2026-03-20", "2026-03-31"), "cv-khcn")
    assert officer == ["23/3", "28/3", "30/3", "31/3"]
    assert main(["calendar", "add-off", "31/2/2026"], app=app) == 2


def test_undated_tasks_get_a_monthly_report_request(app, agency, capsys):
    give(agency, "thường xuyên", text="Duy trì phong trào Bình dân học vụ số")
    entries = plan(app, capsys, "2026-02-02", "2026-05-05")
    assert days_for(entries, "cv-khcn") == ["2/3", "1/4", "4/5"]  # first working day of each month


def test_digests(app, agency, clock):
    give(agency, "5/2/2026", text="Việc sắp đến hạn")
    assert app.digest("daily", at("2026-02-02 16:30")) == 1
    assert app.digest("daily", at("2026-02-02 16:35")) == 0
    assert app.digest("weekly", at("2026-02-02 08:00")) == 1
    office_digest = agency.inbox("vanphong")[-1]
    assert "Thứ Hai, 2/2/2026" in office_digest
    assert len(agency.inbox("pct")) == 1
    assert app.digest("daily", at("2026-02-07 16:30")) == 0  # Saturday


def test_scheduler_has_three_fixed_jobs_however_often_it_starts(app):
    import asyncio

    from dondoc.bot.scheduler import JOB_IDS, Scheduler

    async def start_twice() -> list[list[str]]:
        seen = []
        for _ in range(2):
            scheduler = Scheduler(app)
            await scheduler.start()
            seen.append(scheduler.job_ids())
            await scheduler.stop()
        return seen

    assert asyncio.run(start_twice()) == [sorted(JOB_IDS)] * 2
