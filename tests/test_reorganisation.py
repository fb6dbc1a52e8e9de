"""Agencies merged (/sapnhap, `dondoc agencies merge`) or renamed (/doiten, `dondoc agencies rename`):
the agency that takes over has the unfinished work with its deadlines, reports, extension requests and
history; done work stays credited to the agency that did it; old names find the new agency; the people
move or are taken off as the office chooses. Through the real dispatcher, sweep and command line, on
SQLite and PostgreSQL.

The office writes in English (/ngonngu en); what the agencies read is compared in their own language."""

import datetime as dt

import pytest
from sqlalchemy import select

from dondoc.bot.cli import main
from dondoc.handlers.roles import role_label
from dondoc.i18n import _, ngettext, use_language
from dondoc.store.models import Agency, AgencyRole, AssignmentState, ExtensionRequest, Role, TaskAgency
from dondoc.store.ranking import period_results
from tests.conftest import TZ, Chat
from tests.test_tallies import check

KHCN = "Sở Khoa học và Công nghệ"
STC = "Sở Tài chính"


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def parts(app, task_id: int) -> list[tuple[str, str, str, str | None]]:
    """(agency code, role, state, former agency's code) of each part of a task, in order."""
    with app.sessions() as session:
        rows = session.scalars(
            select(TaskAgency).where(TaskAgency.task_id == task_id).order_by(TaskAgency.id)
        )
        return [
            (p.agency.code, p.role.value, p.state.value, p.former_agency.code if p.former_agency else None)
            for p in rows
        ]


@pytest.fixture
def office(team: Chat) -> Chat:
    team.say("vanphong", "/ngonngu en")
    return team


@pytest.fixture
def work(office: Chat, clock) -> Chat:
    """KHCN's work on Monday 2/3/2026: an open task with progress, receipt and a pending extension (1), a
    completion awaiting the office (2), a task done on time (3), a task STC cooperates on (4), a task both
    lead (5). STC has its own task too (6)."""
    office.say("vanphong", "/giao KHCN | 31/3/2026 | Xây dựng đề án chuyển đổi số")
    office.say("gd-khcn", "/danhan 1")
    office.say("cv-khcn", "/baocao 1 40 Đã lấy ý kiến các sở")
    office.say("gd-khcn", "/giahan 1 15/4/2026 Chờ ý kiến Bộ")
    office.say("vanphong", "/giao KHCN | 20/3/2026 | Báo cáo sơ kết")
    office.say("gd-khcn", "/hoanthanh 2 Báo cáo 5/BC-SKHCN ngày 2/3/2026")
    office.say("vanphong", "/giao KHCN | 10/3/2026 | Ban hành kế hoạch")
    office.say("gd-khcn", "/hoanthanh 3 Kế hoạch 9/KH-SKHCN ngày 2/3/2026")
    office.say("vanphong", "/xacnhan 3")
    office.say("vanphong", "/giao KHCN | 31/3/2026 | Thẩm định công nghệ | STC")
    office.say("vanphong", "/giao KHCN; STC | 31/3/2026 | Báo cáo chung")
    office.say("vanphong", "/giao STC | 31/3/2026 | Lập dự toán")
    for user in ("gd-khcn", "cv-khcn", "gd-stc"):
        office.inbox(user)
    return office


def test_a_merger_moves_the_unfinished_work_and_keeps_the_done_work_credited(app, work, clock):
    question = work.send("vanphong", "/sapnhap Sở KH&CN vào Sở Tài chính ngày 1/3/2026")[0]
    assert question.text.splitlines() == [
        f"Merge into {STC} as of Sunday, 1/3/2026: {KHCN}.",
        "• 2 unfinished tasks move to Sở Tài chính with their deadlines, reports and history; their /xem "
        "will say whom they were given to before.",
        "• 2 parts join the parts Sở Tài chính already has in the same tasks.",
        "• 1 finished task stays credited to the agency that did it.",
        "• Their names and abbreviations will lead to Sở Tài chính.",
        "• 2 people are registered at the old agencies: cv-khcn; gd-khcn. Move them to Sở Tài chính, or "
        "take them off the bot?",
    ]
    assert [c.label for c in question.choices] == [
        "Merge, move the people to Sở Tài chính",
        "Merge, take the people off the bot",
        "Cancel",
    ]
    assert parts(app, 1) == [("SKHCN", "lead", "open", None)]  # nothing changed before the answer
    done = work.say("vanphong", "1")
    assert done.splitlines()[:4] == [
        f"✅ Merged into {STC} as of Sunday, 1/3/2026: {KHCN}.",
        "2 unfinished tasks moved, 1 finished stay credited to the agency that did them.",
        "2 parts joined the parts Sở Tài chính already had in the same tasks.",
        "2 people moved to Sở Tài chính.",
    ]

    assert parts(app, 1) == [("STC", "lead", "open", "SKHCN")]
    assert parts(app, 2) == [("STC", "lead", "reported", "SKHCN")]
    assert parts(app, 3) == [("SKHCN", "lead", "done", None)]  # credited to the agency that did it
    assert parts(app, 4) == [("SKHCN", "lead", "cancelled", None), ("STC", "lead", "open", "SKHCN")]
    assert parts(app, 5) == [("SKHCN", "lead", "cancelled", None), ("STC", "lead", "open", None)]
    check(app.sessions)  # the per-agency tallies followed the moved rows

    # The agency that took over is told, and sees the moved task with its history.
    with use_language("vi"):
        told = ngettext(
            "{new} takes over {n} unfinished task of {olds} (merged as of {date}). Type /nhiemvu to see it.",
            "{new} takes over {n} unfinished tasks of {olds} (merged as of {date}). Type /nhiemvu to see "
            "them.",
            2,
        )
        before = _("given to {agency} before").format(agency=KHCN)
    assert work.inbox("gd-stc") == [told.format(new=STC, n=2, olds=KHCN, date="Chủ Nhật, 1/3/2026")]
    seen = work.say("gd-stc", "/xem 1")
    assert f"• {STC} ({before}) — " in seen
    assert "40% — Đã lấy ý kiến các sở" in seen and "cv-khcn" in seen  # the report made before the merger
    assert "15/4/2026" in seen  # the pending extension request
    assert "Received" not in seen and "Chưa xác nhận đã nhận" not in seen  # the receipt stayed too
    listed = work.say("gd-stc", "/nhiemvu")
    assert all(f"#{n}" in listed for n in (1, 2, 4, 5, 6)) and "#3" not in listed

    # The office decides on what moved, for the agency that now has it.
    assert "approved" in work.say("vanphong", "/duyet 1").lower()
    assert "on time" in work.say("vanphong", "/xacnhan 2")
    with app.sessions() as session:
        request = session.scalar(select(ExtensionRequest).where(ExtensionRequest.task_id == 1))
        assert request is not None and request.agency_id == session.scalar(
            select(Agency.id).where(Agency.code == "STC")
        )
        part = session.scalar(
            select(TaskAgency).where(TaskAgency.task_id == 1, TaskAgency.role == AgencyRole.LEAD)
        )
        assert part is not None and part.deadline == dt.date(2026, 4, 15)

    # The moved people work for the new agency; the old names lead there.
    assert "#6" in work.say("gd-khcn", "/nhiemvu")
    assert STC in work.say("vanphong", "/giao Sở KH&CN | 30/4/2026 | Việc giao sau sáp nhập")
    assert parts(app, 7) == [("STC", "lead", "open", None)]
    assert KHCN not in work.say("vanphong", "/thanhvien KHCN").splitlines()[0]

    # The year-end ranking still credits KHCN with what it did; STC answers for the rest.
    with app.sessions() as session:
        results = {
            r.name: r
            for r in period_results(session, dt.date(2026, 1, 1), dt.date(2026, 12, 31), clock.now.date())
        }
    assert (results[KHCN].due, results[KHCN].done_on_time) == (1, 1)
    assert (results[STC].due, results[STC].done_on_time, results[STC].open) == (6, 1, 5)

    # The nudges owed a week before 31/3 go to the agency that has the tasks now, to its focal officer.
    sent = app.sweep(at("2026-03-24 08:00"))
    assert {(m.owed.task_id, m.person.name) for m in sent} == {(4, "cv-khcn"), (5, "cv-khcn"), (6, "cv-khcn")}
    assert all(m.owed.agency_id != results[KHCN].agency_id for m in sent)
    check(app.sessions)


def test_a_merger_can_take_the_people_off_and_is_done_from_the_command_line(app, work, capsys, monkeypatch):
    # With people to move, the command line wants to be told what becomes of them.
    assert main(["agencies", "merge", "KHCN", "INTO", "STC", "--on", "1/3/2026", "--yes"], app=app) == 2
    with use_language("vi"):  # the command line speaks the bot's default language
        told = _("Say what becomes of them: --people move or --people deactivate.")
        cancelled = _("Cancelled. Nothing was recorded.")
    assert told in capsys.readouterr().err
    monkeypatch.setattr("builtins.input", lambda question: "k")
    assert main(["agencies", "merge", "KHCN", "INTO", "STC", "--people", "move"], app=app) == 1
    assert cancelled in capsys.readouterr().out
    assert parts(app, 1) == [("SKHCN", "lead", "open", None)]

    unquoted = ["Sở", "Khoa", "học", "và", "Công", "nghệ"]  # a name typed without quotes
    flags = ["--on", "1/3/2026", "--people", "deactivate", "--yes"]
    code = main(["agencies", "merge", *unquoted, "into", "Sở Tài chính", *flags], app=app)
    out = capsys.readouterr().out
    assert code == 0, out
    assert parts(app, 1) == [("STC", "lead", "open", "SKHCN")]
    with use_language("vi"):
        off = ngettext("{n} person taken off the bot.", "{n} people taken off the bot.", 2)
        assert off.format(n=2) in out
        left = _(
            "Sorry, you are no longer registered with Đôn Đốc: the office has taken you off, so the bot "
            "sends you no more reminders and does not record what you send. If this is a mistake, ask "
            "the office for a new invite code and type /start followed by the code."
        )
    assert work.say("cv-khcn", "/nhiemvu") == left
    assert work.inbox("cv-khcn") == []  # and nothing more is queued for them
    check(app.sessions)

    # Merged already: the old name now means the agency that took over.
    assert main(["agencies", "merge", "KHCN", "INTO", "STC", "--yes"], app=app) == 2
    with use_language("vi"):
        assert _("{agency} cannot be merged into itself.").format(agency=STC) in capsys.readouterr().err
    assert main(["agencies", "merge", "KHCN", "STC", "--yes"], app=app) == 2  # no INTO


def test_what_a_merger_refuses(app, work, clock):
    with use_language("vi"):  # only the office reorganises
        refused = _("/{command} is not available to you as {role}. Type /help to see your commands.")
        refused = refused.format(command="sapnhap", role=role_label(Role.HEAD))
    assert work.say("gd-khcn", "/sapnhap KHCN vào STC") == refused
    assert parts(app, 1) == [("SKHCN", "lead", "open", None)]
    assert work.say("vanphong", "/sapnhap KHCN vào Sở Tài chính Khánh Hòa ngày 1/3/2026").startswith(
        "I do not know the agency"
    )
    assert "cannot be merged into itself" in work.say("vanphong", "/sapnhap STC vào Sở Tài chính")
    assert "still to come" in work.say("vanphong", "/sapnhap KHCN vào STC ngày 1/4/2026")
    assert "/sapnhap" in work.say("vanphong", "/sapnhap KHCN")  # what to type
    assert "/sapnhap" in work.say("vanphong", "/sapnhap")
    work.send("vanphong", "/sapnhap KHCN vào STC")
    assert work.say("vanphong", "3") == "Cancelled. Nothing was recorded."
    assert parts(app, 1) == [("SKHCN", "lead", "open", None)]


def test_a_rename_keeps_the_agency_and_its_old_names(app, work, capsys):
    question = work.send(
        "vanphong", "/doiten KHCN thành Sở Khoa học, Công nghệ và Đổi mới sáng tạo ngày 1/3/2026"
    )
    assert question[0].text.startswith(f"Rename {KHCN} to “Sở Khoa học, Công nghệ và Đổi mới sáng tạo” as of")
    done = work.say("vanphong", "1")
    assert done.startswith(f"✅ {KHCN} is now called Sở Khoa học, Công nghệ và Đổi mới sáng tạo")
    new_name = "Sở Khoa học, Công nghệ và Đổi mới sáng tạo"
    assert parts(app, 1) == [("SKHCN", "lead", "open", None)]  # the same agency, its work untouched
    assert work.say("vanphong", "/thanhvien Sở Khoa học và Công nghệ").startswith(new_name)  # the old name
    assert work.say("vanphong", "/thanhvien so khoa hoc cong nghe va doi moi sang tao").startswith(new_name)
    assert "renamed" in work.say("vanphong", "/xem 1")

    # A name another agency has is refused; the command line renames with a new code.
    assert "already belongs to Sở Tài chính" in work.say("vanphong", "/doiten KHCN thành Sở Tài chính")
    assert (
        main(
            ["agencies", "rename", "KHCN", "Sở Khoa học và Công nghệ", "--code", "SKHCNST", "--yes"], app=app
        )
        == 0
    )
    assert "SKHCNST" in capsys.readouterr().out
    assert work.say("vanphong", "/thanhvien KHCN").startswith(KHCN)  # the old code still finds it
    assert main(["agencies", "rename", "KHCN", "Sở Tài chính", "--yes"], app=app) == 2
    assert main(["agencies", "rename", "Sở Không Có", "Sở Mới", "--yes"], app=app) == 2
    check(app.sessions)
    with app.sessions() as session:
        assert session.scalar(select(TaskAgency.state).where(TaskAgency.task_id == 3)) == AssignmentState.DONE
