"""Backups as docs/deploy.md describes them, restored and read back by a new bot: `sqlite3 FILE ".backup
COPY"` while the bot runs (SQLite), `pg_dump -Fc` then `pg_restore` into a fresh database (PostgreSQL).
Every acknowledged report, task and person is in the restored copy, and the restored bot answers."""

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from dondoc.bot.app import App
from dondoc.bot.config import Config
from dondoc.store.db import make_engine
from dondoc.store.models import Person, Report, Task
from tests.conftest import DATABASE_URL, ON_POSTGRES, Chat

RESTORED = "dondoc_restore_check"


def counts(app: App) -> tuple[int, int, int]:
    with app.sessions() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0 for model in (Task, Report, Person)
        )


def restored_app(url: str, clock, tmp_path: Path) -> App:
    config = Config.load(env_file=None, environ={"DATABASE_URL": url, "CONSOLE_FILES_DIR": str(tmp_path)})
    app = App(config, clock=clock, engine=make_engine(url))
    app.bootstrap()
    return app


def work(team: Chat) -> None:
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Xây dựng đề án chuyển đổi số")
    team.say("cv-khcn", "/baocao 1 40 Đã lấy ý kiến các sở")
    team.say("gd-khcn", "/hoanthanh 1 Đề án số 12/ĐA-SKHCN")


@pytest.mark.skipif(ON_POSTGRES or not shutil.which("sqlite3"), reason="SQLite, with the sqlite3 tool")
def test_an_online_sqlite_backup_restores_everything(app, team, config, clock, tmp_path):
    work(team)
    database = make_url(config.database_url).database
    copy = tmp_path / "backup" / "dondoc.sqlite3"
    copy.parent.mkdir()
    # While the bot is running (its engine holds connections open, in WAL mode).
    subprocess.run(["sqlite3", database, f".backup '{copy}'"], check=True, timeout=60)
    restored = restored_app(f"sqlite:///{copy}", clock, tmp_path)
    assert counts(restored) == counts(app) and counts(app)[1] == 2
    seen = Chat(restored).say("vanphong", "/xem 1")
    assert "40%" in seen and "12/ĐA-SKHCN" in seen


@pytest.mark.skipif(
    not ON_POSTGRES or not shutil.which("pg_dump"), reason="PostgreSQL, with pg_dump and pg_restore"
)
def test_a_pg_dump_restores_everything_into_a_new_database(app, team, clock, tmp_path):
    work(team)
    url = make_url(DATABASE_URL.replace("+psycopg", ""))
    dump = tmp_path / "dondoc.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), str(url)], check=True, timeout=120)
    admin = make_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {RESTORED}"))
        connection.execute(text(f"CREATE DATABASE {RESTORED}"))
    try:
        target = url.set(database=RESTORED)
        subprocess.run(
            ["pg_restore", "--no-owner", "-d", target.render_as_string(hide_password=False), str(dump)],
            check=True,
            timeout=120,
        )
        restored_url = make_url(DATABASE_URL).set(database=RESTORED).render_as_string(hide_password=False)
        restored = restored_app(restored_url, clock, tmp_path)
        assert counts(restored) == counts(app) and counts(app)[1] == 2
        seen = Chat(restored).say("vanphong", "/xem 1")
        assert "40%" in seen and "12/ĐA-SKHCN" in seen
        restored.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)"))
        admin.dispose()
