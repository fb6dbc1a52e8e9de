"""Downtime: however long the bot was down and whenever it comes back (before 08:00, on a weekend, on a
holiday), each task's agency gets the latest step it is owed, once, at the next moment sending is
allowed. The sweeps run at their scheduled times on the injected clock; nothing sleeps."""

import datetime as dt
import json
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from dondoc.bot.app import App
from dondoc.bot.cli import main
from dondoc.store.models import NudgeLog, Outbox, Person, Task
from tests.conftest import TZ

HOURLY = dt.timedelta(hours=1)

Sent = tuple[str, int, str, str]  # recipient, task, step, when queued (local "YYYY-MM-DD HH:MM")


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


@pytest.fixture
def office(team, clock):
    """Sở KH&CN (head gd-khcn, officer cv-khcn), Sở Tài chính (head gd-stc), the office (vanphong); tasks
    are given on Monday 2/2/2026."""
    clock.now = at("2026-02-02 09:00")
    return team


def give(team, lead: str, deadline: str, title: str) -> int:
    """A task given by the office and acknowledged by each lead agency (so no receipt reminder)."""
    reply = team.say("vanphong", f"/giao {lead} | {deadline} | {title}")
    assert "#" in reply or "số" in reply, reply
    with team.app.sessions() as session:
        number = session.scalar(select(func.max(Task.id)))
    for code in lead.split(";"):
        person = {"KHCN": "cv-khcn", "STC": "gd-stc"}[code.strip()]
        assert "đã nhận" in team.say(person, f"đã nhận {number}")
    return number


def run(app: App, start: str, end: str, every: dt.timedelta = HOURLY) -> None:
    """The scheduled sweeps from `start` to `end`, both included: the bot is up in between."""
    moment, last = at(start), at(end)
    while moment <= last:
        app.sweep(moment)
        moment += every


def nudges(app: App, after: str | None = None) -> list[Sent]:
    """The nudge messages in the outbox (queued after `after`), as the agencies will receive them."""
    query = (
        select(Person.name, NudgeLog.task_id, NudgeLog.step, Outbox.created_at)
        .join(Person, Person.id == Outbox.person_id)
        .join(NudgeLog, NudgeLog.id == Outbox.nudge_id)
        .where(Outbox.kind == "nudge")
        .order_by(Outbox.id)
    )
    if after is not None:
        query = query.where(Outbox.created_at > at(after))
    with app.sessions() as session:
        rows = session.execute(query).all()
    return [
        (name, task, step, when.astimezone(TZ).strftime("%Y-%m-%d %H:%M")) for name, task, step, when in rows
    ]


def test_back_at_six_on_a_weekday(app, office):
    tasks = {
        deadline: give(office, "KHCN", deadline, f"Nhiệm vụ hạn {deadline}")
        for deadline in ("25/3/2026", "26/3/2026", "31/3/2026", "1/4/2026", "2/4/2026", "3/4/2026")
    }
    run(app, "2026-03-24 08:00", "2026-03-24 17:00")  # up on Tuesday, down from Tuesday evening
    run(app, "2026-03-30 06:00", "2026-03-30 12:00", dt.timedelta(minutes=5))  # back on Monday at 06:00
    assert sorted(nudges(app, after="2026-03-24 17:00")) == sorted(
        [
            ("cv-khcn", tasks["25/3/2026"], "late1", "2026-03-30 08:00"),  # owed Thursday 26/3
            ("cv-khcn", tasks["26/3/2026"], "late1", "2026-03-30 08:00"),  # owed Friday 27/3
            ("cv-khcn", tasks["31/3/2026"], "before1wd", "2026-03-30 08:00"),
            ("cv-khcn", tasks["1/4/2026"], "before3", "2026-03-30 08:00"),  # owed Friday 27/3
            ("cv-khcn", tasks["2/4/2026"], "before3", "2026-03-30 08:00"),
            ("cv-khcn", tasks["3/4/2026"], "before7", "2026-03-30 08:00"),  # owed Friday 27/3
        ]
    )


def test_back_on_a_saturday(app, office):
    late = give(office, "KHCN", "26/3/2026", "Báo cáo tháng 3")
    soon = give(office, "KHCN", "31/3/2026", "Trình Kế hoạch năm 2026")
    next_week = give(office, "KHCN", "1/4/2026", "Báo cáo sơ kết quý I")
    run(app, "2026-03-25 08:00", "2026-03-25 17:00")  # up on Wednesday, down Thursday and Friday
    run(app, "2026-03-28 09:00", "2026-03-30 12:00")  # back on Saturday morning
    assert nudges(app, after="2026-03-25 17:00") == [
        ("cv-khcn", late, "late1", "2026-03-30 08:00"),  # owed Friday 27/3
        ("cv-khcn", soon, "before1wd", "2026-03-30 08:00"),
        ("cv-khcn", next_week, "before3", "2026-03-30 08:00"),  # owed Friday 27/3
    ]


@pytest.mark.parametrize("back", ["2026-04-27 06:00", "2026-04-28 06:00"], ids=["on-it", "the-day-after"])
def test_back_after_a_holiday(app, office, back):
    """Monday 27/4/2026 is the day off for Giỗ Tổ Hùng Vương (Sunday 26/4); Tuesday 28/4 is a working day."""
    tasks = {
        deadline: give(office, "KHCN", deadline, f"Nhiệm vụ hạn {deadline}")
        for deadline in ("22/4/2026", "23/4/2026", "29/4/2026", "30/4/2026")
    }
    run(app, "2026-04-22 08:00", "2026-04-22 17:00")  # up on Wednesday, down Thursday to the holiday
    run(app, back, "2026-04-28 12:00")
    assert sorted(nudges(app, after="2026-04-22 17:00")) == sorted(
        [
            ("cv-khcn", tasks["22/4/2026"], "late1", "2026-04-28 08:00"),  # owed Thursday 23/4
            ("cv-khcn", tasks["23/4/2026"], "late1", "2026-04-28 08:00"),  # owed Friday 24/4
            ("cv-khcn", tasks["29/4/2026"], "before1wd", "2026-04-28 08:00"),
            ("cv-khcn", tasks["30/4/2026"], "before3", "2026-04-28 08:00"),  # owed Friday 24/4
        ]
    )


def test_a_run_in_quiet_hours_loses_nothing(app, office, capsys):
    due = give(office, "KHCN", "27/3/2026", "Báo cáo tháng 3")
    ahead = give(office, "KHCN", "2/4/2026", "Báo cáo sơ kết quý I")
    run(app, "2026-03-25 08:00", "2026-03-25 17:00")  # up on Wednesday, down on Thursday
    run(app, "2026-03-27 05:00", "2026-03-27 07:55", dt.timedelta(minutes=5))  # back Friday before 08:00
    assert nudges(app, after="2026-03-25 17:00") == []  # nothing before 08:00…
    capsys.readouterr()
    assert main(["nudges", "preview", "--at", "2026-03-27 08:00", "--json"], app=app) == 0
    previewed = json.loads(capsys.readouterr().out)
    assert sorted(e["step"] for e in previewed) == ["before7", "due"]  # …and nothing forgotten
    run(app, "2026-03-27 08:00", "2026-03-27 09:00", dt.timedelta(minutes=5))
    assert sorted(nudges(app, after="2026-03-25 17:00")) == [
        ("cv-khcn", due, "due", "2026-03-27 08:00"),
        ("cv-khcn", ahead, "before7", "2026-03-27 08:00"),  # owed Thursday 26/3: still the latest
    ]


def test_weeks_down_sends_one_latest_step_per_task_and_agency(app, office):
    march = give(office, "KHCN", "31/3/2026", "Trình Kế hoạch năm 2026")
    april = give(office, "KHCN; STC", "15/4/2026", "Báo cáo sơ kết quý I")
    may = give(office, "KHCN", "5/5/2026", "Báo cáo tháng 4")
    ongoing = give(office, "KHCN", "thường xuyên", "Duy trì phong trào Bình dân học vụ số")
    run(app, "2026-03-24 08:00", "2026-03-24 17:00")
    # down from 24/3 to Monday 4/5 (through 30/4 and 1/5), back at 06:00
    run(app, "2026-05-04 06:00", "2026-05-04 12:00", dt.timedelta(minutes=5))
    sent = nudges(app, after="2026-03-24 17:00")
    assert {when for *_rest, when in sent} == {"2026-05-04 08:00"}
    assert sorted((who, task, step) for who, task, step, _when in sent) == sorted(
        [
            ("cv-khcn", march, "late7"),  # escalated: to the head and the office too
            ("gd-khcn", march, "late7"),
            ("vanphong", march, "late7"),
            ("cv-khcn", april, "late4"),
            ("gd-khcn", april, "late4"),
            ("vanphong", april, "late4"),
            ("gd-stc", april, "late4"),  # Sở Tài chính's own part of the same task
            ("vanphong", april, "late4"),
            ("cv-khcn", may, "before1wd"),
            ("cv-khcn", ongoing, "periodic"),  # May's report request, not April's as well
        ]
    )
    with app.sessions() as session:  # one step per task and agency: the latest, not every missed one
        steps = session.execute(
            select(NudgeLog.task_id, NudgeLog.agency_id, func.count())
            .where(NudgeLog.created_at > at("2026-03-24 17:00"))
            .group_by(NudgeLog.task_id, NudgeLog.agency_id)
        ).all()
    assert len(steps) == 5 and all(count == 1 for *_pair, count in steps)


def test_the_catch_up_twice_sends_nothing_twice(app, office, config, clock):
    tasks = [
        give(office, "KHCN", deadline, f"Nhiệm vụ hạn {deadline}") for deadline in ("26/3/2026", "1/4/2026")
    ]
    run(app, "2026-03-25 08:00", "2026-03-25 17:00")
    run(app, "2026-03-28 09:00", "2026-03-30 07:00")  # back on Saturday; Monday morning, before 08:00
    others = [App(config, clock=clock) for _ in range(3)]
    barrier = threading.Barrier(len(others))

    def catch_up(other: App) -> None:
        barrier.wait()
        other.sweep(at("2026-03-30 08:00"))

    threads = [threading.Thread(target=catch_up, args=(other,)) for other in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in others:
        other.close()
    assert app.sweep(at("2026-03-30 08:00")) == []  # the same catch-up, once more
    run(app, "2026-03-30 08:05", "2026-03-30 12:00", dt.timedelta(minutes=5))
    sent = nudges(app, after="2026-03-25 17:00")
    assert Counter((who, task) for who, task, *_rest in sent) == {("cv-khcn", task): 1 for task in tasks}
