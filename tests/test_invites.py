"""Joining: single-use, expiring invites; agencies and roles named every way people write them."""

import pytest
from sqlalchemy import select

from dondoc.bot.cli import main
from dondoc.store.models import Person, Role
from tests.conftest import INVITE_CODE


def member(app, name):
    """(role, agency code) of the person called `name`, or None if there is no such person."""
    with app.sessions() as session:
        found = session.scalar(select(Person).where(Person.name == name))
        return None if found is None else (found.role, found.agency.code if found.agency else None)


@pytest.mark.parametrize(
    ("words", "role", "agency_code"),
    [
        ("KHCN head", Role.HEAD, "SKHCN"),
        ("Sở KH&CN thutruong", Role.HEAD, "SKHCN"),
        ("so khoa hoc va cong nghe chuyên viên", Role.STAFF, "SKHCN"),
        ("Sở Y tế head", Role.HEAD, "SYT"),
        ("so y te staff", Role.STAFF, "SYT"),
        ("CA tỉnh chuyenvien", Role.STAFF, "CAT"),
        ("STC head", Role.HEAD, "STC"),
        ("lanhdao", Role.LEADER, None),
        ("vanphong", Role.ADMIN, "VPUB"),
        ("admin", Role.ADMIN, "VPUB"),
    ],
)
def test_invite_names_agency_and_role_any_way(app, chat, words, role, agency_code):
    code = chat.invite(*words.rsplit(" ", 1)) if " " in words else chat.invite("", words)
    welcome = chat.say("newcomer", f"/start {code}")
    assert member(app, "newcomer") == (role, agency_code)
    assert "/help" in welcome or "/nhiemvu" in welcome or "/tonghop" in welcome


def test_invite_works_once(app, chat):
    code = chat.invite("KHCN", "head")
    chat.say("first", f"/start {code}")
    refused = chat.say("second", f"/start {code}")
    assert member(app, "second") is None
    # the first person keeps their place and the second learns nothing about the agency
    assert member(app, "first") == (Role.HEAD, "SKHCN")
    assert "Khoa học" not in refused


def test_invite_expires(app, chat, clock):
    code = chat.invite("STC", "staff")
    clock.advance(days=8)
    chat.say("late", f"/start {code}")
    assert member(app, "late") is None


def test_unknown_invite_code_and_member_reusing_a_code(app, team):
    assert member(app, "stranger") is None
    team.say("stranger", "/start NOTACODE12")
    assert member(app, "stranger") is None
    code = team.invite("SYT", "head")
    team.say("gd-khcn", f"/start {code}")
    assert member(app, "gd-khcn") == (Role.HEAD, "SKHCN")  # unchanged, and the code still unused
    team.say("gd-syt", f"/start {code}")
    assert member(app, "gd-syt") == (Role.HEAD, "SYT")


def test_unknown_agency_gets_suggestions(chat):
    reply = chat.say("vanphong", "/moi So Tai chinhh head")
    assert "Sở Tài chính" in reply
    assert not INVITE_CODE.search(reply)


def test_invite_needs_a_role(chat):
    reply = chat.say("vanphong", "/moi KHCN")
    assert "/moi KHCN head" in reply


def test_invite_from_the_command_line(app, chat, capsys):
    assert main(["invite", "Sở", "Tài", "chính", "head"], app=app) == 0
    code = INVITE_CODE.search(capsys.readouterr().out).group(0)
    chat.say("gd-stc", f"/start {code}")
    assert member(app, "gd-stc") == (Role.HEAD, "STC")


def test_invite_from_the_command_line_prints_deep_link_when_telegram_is_configured(app, capsys):
    from dataclasses import replace

    app.config = replace(app.config, telegram=replace(app.config.telegram, username="dondoc_qngai_bot"))
    assert main(["invite", "KHCN", "staff"], app=app) == 0
    out = capsys.readouterr().out
    code = INVITE_CODE.search(out).group(0)
    assert f"https://t.me/dondoc_qngai_bot?start={code}" in out


def test_invite_from_the_command_line_with_unknown_agency_fails_cleanly(app, capsys):
    assert main(["invite", "Sở", "Mặt", "Trăng", "head"], app=app) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "Sở Mặt Trăng" in captured.err and captured.out == ""
