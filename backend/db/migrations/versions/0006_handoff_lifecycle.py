"""handoff lifecycle: owner, timestamps, rating, and the handed-over conversation's messages

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 05:00:00

Old statuses map onto the new ones: open → queued, accepted → claimed.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OLD_STATUSES = "status in ('open', 'accepted', 'closed')"
NEW_STATUSES = "status in ('queued', 'claimed', 'returned', 'closed', 'cancelled')"


def upgrade() -> None:
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.drop_constraint('ck_handoff_status', type_='check')
    op.execute("UPDATE handoff_requests SET status = 'queued' WHERE status = 'open'")
    op.execute("UPDATE handoff_requests SET status = 'claimed' WHERE status = 'accepted'")
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('return_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('first_response_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('csat_score', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('csat_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_handoff_return', 'return_requests', ['return_id'], ['id'])
        batch_op.create_foreign_key('fk_handoff_staff', 'staff_accounts', ['assigned_staff_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_handoff_requests_assigned_staff_id'), ['assigned_staff_id'],
                              unique=False)
        batch_op.create_check_constraint('ck_handoff_status', NEW_STATUSES)
        batch_op.create_check_constraint('ck_handoff_csat', 'csat_score is null or (csat_score between 1 and 5)')

    op.create_table('handoff_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('photo_public_id', sa.String(length=40), nullable=True),
    sa.Column('intent', sa.String(length=80), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('delivery', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind in ('customer', 'agent', 'note', 'event')", name='ck_handoff_message_kind'),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoff_requests.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handoff_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_messages_handoff_id'), ['handoff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('handoff_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_messages_handoff_id'))
    op.drop_table('handoff_messages')
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.drop_constraint('ck_handoff_csat', type_='check')
        batch_op.drop_constraint('ck_handoff_status', type_='check')
        batch_op.drop_index(batch_op.f('ix_handoff_requests_assigned_staff_id'))
        batch_op.drop_constraint('fk_handoff_staff', type_='foreignkey')
        batch_op.drop_constraint('fk_handoff_return', type_='foreignkey')
        for column in ('csat_at', 'csat_score', 'ended_at', 'first_response_at', 'claimed_at',
                       'assigned_staff_id', 'return_id'):
            batch_op.drop_column(column)
    op.execute("UPDATE handoff_requests SET status = 'open' WHERE status = 'queued'")
    op.execute("UPDATE handoff_requests SET status = 'accepted' WHERE status = 'claimed'")
    op.execute("UPDATE handoff_requests SET status = 'closed' WHERE status NOT IN ('open', 'accepted')")
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.create_check_constraint('ck_handoff_status', OLD_STATUSES)
