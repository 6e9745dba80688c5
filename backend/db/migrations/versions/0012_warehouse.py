"""warehouse (issue 14): receipt, inspection and disposition per line, stock states and
inventory movements, unexpected items, disposition overrides, carrier events, label cost

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 13:00:00

Existing rows keep their meaning: stock already on hand is sellable and gets one
``opening`` movement each, so that from now on stock equals the sum of its movements;
photos already stored were sent by customers; labels already bought cost nothing we know of.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

LINE_COLUMNS = (
    sa.Column('received_quantity', sa.Integer(), nullable=True),
    sa.Column('inspection_flags', sa.JSON(), nullable=True),
    sa.Column('inspection_notes', sa.Text(), nullable=True),
    sa.Column('mismatches', sa.JSON(), nullable=True),
    sa.Column('refund_reduction_minor', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('refund_reduction_reason', sa.String(length=40), nullable=True),
    sa.Column('inspected_at', sa.DateTime(), nullable=True),
    sa.Column('disposition_rule', sa.String(length=60), nullable=True),
    sa.Column('disposition_rules_version', sa.String(length=40), nullable=True),
    sa.Column('disposition_guards', sa.JSON(), nullable=True),
    sa.Column('recovery_percent', sa.Integer(), nullable=True),
    sa.Column('value_recovered_minor', sa.Integer(), nullable=True),
)


def upgrade() -> None:
    for column in LINE_COLUMNS:
        op.add_column('return_lines', column)
    op.add_column('photos', sa.Column('source', sa.String(length=10), nullable=False,
                                      server_default='customer'))
    op.add_column('labels', sa.Column('cost_minor', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), nullable=False,
                                      server_default='sellable'))
        batch_op.drop_constraint('uq_inventory_variant_location', type_='unique')
        batch_op.create_unique_constraint('uq_inventory_variant_location_state',
                                          ['variant_id', 'location', 'state'])
    op.create_table(
        'unexpected_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('return_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('variant_id', sa.Integer(), nullable=True),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('actor', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('quantity > 0', name='ck_unexpected_item_qty'),
        sa.ForeignKeyConstraint(['return_id'], ['return_requests.id']),
        sa.ForeignKeyConstraint(['variant_id'], ['variants.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_unexpected_items_return_id'), 'unexpected_items', ['return_id'], unique=False)
    op.create_table(
        'disposition_overrides',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('return_line_id', sa.Integer(), nullable=False),
        sa.Column('from_disposition', sa.String(length=20), nullable=False),
        sa.Column('to_disposition', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['return_line_id'], ['return_lines.id']),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_disposition_overrides_return_line_id'), 'disposition_overrides',
                    ['return_line_id'], unique=False)
    op.create_table(
        'inventory_movements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('variant_id', sa.Integer(), nullable=False),
        sa.Column('location', sa.String(length=60), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('unit_value_minor', sa.Integer(), nullable=False),
        sa.Column('return_line_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=80), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('quantity <> 0', name='ck_inventory_movement_qty'),
        sa.ForeignKeyConstraint(['variant_id'], ['variants.id']),
        sa.ForeignKeyConstraint(['return_line_id'], ['return_lines.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_inventory_movements_variant_id'), 'inventory_movements', ['variant_id'], unique=False)
    op.create_index(op.f('ix_inventory_movements_return_line_id'), 'inventory_movements',
                    ['return_line_id'], unique=False)
    op.create_index(op.f('ix_inventory_movements_created_at'), 'inventory_movements', ['created_at'], unique=False)
    op.create_table(
        'carrier_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=20), nullable=False),
        sa.Column('event_id', sa.String(length=80), nullable=False),
        sa.Column('tracking_number', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('return_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['return_id'], ['return_requests.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('provider', 'event_id', name='uq_carrier_event'),
    )
    op.create_index(op.f('ix_carrier_events_tracking_number'), 'carrier_events', ['tracking_number'], unique=False)
    op.create_index(op.f('ix_carrier_events_return_id'), 'carrier_events', ['return_id'], unique=False)
    # Stock on hand before movements were kept: one opening movement per stock row.
    op.execute(
        "INSERT INTO inventory_movements (variant_id, location, state, quantity, kind, "
        "unit_value_minor, actor, created_at) "
        "SELECT i.variant_id, i.location, i.state, i.on_hand, 'opening', v.price_minor, "
        "'migration:0012', CURRENT_TIMESTAMP FROM inventory_items i "
        "JOIN variants v ON v.id = i.variant_id WHERE i.on_hand > 0")


def downgrade() -> None:
    op.drop_table('carrier_events')
    op.drop_table('inventory_movements')
    op.drop_table('disposition_overrides')
    op.drop_table('unexpected_items')
    # Stock in other states than sellable cannot be told apart once the state is gone: it
    # is dropped with it (the movements that explained it are dropped above).
    op.execute("DELETE FROM inventory_items WHERE state <> 'sellable'")
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.drop_constraint('uq_inventory_variant_location_state', type_='unique')
        batch_op.create_unique_constraint('uq_inventory_variant_location', ['variant_id', 'location'])
        batch_op.drop_column('state')
    op.drop_column('labels', 'cost_minor')
    op.drop_column('photos', 'source')
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        for column in reversed(LINE_COLUMNS):
            batch_op.drop_column(column.name)
