"""The database schema as SQLAlchemy 2 typed models (docs/SERVICE.md, ``store/models.py``).

Conventions:

- Every timestamp is a timezone-aware UTC ``datetime`` (:class:`UTCDateTime`): naive values are
  refused when written, and values read back carry ``tzinfo=UTC`` on SQLite and PostgreSQL
  alike. Use :func:`utcnow` for "now".
- Closed vocabularies (``User.role``, ``Document.status``, ``Job.kind``) are strings checked by a
  CHECK constraint (no PostgreSQL enum types, so adding a value is a plain migration); the
  allowed values are the tuples ``ROLES``, ``DOCUMENT_STATUSES``, ``JOB_KINDS``.
- ``Extraction.data`` is SQLAlchemy ``JSON`` (``json`` on PostgreSQL, text on SQLite), written
  without ASCII escaping. Assign a new object to change it (in-place mutation is not tracked).
- Deleting a Document deletes its jobs, extraction and drafts (ORM cascade and ``ON DELETE
  CASCADE``); a Unit that still has users or documents cannot be deleted.

The schema is created by the Alembic migrations in ``store/migrations/`` (``store.db.migrate``),
never by ``metadata.create_all``; a test checks that models and migrations agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("clerk", "leader", "admin")
DOCUMENT_STATUSES = ("queued", "running", "done", "failed")
JOB_KINDS = ("extract", "draft")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that only accepts aware values and always returns UTC-aware ones.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so the UTC wall time is stored
    and UTC is attached again when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware values (store.models.utcnow())")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _choice(values: tuple[str, ...], name: str) -> Enum:
    # Non-native enum: VARCHAR + CHECK constraint on every database.
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)) + 8)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Unit(Base):
    """An organisation unit (cơ quan / phòng ban); users and documents belong to one."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)

    users: Mapped[list[User]] = relationship(back_populates="unit")
    documents: Mapped[list[Document]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"Unit(id={self.id!r}, code={self.code!r})"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(_choice(ROLES, "role"), default="clerk", server_default="clerk")
    token_hash: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)

    unit: Mapped[Unit] = relationship(back_populates="users")

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class Document(Base):
    """One uploaded file of one unit; the same bytes uploaded twice in a unit are one Document."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("unit_id", "sha256"),
        Index("ix_documents_unit_id_created_at", "unit_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    status: Mapped[str] = mapped_column(
        _choice(DOCUMENT_STATUSES, "status"), default="queued", server_default="queued"
    )
    stage: Mapped[str | None] = mapped_column(String(64), default=None)
    progress_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error_code: Mapped[str | None] = mapped_column(String(64), default=None)
    error_vi: Mapped[str | None] = mapped_column(Text, default=None)
    error_en: Mapped[str | None] = mapped_column(Text, default=None)

    # Summary fields copied from the extraction for listing and search.
    doc_type: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    issuer: Mapped[str | None] = mapped_column(Text, default=None)
    ref: Mapped[str | None] = mapped_column(String(255), default=None)
    doc_date: Mapped[date | None] = mapped_column(Date, index=True, default=None)
    subject: Mapped[str | None] = mapped_column(Text, default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)

    unit: Mapped[Unit] = relationship(back_populates="documents")
    jobs: Mapped[list[Job]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, order_by="Job.id"
    )
    extraction: Mapped[Extraction | None] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    drafts: Mapped[list[Draft]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, order_by="Draft.id"
    )

    def __repr__(self) -> str:
        return f"Document(id={self.id!r}, unit_id={self.unit_id!r}, status={self.status!r})"


class Job(Base):
    """One rq job run for a document (``rq_id`` is rq's job id, set once enqueued)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    rq_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    kind: Mapped[str] = mapped_column(_choice(JOB_KINDS, "kind"), default="extract", server_default="extract")
    status: Mapped[str] = mapped_column(String(32), default="queued", server_default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)

    document: Mapped[Document] = relationship(back_populates="jobs")

    def __repr__(self) -> str:
        return f"Job(id={self.id!r}, document_id={self.document_id!r}, kind={self.kind!r}, status={self.status!r})"


class Extraction(Base):
    """The ``vanthu.extraction/1`` object of a document (one per document)."""

    __tablename__ = "extractions"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="extraction")

    def __repr__(self) -> str:
        return f"Extraction(document_id={self.document_id!r})"


DRAFT_STATUSES = ("queued", "running", "done", "failed")


class UnitTemplate(Base):
    """An office's own variant of one of our templates (same manifest ``name``), validated on upload."""

    __tablename__ = "unit_templates"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(Text)
    blob_sha256: Mapped[str] = mapped_column(String(64))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    def __repr__(self) -> str:
        return f"UnitTemplate(id={self.id!r}, unit_id={self.unit_id!r}, name={self.name!r})"


class _WorkOutcome:
    """Who asked for a piece of drafting work, when, and why it failed (drafts, consolidations)."""

    error_code: Mapped[str | None] = mapped_column(String(64), default=None)
    error_vi: Mapped[str | None] = mapped_column(Text, default=None)
    error_en: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class Consolidation(_WorkOutcome, Base):
    """A batch of schools' submissions read into reviewable rows (``data``), then rendered as drafts."""

    __tablename__ = "consolidations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    document_ids: Mapped[list[int]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(
        _choice(DRAFT_STATUSES, "status"), default="queued", server_default="queued"
    )
    rq_id: Mapped[str | None] = mapped_column(String(64), default=None)
    stage: Mapped[str | None] = mapped_column(String(64), default=None)
    progress_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    drafts: Mapped[list[Draft]] = relationship(
        back_populates="consolidation", cascade="all, delete-orphan", passive_deletes=True, order_by="Draft.id"
    )

    def __repr__(self) -> str:
        return f"Consolidation(id={self.id!r}, unit_id={self.unit_id!r}, status={self.status!r})"


class Draft(_WorkOutcome, Base):
    """A document vanthu drafts from a template (a decision, a report, a digest).

    ``context`` is what was rendered (checked against the template's manifest); the
    rendering runs as a worker job, so ``status`` moves ``queued → running → done |
    failed``. The .docx is the blob ``blob_sha256``; its PDF (LibreOffice) is made on
    first download and cached as ``pdf_sha256``. ``format_report`` holds the format
    checker's findings on the output. A draft belongs to a unit and, optionally, to
    the document or the consolidation it was made from.
    """

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True, default=None
    )
    consolidation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consolidations.id", ondelete="CASCADE"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(64))
    template: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(
        _choice(DRAFT_STATUSES, "status"), default="queued", server_default="queued"
    )
    rq_id: Mapped[str | None] = mapped_column(String(64), default=None)
    blob_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    format_report: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    document: Mapped[Document | None] = relationship(back_populates="drafts")
    consolidation: Mapped[Consolidation | None] = relationship(back_populates="drafts")

    def __repr__(self) -> str:
        return f"Draft(id={self.id!r}, unit_id={self.unit_id!r}, template={self.template!r}, status={self.status!r})"


# ---------------------------------------------------------------- registry of cited texts
# The legal and official texts that documents cite (store/registry.py): seeded from the bundled
# store/registry_seed/ files, extended by administrators' imports and by each unit's own processed
# documents. ``ref`` is the canonical reference as written ("98/2023/NĐ-CP", "05-CT/TW");
# ``ref_key`` is its folded lookup key (case, Đ/D, leading zeros, "-" vs "/" ignored), indexed.

REGISTRY_STATUSES = ("in_force", "replaced", "expired", "partly_replaced", "not_yet_in_force", "unknown")
REGISTRY_RELATION_KINDS = ("replaces", "replaced_by", "amends", "guides", "based_on")


class RegistryEntry(Base):
    """One known text: identity, dates, validity status as of ``as_of``; global when ``unit_id`` is null."""

    __tablename__ = "registry_entries"
    __table_args__ = (
        Index("ix_registry_entries_ref", "ref"),
        Index("ix_registry_entries_ref_key", "ref_key"),
        Index("ix_registry_entries_doc_type_issued", "doc_type", "issued"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[str | None] = mapped_column(String(64), default=None)
    number: Mapped[str | None] = mapped_column(String(32), default=None)
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    symbol: Mapped[str | None] = mapped_column(String(128), default=None)
    ref: Mapped[str | None] = mapped_column(String(255), default=None)
    ref_key: Mapped[str | None] = mapped_column(String(255), default=None)
    issued: Mapped[date | None] = mapped_column(Date, default=None)
    issuer: Mapped[str | None] = mapped_column(Text, default=None)
    title: Mapped[str | None] = mapped_column(Text, default=None)
    effective: Mapped[date | None] = mapped_column(Date, default=None)
    expiry: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(
        _choice(REGISTRY_STATUSES, "registry_status"), default="unknown", server_default="unknown"
    )
    source: Mapped[str | None] = mapped_column(Text, default=None)
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), index=True, default=None
    )
    as_of: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    relations: Mapped[list[RegistryRelation]] = relationship(
        back_populates="entry",
        foreign_keys="RegistryRelation.from_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RegistryRelation.id",
    )

    def __repr__(self) -> str:
        return f"RegistryEntry(id={self.id!r}, ref={self.ref!r}, issued={self.issued!r}, status={self.status!r})"


class RegistryRelation(Base):
    """``from`` --kind--> ``to``; ``to_ref`` is the target as written, ``to_id`` once it is in the registry."""

    __tablename__ = "registry_relations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("registry_entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(_choice(REGISTRY_RELATION_KINDS, "relation_kind"))
    to_id: Mapped[int | None] = mapped_column(
        ForeignKey("registry_entries.id", ondelete="SET NULL"), index=True, default=None
    )
    to_ref: Mapped[str | None] = mapped_column(Text, default=None)

    entry: Mapped[RegistryEntry] = relationship(back_populates="relations", foreign_keys=[from_id])
    target: Mapped[RegistryEntry | None] = relationship(foreign_keys=[to_id])

    def __repr__(self) -> str:
        return f"RegistryRelation(from_id={self.from_id!r}, kind={self.kind!r}, to={self.to_id or self.to_ref!r})"


class RegistryMeta(Base):
    """Registry facts as key/value text: ``as_of`` (ISO date of the seed's knowledge), ``seed_sha256``."""

    __tablename__ = "registry_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text, default=None)

    def __repr__(self) -> str:
        return f"RegistryMeta(key={self.key!r}, value={self.value!r})"
