"""Adding uploaded documents, deduplicated per unit by content."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store import blobs
from store.models import Document


def _find(session: Session, unit_id: int, sha: str) -> Document | None:
    return session.scalars(select(Document).where(Document.unit_id == unit_id, Document.sha256 == sha)).first()


def add_document(
    session: Session, unit_id: int, data: bytes, filename: str, media_type: str
) -> tuple[Document, bool]:
    """The Document of ``unit_id`` holding ``data``, and whether this call created it.

    The bytes are stored as a blob first (``store.blobs.put``), so a Document row never exists
    without its blob. The row is inserted inside a SAVEPOINT: if another session inserted the
    same ``(unit_id, sha256)`` meanwhile, the unique constraint fails, only the savepoint is
    rolled back (the caller's session and its other changes stay usable) and the existing row
    is returned with ``False``. The caller commits (``store.db.session`` does it on exit); the
    new row is flushed, so ``doc.id`` is already set.
    """
    data = bytes(data)
    sha = blobs.put(data)
    existing = _find(session, unit_id, sha)
    if existing is not None:
        return existing, False
    doc = Document(unit_id=unit_id, sha256=sha, filename=filename, media_type=media_type, size=len(data))
    try:
        with session.begin_nested():
            session.add(doc)
    except IntegrityError:
        # Only the savepoint is rolled back. The other inserter has committed by now (PostgreSQL
        # and SQLite make the loser wait for the winner), so its row is visible.
        existing = _find(session, unit_id, sha)
        if existing is None:
            raise  # not the (unit_id, sha256) race: e.g. no such unit
        return existing, False
    return doc, True
