"""annual: the annual report's action plan, narrative sections and chosen quotes

Revision ID: 0013_annual
Revises: 0012_feedback
Create Date: 2026-12-02 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_annual'
down_revision = '0012_feedback'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'annual_actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('need', sa.Text(), nullable=False),
        sa.Column('who', sa.String(length=200), nullable=False),
        sa.Column('by_when', sa.Date(), nullable=False),
        sa.Column('will_see', sa.Text(), nullable=False),
        sa.Column('rag', sa.String(length=8), nullable=False),
        sa.Column('done', sa.Boolean(), nullable=False),
        sa.Column('carried_from_id', sa.Integer(), nullable=True),
        sa.Column('previous_rag', sa.String(length=8), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rag IN ('red', 'amber', 'green')", name=op.f('ck_annual_actions_rag')),
        sa.CheckConstraint("previous_rag IN ('red', 'amber', 'green')", name=op.f('ck_annual_actions_previous_rag')),
        sa.ForeignKeyConstraint(['carried_from_id'], ['annual_actions.id'], name=op.f('fk_annual_actions_carried_from_id_annual_actions'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['accounts.id'], name=op.f('fk_annual_actions_updated_by_id_accounts'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_actions')),
    )
    with op.batch_alter_table('annual_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_actions_year'), ['year'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_actions_carried_from_id'), ['carried_from_id'], unique=False)

    op.create_table(
        'annual_narratives',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('section', sa.String(length=24), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['accounts.id'], name=op.f('fk_annual_narratives_updated_by_id_accounts'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_narratives')),
        sa.UniqueConstraint('year', 'section', name='uq_annual_narratives_year'),
    )

    op.create_table(
        'annual_quotes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('words', sa.Text(), nullable=False),
        sa.Column('child_agreed', sa.Boolean(), nullable=False),
        sa.Column('chosen_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['chosen_by_id'], ['accounts.id'], name=op.f('fk_annual_quotes_chosen_by_id_accounts'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_annual_quotes_submission_id_submissions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_quotes')),
    )
    with op.batch_alter_table('annual_quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_quotes_submission_id'), ['submission_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('annual_quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_quotes_submission_id'))
    op.drop_table('annual_quotes')
    op.drop_table('annual_narratives')
    with op.batch_alter_table('annual_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_actions_carried_from_id'))
        batch_op.drop_index(batch_op.f('ix_annual_actions_year'))
    op.drop_table('annual_actions')
