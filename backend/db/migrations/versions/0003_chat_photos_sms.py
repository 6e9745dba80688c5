"""chat photos before verification, SMS opt-outs, notification outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:12:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conversation_id', sa.String(length=80), nullable=True))
        batch_op.alter_column('customer_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_photos_conversation_id'), ['conversation_id'], unique=False)

    op.create_table('sms_opt_outs',
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('phone')
    )

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('recipient', sa.String(length=16), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=True),
    sa.Column('provider_message_id', sa.String(length=64), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("channel in ('sms')", name='ck_notification_channel'),
    sa.CheckConstraint("kind in ('label_issued', 'parcel_received', 'refund_issued')", name='ck_notification_kind'),
    sa.CheckConstraint("status in ('pending', 'sending', 'sent', 'failed', 'skipped')", name='ck_notification_status'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['return_id'], ['return_requests.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('return_id', 'kind', 'channel', name='uq_notification_return_kind_channel')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_return_id'), ['return_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_status'), ['status'], unique=False)

    # Customers who had already opted out are remembered by number too.
    op.execute("INSERT INTO sms_opt_outs (phone, created_at) SELECT DISTINCT phone, CURRENT_TIMESTAMP "
               "FROM customers WHERE sms_opt_out AND phone IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_status'))
        batch_op.drop_index(batch_op.f('ix_notifications_return_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_customer_id'))
    op.drop_table('notifications')
    op.drop_table('sms_opt_outs')

    # Photos nobody claimed cannot survive a schema that needs their customer.
    op.execute("DELETE FROM photos WHERE customer_id IS NULL")
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_conversation_id'))
        batch_op.alter_column('customer_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('conversation_id')
