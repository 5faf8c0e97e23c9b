"""spaces.version: a save drawn from an older copy of the space is refused

Revision ID: 0006_space_version
Revises: 0005_portal
Create Date: 2026-11-23 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_space_version'
down_revision = '0005_portal'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.drop_column('version')
