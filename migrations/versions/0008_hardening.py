"""hardening: sign-in tries counted in the database, half-way sign-in states on the
server, second-factor secrets encrypted at rest, a question linked to its letter

Revision ID: 0008_hardening
Revises: 0007_safeguarding
Create Date: 2026-12-01 23:56:37.571990

The secrets are encrypted with the data key handed to the migration
(``portal.migrate.upgrade(url, data_keys=...)``, which ``flask init-db`` does); a
database with secrets and no key refuses to upgrade rather than leave them readable.
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0008_hardening'
down_revision = '0007_safeguarding'
branch_labels = None
depends_on = None

accounts = sa.table('accounts', sa.column('id', sa.Integer), sa.column('totp_secret', sa.Text))


def _keys():
    return op.get_context().config.attributes.get("data_keys")


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(accounts.c.id, accounts.c.totp_secret)
                              .where(accounts.c.totp_secret.is_not(None))).all()
    plain = [(i, secret) for i, secret in rows if not secret.startswith("gAAAAA")]
    keys = _keys()
    if plain and keys is None:
        # Checked before any change: SQLite cannot roll back a half-done migration.
        raise RuntimeError("second-factor secrets need encrypting: run this migration with "
                           "`flask --app portal init-db` so it has PORTAL_DATA_KEY")
    op.create_table('throttle_counts',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('window_start', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle_counts'))
    )

    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=16), server_default='signed_in', nullable=False))
        batch_op.add_column(sa.Column('setup_code_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_account_sessions_setup_code_id_setup_codes'), 'setup_codes', ['setup_code_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('stage', "stage IN ('signed_in', 'second_factor', 'setup')")

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.VARCHAR(length=64), type_=sa.Text(),
                              existing_nullable=True)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_messages_letter_id'), ['letter_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_messages_letter_id_letters'), 'letters', ['letter_id'], ['id'], ondelete='SET NULL')

    for account_id, secret in plain:
        connection.execute(accounts.update().where(accounts.c.id == account_id)
                           .values(totp_secret=keys.encrypt(secret.encode()).decode()))


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(accounts.c.id, accounts.c.totp_secret)
                              .where(accounts.c.totp_secret.is_not(None))).all()
    if rows:
        keys = _keys()
        if keys is None:
            raise RuntimeError("decrypting second-factor secrets needs PORTAL_DATA_KEY")
        for account_id, secret in rows:
            connection.execute(accounts.update().where(accounts.c.id == account_id)
                               .values(totp_secret=keys.decrypt(secret.encode()).decode()))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.Text(), type_=sa.VARCHAR(length=64),
                              existing_nullable=True)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_messages_letter_id_letters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_messages_letter_id'))
        batch_op.drop_column('letter_id')

    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_account_sessions_stage'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_account_sessions_setup_code_id_setup_codes'), type_='foreignkey')
        batch_op.drop_column('setup_code_id')
        batch_op.drop_column('stage')

    op.drop_table('throttle_counts')
