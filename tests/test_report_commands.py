"""Reports in chat and on the command line: /xuat sends the workbook and the chart (a document and a photo
on Telegram, files saved on the console, a note on Zalo), /danhgia ranks, the digests say what the office
and the leaders need and the weekly one carries the chart, `dondoc digest preview` shows them."""

import asyncio
import datetime as dt
import io

import openpyxl
import pytest

import tests.test_telegram as telegram_e2e
from dondoc.bot.cli import main
from dondoc.bot.outbox_sender import OutboxSender
from dondoc.bot.root import Bot
from dondoc.nudges.digests import DAILY, WEEKLY, preview
from dondoc.store.agencies import find_agency
from dondoc.store.tasks import add_task
from tests.conftest import TZ
from tests.fake_telegram import FakeTelegram

PNG = b"\x89PNG\r\n\x1a\n"
XLSX = b"PK\x03\x04"


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


@pytest.fixture
def state(team, app, clock):
    """Sở KH&CN: one done on time, one done late, one overdue, one due next week; Sở Tài chính: one
    awaiting confirmation, one not acknowledged. Today is Monday 2/3/2026."""
    start = clock.now
    clock.now = at("2026-01-05 08:00")
    with app.sessions() as session:
        khcn, stc = find_agency(session, "KHCN"), find_agency(session, "STC")
        for title, lead, deadline in (
            ("Ban hành quy chế", khcn, "2026-01-20"),
            ("Trình kế hoạch", khcn, "2026-01-25"),
            ("Rà soát đề án", khcn, "2026-02-20"),
            ("Báo cáo chuyển đổi số", khcn, "2026-03-09"),
            ("Quyết toán ngân sách", stc, "2026-03-31"),
            ("Phân bổ vốn", stc, "2026-04-30"),
        ):
            add_task(
                session,
                text=title,
                title=title,
                leads=[lead],
                coops=[],
                deadline=dt.date.fromisoformat(deadline),
                deadline_text=None,
                created_by=None,
                now=clock.now,
            )
        session.commit()
    clock.now = at("2026-01-15 09:00")
    assert "✅" in team.say("gd-khcn", "/hoanthanh 1 Quyết định số 12/QĐ-SKHCN")
    team.say("vanphong", "/xacnhan 1")
    clock.now = at("2026-02-02 09:00")
    assert "✅" in team.say("gd-khcn", "/hoanthanh 2 Tờ trình số 7/TTr-SKHCN")  # a week late
    team.say("vanphong", "/xacnhan 2")
    clock.now = start
    assert "✅" in team.say("gd-stc", "/hoanthanh 5 Công văn số 3/STC-NS")
    team.say("gd-stc", "/danhan 6")
    for user in ("vanphong", "gd-khcn", "cv-khcn", "gd-stc", "pct"):
        team.inbox(user)
    return team


def test_xuat_sends_the_workbook_and_the_chart_with_the_totals_of_tonghop(state):
    [reply] = state.send("vanphong", "/xuat")
    summary = state.say("vanphong", "/tonghop")
    assert "Đang thực hiện: 3 (quá hạn: 1" in summary  # the same state as the workbook's
    assert "Giao 6: đúng hạn 1, trễ hạn 1, chờ xác nhận 1, đang thực hiện 3 (1 quá hạn)" in reply.text
    workbook, chart = reply.attachments
    assert workbook.filename.endswith(".xlsx") and workbook.content and workbook.content.startswith(XLSX)
    assert chart.filename.endswith(".png") and chart.content and chart.content.startswith(PNG)
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert len(book.sheetnames) == 2
    assert workbook.note and chart.note  # what a messenger that cannot carry files shows instead


def test_xuat_for_one_agency_and_a_period_and_what_members_may_export(state):
    [reply] = state.send("vanphong", "/xuat KHCN từ 1/1/2026 đến 31/1/2026")
    assert "Sở Khoa học và Công nghệ" in reply.text and "2 nhiệm vụ" in reply.text, reply.text
    assert "SKHCN" in reply.attachments[0].filename
    [own] = state.send("cv-khcn", "/xuat")
    assert "Sở Khoa học và Công nghệ" in own.text and "4 nhiệm vụ" in own.text, own.text
    refused = state.say("cv-khcn", "/xuat STC")
    assert "chỉ xem được nhiệm vụ của cơ quan mình" in refused.lower(), refused
    assert "Có phải là" in state.say("vanphong", "/xuat Sở Tài chánh")
    assert "31/2/2026" in state.say("vanphong", "/xuat từ 31/2/2026")


def test_on_the_console_the_files_are_saved(state, app, capsys, config):
    bot = Bot.build(app.config, app=app, messengers=False, schedule=False, read_input=False)
    asyncio.run(bot.say("/xuat"))
    out = capsys.readouterr().out
    saved = sorted(config.console.files_dir.iterdir())
    assert [p.suffix for p in saved] == [".png", ".xlsx"]
    assert all(str(p) in out for p in saved), out
    assert saved[1].read_bytes().startswith(XLSX) and saved[0].read_bytes().startswith(PNG)


def test_on_zalo_the_files_are_named_with_where_to_get_them(state):
    from dondoc.bot.plaintext import render  # how Zalo renders a reply: text, numbered choices, files named

    [reply] = state.send("vanphong", "/xuat")
    text = render(reply)
    assert ".xlsx: " in text and "Telegram" in text, text


def test_danhgia_ranks_the_agencies_of_the_year(state):
    reply = state.say("pct", "/danhgia năm 2026")
    assert "Sở Khoa học và Công nghệ" in reply and "Sở Tài chính" in reply, reply
    assert "không dành cho" in state.say("cv-khcn", "/danhgia")


def test_the_daily_digest_tells_the_office_what_waits_for_it(state, app, clock):
    with app.sessions() as session:
        text = preview(session, DAILY, clock.now, TZ).text
    assert "quá hạn: 1" in text and "chờ xác nhận: 1" in text, text
    assert "Sở Tài chính: 1" in text and "Sở Khoa học và Công nghệ: 1" in text, text


def test_the_weekly_digest_arrives_on_telegram_with_its_chart(tmp_path, app, clock):
    from dataclasses import replace

    from dondoc.bot.config import TelegramConfig
    from tests.conftest import Chat

    with FakeTelegram(chat_burst=50) as fake:
        app.config = replace(app.config, telegram=TelegramConfig(token=fake.token, base_url=fake.base_url))
        chat = Chat(app)
        code = chat.invite("", "lanhdao")
        chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình kế hoạch")

        async def scenario():
            async with telegram_e2e.running(app) as bot:
                await telegram_e2e.ask(fake, 700, f"/start {code}")
                assert await asyncio.to_thread(app.digest, WEEKLY, at("2026-03-02 08:00")) == 1
                sender = OutboxSender(app, [bot])
                await sender.drain()
                await telegram_e2e.until(fake, lambda: fake.files_to(700))

        asyncio.run(scenario())
        [photo] = fake.files_to(700)
        assert photo["method"] == "sendPhoto" and photo["data"].startswith(PNG)
        assert any("Đúng hạn" in t or "đúng hạn" in t for t in fake.texts_to(700)), fake.texts_to(700)


def test_digest_preview_on_the_command_line(state, app, capsys, config):
    assert main(["digest", "preview", "weekly", "--at", "2026-03-02 08:00"], app=app) == 0
    out = capsys.readouterr().out
    assert "Tổng hợp tuần" in out or "tuần" in out.lower(), out
    [chart] = list(config.console.files_dir.iterdir())
    assert chart.read_bytes().startswith(PNG) and str(chart) in out
    assert main(["digest", "preview", "daily", "--at", "2026-03-02 16:30", "--language", "en"], app=app) == 0
    assert "Daily digest" in capsys.readouterr().out
    assert main(["digest", "preview", "daily", "--at", "tomorrow"], app=app) == 2
