"""Initial store: reports, content-addressed blobs, versions and their items.

Revision ID: 0001
Revises:
Create Date: 2024-11-22

Written out column by column (not imported from hyoka.store.schema) so this
revision keeps describing the first schema after the models move on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
    )
    op.create_table(
        "blobs",
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name="pk_blobs"),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("meta_json", sa.Text(), nullable=False),
        sa.Column("appendix_hash", sa.String(64), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("modified", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_versions"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_versions_report_id_reports"),
        sa.ForeignKeyConstraint(["parent_id"], ["versions.id"], name="fk_versions_parent_id_versions"),
        sa.ForeignKeyConstraint(["appendix_hash"], ["blobs.hash"], name="fk_versions_appendix_hash_blobs"),
        sa.UniqueConstraint("report_id", "number", name="uq_versions_report_id_number"),
        sa.UniqueConstraint("hash", name="uq_versions_hash"),
    )
    op.create_table(
        "version_items",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("star", sa.Boolean(), nullable=False),
        sa.Column("value_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "ordinal", name="pk_version_items"),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"], name="fk_version_items_version_id_versions"),
        sa.ForeignKeyConstraint(["value_hash"], ["blobs.hash"], name="fk_version_items_value_hash_blobs"),
    )
    op.create_index("ix_version_items_version_id_path", "version_items", ["version_id", "path"])


def downgrade() -> None:
    op.drop_index("ix_version_items_version_id_path", table_name="version_items")
    op.drop_table("version_items")
    op.drop_table("versions")
    op.drop_table("blobs")
    op.drop_table("reports")
