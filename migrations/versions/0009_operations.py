"""operations: children who ceased to be looked after, exports to the case record confirmed

Revision ID: 0009_operations
Revises: 0008_hardening
Create Date: 2026-12-02 00:56:15.153058
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0009_operations'
down_revision = '0008_hardening'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ceased_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ceased_reason', sa.String(length=4), nullable=True))
        batch_op.create_index(batch_op.f('ix_children_ceased_on'), ['ceased_on'], unique=False)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exported_at', portal.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exported_at', portal.db.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('exported_at')

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('exported_at')

    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_children_ceased_on'))
        batch_op.drop_column('ceased_reason')
        batch_op.drop_column('ceased_on')

