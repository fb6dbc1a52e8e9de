"""Test fixtures: a real database (a fresh SQLite file per test, or the PostgreSQL in DATABASE_URL),
migrated with Alembic, and an injected clock. Nothing here sleeps or touches the network."""

import contextlib
import datetime as dt
import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, inspect, text

from dondoc.bot.app import CONSOLE, App
from dondoc.bot.config import Config
from dondoc.handlers.messages import Incoming, Reply
from dondoc.store.db import make_engine, migrate
from dondoc.store.models import Outbox
from dondoc.store.outbox import pending, settle

pytest_plugins = ["tests.netguard"]  # no test reaches beyond loopback
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
INVITE_CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{10}\b")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgresql")


class Clock:
    """The injected clock: tests set and advance it; nothing reads the real time."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class VirtualTime:
    """A monotonic clock that sleeping advances: the code under test paces and backs off without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def database_at(revision: str, tmp_path: Path, schema: str) -> Iterator[Engine]:
    """An empty database (its own PostgreSQL schema, or a new SQLite file) migrated to `revision` only."""
    from alembic import command

    from dondoc.store.db import alembic_config

    admin = None
    if ON_POSTGRES:
        admin = make_engine(DATABASE_URL)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        engine = make_engine(DATABASE_URL, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.upgrade(alembic_config(engine), revision)
    try:
        yield engine
    finally:
        engine.dispose()
        if admin is not None:
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()


@pytest.fixture
def clock() -> Clock:
    # Monday 2/3/2026, 09:00 in Quảng Ngãi.
    return Clock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """SQLite: one migrated file copied for each test. PostgreSQL: a clean schema migrated once."""
    if ON_POSTGRES:
        engine = make_engine(DATABASE_URL)
        with engine.begin() as connection:  # fails loudly when PostgreSQL is unreachable
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        migrate(engine)
        engine.dispose()
        return None
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def database_url(migrated_template: Path | None, tmp_path: Path) -> Iterator[str]:
    if migrated_template is None:
        yield DATABASE_URL
        engine = make_engine(DATABASE_URL)
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return
    path = tmp_path / "dondoc.sqlite3"
    shutil.copy(migrated_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> Config:
    return Config.load(
        env_file=None,
        environ={
            "DATABASE_URL": database_url,
            "SQLITE_SYNCHRONOUS": "NORMAL",
            "CONSOLE_FILES_DIR": str(tmp_path / "files"),  # where the console saves files it is sent
        },
    )


@pytest.fixture
def engine(config: Config) -> Iterator[Engine]:
    engine = make_engine(config.database_url, config.sqlite_synchronous)
    yield engine
    engine.dispose()


@pytest.fixture
def app(config: Config, clock: Clock, engine: Engine) -> App:
    app = App(config, clock=clock, engine=engine)
    app.bootstrap()
    return app


class Chat:
    """Drives the real dispatcher as console people and reads what was queued for them."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._update = 0

    def send(self, user: str, text: str = "", **fields: object) -> list[Reply]:
        incoming = Incoming(
            platform=CONSOLE, user_id=user, chat_id=user, text=text, display_name=user, **fields
        )  # type: ignore[arg-type]
        return self.app.dispatcher.handle(incoming)

    def say(self, user: str, text: str, **fields: object) -> str:
        return "\n".join(r.text for r in self.send(user, text, **fields))

    def inbox(self, user: str) -> list[str]:
        """Messages queued for `user`, marked delivered as the console would."""
        with self.app.sessions() as session:
            rows: list[Outbox] = pending(session, CONSOLE, [user])
            texts = [r.text for r in rows]
            for row in rows:
                settle(session, row.id, self.app.clock())
            session.commit()
        return texts

    def invite(self, agency: str, role: str, by: str = "vanphong") -> str:
        reply = self.say(by, f"/moi {agency} {role}")
        match = INVITE_CODE.search(reply)
        assert match, reply
        return match.group(0)

    def join(self, user: str, agency: str, role: str) -> str:
        code = self.invite(agency, role)
        return self.say(user, f"/start {code}")


@pytest.fixture
def chat(app: App) -> Chat:
    return Chat(app)


@pytest.fixture
def team(chat: Chat) -> Chat:
    """The office (vanphong), a head and an officer of Sở KH&CN, a head of Sở Tài chính, a leader."""
    chat.join("gd-khcn", "KHCN", "head")
    chat.join("cv-khcn", "KHCN", "staff")
    chat.join("gd-stc", "STC", "head")
    chat.join("pct", "", "lanhdao")
    return chat
