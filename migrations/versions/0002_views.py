"""children views: stored files and submissions

Revision ID: 0002_views
Revises: 0001_foundation
Create Date: 2026-11-26 15:22:47.353313
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0002_views'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_name', sa.String(length=64), nullable=True),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('duration_seconds', sa.Float(), nullable=True),
    sa.Column('source_format', sa.String(length=16), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('image', 'audio')", name=op.f('ck_stored_files_kind')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_stored_files_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_stored_files_created_by_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
    sa.UniqueConstraint('name', name=op.f('uq_stored_files_name'))
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_files_child_id'), ['child_id'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('questionnaire', sa.String(length=16), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('helped_by', sa.String(length=16), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('form', 'picture', 'poem', 'voice')", name=op.f('ck_submissions_kind')),
    sa.CheckConstraint("status IN ('draft', 'sent')", name=op.f('ck_submissions_status')),
    sa.CheckConstraint("visibility IN ('isro', 'isro_and_carer')", name=op.f('ck_submissions_visibility')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_submissions_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['accounts.id'], name=op.f('fk_submissions_entered_by_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_submissions_file_id_stored_files'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_submissions_review_id_reviews'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_review_id'), ['review_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_review_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_child_id'))

    op.drop_table('submissions')
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_files_child_id'))

    op.drop_table('stored_files')
