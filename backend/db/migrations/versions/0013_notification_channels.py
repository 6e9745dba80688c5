"""notification channels (issue 14): each return remembers the conversation it was made
in; the outbox also speaks in the web chat and by email, still one message per kind

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 14:00:00

Existing returns were made before the conversation was kept: they have none (their news
goes by SMS as before, else by email). Stored messages all went by SMS and are one per
(return, kind) already, so the stricter uniqueness holds for them. The recipient widens
from an E.164 number to an email address (254 characters) or a conversation id.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OLD_CHANNELS = "channel in ('sms')"
NEW_CHANNELS = "channel in ('sms', 'chat', 'email')"


def upgrade() -> None:
    op.add_column('return_requests', sa.Column('conversation_id', sa.String(length=128), nullable=True))
    # On SQLite this copies notifications (nothing points at it).
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('recipient', existing_type=sa.String(length=16),
                              type_=sa.String(length=254), existing_nullable=True)
        batch_op.drop_constraint('ck_notification_channel', type_='check')
        batch_op.create_check_constraint('ck_notification_channel', NEW_CHANNELS)
        # One message per kind and return, whichever channel it takes: what keeps a second
        # message about the money from ever going out.
        batch_op.drop_constraint('uq_notification_return_kind_channel', type_='unique')
        batch_op.create_unique_constraint('uq_notification_return_kind', ['return_id', 'kind'])


def downgrade() -> None:
    # The old schema knows SMS only: messages said in the chat or by email are forgotten
    # (their statuses have passed, so nothing queues them again).
    op.execute("DELETE FROM notifications WHERE channel <> 'sms'")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint('uq_notification_return_kind', type_='unique')
        batch_op.create_unique_constraint('uq_notification_return_kind_channel',
                                          ['return_id', 'kind', 'channel'])
        batch_op.drop_constraint('ck_notification_channel', type_='check')
        batch_op.create_check_constraint('ck_notification_channel', OLD_CHANNELS)
        batch_op.alter_column('recipient', existing_type=sa.String(length=254),
                              type_=sa.String(length=16), existing_nullable=True)
    op.drop_column('return_requests', 'conversation_id')
