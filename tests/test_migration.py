"""The assignments migration carries tasks, agencies and reports of an older database over without loss,
on SQLite and on PostgreSQL, with data in the tables."""

import datetime as dt
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, text

from dondoc.store.db import alembic_config
from dondoc.store.models import AssignmentState
from dondoc.store.tasks import agency_counts
from tests.conftest import database_at

SCHEMA = "migration_check"
T0 = "2026-02-02 02:00:00+00:00"


@pytest.fixture
def old_engine(tmp_path) -> Iterator[Engine]:
    """An empty database migrated to 0004 only."""
    with database_at("0004", tmp_path, SCHEMA) as engine:
        yield engine


def _fill(engine: Engine) -> None:
    rows = {
        "agency": [
            {"id": 1, "code": "KHCN", "name": "Sở Khoa học và Công nghệ"},
            {"id": 2, "code": "STC", "name": "Sở Tài chính"},
            {"id": 3, "code": "STP", "name": "Sở Tư pháp"},
        ],
        "person": [{"id": 1, "name": "gd-khcn", "agency_id": 1}, {"id": 2, "name": "gd-stc", "agency_id": 2}],
        "task": [
            # 1: open, two leads; STC has reported completion, KHCN progress; STP cooperates and reported too.
            {"id": 1, "deadline": "2026-03-31", "original": "2026-03-31", "status": "open"},
            # 2: open, deadline moved at task level before assignments existed.
            {"id": 2, "deadline": "2026-04-30", "original": "2026-03-15", "status": "open"},
            {"id": 3, "deadline": "2026-02-20", "original": "2026-02-20", "status": "done"},
            {"id": 4, "deadline": None, "original": None, "status": "cancelled"},
        ],
        "task_agency": [
            (1, 1, "lead"),
            (1, 2, "lead"),
            (1, 3, "coop"),
            (2, 1, "lead"),
            (3, 2, "lead"),
            (4, 1, "lead"),
        ],
        "report": [
            (10, 1, 1, 1, "progress", 40, "2026-02-10 03:00:00+00:00"),
            (11, 1, 2, 2, "progress", 50, "2026-02-11 03:00:00+00:00"),
            (12, 1, 3, 1, "progress", 30, "2026-02-12 03:00:00+00:00"),
            (13, 1, 2, 2, "completion", 100, "2026-02-13 03:00:00+00:00"),
            (14, 3, 2, 2, "completion", 100, "2026-02-18 03:00:00+00:00"),
        ],
    }
    with engine.begin() as connection:
        for agency in rows["agency"]:
            connection.execute(
                text(
                    "INSERT INTO agency (id, code, name, kind, active, created_at) VALUES (:id, :code, "
                    ":name, 'department', :t, :c)"
                ),
                {**agency, "t": True, "c": T0},
            )
        for person in rows["person"]:
            connection.execute(
                text(
                    "INSERT INTO person (id, name, role, agency_id, active, created_at) VALUES (:id, :name, "
                    "'head', :agency_id, :t, :c)"
                ),
                {**person, "t": True, "c": T0},
            )
        for task in rows["task"]:
            connection.execute(
                text(
                    "INSERT INTO task (id, title, text, deadline, original_deadline, status, created_at) "
                    "VALUES (:id, :title, :body, :deadline, :original, :status, :c)"
                ),
                {**task, "title": f"Nhiệm vụ {task['id']}", "body": f"Nội dung {task['id']}", "c": T0},
            )
        for task_id, agency_id, role in rows["task_agency"]:
            connection.execute(
                text("INSERT INTO task_agency (task_id, agency_id, role) VALUES (:t, :a, :r)"),
                {"t": task_id, "a": agency_id, "r": role},
            )
        for report_id, task_id, agency_id, person_id, kind, percent, when in rows["report"]:
            connection.execute(
                text(
                    "INSERT INTO report (id, task_id, agency_id, person_id, kind, percent, text, created_at) "
                    "VALUES (:id, :t, :a, :p, :k, :pc, :txt, :c)"
                ),
                {
                    "id": report_id,
                    "t": task_id,
                    "a": agency_id,
                    "p": person_id,
                    "k": kind,
                    "pc": percent,
                    "txt": f"báo cáo {report_id}",
                    "c": when,
                },
            )


def test_assignments_migration_keeps_every_task_agency_and_report(old_engine):
    _fill(old_engine)
    command.upgrade(alembic_config(old_engine), "head")
    with old_engine.connect() as connection:
        parts = {
            (row.task_id, row.agency_id): row
            for row in connection.execute(
                text(
                    "SELECT task_id, agency_id, role, state, deadline, original_deadline, last_report_id, "
                    "completion_report_id, completed_on FROM task_agency"
                )
            )
        }
        reports = connection.execute(text("SELECT COUNT(*) FROM report")).scalar()
        deadlines = dict(connection.execute(text("SELECT id, deadline FROM task")).all())

    def day(value):
        return None if value is None else dt.date.fromisoformat(str(value)[:10])

    assert reports == 5
    assert len(parts) == 6
    assert parts[(1, 1)].state == AssignmentState.OPEN and parts[(1, 1)].last_report_id == 10
    assert parts[(1, 2)].state == AssignmentState.REPORTED and parts[(1, 2)].completion_report_id == 13
    assert parts[(1, 2)].last_report_id == 13
    assert parts[(1, 3)].role == "coop" and parts[(1, 3)].last_report_id == 12
    assert day(parts[(2, 1)].deadline) == dt.date(2026, 4, 30)
    assert day(parts[(2, 1)].original_deadline) == dt.date(2026, 3, 15)  # the original stays on record
    assert day(deadlines[2]) == dt.date(2026, 3, 15)
    assert parts[(3, 2)].state == AssignmentState.DONE and day(parts[(3, 2)].completed_on) == dt.date(
        2026, 2, 18
    )
    assert parts[(4, 1)].state == AssignmentState.CANCELLED

    from sqlalchemy.orm import Session

    with Session(old_engine) as session:
        counts = agency_counts(session, dt.date(2026, 4, 5))
    assert (counts[1].open, counts[1].overdue, counts[1].awaiting_confirmation) == (2, 1, 0)
    assert (counts[2].open, counts[2].awaiting_confirmation, counts[2].done) == (0, 1, 1)
    assert 3 not in counts  # a cooperating agency has no assignment


def test_downgrade_goes_back_to_the_task_deadline(old_engine):
    _fill(old_engine)
    config = alembic_config(old_engine)
    command.upgrade(config, "head")
    command.downgrade(config, "0004")
    with old_engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT id, original_deadline FROM task")).all())
        assert connection.execute(text("SELECT COUNT(*) FROM report")).scalar() == 5
    assert str(rows[2])[:10] == "2026-03-15"
