"""assignments: each lead agency's part of a task has its own state, progress, deadlines and receipt

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 19:00:00

Carries existing data over: every task_agency row takes its task's deadline (the task's original
deadline stays on record as the assignment's), its state from the task (an open task whose lead agency
had reported completion becomes `reported`), and its agency's newest report as its progress. The
task's own `original_deadline` goes: deadlines now live on the assignments.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATE = sa.Enum(
    "open", "reported", "done", "cancelled", name="assignment_state", native_enum=False, length=20
)
EXTENSION = sa.Enum("pending", "approved", "refused", name="extension_status", native_enum=False, length=20)

_LATEST_REPORT = (
    "SELECT MAX(r.id) FROM report r"
    " WHERE r.task_id = task_agency.task_id AND r.agency_id = task_agency.agency_id"
)
_LATEST_COMPLETION = _LATEST_REPORT + " AND r.kind = 'completion'"


def upgrade() -> None:
    with op.batch_alter_table("task_agency", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", STATE, server_default="open", nullable=False))
        batch_op.add_column(sa.Column("deadline", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("original_deadline", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("received_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_report_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("completion_report_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("state_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_task_agency_received_by_id_person"), "person", ["received_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_task_agency_last_report_id_report"), "report", ["last_report_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_task_agency_completion_report_id_report"),
            "report",
            ["completion_report_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_task_agency_closed_by_id_person"), "person", ["closed_by_id"], ["id"]
        )
        batch_op.create_index(
            "ix_task_agency_agency_state_deadline", ["agency_id", "state", "deadline"], unique=False
        )
        batch_op.create_index(
            "ix_task_agency_role_state_deadline", ["role", "state", "deadline"], unique=False
        )

    # Carry every task's deadline, state and progress over to its agencies.
    op.execute(
        f"""
        UPDATE task_agency SET
            deadline = (SELECT t.deadline FROM task t WHERE t.id = task_agency.task_id),
            original_deadline = (
                SELECT COALESCE(t.original_deadline, t.deadline) FROM task t WHERE t.id = task_agency.task_id
            ),
            created_at = (SELECT t.created_at FROM task t WHERE t.id = task_agency.task_id),
            last_report_id = ({_LATEST_REPORT})
        """
    )
    op.execute(
        """
        UPDATE task_agency SET state = 'cancelled',
            closed_at = (SELECT t.closed_at FROM task t WHERE t.id = task_agency.task_id)
        WHERE task_id IN (SELECT id FROM task WHERE status = 'cancelled')
        """
    )
    op.execute(
        f"""
        UPDATE task_agency SET state = 'done',
            completion_report_id = ({_LATEST_COMPLETION}),
            closed_at = (SELECT t.closed_at FROM task t WHERE t.id = task_agency.task_id)
        WHERE role = 'lead' AND task_id IN (SELECT id FROM task WHERE status = 'done')
        """
    )
    op.execute(
        f"""
        UPDATE task_agency SET state = 'reported', completion_report_id = ({_LATEST_COMPLETION})
        WHERE role = 'lead' AND task_id IN (SELECT id FROM task WHERE status = 'open')
            AND ({_LATEST_COMPLETION}) IS NOT NULL
        """
    )
    # A confirmed completion is dated by its report (UTC date: the old schema kept no local one).
    op.execute(
        """
        UPDATE task_agency SET completed_on = (
            SELECT CAST(r.created_at AS DATE) FROM report r WHERE r.id = task_agency.completion_report_id
        )
        WHERE state = 'done' AND completion_report_id IS NOT NULL
        """
        if op.get_bind().dialect.name == "postgresql"
        else """
        UPDATE task_agency SET completed_on = (
            SELECT DATE(r.created_at) FROM report r WHERE r.id = task_agency.completion_report_id
        )
        WHERE state = 'done' AND completion_report_id IS NOT NULL
        """
    )
    # The task keeps the deadline it was given; an extension (there were none yet) lives on the assignment.
    op.execute("UPDATE task SET deadline = COALESCE(original_deadline, deadline)")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("original_deadline")

    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_deadline", sa.Date(), nullable=True))
        batch_op.alter_column(
            "status", existing_type=sa.String(length=20), type_=EXTENSION, existing_nullable=False
        )
        batch_op.create_index(
            "uq_extension_request_pending",
            ["task_id", "agency_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choices", sa.JSON(), nullable=True))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_subject"), ["subject"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_subject"))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("choices")
    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.drop_index("uq_extension_request_pending")
        batch_op.alter_column(
            "status", existing_type=EXTENSION, type_=sa.String(length=20), existing_nullable=False
        )
        batch_op.drop_column("previous_deadline")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_deadline", sa.Date(), nullable=True))
    op.execute(
        """
        UPDATE task SET original_deadline = deadline,
            deadline = COALESCE((
                SELECT MAX(ta.deadline) FROM task_agency ta WHERE ta.task_id = task.id AND ta.role = 'lead'
            ), deadline)
        """
    )
    with op.batch_alter_table("task_agency", schema=None) as batch_op:
        batch_op.drop_index("ix_task_agency_role_state_deadline")
        batch_op.drop_index("ix_task_agency_agency_state_deadline")
        batch_op.drop_constraint(batch_op.f("fk_task_agency_closed_by_id_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_task_agency_completion_report_id_report"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_task_agency_last_report_id_report"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_task_agency_received_by_id_person"), type_="foreignkey")
        for column in (
            "created_at",
            "state_note",
            "closed_by_id",
            "closed_at",
            "completed_on",
            "completion_report_id",
            "last_report_id",
            "received_by_id",
            "original_deadline",
            "deadline",
            "state",
        ):
            batch_op.drop_column(column)
