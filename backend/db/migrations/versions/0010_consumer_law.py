"""consumer law (issue 13): catalogue flags, the order's delivery cost, each line's legal
basis and seal answer, the withdrawal refund deadline; remedies as resolutions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 10:00:00

Existing rows get the values that keep today's meaning: products carry none of the new
flags, orders paid no delivery (unknown: nothing is refunded for it), every stored line was
decided under the shop's own policy ("commercial"), no return had a legal refund deadline.
The remedies of the legal guarantee (repair, replacement, price reduction) become allowed
resolutions of a return line.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

PRODUCT_FLAGS = ('personalised', 'perishable', 'sealed_media', 'used_goods')
OLD_RESOLUTIONS = "resolution in ('refund', 'exchange', 'store_credit')"
NEW_RESOLUTIONS = ("resolution in ('refund', 'exchange', 'store_credit', 'repair', "
                   "'replacement', 'price_reduction')")


def upgrade() -> None:
    # Plain ADD COLUMNs (no table copy on SQLite): a server default fills existing rows.
    for flag in PRODUCT_FLAGS:
        op.add_column('products', sa.Column(flag, sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    op.add_column('orders', sa.Column('delivery_paid_minor', sa.Integer(), nullable=False,
                                      server_default='0'))
    op.add_column('return_requests', sa.Column('refund_due_on', sa.Date(), nullable=True))
    op.add_column('return_requests', sa.Column('delivery_refund_minor', sa.Integer(),
                                               nullable=False, server_default='0'))
    op.add_column('return_lines', sa.Column('seal_intact', sa.Boolean(), nullable=True))
    op.add_column('return_lines', sa.Column('legal_basis', sa.String(length=12), nullable=False,
                                            server_default='commercial'))
    # The resolution's check names the remedies too. On SQLite this copies return_lines
    # (photos point at it: env.py runs SQLite migrations with foreign keys off, then checks).
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.drop_constraint('ck_return_line_resolution', type_='check')
        batch_op.create_check_constraint('ck_return_line_resolution', NEW_RESOLUTIONS)


def downgrade() -> None:
    # The old check knows no remedy: a replacement reads as what it was before (an
    # exchange), a repair or a price reduction as a refund (its amount stays as decided).
    op.execute("UPDATE return_lines SET resolution = 'exchange' WHERE resolution = 'replacement'")
    op.execute("UPDATE return_lines SET resolution = 'refund' "
               "WHERE resolution IN ('repair', 'price_reduction')")
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.drop_constraint('ck_return_line_resolution', type_='check')
        batch_op.create_check_constraint('ck_return_line_resolution', OLD_RESOLUTIONS)
        batch_op.drop_column('legal_basis')
        batch_op.drop_column('seal_intact')
    op.drop_column('return_requests', 'delivery_refund_minor')
    op.drop_column('return_requests', 'refund_due_on')
    op.drop_column('orders', 'delivery_paid_minor')
    for flag in reversed(PRODUCT_FLAGS):
        op.drop_column('products', flag)
