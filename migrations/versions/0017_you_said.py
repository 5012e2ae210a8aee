"""you said, we did: decisions linked to the child's words, and My plan's actions with their status

Revision ID: 0017_you_said
Revises: 0016_transcripts
Create Date: 2026-12-02 00:00:00
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0017_you_said'
down_revision = '0016_transcripts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('letters', 'letter_versions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('you_said', sa.JSON(), nullable=False,
                                          server_default='[]'))
    op.create_table(
        'plan_actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=True),
        sa.Column('what', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('todo', 'done', 'late', 'changed')",
                           name=op.f('ck_plan_actions_status')),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'],
                                name=op.f('fk_plan_actions_child_id_children'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'],
                                name=op.f('fk_plan_actions_letter_id_letters'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['accounts.id'],
                                name=op.f('fk_plan_actions_updated_by_id_accounts'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_actions')),
    )
    with op.batch_alter_table('plan_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_actions_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_actions_letter_id'), ['letter_id'],
                              unique=False)
    op.create_table(
        'plan_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('words', sa.Text(), nullable=True),
        sa.Column('said_at', portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['plan_actions.id'],
                                name=op.f('fk_plan_reports_action_id_plan_actions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'],
                                name=op.f('fk_plan_reports_child_id_children'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_reports')),
    )
    with op.batch_alter_table('plan_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_reports_action_id'), ['action_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_plan_reports_child_id'), ['child_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_reports_child_id'))
        batch_op.drop_index(batch_op.f('ix_plan_reports_action_id'))
    op.drop_table('plan_reports')
    with op.batch_alter_table('plan_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_actions_letter_id'))
        batch_op.drop_index(batch_op.f('ix_plan_actions_child_id'))
    op.drop_table('plan_actions')
    for table in ('letter_versions', 'letters'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('you_said')
