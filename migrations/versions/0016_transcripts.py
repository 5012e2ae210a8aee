"""transcripts: what a voice note says, made on the council's own server

Revision ID: 0016_transcripts
Revises: 0015_jobs
Create Date: 2026-12-02 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_transcripts'
down_revision = '0015_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'transcripts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stored_file_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('english_text', sa.Text(), nullable=True),
        sa.Column('model', sa.String(length=120), nullable=False),
        sa.Column('seconds_taken', sa.Float(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_transcripts_stored_file_id_stored_files'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transcripts')),
        sa.UniqueConstraint('stored_file_id', name=op.f('uq_transcripts_stored_file_id')),
    )


def downgrade() -> None:
    op.drop_table('transcripts')
