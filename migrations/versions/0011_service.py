"""service: a staff member's full-time equivalent; why a review was late

Revision ID: 0011_service
Revises: 0010_ssda903
Create Date: 2026-12-02 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_service'
down_revision = '0010_ssda903'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fte', sa.Numeric(precision=3, scale=2), nullable=True))
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_reason', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('late_note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('late_note')
        batch_op.drop_column('late_reason')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('fte')
