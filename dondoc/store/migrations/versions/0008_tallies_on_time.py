"""tallies of done on time, done late and undated work, for the weekly digest's rate and chart

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-17 09:00:00

`agency_tally` gains `done_on_time` (done, completed on or before the deadline in force), `done_late`
(done after it) and `undated` (open, reported or done with no deadline), so the leaders' weekly digest
reads its on-time rates from one row per agency. The triggers of 0006 are replaced by the same triggers
counting these too, and watching `completed_on`; the new counts are filled from the rows there are.
Down, the triggers of 0006 come back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = ("task_agency_tally_insert", "task_agency_tally_update", "task_agency_tally_delete")
FUNCTION = "task_agency_tally"
NEW_COLUMNS = ("done_on_time", "done_late", "undated")


def _one_if(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _counted(row: str, extended: bool) -> dict[str, str]:
    """Each tally column and whether one task_agency row (OLD or NEW, or a table's row) counts in it."""
    is_open = f"{row}.state = 'open'"
    counted = {
        "open_count": is_open,
        "reported_count": f"{row}.state = 'reported'",
        "done_count": f"{row}.state = 'done'",
        "not_received": f"{is_open} AND {row}.received_at IS NULL",
        "overdue": f"{is_open} AND {row}.deadline < as_of",
        "due_soon": f"{is_open} AND {row}.deadline >= as_of AND {row}.deadline <= soon_until",
    }
    if extended:
        done = f"{row}.state = 'done' AND {row}.deadline IS NOT NULL AND {row}.completed_on IS NOT NULL"
        counted |= {
            "done_on_time": f"{done} AND {row}.completed_on <= {row}.deadline",
            "done_late": f"{done} AND {row}.completed_on > {row}.deadline",
            "undated": f"{row}.state IN ('open', 'reported', 'done') AND {row}.deadline IS NULL",
        }
    return counted


def _apply(row: str, sign: str, extended: bool) -> str:
    """Add (sign +) or take away (sign -) one row from its agency's tally; a cooperating agency's row
    counts for nothing."""
    sets = ",\n        ".join(
        f"{column} = {column} {sign} {_one_if(condition)}"
        for column, condition in _counted(row, extended).items()
    )
    where = f"agency_id = {row}.agency_id AND {row}.role = 'lead'"
    return f"UPDATE agency_tally SET\n        {sets}\n    WHERE {where}"


_ENSURE = (
    "INSERT INTO agency_tally (agency_id) SELECT NEW.agency_id WHERE NEW.role = 'lead' "
    "ON CONFLICT (agency_id) DO NOTHING"
)


def _watched(extended: bool) -> tuple[str, list[str]]:
    """The columns an update must touch for the tally to change, and how each is compared."""
    columns = ["role", "state", "deadline", "received_at", "agency_id"] + (
        ["completed_on"] if extended else []
    )
    return ", ".join(columns), columns


def _sqlite_triggers(extended: bool) -> list[str]:
    listed, columns = _watched(extended)
    changed = " OR ".join(
        "(OLD.received_at IS NULL) <> (NEW.received_at IS NULL)"
        if c == "received_at"
        else f"OLD.{c} IS NOT NEW.{c}"
        for c in columns
    )
    return [
        f"CREATE TRIGGER task_agency_tally_insert AFTER INSERT ON task_agency BEGIN "
        f"{_ENSURE}; {_apply('NEW', '+', extended)}; END",
        f"CREATE TRIGGER task_agency_tally_update AFTER UPDATE OF {listed} ON task_agency "
        f"WHEN {changed} BEGIN {_apply('OLD', '-', extended)}; {_ENSURE}; "
        f"{_apply('NEW', '+', extended)}; END",
        f"CREATE TRIGGER task_agency_tally_delete AFTER DELETE ON task_agency BEGIN "
        f"{_apply('OLD', '-', extended)}; END",
    ]


def _postgresql_triggers(extended: bool) -> list[str]:
    listed, columns = _watched(extended)
    changed = " OR ".join(
        "(OLD.received_at IS NULL) <> (NEW.received_at IS NULL)"
        if c == "received_at"
        else f"OLD.{c} IS DISTINCT FROM NEW.{c}"
        for c in columns
    )
    run = f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    return [
        f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                {_apply("OLD", "-", extended)};
            END IF;
            IF TG_OP <> 'DELETE' THEN
                {_ENSURE};
                {_apply("NEW", "+", extended)};
            END IF;
            RETURN NULL;
        END
        $$""",
        f"CREATE TRIGGER task_agency_tally_insert AFTER INSERT ON task_agency {run}",
        f"CREATE TRIGGER task_agency_tally_update AFTER UPDATE OF {listed} ON task_agency "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER task_agency_tally_delete AFTER DELETE ON task_agency {run}",
    ]


def _replace_triggers(extended: bool) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (" ON task_agency" if postgresql else ""))
    if postgresql:
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    for statement in _postgresql_triggers(extended) if postgresql else _sqlite_triggers(extended):
        op.execute(statement)


def upgrade() -> None:
    for column in NEW_COLUMNS:
        op.add_column("agency_tally", sa.Column(column, sa.Integer(), server_default="0", nullable=False))
    counted = _counted("task_agency", extended=True)
    for column in NEW_COLUMNS:
        op.execute(
            f"UPDATE agency_tally SET {column} = (SELECT COALESCE(SUM({_one_if(counted[column])}), 0) "
            "FROM task_agency WHERE task_agency.agency_id = agency_tally.agency_id "
            "AND task_agency.role = 'lead')"
        )
    _replace_triggers(extended=True)


def downgrade() -> None:
    _replace_triggers(extended=False)
    for column in NEW_COLUMNS:  # SQLite 3.35 and later drop a column in place, as PostgreSQL does
        op.execute(f"ALTER TABLE agency_tally DROP COLUMN {column}")
