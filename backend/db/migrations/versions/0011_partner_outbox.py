"""partner feed (issue 14): the outbox of return events and their deliveries per partner

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 10:40:00

Returns changed before this migration have no events: the feed starts with the first
status change made after it (a partner is not sent a made-up history).
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('return_id', sa.Integer(), nullable=False),
        sa.Column('rma', sa.String(length=16), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=80), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('sequence > 0', name='ck_outbox_event_sequence'),
        sa.ForeignKeyConstraint(['return_id'], ['return_requests.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id'),
        sa.UniqueConstraint('return_id', 'sequence', name='uq_outbox_event_return_sequence'),
    )
    op.create_index(op.f('ix_outbox_events_return_id'), 'outbox_events', ['return_id'], unique=False)
    op.create_table(
        'outbox_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('destination', sa.String(length=500), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('delivered_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.CheckConstraint('attempts >= 0', name='ck_outbox_delivery_attempts'),
        sa.ForeignKeyConstraint(['event_id'], ['outbox_events.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id', 'destination', name='uq_outbox_delivery_event_destination'),
    )
    op.create_index(op.f('ix_outbox_deliveries_event_id'), 'outbox_deliveries', ['event_id'], unique=False)
    op.create_index('ix_outbox_deliveries_owed', 'outbox_deliveries', ['destination', 'delivered_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_outbox_deliveries_owed', table_name='outbox_deliveries')
    op.drop_index(op.f('ix_outbox_deliveries_event_id'), table_name='outbox_deliveries')
    op.drop_table('outbox_deliveries')
    op.drop_index(op.f('ix_outbox_events_return_id'), table_name='outbox_events')
    op.drop_table('outbox_events')
