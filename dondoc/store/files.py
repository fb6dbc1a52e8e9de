"""Files people send as evidence, kept in the database so a backup of it keeps them too."""

import datetime as dt
import hashlib
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.store.models import StoredFile

MAX_FILE_BYTES = 10 * 1024 * 1024


def store_file(
    session: Session, content: bytes, filename: str, mime_type: str | None, now: dt.datetime
) -> StoredFile:
    """The stored copy of `content` (the same bytes sent twice are kept once)."""
    digest = hashlib.sha256(content).hexdigest()
    existing = session.scalar(select(StoredFile).where(StoredFile.sha256 == digest))
    if existing is not None:
        return existing
    stored = StoredFile(
        sha256=digest,
        filename=filename[:255],
        mime_type=(mime_type or None) and mime_type[:100],
        size=len(content),
        content=content,
        created_at=now,
    )
    session.add(stored)
    session.flush()
    return stored


def stored_files(session: Session, file_ids: Iterable[int]) -> dict[int, StoredFile]:
    ids = list(file_ids)
    if not ids:
        return {}
    return {f.id: f for f in session.scalars(select(StoredFile).where(StoredFile.id.in_(ids)))}
