"""A notice with tasks the directory cannot assign, and the same notice sent again: the tasks with a lead
are imported and the others wait for /bidanh; a changed version (the same number and date) is offered as
an update that adds, changes and cancels tasks as the office's own commands would; the very same text
twice is imported once. In chat (/nhap) and on the command line (`dondoc notice import`).

The office and the agencies write in English here (/ngonngu en), so answers read as the English msgids
whatever the Vietnamese catalog says."""

import pytest
from sqlalchemy import func, select

from dondoc.bot.cli import main
from dondoc.store.models import AgencyRole, AssignmentState, Notice, Task, TaskAgency, TaskStatus
from tests.conftest import Chat

HEALTH = (
    "Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính triển khai bệnh án điện tử; hoàn thành trước "
    "ngày {date}."
)
FUNDS = "Giao Sở Tài chánh chủ trì bố trí kinh phí cho chuyển đổi số; hoàn thành trước ngày 31/5/2026."
DATA = (
    "Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với Trung tâm Dữ liệu tỉnh, vận hành kho dữ liệu dùng "
    "chung; hoàn thành trước ngày 30/9/2026."
)
SECURITY = "Giao Công an tỉnh chủ trì bảo đảm an ninh mạng; hoàn thành trước ngày 31/10/2026."
PROCEDURES = "Giao Sở Nội vụ chủ trì rà soát thủ tục hành chính nội bộ; hoàn thành trước ngày 30/4/2026."


def notice(*tasks: str, number: str = "45/TB-UBND") -> str:
    items = "\n".join(f"{i}. {task}" for i, task in enumerate(tasks, start=1))
    return (
        f"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: {number}\nQuảng Ngãi, ngày 10 tháng 2 năm 2026\n"
        f"THÔNG BÁO\nKết luận của Phó Chủ tịch UBND tỉnh về chuyển đổi số\nII. NHIỆM VỤ\n{items}\n"
    )


@pytest.fixture
def office(team: Chat) -> Chat:
    """The team and a head of Sở Y tế, Công an tỉnh and Sở Nội vụ, everyone in English."""
    team.join("gd-syt", "SYT", "head")
    team.join("gd-ca", "CAT", "head")
    team.join("gd-snv", "SNV", "head")
    for user in ("vanphong", "gd-khcn", "cv-khcn", "gd-stc", "gd-syt", "gd-ca", "gd-snv"):
        team.say(user, "/ngonngu en")
        team.inbox(user)
    return team


def tasks(app) -> list[tuple[str | None, str, list[str], list[str], str | None]]:
    """(ref, status, lead codes, cooperating codes, cooperating text) of every task, in order."""
    with app.sessions() as session:
        rows = session.scalars(select(Task).order_by(Task.id)).all()
        out = []
        for task in rows:
            parts = [p for p in task.agencies if p.state != AssignmentState.CANCELLED]
            out.append(
                (
                    task.ref,
                    task.status,
                    sorted(p.agency.code for p in parts if p.role == AgencyRole.LEAD),
                    sorted(p.agency.code for p in parts if p.role == AgencyRole.COOP),
                    task.coop_text,
                )
            )
        return out


def block(preview: str, ref: str) -> str:
    """The lines of one found task in a preview."""
    lines = preview.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(ref + " — "))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("   ")), len(lines))
    return "\n".join(lines[start:end])


def test_a_task_whose_lead_is_unknown_waits_for_its_agency(app, office):
    text = notice(HEALTH.format(date="30/6/2026"), FUNDS, DATA, SECURITY)
    preview = office.send("vanphong", "/nhap " + text)[0]
    assert "⚠️ no lead agency in the directory; not imported" in block(preview.text, "II.2")
    assert "not imported" not in block(preview.text, "II.1") + block(preview.text, "II.3")
    # Every unknown name once, the closest directory agency and the exact command to type.
    assert "“Sở Tài chánh” — did you mean Sở Tài chính (STC)? Type /bidanh Sở Tài chánh = STC" in preview.text
    assert preview.text.count("“Trung tâm Dữ liệu tỉnh” —") == 1
    assert "/bidanh NAME = CODE and send the notice again" in preview.text
    assert [c.label for c in preview.choices] == ["Import the 3 task(s) with a lead", "Cancel"]
    assert tasks(app) == []

    done = office.say("vanphong", "1")
    assert "#1, #2, #3" in done and "1 task(s) without a lead agency in the directory were left out" in done
    # The unknown cooperating name is kept as written; the tasks with a lead are there, the other is not.
    assert tasks(app) == [
        ("II.1", TaskStatus.OPEN, ["SYT"], ["STC"], None),
        ("II.3", TaskStatus.OPEN, ["SKHCN"], [], "Trung tâm Dữ liệu tỉnh"),
        ("II.4", TaskStatus.OPEN, ["CAT"], [], None),
    ]
    assert len(office.inbox("gd-stc")) == 1  # cooperating on II.1

    office.say("vanphong", "/bidanh Sở Tài chánh = STC")
    office.say("vanphong", "/bidanh Trung tâm Dữ liệu tỉnh = SNV")
    update = office.send("vanphong", "/nhap " + text)[0]
    assert "This version: 1 new task(s), 1 changed, 0 dropped." in update.text
    assert "II.2 — Lead: Sở Tài chính" in update.text
    assert "Cooperating: + Sở Nội vụ" in update.text
    assert [c.label for c in update.choices] == ["Update", "Cancel"]
    outcome = office.say("vanphong", "1")
    assert "1 new task(s), 1 changed, 0 cancelled" in outcome
    assert tasks(app) == [
        ("II.1", TaskStatus.OPEN, ["SYT"], ["STC"], None),
        ("II.3", TaskStatus.OPEN, ["SKHCN"], ["SNV"], None),
        ("II.4", TaskStatus.OPEN, ["CAT"], [], None),
        ("II.2", TaskStatus.OPEN, ["STC"], [], None),
    ]
    told = office.inbox("gd-stc")
    assert len(told) == 1 and "#4" in told[0]
    assert any("#2" in m for m in office.inbox("gd-snv"))

    again = office.say("vanphong", "/nhap " + text)
    assert "imported already (notice #1); nothing was added" in again
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Notice)) == 1


def test_a_changed_notice_is_offered_as_an_update(app, office):
    first = notice(HEALTH.format(date="30/6/2026"), SECURITY, DATA)
    office.send("vanphong", "/nhap " + first)
    assert "#1, #2, #3" in office.say("vanphong", "1")
    for user in ("gd-syt", "gd-ca", "gd-stc", "gd-snv", "gd-khcn"):
        office.inbox(user)

    # The same number (written in other case) and date: the deadline of II.1 moves, the task of Công an
    # tỉnh is gone, the data task is now II.2 and a new one is II.3.
    second = notice(HEALTH.format(date="31/7/2026"), DATA, PROCEDURES, number="45/tb-ubnd")
    update = office.send("vanphong", "/nhap " + second)[0]
    text = update.text
    assert "Notice 45/TB-UBND was imported already (notice #1)." in text
    assert "This version: 1 new task(s), 1 changed, 1 dropped." in text
    assert "New tasks:\nII.3 — Lead: Sở Nội vụ" in text
    assert "#1 (II.1)" in text and "Deadline: Tuesday, 30/6/2026 → Friday, 31/7/2026" in text
    assert "Tasks no longer in the notice (they will be cancelled):\n#2 (II.2)" in text
    assert "#3" not in text  # the data task has not changed, only its number in the notice
    assert [c.label for c in update.choices] == ["Update", "Cancel"]
    assert tasks(app)[0][0] == "II.1" and len(tasks(app)) == 3  # nothing changed before the answer

    outcome = office.say("vanphong", "1")
    assert "✅ Notice 45/TB-UBND updated: 1 new task(s), 1 changed, 1 cancelled." in outcome
    assert "New task(s): #4." in outcome
    assert tasks(app) == [
        ("II.1", TaskStatus.OPEN, ["SYT"], ["STC"], None),
        ("II.2", TaskStatus.CANCELLED, [], [], None),
        ("II.2", TaskStatus.OPEN, ["SKHCN"], [], "Trung tâm Dữ liệu tỉnh"),
        ("II.3", TaskStatus.OPEN, ["SNV"], [], None),
    ]
    with app.sessions() as session:
        changed = session.get(Task, 1)
        assert changed.deadline.isoformat() == "2026-07-31" and "31/7/2026" in changed.text
        assert {p.deadline.isoformat() for p in changed.agencies} == {"2026-07-31"}
        notice_row = session.scalar(select(Notice))
        assert "rà soát thủ tục" in notice_row.source_text

    # The agencies are told: the lead and the cooperating agency of the changed deadline (once each, not
    # also of its text), Công an tỉnh of its cancelled task and why, Sở Nội vụ of its new task.
    for user in ("gd-syt", "gd-stc"):
        told = office.inbox(user)
        assert len(told) == 1 and "#1" in told[0] and "Friday, 31/7/2026" in told[0], told
    cancelled = office.inbox("gd-ca")
    assert len(cancelled) == 1 and "#2" in cancelled[0]
    assert "notice 45/TB-UBND was sent again without this task" in cancelled[0]
    new = office.inbox("gd-snv")
    assert len(new) == 1 and "#4" in new[0]
    assert office.inbox("gd-khcn") == []

    shown = office.say("vanphong", "/xem 1")
    assert "Friday, 31/7/2026" in shown and "deadline Tuesday, 30/6/2026 → Friday, 31/7/2026" in shown
    assert "notice 45/TB-UBND was sent again without this task" in office.say("vanphong", "/xem 2")

    assert "imported already (notice #1); nothing was added" in office.say("vanphong", "/nhap " + second)


def test_an_update_can_give_a_task_to_another_lead(app, office):
    office.send("vanphong", "/nhap " + notice(SECURITY))
    office.say("vanphong", "1")
    office.inbox("gd-ca")
    moved = SECURITY.replace("Công an tỉnh", "Sở Khoa học và Công nghệ")
    update = office.send("vanphong", "/nhap " + notice(moved))[0]
    assert "0 new task(s), 1 changed, 0 dropped" in update.text
    assert "Lead: + Sở Khoa học và Công nghệ; − Công an tỉnh" in update.text
    office.say("vanphong", "1")
    assert tasks(app) == [("II.1", TaskStatus.OPEN, ["SKHCN"], [], None)]
    told = office.inbox("gd-ca")
    assert any("#1" in m and "no longer assigned to your agency" in m for m in told), told
    assert any("#1" in m for m in office.inbox("gd-khcn"))
    with app.sessions() as session:
        gone = session.scalar(
            select(TaskAgency).where(TaskAgency.task_id == 1, TaskAgency.state == AssignmentState.CANCELLED)
        )
        assert gone.agency.code == "CAT" and "45/TB-UBND" in gone.state_note


def test_cancelling_an_update_changes_nothing(app, office):
    office.send("vanphong", "/nhap " + notice(HEALTH.format(date="30/6/2026"), SECURITY))
    office.say("vanphong", "1")
    update = office.send("vanphong", "/nhap " + notice(HEALTH.format(date="31/7/2026")))[0]
    assert "1 changed, 1 dropped" in update.text
    office.say("vanphong", "2")
    assert [t[1] for t in tasks(app)] == [TaskStatus.OPEN, TaskStatus.OPEN]
    with app.sessions() as session:
        assert session.get(Task, 1).deadline.isoformat() == "2026-06-30"


def test_a_notice_with_no_lead_in_the_directory_offers_no_import(app, office):
    preview = office.send("vanphong", "/nhap " + notice(FUNDS))[0]
    assert preview.choices == ()
    assert "No task has a lead agency in the directory, so nothing can be imported." in preview.text
    assert "/bidanh Sở Tài chánh = STC" in preview.text
    assert tasks(app) == []


def test_the_command_line_imports_only_assigned_tasks_when_told(app, capsys, tmp_path):
    path = tmp_path / "tb.txt"
    path.write_text(notice(HEALTH.format(date="30/6/2026"), FUNDS, SECURITY), encoding="utf-8")
    capsys.readouterr()
    assert main(["notice", "import", str(path), "--yes"], app=app) == 1
    out, err = capsys.readouterr()
    assert "/bidanh Sở Tài chánh = STC" in out and "--only-assigned" in err
    assert tasks(app) == []

    assert main(["notice", "import", str(path), "--yes", "--only-assigned"], app=app) == 0
    assert [(ref, leads) for ref, _status, leads, _coops, _text in tasks(app)] == [
        ("II.1", ["SYT"]),
        ("II.3", ["CAT"]),
    ]
    capsys.readouterr()
    assert main(["notice", "import", str(path), "--yes", "--only-assigned"], app=app) == 0
    assert len(tasks(app)) == 2  # the same text again: imported already


def test_the_command_line_applies_an_update(app, capsys, tmp_path, monkeypatch):
    path = tmp_path / "tb.txt"
    path.write_text(notice(HEALTH.format(date="30/6/2026"), SECURITY), encoding="utf-8")
    assert main(["notice", "import", str(path), "--yes"], app=app) == 0
    path.write_text(notice(HEALTH.format(date="31/7/2026"), SECURITY, PROCEDURES), encoding="utf-8")

    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    capsys.readouterr()
    assert main(["notice", "import", str(path)], app=app) == 1
    assert "31/7/2026" in capsys.readouterr().out
    assert len(tasks(app)) == 2

    assert main(["notice", "import", str(path), "--yes"], app=app) == 0
    assert "#3" in capsys.readouterr().out
    assert [(ref, leads) for ref, _status, leads, _coops, _text in tasks(app)] == [
        ("II.1", ["SYT"]),
        ("II.2", ["CAT"]),
        ("II.3", ["SNV"]),
    ]
    with app.sessions() as session:
        assert session.get(Task, 1).deadline.isoformat() == "2026-07-31"
        assert session.scalar(select(func.count()).select_from(Notice)) == 1
