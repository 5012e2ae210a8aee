"""safeguarding: flags acknowledged and escalated, emails about flags

Revision ID: 0007_safeguarding
Revises: 0006_casework
Create Date: 2026-12-01 22:46:58.612015
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0007_safeguarding'
down_revision = '0006_casework'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('flag_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('raised', 'escalated')", name=op.f('ck_flag_notices_kind')),
    sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name=op.f('ck_flag_notices_status')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_flag_notices_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['flag_id'], ['flags.id'], name=op.f('fk_flag_notices_flag_id_flags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag_notices'))
    )
    with op.batch_alter_table('flag_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_notices_flag_id'), ['flag_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_notices_status'), ['status'], unique=False)

    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ack_due_at', portal.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', portal.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', portal.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('matched',
               existing_type=sa.VARCHAR(length=200),
               type_=sa.String(length=500),
               existing_nullable=True)
        batch_op.create_index(batch_op.f('ix_flags_ack_due_at'), ['ack_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_cleared_at'), ['cleared_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_flags_acknowledged_by_id_accounts'), 'accounts', ['acknowledged_by_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_flags_acknowledged_by_id_accounts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_flags_cleared_at'))
        batch_op.drop_index(batch_op.f('ix_flags_ack_due_at'))
        batch_op.alter_column('matched',
               existing_type=sa.String(length=500),
               type_=sa.VARCHAR(length=200),
               existing_nullable=True)
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('acknowledged_by_id')
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_column('ack_due_at')

    with op.batch_alter_table('flag_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_notices_status'))
        batch_op.drop_index(batch_op.f('ix_flag_notices_flag_id'))

    op.drop_table('flag_notices')
