"""The registry's transactions in the store: ``registry_tx``, by id, written with the journal
records that post them (openets.store.tx_store). The rows of a market's earlier records are
made from its journal when the market is opened (the meta row ``registry_tx_seq`` says how far
the table is made).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("registry_tx"):
        return
    op.create_table(
        "registry_tx",
        sa.Column("tx_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("reversed_by", sa.String(length=32), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("tx_id"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("registry_tx")
    op.execute("DELETE FROM meta WHERE key = 'registry_tx_seq'")
