"""Messenger updates already handled: a redelivered update that changed something is not applied twice.

Only updates whose handling changed the database get a row (in the same transaction as the change);
reads need no committed write. Whether a transaction changed anything is asked of the database itself,
so writes made outside the ORM count too: SQLite's changed-row counter, PostgreSQL's transaction id.
"""

import datetime as dt
import sqlite3

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from dondoc.store import fast
from dondoc.store.db import claim
from dondoc.store.models import ProcessedUpdate

_processed = ProcessedUpdate.__table__.c
_SEEN = select(_processed.update_id).where(
    _processed.platform == bindparam("platform"), _processed.update_id == bindparam("update_id")
)


def was_processed(session: Session, platform: str, update_id: str) -> bool:
    return fast.execute(session, _SEEN, {"platform": platform, "update_id": update_id}).first() is not None


def changes_marker(session: Session) -> int | None:
    """A marker of the rows this transaction changed until now (SQLite); None where the database is
    asked at the end instead."""
    connection = fast.driver_connection(session)
    return connection.total_changes if isinstance(connection, sqlite3.Connection) else None


def changed_since(session: Session, marker: int | None) -> bool:
    """Whether this transaction changed a row, everything pending flushed first. Unknown databases
    answer yes: the update is then recorded, as it always was."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    driver = fast.driver_connection(session)
    if marker is not None:
        return isinstance(driver, sqlite3.Connection) and driver.total_changes != marker
    if session.get_bind().dialect.name == "postgresql":
        with driver.cursor() as cursor:
            cursor.execute("SELECT txid_current_if_assigned() IS NOT NULL")
            return bool(cursor.fetchone()[0])
    return True


def record_processed(session: Session, platform: str, update_id: str, now: dt.datetime) -> bool:
    """Claim the update in the message's own transaction; False when another process handled it first
    (its claim committed, or waited for and then found)."""
    claimed = claim(session, ProcessedUpdate, platform=platform, update_id=update_id, processed_at=now)
    return claimed is not None
