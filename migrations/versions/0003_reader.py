"""Which reader made a version: NULL for versions of releases up to 8d334e3 (the line-based
reader), 0 for the own text format, 2 for the catalogue-driven reader. No existing row changes;
the reader is hashed into the versions that record it (hyoka.store.repository.version_hash).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("versions")}
    if "reader" in columns:  # kept by an earlier downgrade (below)
        return
    with op.batch_alter_table("versions") as batch:
        batch.add_column(sa.Column("reader", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Keeps the column: the marks are covered by the hashes of the versions that carry them, so
    dropping them would make those versions fail `hyoka verify` after upgrading again, and older
    releases ignore a column they do not know."""
