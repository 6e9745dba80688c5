"""handoff callback: how a customer nobody could answer at once wants the reply

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 07:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('callback_via', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('callback_at', sa.DateTime(), nullable=True))
        batch_op.create_check_constraint('ck_handoff_callback',
                                         "callback_via is null or callback_via in ('sms', 'email')")


def downgrade() -> None:
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.drop_constraint('ck_handoff_callback', type_='check')
        batch_op.drop_column('callback_at')
        batch_op.drop_column('callback_via')
