"""applications.certificate_title: the title the officer confirmed before the award

Revision ID: 0011_certificate_title
Revises: 0010_step_assignment
Create Date: 2026-12-03 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_certificate_title'
down_revision = '0010_step_assignment'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_title', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('certificate_title')
