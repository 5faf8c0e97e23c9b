"""step groups index: the dashboard's 无人可办理 groups the active applications by what
fixes their step (issue 15)

``core.review.attendance.unattended_applications`` groups the applications in scope and
active by jurisdiction, status, category, policy document, current step (and submission
day where no document is named); with every one of those columns in one index the database
answers from the index alone instead of reading 60,000 rows of the table.  Its first two
columns are those of 0013's ``ix_applications_jurisdiction_status`` (the dashboard's counts
by status), which it replaces: one index fewer to write with every application.

Revision ID: 0015_step_groups_index
Revises: 0014_search_trigrams
Create Date: 2026-12-03 19:45:00

"""
from alembic import op


revision = '0015_step_groups_index'
down_revision = '0014_search_trigrams'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_applications_jurisdiction_status', table_name='applications')
    op.create_index('ix_applications_step_groups', 'applications',
                    ['jurisdiction', 'status', 'category', 'policy_document', 'current_step', 'submitted_on'],
                    unique=False)


def downgrade():
    op.drop_index('ix_applications_step_groups', table_name='applications')
    op.create_index('ix_applications_jurisdiction_status', 'applications', ['jurisdiction', 'status'], unique=False)
