"""agencies merged or renamed: whom a moved part was given to, the day an agency ended; deputies

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-18 09:00:00

`task_agency.former_agency_id` names the agency a part was given to before a merger moved it to the one
that took the work over (`/xem` says "trước đây giao …"); `agency.dissolved_on` is the day a merger took
effect for an agency that ended. Both columns are added in place (no table is rebuilt, so the tally
triggers on task_agency stay). `delegation` holds who covers for an agency's head until a day (/uyquyen).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_task_agency_former_agency_id_agency"


def upgrade() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_delegation_agency_id_agency")),
        sa.ForeignKeyConstraint(["deputy_id"], ["person.id"], name=op.f("fk_delegation_deputy_id_person")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_delegation_created_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
    )
    op.create_index("ix_delegation_agency_until", "delegation", ["agency_id", "until"])
    op.add_column("agency", sa.Column("dissolved_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("task_agency", sa.Column("former_agency_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, "task_agency", "agency", ["former_agency_id"], ["id"])
    else:  # SQLite adds a column with its reference in place; a named constraint would rebuild the table
        op.execute("ALTER TABLE task_agency ADD COLUMN former_agency_id INTEGER REFERENCES agency (id)")


def downgrade() -> None:
    op.drop_index("ix_delegation_agency_until", table_name="delegation")
    op.drop_table("delegation")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(FOREIGN_KEY, "task_agency", type_="foreignkey")
    # SQLite 3.35 and later drop a column in place, as PostgreSQL does
    op.execute("ALTER TABLE task_agency DROP COLUMN former_agency_id")
    op.execute("ALTER TABLE agency DROP COLUMN dissolved_on")
