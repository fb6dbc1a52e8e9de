"""The schema comes from Alembic and matches the models; SQLite is opened safely."""

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dondoc.store.db import include_object
from dondoc.store.models import Base, Report, ReportKind
from tests.conftest import ON_POSTGRES


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(engine):
    if ON_POSTGRES:
        return
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_timestamps_come_back_timezone_aware(app, team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Lập kế hoạch")
    team.say("cv-khcn", "/baocao 1 20% Đã lập dự thảo")
    with app.sessions() as session:
        report = session.query(Report).one()
        assert report.kind == ReportKind.PROGRESS
        assert report.created_at.tzinfo is not None
        assert report.created_at == app.clock().astimezone(dt.UTC)


def test_a_report_survives_a_new_process(app, team, config):
    """What the bot acknowledged is committed: a fresh engine (another process) reads it."""
    from dondoc.bot.app import App

    team.say("vanphong", "/giao KHCN | 31/3/2026 | Lập kế hoạch")
    team.say("cv-khcn", "/baocao 1 35% Đã lập dự thảo")
    other = App(config, clock=app.clock)
    try:
        with other.sessions() as session:
            assert [r.percent for r in session.query(Report)] == [35]
    finally:
        other.close()


def test_the_quick_start_check_knows_alembics_head(engine):
    """A start skips Alembic when the schema is current; its idea of the newest migration is Alembic's."""
    from alembic.script import ScriptDirectory

    from dondoc.store.db import alembic_config, current_revision, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert current_revision(engine) == head_revision()
