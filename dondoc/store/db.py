"""Engine, sessions and migrations. Callers open and close sessions; query functions take one."""

import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from dondoc.store import fast

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Earlier versions kept APScheduler's jobs in this table (its job store created it, not Alembic); the jobs
# now live in memory and databases that have it keep it untouched.
SCHEDULER_TABLE = "apscheduler_jobs"


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic compares and migrates every table but the old scheduler table."""
    return not (type_ == "table" and name == SCHEDULER_TABLE)


def make_engine(database_url: str, sqlite_synchronous: str = "FULL", **options: Any) -> Engine:
    """SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL is used as it comes."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        if url.get_backend_name() == "postgresql":
            from dondoc.store.models import use_postgresql_options  # only here: see there

            use_postgresql_options()
        return create_engine(url, pool_pre_ping=True, **options)

    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Leave transactions to SQLAlchemy (pysqlite's legacy handling breaks SAVEPOINTs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA synchronous={sqlite_synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of failing. Sent on the
        # driver's connection: through SQLAlchemy's execution layer it costs as much as a query.
        connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")

    return engine


def insert_for(session: Session) -> Callable[..., Any]:
    """The dialect's insert(), which knows ON CONFLICT (SQLite and PostgreSQL both have it)."""
    # Imported here: the PostgreSQL dialect package pulls in all its drivers' modules (asyncpg, psycopg…),
    # tens of milliseconds that a start on SQLite need not pay. The engine's dialect is loaded already.
    return _insert_of(session.get_bind().dialect.name)


def _insert_of(dialect: str) -> Callable[..., Any]:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert

    return insert


def claim(session: Session, model: type[Any], **values: Any) -> Any:
    """Insert a row whose unique key means "done once" (a nudge step, a digest, an update): its primary
    key, or None when an earlier run or another process already holds that key. Concurrent claims of one
    key wait for each other, so exactly one wins. (Every Telegram message that changes something claims
    its update id: the statement is built once per table and dialect and run on the driver's cursor.)"""
    statement = _claim_statement(model, session.get_bind().dialect.name)
    return fast.execute(session, statement, values).scalar()


_CLAIMS: dict[tuple[str, str], Any] = {}


def _claim_statement(model: type[Any], dialect: str) -> Any:
    key = (model.__name__, dialect)
    if key not in _CLAIMS:
        insert = _insert_of(dialect)
        _CLAIMS[key] = insert(model).on_conflict_do_nothing().returning(inspect(model).primary_key[0])
    return _CLAIMS[key]


def rows_by_id(session: Session, model: type[T], ids: Iterable[int]) -> dict[int, T]:
    """Rows of `model` by id, in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(wanted)))}  # type: ignore[attr-defined]


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> "AlembicConfig":
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


_REVISION = re.compile(r"^(revision|down_revision)\b[^=]*=\s*['\"]?([\w]+)", re.MULTILINE)


@cache
def head_revision() -> str:
    """The newest migration, read from the migration files themselves (the one no other revises)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if name == "revision" else revised).add(value)
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (run at every start). When it is current, Alembic is not
    even imported: a start (`dondoc say …`) stays quick."""
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
