"""a file with a queued message: the weekly digest's chart

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-17 10:00:00

`outbox.file_id` names a stored file sent with the message (a picture or a document), kept in
`stored_file` as the evidence files are; the sender attaches it when it delivers the row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_file_id_stored_file"), "stored_file", ["file_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_file_id_stored_file"), type_="foreignkey")
        batch_op.drop_column("file_id")
