"""staff accounts, server-side staff sessions, staff sign-in attempts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-12 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('preferred_language', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role in ('agent', 'supervisor', 'warehouse', 'admin')", name='ck_staff_role'),
    sa.CheckConstraint("preferred_language in ('en', 'fr')", name='ck_staff_lang'),
    sa.CheckConstraint('email = lower(email)', name='ck_staff_email_lower'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('staff_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['staff_accounts.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_account_id'), ['account_id'], unique=False)

    op.create_table('staff_login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('client_key', sa.String(length=128), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_login_attempts_email_hash'), ['email_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_login_attempts_client_key'), ['client_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_login_attempts_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_login_attempts_created_at'))
        batch_op.drop_index(batch_op.f('ix_staff_login_attempts_client_key'))
        batch_op.drop_index(batch_op.f('ix_staff_login_attempts_email_hash'))

    op.drop_table('staff_login_attempts')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_account_id'))

    op.drop_table('staff_sessions')
    op.drop_table('staff_accounts')
