"""The dispatcher: every spelling of a command, bad input, redelivery, the error boundary."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dondoc import text as text_module
from dondoc.handlers import build_registry, dispatch
from dondoc.handlers.access import EVERYONE
from dondoc.handlers.dispatch import Dispatcher
from dondoc.handlers.messages import Incoming
from dondoc.handlers.registry import Router
from dondoc.store.models import (
    AuditLog,
    Conversation,
    Outbox,
    PlatformLink,
    ProcessedUpdate,
    Report,
    TaskAgency,
)
from dondoc.text import nfc


def test_unknown_command_points_to_help(team):
    reply = team.say("cv-khcn", "/xoa 1")
    assert "/xoa" in reply and "/help" in reply


def test_plain_text_that_is_no_command(team):
    reply = team.say("cv-khcn", "Xin chào, cho hỏi thủ tục?")
    assert "/help" in reply and "Xin chào" in reply


def test_commands_in_every_spelling(team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    expected = team.say("cv-khcn", "/nhiemvu")
    for spelling in ("nhiemvu", "nhiệm vụ", "NHIỆM VỤ", "Nhiem vu", "/nhiệmvụ", "/nhiemvu@dondoc_bot"):
        assert team.say("cv-khcn", spelling) == expected, spelling


def test_redelivered_update_is_handled_once(app, team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    message = {"text": "/baocao 1 20% Đã khởi động", "update_id": "tg-1001"}
    first = team.send("cv-khcn", **message)
    again = team.send("cv-khcn", **message)
    assert first and again == []
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1


def test_redelivered_refused_update_is_not_answered_twice(team):
    assert team.send("cv-khcn", text="/baocao 99 20% x", update_id="tg-7")
    assert team.send("cv-khcn", text="/baocao 99 20% x", update_id="tg-7") == []


def _count(app, model) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def _another_process(app) -> Dispatcher:
    """A dispatcher as another process of the bot has it: the same database, nothing in memory."""
    return Dispatcher(app.sessions, app.registry, tz=app.config.tz, clock=app.clock)


def test_a_read_writes_no_row_and_a_replayed_write_is_applied_once(app, team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    team.say("cv-khcn", "/nhiemvu")  # leaves the "Đã nhận" offer the new task came with (a change)
    read = {"text": "/nhiemvu", "update_id": "tg-2001"}
    listed = team.send("cv-khcn", **read)
    assert listed and "#1" in listed[0].text
    assert _count(app, ProcessedUpdate) == 0  # a read commits nothing of its own
    assert team.send("cv-khcn", **read) == []  # this process remembers it answered
    replayed = _another_process(app).handle(
        Incoming(platform="console", user_id="cv-khcn", chat_id="cv-khcn", **read)
    )
    assert [r.text for r in replayed] == [r.text for r in listed]  # elsewhere: simply answered again

    write = {"text": "/baocao 1 20% Đã khởi động", "update_id": "tg-2002"}
    assert "✅" in team.say("cv-khcn", **write)
    assert _count(app, ProcessedUpdate) == 1
    assert team.send("cv-khcn", **write) == []
    incoming = Incoming(platform="console", user_id="cv-khcn", chat_id="cv-khcn", **write)
    assert _another_process(app).handle(incoming) == []
    assert _count(app, Report) == 1


def test_a_read_that_ends_a_flow_is_a_change_and_is_recorded(app, team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    team.say("cv-khcn", "/baocao")  # a guided flow: its step is kept in the database

    def in_flow() -> bool:
        with app.sessions() as session:
            person = session.scalar(
                select(PlatformLink.person_id).where(PlatformLink.platform_user_id == "cv-khcn")
            )
            return session.get(Conversation, person) is not None

    assert in_flow()
    assert team.send("cv-khcn", text="/nhiemvu", update_id="tg-2101")
    assert not in_flow()
    assert _count(app, ProcessedUpdate) == 1  # leaving the flow changed a row: recorded with it


def test_a_write_another_process_recorded_meanwhile_is_rolled_back(app, team, monkeypatch):
    """Two processes given the same update both find it new; the second to commit loses to the unique
    key and changes nothing (simulated: this one's check misses the row the other committed)."""
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Việc cần làm")
    with app.sessions() as session:
        session.add(ProcessedUpdate(platform="console", update_id="tg-3001", processed_at=app.clock()))
        session.commit()
    monkeypatch.setattr(dispatch, "was_processed", lambda session, platform, update_id: False)
    assert team.send("cv-khcn", text="/baocao 1 30% Đã làm", update_id="tg-3001") == []
    assert _count(app, Report) == 0
    with app.sessions() as session:
        assert session.scalar(select(TaskAgency.last_report_id)) is None
        assert session.scalar(select(func.count()).where(AuditLog.action.like("report.%"))) == 0


@given(text=st.text(alphabet=st.characters(exclude_categories=()), max_size=40))
def test_the_quick_clean_check_agrees_with_nfc(text):
    assert nfc(text) == text_module._normalised(text)


def test_a_failing_handler_gets_an_apology_and_the_office_is_told(app, team, caplog):
    router = Router()

    @router.command("hong", roles=EVERYONE, summary="broken", syntax="/hong")
    def broken(ctx, args):
        ctx.session.add(
            Report(
                task_id=1, agency_id=1, person_id=1, kind="progress", percent=1, text="x", created_at=ctx.now
            )
        )
        raise RuntimeError("secret internal detail")

    registry = build_registry(router)
    dispatcher = Dispatcher(app.sessions, registry, tz=app.config.tz, clock=app.clock)
    replies = dispatcher.handle(
        Incoming(platform="console", user_id="cv-khcn", chat_id="cv-khcn", text="/hong")
    )
    assert len(replies) == 1
    assert "secret internal detail" not in replies[0].text and "Traceback" not in replies[0].text
    assert "secret internal detail" in caplog.text  # the log keeps the details
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0
        alerts = session.scalars(select(Outbox).where(Outbox.kind == "alert")).all()
        assert [a.chat_id for a in alerts] == ["vanphong"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.builds(
            lambda w, rest: f"/{w} {rest}",
            st.sampled_from(sorted(build_registry().commands)),
            st.text(max_size=80),
        ),
    )
)
def test_any_text_gets_an_answer_never_a_crash(team, text):
    for user in ("cv-khcn", "stranger", "vanphong"):
        replies = team.send(user, text)
        assert all(r.text.strip() for r in replies)
        assert all("Traceback" not in r.text for r in replies)
        team.say(user, "hủy")  # leave any flow the text started


def test_odd_digits_answer_a_guided_flow_without_a_crash(team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch")
    team.say("cv-khcn", "/baocao")
    for odd in ("²", "٣", "9" * 5000, "/nhiemvu ²", "/sapden ²"):
        replies = team.send("cv-khcn", odd)
        assert replies and "Xin lỗi" not in replies[0].text, odd
    with team.app.sessions() as session:
        assert session.scalar(select(Outbox.id).where(Outbox.kind == "alert")) is None


def test_a_word_or_flow_declared_twice_is_refused_at_start():
    import pytest

    from dondoc.handlers.registry import Registry, Router

    first, second = Router(), Router()
    first.command("baocao", roles=(), summary="", syntax="", aliases=("report",))(lambda ctx, args: [])
    second.command("bao", roles=(), summary="", syntax="", aliases=("Report",))(lambda ctx, args: [])
    with pytest.raises(ValueError, match="names both"):
        Registry([first, second])
    first, second = Router(), Router()
    first.flow("report")(lambda ctx, state, text, choice: [])
    second.flow("report")(lambda ctx, state, text, choice: [])
    with pytest.raises(ValueError, match="flow report"):
        Registry([first, second])
