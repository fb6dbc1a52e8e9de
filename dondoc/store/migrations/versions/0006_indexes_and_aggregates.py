"""indexes and aggregates for the office summary, the digests and the task pages

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 09:00:00

`agency_tally`: each agency's lead assignments counted by state, kept by triggers on task_agency in the
same transaction as the change (every path: ORM, bulk statements, hand-written SQL), so the office's
summary and digest read one row per agency instead of every assignment. Filled here from the rows there
are. Its `overdue` and `due_soon` are kept relative to its `as_of` day, left NULL here: the first count
of a day (`store.tasks.agency_counts`) sets them.

A later migration that rebuilds task_agency (SQLite batch mode copies the table and drops the old one)
loses these triggers and must create them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = ("task_agency_tally_insert", "task_agency_tally_update", "task_agency_tally_delete")
FUNCTION = "task_agency_tally"
COUNTED_COLUMNS = "role, state, deadline, received_at, agency_id"


def _one_if(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _apply(row: str, sign: str) -> str:
    """Add (sign +) or take away (sign -) one task_agency row (OLD or NEW) from its agency's tally; a
    cooperating agency's row counts for nothing."""
    is_open = f"{row}.state = 'open'"
    soon = f"{is_open} AND {row}.deadline >= as_of AND {row}.deadline <= soon_until"
    return f"""UPDATE agency_tally SET
        open_count = open_count {sign} {_one_if(is_open)},
        reported_count = reported_count {sign} {_one_if(f"{row}.state = 'reported'")},
        done_count = done_count {sign} {_one_if(f"{row}.state = 'done'")},
        not_received = not_received {sign} {_one_if(f"{is_open} AND {row}.received_at IS NULL")},
        overdue = overdue {sign} {_one_if(f"{is_open} AND {row}.deadline < as_of")},
        due_soon = due_soon {sign} {_one_if(soon)}
    WHERE agency_id = {row}.agency_id AND {row}.role = 'lead'"""


# A lead agency's first assignment gives it its tally row.
_ENSURE = (
    "INSERT INTO agency_tally (agency_id) SELECT NEW.agency_id WHERE NEW.role = 'lead' "
    "ON CONFLICT (agency_id) DO NOTHING"
)


def _sqlite_triggers() -> list[str]:
    changed = (
        "OLD.role IS NOT NEW.role OR OLD.state IS NOT NEW.state OR OLD.deadline IS NOT NEW.deadline "
        "OR (OLD.received_at IS NULL) <> (NEW.received_at IS NULL) OR OLD.agency_id <> NEW.agency_id"
    )
    return [
        f"CREATE TRIGGER task_agency_tally_insert AFTER INSERT ON task_agency BEGIN "
        f"{_ENSURE}; {_apply('NEW', '+')}; END",
        f"CREATE TRIGGER task_agency_tally_update AFTER UPDATE OF {COUNTED_COLUMNS} ON task_agency "
        f"WHEN {changed} BEGIN {_apply('OLD', '-')}; {_ENSURE}; {_apply('NEW', '+')}; END",
        f"CREATE TRIGGER task_agency_tally_delete AFTER DELETE ON task_agency BEGIN "
        f"{_apply('OLD', '-')}; END",
    ]


def _postgresql_triggers() -> list[str]:
    changed = (
        "OLD.role IS DISTINCT FROM NEW.role OR OLD.state IS DISTINCT FROM NEW.state "
        "OR OLD.deadline IS DISTINCT FROM NEW.deadline "
        "OR (OLD.received_at IS NULL) <> (NEW.received_at IS NULL) OR OLD.agency_id <> NEW.agency_id"
    )
    run = f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    return [
        f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                {_apply("OLD", "-")};
            END IF;
            IF TG_OP <> 'DELETE' THEN
                {_ENSURE};
                {_apply("NEW", "+")};
            END IF;
            RETURN NULL;
        END
        $$""",
        f"CREATE TRIGGER task_agency_tally_insert AFTER INSERT ON task_agency {run}",
        f"CREATE TRIGGER task_agency_tally_update AFTER UPDATE OF {COUNTED_COLUMNS} ON task_agency "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER task_agency_tally_delete AFTER DELETE ON task_agency {run}",
    ]


def _fill_tallies() -> None:
    op.execute(
        f"""
        INSERT INTO agency_tally (agency_id, open_count, reported_count, done_count, not_received)
        SELECT agency_id,
            SUM({_one_if("state = 'open'")}),
            SUM({_one_if("state = 'reported'")}),
            SUM({_one_if("state = 'done'")}),
            SUM({_one_if("state = 'open' AND received_at IS NULL")})
        FROM task_agency WHERE role = 'lead' GROUP BY agency_id
        """
    )


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index("ix_report_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("task_agency", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_agency_role_state_agency_deadline",
            ["role", "state", "agency_id", "deadline"],
            unique=False,
        )

    op.create_table(
        "agency_tally",
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("open_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reported_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("not_received", sa.Integer(), server_default="0", nullable=False),
        sa.Column("overdue", sa.Integer(), server_default="0", nullable=False),
        sa.Column("due_soon", sa.Integer(), server_default="0", nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("soon_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_agency_tally_agency_id_agency")),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_agency_tally")),
    )
    # The tallies and their triggers come last, after every change to task_agency above.
    _fill_tallies()
    triggers = _postgresql_triggers() if op.get_bind().dialect.name == "postgresql" else _sqlite_triggers()
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (" ON task_agency" if postgresql else ""))
    if postgresql:
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.drop_table("agency_tally")
    with op.batch_alter_table("task_agency", schema=None) as batch_op:
        batch_op.drop_index("ix_task_agency_role_state_agency_deadline")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index("ix_report_created_at")
