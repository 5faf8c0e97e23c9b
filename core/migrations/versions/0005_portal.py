"""portal: an applicant's password set by an officer must be changed at next login

Revision ID: 0005_portal
Revises: 0004_intake_and_scores
Create Date: 2026-11-23 11:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_portal'
down_revision = '0004_intake_and_scores'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
