"""drafts as worker jobs, offices' own templates, consolidations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

``drafts`` was created empty in 0001 and nothing wrote it before this revision, so it is
recreated in its new shape (a unit's draft, optionally from a document or a consolidation,
rendered by a worker job) instead of being altered column by column (SQLite cannot alter
constraints in place).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOW = sa.text("CURRENT_TIMESTAMP")


def _status() -> sa.Column:
    return sa.Column(
        "status",
        sa.Enum("queued", "running", "done", "failed", name="status", native_enum=False,
                create_constraint=True, length=15),
        server_default="queued", nullable=False,
    )


def _errors() -> list[sa.Column]:
    return [sa.Column("error_code", sa.String(length=64), nullable=True),
            sa.Column("error_vi", sa.Text(), nullable=True),
            sa.Column("error_en", sa.Text(), nullable=True)]


def _created(table: str) -> list:
    return [sa.Column("created_by", sa.Integer(), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
            sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f(f"fk_{table}_created_by_users"),
                                    ondelete="SET NULL")]


def _unit(table: str) -> list:
    return [sa.Column("unit_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f(f"fk_{table}_unit_id_units"))]


def upgrade() -> None:
    op.drop_index(op.f("ix_drafts_document_id"), table_name="drafts")
    op.drop_table("drafts")

    op.create_table(
        "unit_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        *_unit("unit_templates"),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        *_created("unit_templates"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_templates")),
        sa.UniqueConstraint("unit_id", "name", name=op.f("uq_unit_templates_unit_id_name")),
    )
    op.create_index(op.f("ix_unit_templates_unit_id"), "unit_templates", ["unit_id"], unique=False)

    op.create_table(
        "consolidations",
        sa.Column("id", sa.Integer(), nullable=False),
        *_unit("consolidations"),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("document_ids", sa.JSON(), nullable=False),
        _status(),
        sa.Column("rq_id", sa.String(length=64), nullable=True),
        sa.Column("stage", sa.String(length=64), nullable=True),
        sa.Column("progress_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("progress_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        *_errors(),
        *_created("consolidations"),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consolidations")),
    )
    op.create_index(op.f("ix_consolidations_unit_id"), "consolidations", ["unit_id"], unique=False)

    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_unit("drafts"),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("consolidation_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        _status(),
        sa.Column("rq_id", sa.String(length=64), nullable=True),
        sa.Column("blob_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("format_report", sa.JSON(), nullable=True),
        *_errors(),
        *_created("drafts"),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_drafts_document_id_documents"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["consolidation_id"], ["consolidations.id"],
                                name=op.f("fk_drafts_consolidation_id_consolidations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )
    for column in ("unit_id", "document_id", "consolidation_id"):
        op.create_index(op.f(f"ix_drafts_{column}"), "drafts", [column], unique=False)


def downgrade() -> None:
    for column in ("unit_id", "document_id", "consolidation_id"):
        op.drop_index(op.f(f"ix_drafts_{column}"), table_name="drafts")
    op.drop_table("drafts")
    op.drop_index(op.f("ix_consolidations_unit_id"), table_name="consolidations")
    op.drop_table("consolidations")
    op.drop_index(op.f("ix_unit_templates_unit_id"), table_name="unit_templates")
    op.drop_table("unit_templates")
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_drafts_document_id_documents"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )
    op.create_index(op.f("ix_drafts_document_id"), "drafts", ["document_id"], unique=False)
