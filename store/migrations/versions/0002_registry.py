"""registry of cited texts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

The tables behind store/registry.py (RegistryEntry, RegistryRelation, RegistryMeta in
store/models.py). Plain column types as in 0001; enum CHECK constraints named by the naming
convention.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=64), nullable=True),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("symbol", sa.String(length=128), nullable=True),
        sa.Column("ref", sa.String(length=255), nullable=True),
        sa.Column("ref_key", sa.String(length=255), nullable=True),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("effective", sa.Date(), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "in_force",
                "replaced",
                "expired",
                "partly_replaced",
                "not_yet_in_force",
                "unknown",
                name="registry_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="unknown",
            nullable=False,
        ),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_registry_entries_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_entries")),
    )
    op.create_index("ix_registry_entries_ref", "registry_entries", ["ref"])
    op.create_index("ix_registry_entries_ref_key", "registry_entries", ["ref_key"])
    op.create_index("ix_registry_entries_doc_type_issued", "registry_entries", ["doc_type", "issued"])
    op.create_index(op.f("ix_registry_entries_unit_id"), "registry_entries", ["unit_id"])

    op.create_table(
        "registry_relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "replaces",
                "replaced_by",
                "amends",
                "guides",
                "based_on",
                name="relation_kind",
                native_enum=False,
                create_constraint=True,
                length=19,
            ),
            nullable=False,
        ),
        sa.Column("to_id", sa.Integer(), nullable=True),
        sa.Column("to_ref", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_id"],
            ["registry_entries.id"],
            name=op.f("fk_registry_relations_from_id_registry_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_id"],
            ["registry_entries.id"],
            name=op.f("fk_registry_relations_to_id_registry_entries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_relations")),
    )
    op.create_index(op.f("ix_registry_relations_from_id"), "registry_relations", ["from_id"])
    op.create_index(op.f("ix_registry_relations_to_id"), "registry_relations", ["to_id"])

    op.create_table(
        "registry_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_registry_meta")),
    )


def downgrade() -> None:
    op.drop_table("registry_meta")
    op.drop_index(op.f("ix_registry_relations_to_id"), table_name="registry_relations")
    op.drop_index(op.f("ix_registry_relations_from_id"), table_name="registry_relations")
    op.drop_table("registry_relations")
    op.drop_index(op.f("ix_registry_entries_unit_id"), table_name="registry_entries")
    op.drop_index("ix_registry_entries_doc_type_issued", table_name="registry_entries")
    op.drop_index("ix_registry_entries_ref_key", table_name="registry_entries")
    op.drop_index("ix_registry_entries_ref", table_name="registry_entries")
    op.drop_table("registry_entries")
