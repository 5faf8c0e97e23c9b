"""organisations: unverified until an officer checks the business licence (verified_at, by whom, from which file)

Revision ID: 0009_organisation_verification
Revises: 0008_sessions_and_2fa
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_organisation_verification'
down_revision = '0008_sessions_and_2fa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('verified_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('verified_attachment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_organisations_verified_by_id_users'), 'users',
                                    ['verified_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_organisations_verified_attachment_id_attachments'),
                                    'attachments', ['verified_attachment_id'], ['id'])


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organisations_verified_attachment_id_attachments'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_organisations_verified_by_id_users'), type_='foreignkey')
        batch_op.drop_column('verified_attachment_id')
        batch_op.drop_column('verified_by_id')
        batch_op.drop_column('verified_at')
