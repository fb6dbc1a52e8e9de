"""Typed SQLAlchemy 2.0 models. Reports, nudges and the audit log are append-only."""

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stored as UTC, always returned timezone-aware (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # Every model here is declared with `__tablename__`, so its `__table__` is a `Table`; SQLAlchemy
        # types it as any `FromClause` (a class may be mapped to a join or a select), which `insert()`,
        # `update()` and `.indexes` do not take.
        __table__: ClassVar[Table]


class Role(enum.StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    HEAD = "head"
    STAFF = "staff"
    GUEST = "guest"


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class AgencyRole(enum.StrEnum):
    LEAD = "lead"
    COOP = "coop"


class AssignmentState(enum.StrEnum):
    """Where a lead agency's part of a task stands (product.md, "Assignments")."""

    OPEN = "open"  # being worked on; also after the office returned a completion report
    REPORTED = "reported"  # completion reported with a concrete product; the office is to decide
    DONE = "done"  # confirmed by the office
    CANCELLED = "cancelled"  # cancelled by the office, or the agency was taken off the task


class ExtensionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class ReportKind(enum.StrEnum):
    PROGRESS = "progress"
    COMPLETION = "completion"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Agency(Base):
    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    active: Mapped[bool] = mapped_column(default=True)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))  # merged into it
    dissolved_on: Mapped[dt.date | None] = mapped_column(Date)  # the day a merger took effect
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    aliases: Mapped[list["AgencyAlias"]] = relationship(back_populates="agency", cascade="all, delete-orphan")


class AgencyAlias(Base):
    """A name people use for an agency: its full name, abbreviations, old names. `key` is folded."""

    __tablename__ = "agency_alias"
    __table_args__ = (UniqueConstraint("key", name="uq_agency_alias_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300))

    agency: Mapped[Agency] = relationship(back_populates="aliases")


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.GUEST)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    preferred_platform: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    agency: Mapped[Agency | None] = relationship()
    links: Mapped[list["PlatformLink"]] = relationship(back_populates="person")


class PlatformLink(Base):
    """How to reach a person on one messenger: (platform, user id) identifies, chat id addresses."""

    __tablename__ = "platform_link"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id", name="uq_platform_link_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_user_id: Mapped[str] = mapped_column(String(100))
    chat_id: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(back_populates="links")


class Delegation(Base):
    """A person who covers for an agency's head until a day (/uyquyen): what is meant for the head (an
    escalation, a decision, a message to heads only) reaches them too. Ended early by setting `ended_at`."""

    __tablename__ = "delegation"
    __table_args__ = (Index("ix_delegation_agency_until", "agency_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    until: Mapped[dt.date] = mapped_column(Date)  # the last day covered
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    deputy: Mapped[Person] = relationship(foreign_keys=[deputy_id])


class Invite(Base):
    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "invite_role"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # Set for a link code: the code adds the messenger it is used from to this existing person.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    agency: Mapped[Agency | None] = relationship()


class Notice(Base):
    """A leader's notice (thông báo kết luận, quyết định …) that tasks come from."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(300))
    signer: Mapped[str | None] = mapped_column(String(200))
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    meeting_on: Mapped[dt.date | None] = mapped_column(Date)
    source_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (Index("ix_task_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"), index=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date | None] = mapped_column(Date)  # as assigned; each assignment keeps its own
    deadline_text: Mapped[str | None] = mapped_column(String(300))
    recurrence: Mapped[str | None] = mapped_column(String(40))
    coop_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus, "task_status"), default=TaskStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    notice: Mapped[Notice | None] = relationship()
    agencies: Mapped[list["TaskAgency"]] = relationship(back_populates="task", cascade="all, delete-orphan")


class TaskAgency(Base):
    """An agency's part in a task. A lead (chủ trì) row is an *assignment*: tracked, nudged, counted and
    ranked on its own, with its own state, progress, deadlines and acknowledgement. A cooperating
    (phối hợp) row only records the agency's contribution; its state is open or cancelled."""

    __tablename__ = "task_agency"
    __table_args__ = (
        UniqueConstraint("task_id", "agency_id", name="uq_task_agency_pair"),
        Index("ix_task_agency_agency_task", "agency_id", "task_id"),
        Index("ix_task_agency_agency_state_deadline", "agency_id", "state", "deadline"),
        Index("ix_task_agency_role_state_deadline", "role", "state", "deadline"),
        # Counting one agency's open assignments by deadline from the index alone (`AgencyTally`).
        Index("ix_task_agency_role_state_agency_deadline", "role", "state", "agency_id", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    role: Mapped[AgencyRole] = mapped_column(_enum(AgencyRole, "agency_role"))
    state: Mapped[AssignmentState] = mapped_column(
        _enum(AssignmentState, "assignment_state"), default=AssignmentState.OPEN, server_default="open"
    )
    # The deadline now (moved by an approved extension) and the one first given, which is never
    # overwritten by an extension: "done on time" is judged against both.
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    original_deadline: Mapped[dt.date | None] = mapped_column(Date)
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # "Đã nhận"
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    last_report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))  # the agency's progress
    completion_report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    completed_on: Mapped[dt.date | None] = mapped_column(Date)  # local date of the confirmed completion
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    state_note: Mapped[str | None] = mapped_column(Text)  # why it was returned or cancelled
    created_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The agency it was given to before a merger moved it here (`store.reorganisation`).
    former_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))

    task: Mapped[Task] = relationship(back_populates="agencies")
    agency: Mapped[Agency] = relationship(foreign_keys=[agency_id])
    former_agency: Mapped[Agency | None] = relationship(foreign_keys=[former_agency_id])
    last_report: Mapped["Report | None"] = relationship(foreign_keys=[last_report_id])
    received_by: Mapped["Person | None"] = relationship(foreign_keys=[received_by_id])

    @property
    def is_lead(self) -> bool:
        return self.role == AgencyRole.LEAD

    @property
    def extended(self) -> bool:
        return self.deadline != self.original_deadline


class AgencyTally(Base):
    """Per agency, its lead assignments (task_agency rows with role lead) counted by state, kept by the
    database itself: triggers on task_agency (migrations 0006, then 0008) change these numbers in the
    same transaction as every insert, update or delete of a row — ORM or not. Never written by the ORM,
    except that `store.tasks.agency_counts` moves `as_of` on to a new day.

    `overdue` counts the open ones due before `as_of`, `due_soon` those due from `as_of` to `soon_until`;
    when `as_of` is NULL neither is kept yet. A migration that rebuilds task_agency (SQLite batch mode)
    drops its triggers: it must create them again (tests/test_tallies.py checks they exist).
    """

    __tablename__ = "agency_tally"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True, autoincrement=False)
    open_count: Mapped[int] = mapped_column(default=0, server_default="0")
    reported_count: Mapped[int] = mapped_column(default=0, server_default="0")
    done_count: Mapped[int] = mapped_column(default=0, server_default="0")
    not_received: Mapped[int] = mapped_column(default=0, server_default="0")
    overdue: Mapped[int] = mapped_column(default=0, server_default="0")
    due_soon: Mapped[int] = mapped_column(default=0, server_default="0")
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    soon_until: Mapped[dt.date | None] = mapped_column(Date)
    # Migration 0008: done on or before / after the deadline in force; open, reported or done undated.
    done_on_time: Mapped[int] = mapped_column(default=0, server_default="0")
    done_late: Mapped[int] = mapped_column(default=0, server_default="0")
    undated: Mapped[int] = mapped_column(default=0, server_default="0")


class Report(Base):
    """A progress or completion report. Never edited: a correction is a new report."""

    __tablename__ = "report"
    __table_args__ = (
        Index("ix_report_task_created", "task_id", "created_at"),
        Index("ix_report_created_at", "created_at"),  # reports of the day, for the digest
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[ReportKind] = mapped_column(_enum(ReportKind, "report_kind"))
    percent: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship()
    agency: Mapped[Agency] = relationship()


class StoredFile(Base):
    """A file someone sent as evidence, kept in the database (same content, one row)."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


PENDING_EXTENSION_INDEX = "uq_extension_request_pending"
PENDING_EXTENSION = "status = 'pending'"


class ExtensionRequest(Base):
    """A lead agency's request for a new deadline, and the office's decision. At most one pending per
    assignment (a partial unique index)."""

    __tablename__ = "extension_request"
    # The same `where` for PostgreSQL is added by `use_postgresql_options` (make_engine calls it): naming a
    # postgresql_ option here would import the PostgreSQL dialect package, all its drivers' modules, at
    # every start, on SQLite too.
    __table_args__ = (
        Index(
            PENDING_EXTENSION_INDEX,
            "task_id",
            "agency_id",
            unique=True,
            sqlite_where=sql_text(PENDING_EXTENSION),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    previous_deadline: Mapped[dt.date | None] = mapped_column(Date)
    requested_deadline: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ExtensionStatus] = mapped_column(
        _enum(ExtensionStatus, "extension_status"), default=ExtensionStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    agency: Mapped[Agency] = relationship()


def use_postgresql_options() -> None:
    """Give the models their PostgreSQL-only options (the partial index's `where`), exactly as if they
    were declared on them; for an engine on PostgreSQL, before its first use. Calling it again is harmless."""
    for index in ExtensionRequest.__table__.indexes:
        if index.name == PENDING_EXTENSION_INDEX:
            index.dialect_options["postgresql"]["where"] = sql_text(PENDING_EXTENSION)


class NudgeLog(Base):
    """One row per nudge step of a task's agency: queued (then sent once a message of it is delivered, see
    `Outbox.nudge_id`), or skipped because the agency had just reported.

    The unique key (task, agency, step, deadline) makes a second sweep or a second process harmless. For
    periodic requests of undated tasks, `deadline` holds the first day of the period.
    """

    __tablename__ = "nudge_log"
    __table_args__ = (UniqueConstraint("task_id", "agency_id", "step", "deadline", name="uq_nudge_log_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    step: Mapped[str] = mapped_column(String(40))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    # The server default is from migration 0002, when a log row meant sent; every insert names its outcome.
    outcome: Mapped[str] = mapped_column(String(20), default="queued", server_default="sent")
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CalendarDay(Base):
    """The office's changes to the public-holiday calendar: an extra day off or a make-up working day."""

    __tablename__ = "calendar_day"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SweepState(Base):
    """When a scheduled job last completed, so a restart catches up once instead of replaying history."""

    __tablename__ = "sweep_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DigestLog(Base):
    """A digest sent to a person for a period (day or week); never twice."""

    __tablename__ = "digest_log"
    __table_args__ = (UniqueConstraint("kind", "period", "person_id", name="uq_digest_log_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[dt.date] = mapped_column(Date)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Outbox(Base):
    """A message waiting to be sent through a person's transport."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "platform", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    # Answers offered with the message, as [[label, command], …]: buttons on Telegram, numbers elsewhere.
    choices: Mapped[list[list[str]] | None] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(20), default="message")
    nudge_id: Mapped[int | None] = mapped_column(ForeignKey("nudge_log.id"))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))  # sent with it (a chart)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class Broadcast(Base):
    """A message the office sent to many agencies at once (/thongbao), once it was confirmed."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # when the preview was shown
    confirmed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # when it was confirmed and queued
    audience: Mapped[str] = mapped_column(Text)  # as typed: "tatca", "#12", "STC; Sở Y tế"
    text: Mapped[str] = mapped_column(Text)  # the office's words, without the greeting and closing

    created_by: Mapped[Person | None] = relationship()


class BroadcastRecipient(Base):
    """One person a broadcast went to, or (`person_id` NULL) an agency of its audience with nobody
    registered to receive it. `outbox_id` NULL: the person could not be reached when it was sent; otherwise
    the outbox row says whether it is still queued, delivered or failed."""

    __tablename__ = "broadcast_recipient"
    __table_args__ = (UniqueConstraint("person_id", "broadcast_id", name="uq_broadcast_recipient_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # "Đã nhận"


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(100), index=True)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)

    person: Mapped[Person | None] = relationship()


class ProcessedUpdate(Base):
    """Update ids already handled, per platform: a redelivered update is ignored."""

    __tablename__ = "processed_update"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    processed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Conversation(Base):
    """Where a person is in a guided flow (/baocao without arguments, confirmations)."""

    __tablename__ = "conversation"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(40))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


__all__ = [
    "Agency",
    "AgencyAlias",
    "AgencyRole",
    "AgencyTally",
    "AssignmentState",
    "AuditLog",
    "Base",
    "Broadcast",
    "BroadcastRecipient",
    "CalendarDay",
    "Conversation",
    "Delegation",
    "DigestLog",
    "ExtensionRequest",
    "ExtensionStatus",
    "Invite",
    "Notice",
    "NudgeLog",
    "Outbox",
    "Person",
    "PlatformLink",
    "ProcessedUpdate",
    "Report",
    "ReportKind",
    "Role",
    "StoredFile",
    "SweepState",
    "Task",
    "TaskAgency",
    "TaskStatus",
]
