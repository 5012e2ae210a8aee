"""feedback: "How was my review?" answers and requests for an advocate

Revision ID: 0012_feedback
Revises: 0011_service
Create Date: 2026-12-02 00:00:00
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0012_feedback'
down_revision = '0011_service'
branch_labels = None
depends_on = None

FACES = "('great', 'ok', 'not_good', 'no_say')"


def upgrade() -> None:
    op.create_table('review_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('listened', sa.String(length=16), nullable=True),
    sa.Column('understood', sa.String(length=16), nullable=True),
    sa.Column('right_people', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('skipped', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('answered_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f"listened IN {FACES}", name=op.f('ck_review_feedback_listened')),
    sa.CheckConstraint(f"understood IN {FACES}", name=op.f('ck_review_feedback_understood')),
    sa.CheckConstraint(f"right_people IN {FACES}",
                       name=op.f('ck_review_feedback_right_people')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_review_feedback_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_feedback_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_feedback')),
    sa.UniqueConstraint('review_id', name=op.f('uq_review_feedback_review_id'))
    )
    with op.batch_alter_table('review_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_feedback_child_id'), ['child_id'], unique=False)

    op.create_table('advocacy_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('help_with', sa.Text(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("outcome IN ('referred', 'linked', 'changed_mind', 'other')", name=op.f('ck_advocacy_requests_outcome')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_advocacy_requests_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['accounts.id'], name=op.f('fk_advocacy_requests_recorded_by_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocacy_requests'))
    )
    with op.batch_alter_table('advocacy_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advocacy_requests_asked_at'), ['asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_advocacy_requests_child_id'), ['child_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('advocacy_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advocacy_requests_child_id'))
        batch_op.drop_index(batch_op.f('ix_advocacy_requests_asked_at'))
    op.drop_table('advocacy_requests')
    with op.batch_alter_table('review_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_feedback_child_id'))
    op.drop_table('review_feedback')
