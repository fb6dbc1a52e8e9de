"""/thongbao: audiences, the preview and its confirmation, one message per person in their language, the
"Đã nhận" answer, the delivery report, every bad input; and end to end through the fake Telegram and Zalo
servers with the real transports and outbox sender.

The office writes in English here (/ngonngu en), so its answers read as the English msgids whatever the
Vietnamese catalog says; what recipients get is compared with `message_text` in their own language."""

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import func, select

import tests.test_telegram as telegram_e2e
import tests.test_zalo as zalo_e2e
from dondoc.bot.app import CONSOLE, App
from dondoc.bot.config import TelegramConfig, ZaloConfig
from dondoc.bot.outbox_sender import OutboxSender
from dondoc.handlers.broadcasts import MAX_TEXT, message_text
from dondoc.handlers.roles import role_label
from dondoc.i18n import _, use_language
from dondoc.store.agencies import find_agency
from dondoc.store.broadcasts import COMMUNE_KINDS, DEPARTMENT_KINDS, EVERY_KIND
from dondoc.store.models import (
    Agency,
    AuditLog,
    Broadcast,
    BroadcastRecipient,
    Conversation,
    Outbox,
    Person,
    Role,
)
from dondoc.store.outbox import settle
from tests.conftest import Chat
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo, new_id

OFFICE_NAME = "Văn phòng UBND tỉnh"
KHCN = "Sở Khoa học và Công nghệ"
STC = "Sở Tài chính"
TEXT = "Đề nghị gửi báo cáo kết quả trước 16h ngày 5/3/2026."


@pytest.fixture
def office(team: Chat) -> Chat:
    """The team, with the office writing in English."""
    team.say("vanphong", "/ngonngu en")
    return team


def framed(agency: str, text: str = TEXT, language: str = "vi") -> str:
    with use_language(language):
        return message_text(agency, text, OFFICE_NAME)


def agency_ids(app: App, *codes: str) -> list[int]:
    with app.sessions() as session:
        return [find_agency(session, code).id for code in codes]


def all_ids(app: App, kinds: tuple[str, ...] | None = None) -> list[int]:
    with app.sessions() as session:
        query = select(Agency.id).where(Agency.active.is_(True))
        if kinds is not None:
            query = query.where(Agency.kind.in_(kinds))
        return sorted(session.scalars(query))


def flow_state(app: App, user: str = "vanphong") -> dict | None:
    with app.sessions() as session:
        person = session.scalar(select(Person).where(Person.name == user))
        conversation = session.get(Conversation, person.id)
        return None if conversation is None or conversation.flow != "broadcast" else dict(conversation.state)


def counts(app: App) -> tuple[int, int, int]:
    """Broadcasts, their recipient rows, queued broadcast messages."""
    with app.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Broadcast)),
            session.scalar(select(func.count()).select_from(BroadcastRecipient)),
            session.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "broadcast")),
        )


def recipients(app: App, number: int = 1) -> dict[tuple[str, str | None], BroadcastRecipient]:
    """(agency code, person name or None) -> the recipient row."""
    with app.sessions() as session:
        rows = session.execute(
            select(BroadcastRecipient, Agency.code, Person.name)
            .join(Agency, Agency.id == BroadcastRecipient.agency_id)
            .outerjoin(Person, Person.id == BroadcastRecipient.person_id)
            .where(BroadcastRecipient.broadcast_id == number)
        ).all()
        return {(code, name): row for row, code, name in rows}


def broadcasts_to(chat: Chat, user: str) -> list[str]:
    return [m for m in chat.inbox(user) if TEXT in m]


# The preview and its confirmation -----------------------------------------------------------


def test_the_preview_shows_counts_and_the_exact_text_and_nothing_is_queued_before_yes(app, office):
    preview = office.say("vanphong", f"/thongbao KHCN; STC: {TEXT}")
    assert "Broadcast to “KHCN; STC”: 3 people in 2 agencies will receive it (heads and focal officers)" in (
        preview
    )
    assert "The message, as Sở Khoa học và Công nghệ will read it:" in preview
    assert framed(KHCN, language="en") in preview  # exactly what the office's own language makes of it
    assert framed(KHCN, language="en").startswith(f"📢 Dear {KHCN},\n{TEXT}\n")
    assert framed(KHCN, language="en").endswith("Respectfully.\nVăn phòng UBND tỉnh")
    assert counts(app) == (0, 0, 0)
    assert flow_state(app)["agencies"] == agency_ids(app, "KHCN", "STC")

    assert office.say("vanphong", "không") == "Cancelled. Nothing was sent."
    assert counts(app) == (0, 0, 0) and flow_state(app) is None
    assert broadcasts_to(office, "gd-khcn") == []

    office.say("vanphong", f"/thongbao KHCN: {TEXT}")
    assert office.say("vanphong", "2") == "Cancelled. Nothing was sent."  # the numbered answer
    assert counts(app) == (0, 0, 0)


def test_yes_queues_one_message_per_person_each_in_their_language(app, office):
    office.say("gd-stc", "/ngonngu en")
    preview = office.say("vanphong", f"/thongbao KHCN; STC: {TEXT}")
    assert "2 of them chose another language and get the greeting and closing in it." in preview
    sent = office.say("vanphong", "có")
    assert sent.startswith("✅ Broadcast #1 is on its way to 3 people in 2 agencies;")
    assert "/thongbao 1" in sent
    assert counts(app) == (1, 3, 3)

    assert broadcasts_to(office, "gd-khcn") == [framed(KHCN)]
    assert broadcasts_to(office, "cv-khcn") == [framed(KHCN)]
    assert broadcasts_to(office, "gd-stc") == [framed(STC, language="en")]
    assert framed(STC, language="en").startswith(f"📢 Dear {STC},")
    assert broadcasts_to(office, "pct") == [] and broadcasts_to(office, "vanphong") == []
    with app.sessions() as session:
        choices = {
            name: row.choices
            for row, name in session.execute(
                select(Outbox, Person.name).join(Person).where(Outbox.kind == "broadcast")
            )
        }
        broadcast = session.get(Broadcast, 1)
        entry = session.scalar(select(AuditLog).where(AuditLog.action == "broadcast.send"))
    with use_language("vi"):
        assert choices["gd-khcn"] == [[_("✅ Received"), "/datb 1"]]
    assert choices["gd-stc"] == [["✅ Received", "/datb 1"]]
    assert (broadcast.audience, broadcast.text) == ("KHCN; STC", TEXT)
    assert broadcast.confirmed_at == app.clock()
    assert entry.subject == "broadcast:1" and entry.detail == {
        "audience": "KHCN; STC",
        "agencies": 2,
        "people": 3,
    }


def test_each_audience_resolves_to_its_agencies_and_people(app, office, clock):
    office.join("ct-tinhkhe", "Xã Tịnh Khê", "head")
    office.join("cv-camthanh", "Phường Cẩm Thành", "staff")
    office.join("cv-bqlkkt", "BQLKKT", "staff")
    office.join("gd-ca", "CAT", "head")
    office.say("vanphong", "/giao KHCN | 5/3/2026 | Báo cáo chuyển đổi số")  # #1, overdue below
    office.say("vanphong", "/giao STC | 30/4/2026 | Bố trí kinh phí | Sở Tư pháp; Sở Y tế")  # #2
    office.say("vanphong", "/sua 2 phoihop -SYT")  # no longer cooperating: not an agency of task 2

    def audience(args: str) -> tuple[list[int], bool, str]:
        preview = office.say("vanphong", f"/thongbao {args}")
        state = flow_state(app)
        assert state is not None, preview
        office.say("vanphong", "không")
        return state["agencies"], state["heads"], preview

    every = all_ids(app, EVERY_KIND)  # the offices take no broadcast unless named
    assert audience(f"tatca: {TEXT}")[:2] == (every, False)
    assert audience(f"Tất cả: {TEXT}")[:2] == (every, False)
    ids, heads, preview = audience(f"thutruong: {TEXT}")
    assert (ids, heads) == (every, True)
    assert "4 people in 4 agencies will receive it (heads only)" in preview  # KHCN, STC, CAT, Tịnh Khê
    assert audience(f"xa: {TEXT}")[0] == all_ids(app, COMMUNE_KINDS)
    assert "2 people in 2 agencies" in audience(f"xã phường: {TEXT}")[2]
    departments = audience(f"so: {TEXT}")
    assert departments[0] == all_ids(app, DEPARTMENT_KINDS)
    assert set(agency_ids(app, "KHCN", "STC", "BQLKKT", "TTT")) <= set(departments[0])
    assert not set(agency_ids(app, "CAT", "VPUB", "XA_TINHKHE")) & set(departments[0])
    assert "4 people in 3 agencies" in departments[2]  # KHCN ×2, STC, the board's officer
    assert audience(f"#2: {TEXT}")[0] == agency_ids(app, "STC", "STP")
    clock.advance(days=10)  # task 1 is now overdue for KHCN
    assert audience(f"quahan: {TEXT}")[0] == agency_ids(app, "KHCN")
    assert audience(f"Quá hạn: {TEXT}")[0] == agency_ids(app, "KHCN")
    named = audience(f"Sở Văn hóa, Thể thao và Du lịch, STC; khcn; Sở Tài chính: {TEXT}")[0]
    assert named == agency_ids(app, "SVHTTDL", "STC", "KHCN")  # a comma inside a name, each agency once


def test_forgiving_forms_keep_the_text_whole(app, office):
    def sent_text(args: str) -> str:
        office.say("vanphong", f"/thongbao {args}")
        state = flow_state(app)
        assert state is not None
        office.say("vanphong", "không")
        return state["text"]

    assert sent_text("tatca Họp giao ban lúc 8:00 sáng mai") == "Họp giao ban lúc 8:00 sáng mai"
    assert sent_text("tất cả: Họp lúc 8:00") == "Họp lúc 8:00"
    assert sent_text("TAT CA | Họp") == "Họp"
    assert sent_text("KHCN\nDòng một\nDòng hai: có dấu hai chấm") == "Dòng một\nDòng hai: có dấu hai chấm"
    office.say("vanphong", "/giao KHCN | 31/3/2026 | Lập kế hoạch")
    assert sent_text(f"#1 {TEXT}") == TEXT
    assert sent_text(f"# 1: {TEXT}") == TEXT
    # Without the slash, without diacritics: the free-text form of the command.
    office.say("vanphong", f"thong bao STC: {TEXT}")
    assert flow_state(app)["agencies"] == agency_ids(app, "STC")


# "Đã nhận" ----------------------------------------------------------------------------------


def test_the_received_answer_marks_only_the_persons_own_row_and_is_idempotent(app, office, clock):
    office.say("vanphong", f"/thongbao KHCN: {TEXT}")
    office.say("vanphong", "có")
    assert len(broadcasts_to(office, "cv-khcn")) == 1
    clock.advance(minutes=5)
    assert "#1" in office.say("cv-khcn", "1")  # the numbered answer of the queued message
    rows = recipients(app)
    assert rows[("SKHCN", "cv-khcn")].acknowledged_at == clock.now
    assert rows[("SKHCN", "gd-khcn")].acknowledged_at is None  # only the person's own row
    assert "#1" in office.say("cv-khcn", "/datb 1")  # again: already acknowledged, nothing changes
    assert recipients(app)[("SKHCN", "cv-khcn")].acknowledged_at == clock.now

    clock.advance(minutes=5)
    office.say("gd-khcn", "đã nhận tb")  # free text, no number: every broadcast not yet acknowledged
    assert recipients(app)[("SKHCN", "gd-khcn")].acknowledged_at == clock.now
    with app.sessions() as session:
        entries = session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "broadcast.acknowledge")
        )
    assert entries == 2

    office.say("gd-stc", "/ngonngu en")
    assert office.say("gd-stc", "/datb 1") == (
        "Broadcast #1 was not sent to you. Type /datb to acknowledge the broadcasts you received."
    )
    assert office.say("gd-stc", "/datb 999").startswith("Broadcast #999 was not sent to you.")
    assert (
        office.say("gd-stc", "/datb") == "You have no broadcast from the office waiting to be acknowledged."
    )
    assert office.say("gd-stc", "/datb abc").startswith("“abc” is not a broadcast number.")
    office.say("cv-khcn", "/ngonngu en")
    assert office.say("cv-khcn", "/datb tb1") == "You had already acknowledged broadcast #1."


# The delivery report and the list -----------------------------------------------------------


def test_the_delivery_report_says_per_agency_who_got_it_and_whom_to_phone(app, office, clock):
    office.join("cv-syt", "SYT", "staff")
    app.mark_reachable(CONSOLE, "gd-stc", False)  # blocked the bot: registered, but unreachable
    preview = office.say("vanphong", f"/thongbao KHCN; STC; SYT; STP: {TEXT}")
    assert "3 people in 2 agencies will receive it" in preview
    assert "Nobody registered in 1 of these agencies; they will not receive it: Sở Tư pháp." in preview
    assert "cannot be reached (blocked the bot, or no chat): gd-stc (Sở Tài chính)." in preview
    office.say("vanphong", "yes")

    rows = recipients(app)
    assert rows[("STC", "gd-stc")].outbox_id is None
    assert rows[("STP", None)].person_id is None and rows[("STP", None)].outbox_id is None
    assert len(rows) == 5
    with app.sessions() as session:
        settle(session, rows[("SYT", "cv-syt")].outbox_id, clock.now, error="failed")  # refused for good
        session.commit()
    assert len(broadcasts_to(office, "gd-khcn")) == 1  # delivered (cv-khcn's stays queued)
    office.say("gd-khcn", "/datb 1")

    report = office.say("vanphong", "/thongbao 1")
    lines = report.splitlines()
    assert lines[0].startswith("📢 Broadcast #1, sent ") and lines[0].endswith(
        " by vanphong to “KHCN; STC; SYT; STP”:"
    )
    assert lines[1] == f"“{TEXT}”"
    assert lines[2] == (
        "4 agencies, 4 people: 1 delivered, 1 acknowledged, 1 failed, 1 unreachable, 1 still queued; "
        "nobody registered in 1 agency"
    )
    assert lines[3] == "By agency:"
    assert "• Sở Khoa học và Công nghệ: 1 of 2 delivered, 1 acknowledged, 1 still queued" in lines
    assert "• Sở Tài chính: 0 of 1 delivered, 0 acknowledged — unreachable: gd-stc" in lines
    assert "• Sở Y tế: 0 of 1 delivered, 0 acknowledged — failed: cv-syt" in lines
    assert lines[-1] == "Nobody registered (1), phone them or invite someone with /moi: Sở Tư pháp"

    office.say("vanphong", f"/thongbao thutruong: {TEXT}")
    office.say("vanphong", "có")
    listing = office.say("vanphong", "/thongbao").splitlines()
    assert listing[0] == "Broadcasts, newest first (2 in all):"
    assert listing[1].startswith("#2 · ") and "“thutruong”" in listing[1]
    assert listing[2].startswith("#1 · ") and listing[2].endswith(lines[2])
    assert listing[-1] == "Type /thongbao N for a broadcast's delivery report per agency."


# Bad input ----------------------------------------------------------------------------------

USAGE_START = "Type the audience, a colon, then the text, for example:"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("tatca", "The message is empty: write the text after the colon."),
        ("tatca:   ", "The message is empty: write the text after the colon."),
        ("KHCN:", "The message is empty: write the text after the colon."),
        ("KHCN", "The message is empty: write the text after the colon."),
        (": Họp", "Say whom to send it to before the colon."),
        (f"tatca: {'x' * (MAX_TEXT + 1)}", f"The message is {MAX_TEXT + 1} characters long; a broadcast"),
        ("Sở Khoa hoc cong nghe moi: Họp", "Sở Khoa học và Công nghệ (SKHCN)"),
        ("KHCN; Sở Tài chánh: Họp", "I do not know the agency “Sở Tài chánh”. Did you mean: "),
        ("KHCN; Sở Tài chánh: Họp", "Sở Tài chính (STC)"),
        ("STC Đề nghị gửi báo cáo", "Put a colon after the audience, as in /thongbao STC: …"),
        ("Sở Y tế Đề nghị gửi báo cáo", "Put a colon after the audience, as in /thongbao Sở Y tế: …"),
        ("xa Họp giao ban", "Put a colon after the audience, as in /thongbao xa: …"),
        ("Sở Khoa hoc cong nghe: Họp", "Did you mean: "),  # not "so" (every department) + text
        ("Sở Y tế Họp lúc 8:00", "Did you mean: "),
        ("blah blah", "I could not tell whom to send “blah blah” to."),
        ("12: Họp", "“12” is not an audience. For the agencies of task 12, write #12."),
        ("#999: Họp", "There is no task #999. Type /nhiemvu to list the tasks."),
        ("#999 Họp", "There is no task #999."),
        ("quahan: Họp", "No agency has overdue work today, so “quahan” names nobody."),
    ],
)
def test_bad_input_says_what_was_wrong_and_how_to_type_it(app, office, args, expected):
    before = counts(app)
    reply = office.say("vanphong", f"/thongbao {args}")
    assert expected in reply
    assert USAGE_START in reply  # the separator rule in every refusal of what was typed
    assert counts(app) == before and flow_state(app) is None


def test_a_broadcast_to_nobody_says_who_has_nobody(app, office):
    reply = office.say("vanphong", f"/thongbao STP; SYT: {TEXT}")
    assert reply.splitlines() == [
        "Nobody in this audience can receive a broadcast now; nothing was sent.",
        "Nobody registered: Sở Tư pháp; Sở Y tế.",
        "Invite people with /moi AGENCY ROLE, or choose another audience.",
    ]
    app.mark_reachable(CONSOLE, "gd-stc", False)
    reply = office.say("vanphong", f"/thongbao STC: {TEXT}")
    assert "Registered but cannot be reached (blocked the bot, or no chat): gd-stc (Sở Tài chính)." in reply
    assert counts(app) == (0, 0, 0) and flow_state(app) is None


def test_nobody_reachable_at_confirmation_sends_nothing(app, office):
    office.say("vanphong", f"/thongbao STC: {TEXT}")
    app.mark_reachable(CONSOLE, "gd-stc", False)  # between the preview and the yes
    reply = office.say("vanphong", "có")
    assert reply.startswith("Nobody in this audience can receive a broadcast now; nothing was sent.")
    assert counts(app) == (0, 0, 0) and flow_state(app) is None


def test_unknown_broadcast_numbers_and_unclear_answers(app, office):
    assert office.say("vanphong", "/thongbao 999") == (
        "There is no broadcast #999. Type /thongbao to list the broadcasts."
    )
    listing = office.say("vanphong", "/thongbao")
    assert listing.startswith("No broadcasts yet.\n" + USAGE_START)
    office.say("vanphong", f"/thongbao KHCN: {TEXT}")
    assert office.say("vanphong", "có lẽ") == "Please answer yes (send it) or no (cancel), or 1 or 2."
    assert flow_state(app) is not None and counts(app) == (0, 0, 0)
    assert office.say("vanphong", "1").startswith("✅ Broadcast #1")
    assert counts(app) == (1, 2, 2)


@pytest.mark.parametrize("user", ["gd-khcn", "cv-khcn", "pct", "stranger"])
def test_only_the_office_broadcasts_and_the_refusal_is_the_standard_one(app, team, user):
    role = {"gd-khcn": Role.HEAD, "cv-khcn": Role.STAFF, "pct": Role.LEADER, "stranger": Role.GUEST}[user]
    with use_language("vi"):
        if role == Role.GUEST:
            expected = _(
                "To use this bot you need an invite code from the office. "
                "Type /start followed by the code, for example /start ABCD2345EF."
            )
        else:
            expected = _(
                "/{command} is not available to you as {role}. Type /help to see your commands."
            ).format(command="thongbao", role=role_label(role))
    for text in (f"/thongbao tatca: {TEXT}", f"thông báo tatca: {TEXT}", "/thongbao", "/thongbao 1"):
        assert team.say(user, text) == expected
    assert counts(app) == (0, 0, 0)


def test_the_office_has_no_received_answer_of_its_own(app, office):
    assert office.say("vanphong", "/datb 1").startswith("/datb is not available to you as office")


# End to end ---------------------------------------------------------------------------------


def test_over_telegram_everyone_gets_it_once_and_the_button_acknowledges(app, clock):
    chat = Chat(app)
    chat.say("vanphong", "/ngonngu en")
    people = {501: ("KHCN", "head"), 502: ("KHCN", "staff"), 503: ("STC", "head"), 504: ("SYT", "staff")}
    codes = {user: chat.invite(agency, role) for user, (agency, role) in people.items()}
    with FakeTelegram(chat_burst=50) as fake:
        app.config = replace(app.config, telegram=TelegramConfig(token=fake.token, base_url=fake.base_url))

        async def scenario() -> None:
            async with telegram_e2e.running(app) as bot:
                for user, code in codes.items():
                    await telegram_e2e.ask(fake, user, f"/start {code}", first_name=f"Người {user}")
                assert "4 people in 3 agencies" in chat.say("vanphong", f"/thongbao tatca: {TEXT}")
                assert chat.say("vanphong", "có").startswith("✅ Broadcast #1")
                fake.block(504)  # blocked the bot after the preview: found out when sending
                sender = OutboxSender(app, [bot])
                assert await sender.drain() == 3
                for user in (501, 502, 503):
                    got = [m for m in fake.sent_to(user) if TEXT in m["plain"]]
                    assert len(got) == 1, user
                assert [m for m in fake.sent_to(504) if TEXT in m["plain"]] == []
                message = next(m for m in fake.sent_to(501) if TEXT in m["plain"])
                assert message["plain"] == framed(KHCN)
                button = message["reply_markup"]["inline_keyboard"][0][0]
                assert (button["text"], button["callback_data"]) == ("✅ Đã nhận", "/datb 1")
                fake.callback(501, button["callback_data"], message_id=message["message_id"])
                await telegram_e2e.until(fake, lambda: "#1" in fake.texts_to(501)[-1])
                assert await sender.drain() == 0  # nothing sent twice

        asyncio.run(scenario())
    report = chat.say("vanphong", "/thongbao 1").splitlines()
    assert "• Sở Khoa học và Công nghệ: 2 of 2 delivered, 1 acknowledged" in report
    assert "• Sở Tài chính: 1 of 1 delivered, 0 acknowledged" in report
    assert "• Sở Y tế: 0 of 1 delivered, 0 acknowledged — unreachable: Người 504" in report
    with chat.app.sessions() as session:
        audience = session.scalar(
            select(func.count())
            .select_from(Agency)
            .where(Agency.active.is_(True), Agency.kind.in_(EVERY_KIND))
        )
    assert report[2].startswith(
        f"{audience} agencies, 4 people: "
    )  # every agency but the offices and the Party's
    assert ": 3 delivered, 1 acknowledged, 0 failed, 1 unreachable, 0 still queued;" in report[2]


def test_over_zalo_everyone_gets_it_once_and_the_number_acknowledges(app, clock):
    chat = Chat(app)
    chat.say("vanphong", "/ngonngu en")
    users = {new_id(): ("KHCN", "head"), new_id(): ("KHCN", "staff"), new_id(): ("STC", "head")}
    codes = {user: chat.invite(agency, role) for user, (agency, role) in users.items()}
    head, officer, other = users
    with FakeZalo(messages_per_second=1000) as fake:
        app.config = replace(app.config, zalo=ZaloConfig(token=fake.token, base_url=fake.base_url))

        async def scenario() -> None:
            async with zalo_e2e.running(app) as bot:
                for user, code in codes.items():
                    await zalo_e2e.ask(fake, user, f"/start {code}")
                chat.say("vanphong", f"/thongbao KHCN: {TEXT}")
                chat.say("vanphong", "có")
                assert await OutboxSender(app, [bot]).drain() == 2
                for user in (head, officer):
                    got = [t for t in fake.texts_to(user) if TEXT in t]
                    assert len(got) == 1, user
                    assert got[0].startswith(framed(KHCN)) and got[0].endswith("1. ✅ Đã nhận")
                assert [t for t in fake.texts_to(other) if TEXT in t] == []
                assert "#1" in await zalo_e2e.ask(fake, officer, "1")
                assert "#1" in await zalo_e2e.ask(fake, officer, "/datb 1")  # again: already acknowledged

        asyncio.run(scenario())
    report = chat.say("vanphong", "/thongbao 1").splitlines()
    assert "• Sở Khoa học và Công nghệ: 2 of 2 delivered, 1 acknowledged" in report
    assert report[2] == (
        "1 agency, 2 people: 2 delivered, 1 acknowledged, 0 failed, 0 unreachable, 0 still queued; "
        "nobody registered in 0 agencies"
    )


def test_the_migration_adds_the_tables_and_downgrades_cleanly(tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from dondoc.store.db import alembic_config
    from tests.conftest import database_at

    with database_at("0006", tmp_path, "broadcast_migration") as engine:
        config = alembic_config(engine)
        command.upgrade(config, "0007")
        assert {"broadcast", "broadcast_recipient"} <= set(inspect(engine).get_table_names())
        command.downgrade(config, "0006")
        assert not {"broadcast", "broadcast_recipient"} & set(inspect(engine).get_table_names())
        command.upgrade(config, "head")
