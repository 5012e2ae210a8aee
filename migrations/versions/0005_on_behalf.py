"""carers and advocates: who helped, how views were gathered, consent

Revision ID: 0005_on_behalf
Revises: 0004_letters
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_on_behalf"
down_revision = "0004_letters"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('form', 'picture', 'poem', 'voice')"
NEW_KINDS = "kind IN ('form', 'picture', 'poem', 'voice', 'advocacy')"


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_submissions_kind"), type_="check")
        batch_op.create_check_constraint("kind", NEW_KINDS)
        batch_op.add_column(sa.Column("helped_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("gathered_how", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("gathered_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("consent", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("consent_note", sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_submissions_helped_by_id_accounts"),
                                    "accounts", ["helped_by_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_submissions_helped_by_id_accounts"),
                                 type_="foreignkey")
        for column in ("consent_note", "consent", "gathered_on", "gathered_how",
                       "helped_by_id"):
            batch_op.drop_column(column)
        batch_op.drop_constraint(op.f("ck_submissions_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KINDS)
