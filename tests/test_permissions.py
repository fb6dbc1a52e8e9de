"""Every command for every role: who may use it is declared once and enforced in one place."""

import pytest
from sqlalchemy import func, select

from dondoc.handlers.roles import role_label
from dondoc.i18n import _, use_language
from dondoc.store.models import AuditLog, ExtensionRequest, Invite, Person, Report, Role, Task, TaskAgency

# What product.md promises, written out independently of the registry.
EXPECTED = {
    "start": {"admin", "leader", "head", "staff", "guest"},
    "help": {"admin", "leader", "head", "staff", "guest"},
    "ngonngu": {"admin", "leader", "head", "staff", "guest"},
    "nhiemvu": {"admin", "leader", "head", "staff"},
    "xem": {"admin", "leader", "head", "staff"},
    "baocao": {"head", "staff"},
    "hoanthanh": {"head", "staff"},
    "tiendo": {"head", "staff"},
    "moi": {"admin"},
    "giao": {"admin"},
    "tonghop": {"admin", "leader"},
    "quahan": {"admin", "leader"},
    "nhap": {"admin"},
    "lienket": {"admin", "leader", "head", "staff"},
    "kenh": {"admin", "leader", "head", "staff"},
    "bidanh": {"admin"},
    "sapden": {"admin", "leader", "head", "staff"},
    "danhan": {"head", "staff"},
    "giahan": {"head", "staff"},
    "xacnhan": {"admin"},
    "tralai": {"admin"},
    "duyet": {"admin"},
    "tuchoi": {"admin"},
    "sua": {"admin"},
    "huy": {"admin"},
    "thongbao": {"admin"},
    "datb": {"head", "staff"},
    "xuat": {"admin", "leader", "head", "staff"},
    "danhgia": {"admin", "leader"},
    "thanhvien": {"admin", "leader", "head", "staff"},
    "nghi": {"admin"},
    "sapnhap": {"admin"},
    "doiten": {"admin"},
    "uyquyen": {"admin", "head"},
}
USERS = {"admin": "vanphong", "leader": "pct", "head": "gd-khcn", "staff": "cv-khcn", "guest": "stranger"}


def test_registry_declares_exactly_the_expected_roles(app):
    declared = {c.name: {r.value for r in c.roles} for c in app.registry.commands.values()}
    assert declared == EXPECTED


def state(app):
    with app.sessions() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Person, Invite, Task, Report, ExtensionRequest, AuditLog)
        ) + tuple(
            session.execute(select(TaskAgency.state, TaskAgency.received_at, TaskAgency.deadline)).all()
        )


def refusal(role: str, command: str) -> str:
    """The answer a person gets for a command their role may not use."""
    with use_language("vi"):
        if role == "guest":
            return _(
                "To use this bot you need an invite code from the office. "
                "Type /start followed by the code, for example /start ABCD2345EF."
            )
        return _("/{command} is not available to you as {role}. Type /help to see your commands.").format(
            command=command, role=role_label(Role(role))
        )


@pytest.mark.parametrize("role", sorted(USERS))
def test_every_command_for_every_role(app, team, role):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Nhiệm vụ thử")
    help_text = team.say(USERS[role], "/help")
    arguments = {
        "xem": "1",
        "baocao": "1 10% thử",
        "hoanthanh": "1 Quyết định 5/QĐ-UBND",
        "moi": "STC staff",
        "giao": "STC | 30/4/2026 | Việc mới",
        "ngonngu": "vi",
        "start": "",
        "tonghop": "",
        "quahan": "",
        "danhan": "1",
        "giahan": "1 30/4/2026 Chờ thẩm định",
        "xacnhan": "1",
        "tralai": "1 Chưa có sản phẩm",
        "duyet": "1",
        "tuchoi": "1 Không đủ căn cứ",
        "sua": "1 noidung Nhiệm vụ thử đã sửa",
        "huy": "1 Không còn phù hợp",
    }
    for name, allowed in EXPECTED.items():
        before = state(app)
        reply = team.say(USERS[role], f"/{name} {arguments.get(name, '')}".strip())
        if role in allowed:
            assert reply != refusal(role, name), (role, name)
            if role != "guest":
                assert f"/{name}" in help_text, (role, name)
        else:
            assert reply == refusal(role, name), (role, name, reply)
            assert f"/{name} " not in help_text, (role, name)
            assert state(app) == before, (role, name, "a refused command changed something")


def test_agency_members_see_only_their_agency(app, team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc của KHCN")
    team.say("vanphong", "/giao STC | 31/3/2026 | Việc của STC")
    khcn = team.say("cv-khcn", "/nhiemvu")
    assert "Việc của KHCN" in khcn and "Việc của STC" not in khcn
    assert "Việc của STC" not in team.say("cv-khcn", "/xem 2")
    everything = team.say("pct", "/nhiemvu")
    assert "Việc của KHCN" in everything and "Việc của STC" in everything
    assert "Việc của STC" in team.say("pct", "/xem 2")
