"""casework: contacts, challenges, read marks

Revision ID: 0006_casework
Revises: 0005_on_behalf
Create Date: 2026-11-26 15:47:50.716034
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0006_casework'
down_revision = '0005_on_behalf'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('theme', sa.String(length=24), nullable=False),
    sa.Column('concern', sa.Text(), nullable=False),
    sa.Column('raised_to', sa.String(length=200), nullable=True),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('escalated_to', sa.String(length=200), nullable=True),
    sa.Column('response_due', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('impact', sa.Text(), nullable=True),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('open', 'resolved', 'partly_resolved', 'not_resolved')", name=op.f('ck_challenges_outcome')),
    sa.CheckConstraint("stage IN ('informal', 'formal', 'escalated')", name=op.f('ck_challenges_stage')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_challenges_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['raised_by_id'], ['accounts.id'], name=op.f('fk_challenges_raised_by_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenges'))
    )
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenges_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenges_raised_on'), ['raised_on'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('how', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['accounts.id'], name=op.f('fk_contacts_by_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_contacts_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_child_id'), ['child_id'], unique=False)

    op.create_table('read_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('read_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_read_marks_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_read_marks_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_read_marks')),
    sa.UniqueConstraint('account_id', 'submission_id', name='account_item')
    )
    with op.batch_alter_table('read_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_read_marks_account_id'), ['account_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('read_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_read_marks_account_id'))

    op.drop_table('read_marks')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_child_id'))

    op.drop_table('contacts')
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenges_raised_on'))
        batch_op.drop_index(batch_op.f('ix_challenges_child_id'))

    op.drop_table('challenges')
