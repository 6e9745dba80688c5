"""policy overrides: the audit trail of returns a person approved against the policy

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('policy_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('overridden_codes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(reason) between 10 and 1000', name='ck_policy_override_reason'),
    sa.ForeignKeyConstraint(['return_id'], ['return_requests.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('policy_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_overrides_return_id'), ['return_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('policy_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_overrides_return_id'))
    op.drop_table('policy_overrides')
