"""The fund ledger's bank references in the store: ``bank_ref``, by ``<kind>:<ref>``, written
with the journal records that make them (openets.store.bankref_store). The rows of a market's
earlier records are made from its journal when the market is opened (the meta row
``bank_ref_seq`` says how far the table is made).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("bank_ref"):
        return
    op.create_table(
        "bank_ref",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("bank_ref")
    op.execute("DELETE FROM meta WHERE key = 'bank_ref_seq'")
