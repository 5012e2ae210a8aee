"""plan: a child's own plan for their next review ("I plan my review")

A "Quick say" is sent as a poem-like submission (kind 'poem', questionnaire 'quick_say'),
so it needs no change to the submissions table.

Revision ID: 0014_plan
Revises: 0013_annual
Create Date: 2026-12-02 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_plan'
down_revision = '0013_annual'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'review_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=True),
        sa.Column('place', sa.String(length=16), nullable=True),
        sa.Column('place_note', sa.String(length=200), nullable=True),
        sa.Column('timing', sa.String(length=16), nullable=True),
        sa.Column('timing_note', sa.String(length=200), nullable=True),
        sa.Column('who_comes', sa.Text(), nullable=True),
        sa.Column('who_not', sa.Text(), nullable=True),
        sa.Column('talk_about', sa.Text(), nullable=True),
        sa.Column('not_in_front', sa.Text(), nullable=True),
        sa.Column('chair', sa.String(length=8), nullable=True),
        sa.Column('advocate', sa.Boolean(), nullable=True),
        sa.Column('interpreter', sa.String(length=16), nullable=True),
        sa.Column('red_card', sa.Boolean(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("place IN ('in_school', 'not_in_school', 'at_home', 'somewhere_else')", name=op.f('ck_review_plans_place')),
        sa.CheckConstraint("timing IN ('after_school', 'school_time', 'weekend')", name=op.f('ck_review_plans_timing')),
        sa.CheckConstraint("chair IN ('no', 'co_chair', 'chair')", name=op.f('ck_review_plans_chair')),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_review_plans_child_id_children'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_plans_review_id_reviews'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_plans')),
        sa.UniqueConstraint('child_id', 'review_id', name=op.f('uq_review_plans_child_id')),
    )
    with op.batch_alter_table('review_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_plans_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_plans_review_id'), ['review_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_plans_review_id'))
        batch_op.drop_index(batch_op.f('ix_review_plans_child_id'))
    op.drop_table('review_plans')
