"""`dondoc run`: Telegram and Zalo served by one process beside the scheduler; SIGTERM stops it cleanly."""

import asyncio
import os
import signal
from dataclasses import replace

from sqlalchemy import func, select

from dondoc.bot.config import TelegramConfig, ZaloConfig
from dondoc.bot.root import Bot
from dondoc.store.models import Report
from tests.conftest import Chat
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo, new_id


def test_one_process_serves_both_messengers_and_stops_on_sigterm(app):
    chat = Chat(app)
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026")
    telegram_code, zalo_code = chat.invite("KHCN", "head"), chat.invite("KHCN", "staff")
    zalo_user = new_id()
    with FakeTelegram(chat_burst=50) as telegram, FakeZalo(messages_per_second=100) as zalo:
        app.config = replace(
            app.config,
            telegram=TelegramConfig(token=telegram.token, base_url=telegram.base_url),
            zalo=ZaloConfig(token=zalo.token, base_url=zalo.base_url),
            console=replace(app.config.console, read_input=False),
        )

        async def scenario() -> None:
            running = asyncio.create_task(Bot.build(app.config, app=app).run())
            telegram.message(501, f"/start {telegram_code}")
            zalo.text(zalo_user, f"/start {zalo_code}")
            assert await asyncio.to_thread(telegram.wait_until, lambda: telegram.texts_to(501), 10)
            assert await asyncio.to_thread(zalo.wait_until, lambda: zalo.texts_to(zalo_user), 10)
            zalo.text(zalo_user, "/baocao 1 40% Đã lấy ý kiến các sở")
            assert await asyncio.to_thread(zalo.wait_until, lambda: len(zalo.texts_to(zalo_user)) == 2, 10)
            # the officer's report reaches the head on Telegram through the outbox sender
            assert await asyncio.to_thread(telegram.wait_until, lambda: len(telegram.texts_to(501)) == 2, 10)
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.wait_for(running, 30)

        asyncio.run(scenario())
    assert "40%" in telegram.texts_to(501)[-1]
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1
