"""ssda903: the child's sex, ethnicity and UPN; 903 episodes and UASC; children by ISRO

Revision ID: 0010_ssda903
Revises: 0009_operations
Create Date: 2026-12-03 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_ssda903'
down_revision = '0009_operations'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sex', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('ethnicity', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('upn', sa.String(length=13), nullable=True))
        # Every ISRO's caseload starts from their children.
        batch_op.create_index(batch_op.f('ix_children_isro_id'), ['isro_id'], unique=False)

    op.create_table(
        'episodes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('decom', sa.Date(), nullable=False),
        sa.Column('rne', sa.String(length=1), nullable=False),
        sa.Column('ls', sa.String(length=2), nullable=False),
        sa.Column('cin', sa.String(length=2), nullable=False),
        sa.Column('place', sa.String(length=2), nullable=False),
        sa.Column('place_provider', sa.String(length=3), nullable=True),
        sa.Column('dec', sa.Date(), nullable=True),
        sa.Column('rec', sa.String(length=3), nullable=True),
        sa.Column('reason_place_change', sa.String(length=5), nullable=True),
        sa.Column('urn', sa.String(length=10), nullable=True),
        sa.Column('pl_distance', sa.Numeric(precision=6, scale=1), nullable=True),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_episodes_child_id_children'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_episodes')),
        sa.UniqueConstraint('child_id', 'decom', name='uq_episodes_child_decom'),
    )
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_episodes_child_id'), ['child_id'], unique=False)

    op.create_table(
        'uasc',
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('duc', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_uasc_child_id_children'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('child_id', name=op.f('pk_uasc')),
    )


def downgrade() -> None:
    op.drop_table('uasc')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_episodes_child_id'))
    op.drop_table('episodes')
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_children_isro_id'))
        batch_op.drop_column('upn')
        batch_op.drop_column('ethnicity')
        batch_op.drop_column('sex')
