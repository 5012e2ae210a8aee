"""jobs: background work kept in the database until it is done

Revision ID: 0015_jobs
Revises: 0014_plan
Create Date: 2026-12-02 00:00:00
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0015_jobs'
down_revision = '0014_plan'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('func', sa.String(length=200), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('max_attempts', sa.Integer(), nullable=False),
        sa.Column('timeout_seconds', sa.Integer(), nullable=False),
        sa.Column('run_after', portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('pushed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('started_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')",
                           name=op.f('ck_jobs_state')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_state_run_after', ['state', 'run_after'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_state_run_after')
    op.drop_table('jobs')
