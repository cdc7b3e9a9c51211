"""Audit trail: one append-only, hash-chained table of events per report.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_events_report_id_kind_at", ["report_id", "kind", "at"]),
    ("ix_events_path", ["path"]),
    ("ix_events_actor_kind", ["actor", "kind"]),
    ("ix_events_at_report_id_seq", ["at", "report_id", "seq"]),
    ("ix_events_report_id_version_change_index", ["report_id", "version", "change_index"]),
)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("change_index", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(1000), nullable=True),
        sa.Column("important", sa.Boolean(), nullable=True),
        sa.Column("timing", sa.String(8), nullable=True),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("rule", sa.String(32), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_events_report_id_reports"),
        sa.UniqueConstraint("report_id", "seq", name="uq_events_report_id_seq"),
        sa.UniqueConstraint("hash", name="uq_events_hash"),
    )
    for name, columns in INDEXES:
        op.create_index(name, "events", columns)


def downgrade() -> None:
    for name, _ in INDEXES:
        op.drop_index(name, table_name="events")
    op.drop_table("events")
