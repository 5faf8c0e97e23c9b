"""statistics returns and change reports: the years after recognition (issue 16)

The filing windows a bureau opens per year, one return per space and year, the 未填报 marks
of titles without an accepted return when a window closes, and the change reports of
云科规〔2021〕1号 认定与管理.  ``annual_reports`` (keyed by title, never used) is replaced by
``statistics_returns`` (keyed by space: a space with two titles files once).

Revision ID: 0016_statistics
Revises: 0015_step_groups_index
Create Date: 2026-12-03 20:54:09.914027

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0016_statistics'
down_revision = '0015_step_groups_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statistics_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('explanations', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('residents', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('checking_jurisdiction', sa.String(length=32), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_statistics_returns_decided_by_id_users')),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_statistics_returns_space_id_spaces')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_statistics_returns_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_returns')),
    sa.UniqueConstraint('space_id', 'year', name=op.f('uq_statistics_returns_space_id'))
    )
    with op.batch_alter_table('statistics_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistics_returns_checking_jurisdiction'), ['checking_jurisdiction'], unique=False)
        batch_op.create_index(batch_op.f('ix_statistics_returns_space_id'), ['space_id'], unique=False)
        batch_op.create_index('ix_statistics_returns_year_status', ['year', 'status'], unique=False)

    op.create_table('statistics_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_statistics_windows_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_windows')),
    sa.UniqueConstraint('jurisdiction', 'year', name=op.f('uq_statistics_windows_jurisdiction'))
    )
    with op.batch_alter_table('statistics_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistics_windows_jurisdiction'), ['jurisdiction'], unique=False)

    op.create_table('change_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recognition_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('check_opinion', sa.Text(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_opinion', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_change_reports_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_change_reports_checked_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_change_reports_decided_by_id_users')),
    sa.ForeignKeyConstraint(['recognition_id'], ['recognitions.id'], name=op.f('fk_change_reports_recognition_id_recognitions')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_change_reports_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_reports'))
    )
    with op.batch_alter_table('change_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_reports_jurisdiction'), ['jurisdiction'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_reports_recognition_id'), ['recognition_id'], unique=False)

    op.create_table('statistics_misses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recognition_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('excused', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('excused_by_id', sa.Integer(), nullable=True),
    sa.Column('excused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['excused_by_id'], ['users.id'], name=op.f('fk_statistics_misses_excused_by_id_users')),
    sa.ForeignKeyConstraint(['recognition_id'], ['recognitions.id'], name=op.f('fk_statistics_misses_recognition_id_recognitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_misses')),
    sa.UniqueConstraint('recognition_id', 'year', name=op.f('uq_statistics_misses_recognition_id'))
    )
    with op.batch_alter_table('statistics_misses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistics_misses_jurisdiction'), ['jurisdiction'], unique=False)
        batch_op.create_index(batch_op.f('ix_statistics_misses_recognition_id'), ['recognition_id'], unique=False)

    with op.batch_alter_table('annual_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_reports_recognition_id'))

    op.drop_table('annual_reports')


def downgrade():
    op.create_table('annual_reports',
    sa.Column('id', sa.INTEGER(), nullable=False),
    sa.Column('recognition_id', sa.INTEGER(), nullable=False),
    sa.Column('year', sa.INTEGER(), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recognition_id'], ['recognitions.id'], name=op.f('fk_annual_reports_recognition_id_recognitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_reports')),
    sa.UniqueConstraint('recognition_id', 'year', name=op.f('uq_annual_reports_recognition_id'))
    )
    with op.batch_alter_table('annual_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_reports_recognition_id'), ['recognition_id'], unique=False)

    with op.batch_alter_table('statistics_misses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_misses_recognition_id'))
        batch_op.drop_index(batch_op.f('ix_statistics_misses_jurisdiction'))

    op.drop_table('statistics_misses')
    with op.batch_alter_table('change_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_reports_recognition_id'))
        batch_op.drop_index(batch_op.f('ix_change_reports_jurisdiction'))

    op.drop_table('change_reports')
    with op.batch_alter_table('statistics_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_windows_jurisdiction'))

    op.drop_table('statistics_windows')
    with op.batch_alter_table('statistics_returns', schema=None) as batch_op:
        batch_op.drop_index('ix_statistics_returns_year_status')
        batch_op.drop_index(batch_op.f('ix_statistics_returns_space_id'))
        batch_op.drop_index(batch_op.f('ix_statistics_returns_checking_jurisdiction'))

    op.drop_table('statistics_returns')
