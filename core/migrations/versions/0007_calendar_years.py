"""calendar_years: a year of the bureau's calendar counts as known only once marked complete

Revision ID: 0007_calendar_years
Revises: 0006_space_version
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_calendar_years'
down_revision = '0006_space_version'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'calendar_years',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('complete', sa.Boolean(), nullable=False),
        sa.Column('document', sa.String(length=200), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_calendar_years_updated_by_id_users')),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years')),
    )


def downgrade():
    op.drop_table('calendar_years')
