"""/thanhvien (who is registered, on which messenger, whether the bot can reach them), /nghi (the office
takes off a person who left: no more nudges, digests or broadcasts; their messages get a polite answer)
and `dondoc people list|deactivate`, through the real dispatcher and the real command line.

The office writes in English (/ngonngu en), so its answers read as the English msgids whatever the
Vietnamese catalog says; what others read is compared with `_()` in their own language."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from dondoc.bot.app import CONSOLE, App
from dondoc.bot.cli import main
from dondoc.handlers.roles import role_label
from dondoc.i18n import _, use_language
from dondoc.store.broadcasts import EVERY_KIND, active_agency_ids
from dondoc.store.models import AuditLog, Conversation, Outbox, Person, Role
from tests.conftest import TZ, Chat

KHCN = "Sở Khoa học và Công nghệ"
STC = "Sở Tài chính"
TEXT = "Đề nghị gửi báo cáo kết quả trước 16h ngày 5/3/2026."


@pytest.fixture
def office(team: Chat) -> Chat:
    """The team (vanphong, gd-khcn and cv-khcn of KHCN, gd-stc of STC, the leader pct); the office and the
    leader write in English."""
    team.say("vanphong", "/ngonngu en")
    team.say("pct", "/ngonngu en")
    return team


def person(app: App, name: str) -> Person:
    with app.sessions() as session:
        found = session.scalar(select(Person).where(Person.name == name))
        assert found is not None, name
        session.expunge(found)
        return found


def left_answer(language: str = "vi") -> str:
    with use_language(language):
        return _(
            "Sorry, you are no longer registered with Đôn Đốc: the office has taken you off, so the bot "
            "sends you no more reminders and does not record what you send. If this is a mistake, ask "
            "the office for a new invite code and type /start followed by the code."
        )


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def deactivate(chat: Chat, name: str, by: str = "vanphong") -> str:
    question = chat.send(by, f"/nghi {name}")
    assert [c.label for c in question[0].choices] == ["Confirm", "Cancel"], question
    return chat.say(by, "1")


# /thanhvien ---------------------------------------------------------------------------------


def test_an_agency_with_two_people_one_of_them_unreachable(app, office):
    app.mark_reachable(CONSOLE, "cv-khcn", False)  # what the outbox sender does when a chat is blocked
    assert any("cv-khcn" in m and "blocked the bot" in m for m in office.inbox("vanphong"))
    listed = office.say("vanphong", "/thanhvien KHCN")
    assert listed.splitlines() == [
        f"{KHCN}: 2 people registered",
        "• gd-khcn — agency head — reachable on console",
        "• cv-khcn — focal officer — ⚠️ cannot be reached: blocked the bot on console",
    ]
    assert office.say("vanphong", "/thanhvien so khoa hoc va cong nghe") == listed  # no diacritics
    assert office.say("vanphong", "thành viên Sở KH&CN") == listed  # the free-text form
    assert office.say("pct", "/thanhvien KHCN") == listed  # the leaders see every agency

    app.mark_reachable(CONSOLE, "gd-khcn", False)
    nobody = office.say("vanphong", "/thanhvien KHCN")
    assert "• gd-khcn — agency head — ⚠️ cannot be reached: blocked the bot on console" in nobody
    assert nobody.endswith(
        f"⚠️ Nobody at {KHCN} can be reached now: phone them, or invite someone with /moi SKHCN staff."
    )
    app.mark_reachable(CONSOLE, "gd-khcn", True)  # unblocked
    assert "• gd-khcn — agency head — reachable on console" in office.say("vanphong", "/thanhvien KHCN")


def test_a_member_sees_their_own_agency_and_is_refused_another(app, office):
    own = office.say("cv-khcn", "/thanhvien")
    with use_language("vi"):
        assert own.splitlines()[1:] == [
            "• gd-khcn — {role} — {where}".format(
                role=role_label(Role.HEAD), where=_("reachable on {messengers}").format(messengers="console")
            ),
            "• cv-khcn — {role} — {where}".format(
                role=role_label(Role.STAFF), where=_("reachable on {messengers}").format(messengers="console")
            ),
        ]
        refusal = _(
            "You can see only who is registered at your own agency; the office and the leaders see "
            "the others. Type /thanhvien for your agency."
        )
    assert office.say("gd-khcn", "/thanhvien KHCN") == own  # their own, named
    assert office.say("gd-khcn", "/thanhvien STC") == refusal
    assert office.say("gd-khcn", "/thanhvien Sở Tài chính") == refusal
    assert "gd-stc" not in office.say("cv-khcn", "/thanhvien tai chinh")


def test_an_agency_with_nobody_and_the_province_summary(app, office):
    assert office.say("vanphong", "/thanhvien Sở Y tế") == (
        "Sở Y tế: nobody is registered yet — invite someone with /moi SYT head or /moi SYT staff."
    )
    with app.sessions() as session:
        agencies = len(active_agency_ids(session, EVERY_KIND))
    summary = office.say("vanphong", "/thanhvien").splitlines()
    assert summary[0] == f"A head or focal officer can be reached at 2 of {agencies} agencies."
    assert summary[1].startswith(
        f"⚠️ Nobody can be reached at {agencies - 2} agencies (nobody registered, or the bot is blocked); "
        "phone them: "
    )
    assert summary[1].endswith(f" and {agencies - 2 - 12} more")  # names_list keeps it short
    assert KHCN not in summary[1] and STC not in summary[1]
    assert summary[2] == "Office officers registered: 1; leaders: 1."
    assert office.say("pct", "/thanhvien").splitlines() == summary

    app.mark_reachable(CONSOLE, "gd-stc", False)  # registered, but nobody at STC can be reached now
    assert office.say("vanphong", "/thanhvien").splitlines()[0] == (
        f"A head or focal officer can be reached at 1 of {agencies} agencies."
    )


# /nghi --------------------------------------------------------------------------------------


def test_nghi_asks_then_the_person_gets_no_nudge_broadcast_or_answer(app, office, clock):
    office.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")
    assert "đã nhận" in office.say("gd-khcn", "đã nhận 1")
    assert office.inbox("cv-khcn")  # the new task reached the officer

    question = office.send("vanphong", "/nghi cv-khcn")
    assert question[0].text == (
        f"Take this person off the bot: cv-khcn, focal officer of {KHCN}?\nThey will receive no more "
        "reminders, digests or broadcasts, and what they send will no longer be recorded. Their reports "
        "and history stay on record."
    )
    assert [c.label for c in question[0].choices] == ["Confirm", "Cancel"]
    assert office.say("vanphong", "có lẽ") == "Please answer yes (take them off) or no (cancel), or 1 or 2."
    assert office.say("vanphong", "2") == "Cancelled. Nothing was recorded."
    assert person(app, "cv-khcn").active

    office.say("vanphong", "/sua 1 noidung Trình Kế hoạch năm 2026 (bản sửa)")  # queued for the officer
    done = deactivate(office, "cv-khcn")
    assert done.startswith(f"✅ No longer registered: cv-khcn, focal officer of {KHCN}. The bot sends")
    assert "nobody the bot can reach" not in done  # the head is still there
    assert not person(app, "cv-khcn").active
    assert office.inbox("cv-khcn") == []
    officer, by = person(app, "cv-khcn").id, person(app, "vanphong").id
    with app.sessions() as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "person.deactivate")).one()
        assert entry.subject == f"person:{officer}" and entry.person_id == by
        assert entry.detail["agency_unreachable"] is False and entry.detail["dropped"] == 1
        links = session.scalars(select(Person).where(Person.name == "cv-khcn")).one().links
        assert [(link.platform, link.active) for link in links] == [(CONSOLE, True)]  # kept for history

    sent = app.sweep(at("2026-03-24 08:00"))  # the 7-days-before nudge
    assert [(m.owed.task_id, m.person.name) for m in sent] == [(1, "gd-khcn")]  # the head stands in
    assert office.inbox("cv-khcn") == []

    office.say("vanphong", f"/thongbao KHCN: {TEXT}")
    assert office.say("vanphong", "có").startswith("✅ Broadcast #1 is on its way to 1 person in 1 agency")
    assert office.inbox("cv-khcn") == []
    assert any(TEXT in m for m in office.inbox("gd-khcn"))

    assert office.say("cv-khcn", "/nhiemvu") == left_answer()
    assert office.say("cv-khcn", "bao cao 1 60% đã trình") == left_answer()
    assert office.say("cv-khcn", "/help") == left_answer()
    assert office.say("cv-khcn", "/start") == left_answer()
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None))) == 0

    listed = office.say("vanphong", "/thanhvien KHCN")
    assert "cv-khcn" not in listed and f"{KHCN}: 1 person registered" in listed
    assert office.say("vanphong", "/nghi cv-khcn") == (
        f"Already off the bot: cv-khcn, focal officer of {KHCN}. Nothing was changed."
    )

    code = office.invite("KHCN", "staff")  # back with a new invite
    office.say("cv-khcn", f"/start {code}")
    assert person(app, "cv-khcn").active
    assert office.say("cv-khcn", "/nhiemvu") != left_answer()


def test_an_agency_left_with_nobody_is_flagged(app, office):
    office.say("gd-stc", "/baocao")  # in a guided flow when taken off: the flow ends with it
    done = deactivate(office, "gd-stc")
    assert done.endswith(
        f"⚠️ {STC} is now left with nobody the bot can reach. Invite someone with /moi STC staff or "
        "/moi STC head."
    )
    head = person(app, "gd-stc").id
    with app.sessions() as session:
        assert session.get(Conversation, head) is None
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "person.deactivate")).one()
        assert entry.detail["agency_unreachable"] is True
    assert office.say("vanphong", "/thanhvien STC").startswith(f"{STC}: nobody is registered yet")
    assert STC in office.say("vanphong", "/thanhvien").splitlines()[1]

    # The leader is no agency's: no agency is flagged for them.
    assert "nobody the bot can reach" not in deactivate(office, "pct")
    office.inbox("pct")
    assert app.digest("weekly", at("2026-03-09 08:00")) == 0  # Monday: no leader left to receive it
    assert office.inbox("pct") == []


def test_nghi_is_for_the_office_only_and_not_for_oneself_or_the_last_admin(app, office, capsys):
    with use_language("vi"):
        not_yours = _(
            "/{command} is not available to you as {role}. Type /help to see your commands."
        ).format(command="nghi", role=role_label(Role.HEAD))
    assert office.say("gd-khcn", "/nghi cv-khcn") == not_yours
    with use_language("en"):
        assert office.say("pct", "/nghi cv-khcn") == _(
            "/{command} is not available to you as {role}. Type /help to see your commands."
        ).format(command="nghi", role=role_label(Role.LEADER))
    assert person(app, "cv-khcn").active

    assert office.say("vanphong", "/nghi vanphong") == (
        "You cannot take yourself off. Ask another officer of the office to do it."
    )
    assert office.say("vanphong", "/nghi").startswith("Type the name of the person who left")
    assert office.say("vanphong", "/nghi Nobody Here").startswith(
        "Nobody registered is called “Nobody Here”."
    )

    capsys.readouterr()
    assert main(["people", "deactivate", "vanphong", "--yes"], app=app) == 1  # the last admin
    assert "cán bộ Văn phòng cuối cùng" in capsys.readouterr().err  # the CLI speaks Vietnamese by default
    assert person(app, "vanphong").active

    office.join("vp2", "", "admin")
    office.say("vp2", "/ngonngu en")
    assert deactivate(office, "vanphong", by="vp2").startswith("✅ No longer registered: vanphong, office")
    assert office.say("vanphong", "/nhiemvu") == left_answer("en")  # vanphong reads English


def test_ambiguous_names_are_listed_and_asked(app, office):
    office.join("Nguyễn Văn An", "STC", "staff")
    office.join("Trần Văn An", "KHCN", "staff")
    asked = office.send("vanphong", "/nghi an")
    assert asked[0].text == "Several registered people match “an”. Which one do you mean?"
    assert [c.label for c in asked[0].choices] == [
        f"Nguyễn Văn An, focal officer of {STC}",
        f"Trần Văn An, focal officer of {KHCN}",
    ]
    assert office.say("vanphong", "nhầm").startswith("Please answer with a number from 1 to 2")
    confirm = office.send("vanphong", "2")
    assert confirm[0].text.startswith(f"Take this person off the bot: Trần Văn An, focal officer of {KHCN}?")
    assert office.say("vanphong", "1").startswith("✅ No longer registered: Trần Văn An, focal officer of")
    assert not person(app, "Trần Văn An").active and person(app, "Nguyễn Văn An").active

    only = office.send("vanphong", "/nghi nguyen van an")  # whole name, without diacritics: no question
    assert only[0].text.startswith(f"Take this person off the bot: Nguyễn Văn An, focal officer of {STC}?")
    assert office.say("vanphong", "hủy") == "Cancelled. Nothing was recorded."
    by_account = office.send("vanphong", "/nghi @gd-stc")[0].text  # the messenger account, with @
    assert by_account.startswith("Take this person off the bot: gd-stc, agency head")


# The command line ---------------------------------------------------------------------------


def test_people_list_and_deactivate_on_the_command_line(app, office, capsys, monkeypatch):
    capsys.readouterr()
    assert main(["people", "list", "KHCN"], app=app) == 0
    out = capsys.readouterr().out
    assert KHCN in out and "• gd-khcn — " in out and "• cv-khcn — " in out
    assert main(["people", "list", "Sở", "Y", "tế"], app=app) == 0
    assert "dondoc invite SYT head" in capsys.readouterr().out  # the command line's own words
    assert main(["people", "list"], app=app) == 0
    assert "dondoc people list KHCN" in capsys.readouterr().out
    assert main(["people", "list", "Sở Không Có"], app=app) == 2
    assert "Sở Không Có" in capsys.readouterr().err

    assert main(["people", "deactivate", "nobody-here", "--yes"], app=app) == 2
    office.join("Nguyễn Văn An", "SYT", "staff")
    office.join("Trần Văn An", "KHCN", "staff")
    assert main(["people", "deactivate", "An", "--yes"], app=app) == 2
    out = capsys.readouterr()
    assert "Nguyễn Văn An" in out.out and "Trần Văn An" in out.out and "console Trần Văn An" in out.out

    monkeypatch.setattr("builtins.input", lambda question: "n")
    assert main(["people", "deactivate", "cv-khcn"], app=app) == 1
    assert person(app, "cv-khcn").active
    monkeypatch.setattr("builtins.input", lambda question: "y")
    assert main(["people", "deactivate", "cv-khcn"], app=app) == 0
    assert "cv-khcn" in capsys.readouterr().out
    assert not person(app, "cv-khcn").active
    assert main(["people", "deactivate", "cv-khcn", "--yes"], app=app) == 2  # already off
    assert main(["people", "deactivate", "gd-stc", "--yes"], app=app) == 0
    assert "dondoc invite STC staff" in capsys.readouterr().out  # STC is left with nobody
    with app.sessions() as session:
        entries = session.scalars(select(AuditLog).where(AuditLog.action == "person.deactivate")).all()
        assert [e.person_id for e in entries] == [None, None]  # done by nobody in particular
    assert office.say("cv-khcn", "/nhiemvu") == left_answer()
    assert "cv-khcn" not in office.say("vanphong", "/thanhvien KHCN")
