"""reviews: timescales, plans, letters

Revision ID: 0004_letters
Revises: 0003_messages
Create Date: 2026-11-26 15:37:41.006842
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0004_letters'
down_revision = '0003_messages'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agreed_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_agreed_plans_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreed_plans'))
    )
    with op.batch_alter_table('agreed_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreed_plans_review_id'), ['review_id'], unique=False)

    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('shared_with_carer', sa.Boolean(), nullable=False),
    sa.Column('deadline_on', sa.Date(), nullable=False),
    sa.Column('first_published_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_letters_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_letters_review_id_reviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['accounts.id'], name=op.f('fk_letters_updated_by_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    sa.UniqueConstraint('review_id', name=op.f('uq_letters_review_id'))
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_child_id'), ['child_id'], unique=False)

    op.create_table('letter_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('published_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('seen_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('understood_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_versions_letter_id_letters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['accounts.id'], name=op.f('fk_letter_versions_published_by_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_versions')),
    sa.UniqueConstraint('letter_id', 'number', name='letter_number')
    )
    with op.batch_alter_table('letter_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_versions_letter_id'), ['letter_id'], unique=False)

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('invited', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('interpreter_needed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('attended', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('child_attended', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('plans_published_at', portal.db.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('plans_published_at')
        batch_op.drop_column('child_attended')
        batch_op.drop_column('attended')
        batch_op.drop_column('interpreter_needed')
        batch_op.drop_column('invited')
        batch_op.drop_column('kind')

    with op.batch_alter_table('letter_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_versions_letter_id'))

    op.drop_table('letter_versions')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letters_child_id'))

    op.drop_table('letters')
    with op.batch_alter_table('agreed_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreed_plans_review_id'))

    op.drop_table('agreed_plans')
