"""messages, flags, ISRO pages

Revision ID: 0003_messages
Revises: 0002_views
Create Date: 2026-11-26 15:29:18.726231
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0003_messages'
down_revision = '0002_views'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('isro_profiles',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('about', sa.Text(), nullable=True),
    sa.Column('working_hours', sa.String(length=200), nullable=True),
    sa.Column('photo_name', sa.String(length=64), nullable=True),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_isro_profiles_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_isro_profiles'))
    )
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('participant_read_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('staff_read_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_message_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("side IN ('child', 'carer', 'advocate')", name=op.f('ck_conversations_side')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_conversations_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['accounts.id'], name=op.f('fk_conversations_participant_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    sa.UniqueConstraint('child_id', 'participant_id', name='child_participant')
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversations_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversations_last_message_at'), ['last_message_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversations_participant_id'), ['participant_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('feels_unsafe', sa.Boolean(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_messages_author_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_messages_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_messages_file_id_stored_files'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_created_at'), ['created_at'], unique=False)

    op.create_table('flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=8), nullable=False),
    sa.Column('matched', sa.String(length=200), nullable=True),
    sa.Column('raised_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cleared_by_id', sa.Integer(), nullable=True),
    sa.Column('clear_note', sa.Text(), nullable=True),
    sa.CheckConstraint("reason IN ('ticked', 'words')", name=op.f('ck_flags_reason')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_flags_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cleared_by_id'], ['accounts.id'], name=op.f('fk_flags_cleared_by_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_flags_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_flags_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags'))
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_child_id'), ['child_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flags_child_id'))

    op.drop_table('flags')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_created_at'))
        batch_op.drop_index(batch_op.f('ix_messages_conversation_id'))

    op.drop_table('messages')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversations_participant_id'))
        batch_op.drop_index(batch_op.f('ix_conversations_last_message_at'))
        batch_op.drop_index(batch_op.f('ix_conversations_child_id'))

    op.drop_table('conversations')
    op.drop_table('isro_profiles')
