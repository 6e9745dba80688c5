"""variants: the colour's French name from the catalogue

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 07:40:00

Existing rows keep an empty French name and show the catalogue's ``colour`` until the
shop's catalogue import fills it (the demo shop's seed does).
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('colour_fr', sa.String(length=40), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite has it since 3.35): a batch copy of ``variants`` would
    # drop the table that order lines and stock point at, which SQLite's foreign keys refuse.
    op.drop_column('variants', 'colour_fr')
