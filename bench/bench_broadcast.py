"""A /thongbao broadcast to 1,000 people (`.venv/bin/python bench/bench_broadcast.py [N]`).

N people (1,000 by default) registered on Telegram, spread over every agency `tatca` reaches (a head
each, the rest focal officers). The office's real `/thongbao tatca: …` and its "có" go through the
dispatcher (preview, then confirm: one outbox message per person, each composed in their language, and a
recipient row each); then the real outbox sender delivers them through the real Telegram transport to the
fake Bot API server (tests/fake_telegram.py) with Telegram's limits on (30 messages/s overall, 1/s per
chat). Printed: the time of the preview and of the confirmation, messages/s against 30/s, duplicates and
losses per chat (target: >= 95% of 30/s, no duplicate, no loss), and the broadcast's delivery report.
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_telegram import print_delivery, telegram_app, telegram_person, timed_drain
from dondoc.bot.app import CONSOLE, App
from dondoc.handlers.messages import Incoming
from dondoc.store.agencies import list_agencies
from dondoc.store.broadcasts import EVERY_KIND
from dondoc.store.models import Role
from tests.fake_telegram import FakeTelegram

TEXT = "Đề nghị các cơ quan gửi báo cáo kết quả triển khai Nghị quyết 57-NQ/TW trước 16h ngày 6/3/2026."


def seed(app: App, count: int) -> int:
    """`count` people on Telegram over every active agency; returns how many agencies."""
    now = app.clock()
    with app.sessions() as session:
        agencies = [a for a in list_agencies(session) if a.kind in EVERY_KIND]  # those "tatca" reaches
        for i in range(count):
            agency = agencies[i % len(agencies)]
            role = Role.HEAD if i < len(agencies) else Role.STAFF
            telegram_person(session, i, now, agency=agency, role=role)
        session.commit()
    return len(agencies)


def say(app: App, text: str) -> tuple[str, float]:
    """The office's (the console person's) answer, through the real dispatcher; and how long it took."""
    user = app.config.console.user
    began = time.perf_counter()
    replies = app.dispatcher.handle(Incoming(platform=CONSOLE, user_id=user, chat_id=user, text=text))
    return "\n".join(r.text for r in replies), time.perf_counter() - began


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram() as fake:
        app = telegram_app(fake, Path(tmp) / "broadcast.sqlite3")
        agencies = seed(app, count)
        preview, preview_seconds = say(app, f"/thongbao tatca: {TEXT}")
        confirmed, confirm_seconds = say(app, "có")
        assert confirmed.startswith("✅"), preview + "\n" + confirmed
        delivered, seconds = timed_drain(app)
        report, _seconds = say(app, "/thongbao 1")
        print(f"/thongbao tatca to {count} people on Telegram in {agencies} agencies (SQLite, FULL sync):")
        print(
            f"  preview {preview_seconds * 1000:.0f} ms, "
            f"confirm (queues {count}) {confirm_seconds * 1000:.0f} ms"
        )
        print("  delivered by the outbox sender through the fake Bot API (30/s overall, 1/s per chat):")
        print_delivery(app, fake, count, delivered, seconds)
        print("  delivery report: " + report.splitlines()[2])
        app.close()


if __name__ == "__main__":
    main()
