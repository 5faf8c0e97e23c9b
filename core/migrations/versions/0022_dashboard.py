"""dashboard indexes: the moves of a period, the move before one, the waiting applications,
the titles per year (issue 20)

The dashboard at a glance (``core.admin.glance``) at a province's scale (benchmarks/dashboard.py):

- ``ix_review_records_created_at``: the moves of the last days (the stays ended in the last
  90 days, the applications moved since an overdue cutoff) without reading every move;
- ``ix_review_records_moves`` (application, moment, id, action, step): the move before a given one
  read from the index alone, one backward step; its first column replaces
  ``ix_review_records_application_id`` (one index fewer to write with every move);
- ``ix_applications_waiting`` (status, jurisdiction, submission day, last change, id): the overdue
  count over the active applications from the index alone;
- ``ix_applications_scope`` (id, jurisdiction, status, category): the scope and category of each
  stay's application, looked up by id from the index alone (time in each step);
- ``ix_recognitions_granted`` (jurisdiction, grant day, level): titles per year and level.

Revision ID: 0022_dashboard
Revises: 0021_public
Create Date: 2026-12-04 16:29:26

"""
from alembic import op


revision = '0022_dashboard'
down_revision = '0021_public'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_waiting', ['status', 'jurisdiction', 'submitted_on', 'updated_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_applications_scope', ['id', 'jurisdiction', 'status', 'category'], unique=False)

    with op.batch_alter_table('recognitions', schema=None) as batch_op:
        batch_op.create_index('ix_recognitions_granted', ['jurisdiction', 'granted_on', 'level'], unique=False)

    with op.batch_alter_table('review_records', schema=None) as batch_op:
        batch_op.create_index('ix_review_records_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_review_records_moves', ['application_id', 'created_at', 'id', 'action', 'step'],
                              unique=False)
        batch_op.drop_index('ix_review_records_application_id')


def downgrade():
    with op.batch_alter_table('review_records', schema=None) as batch_op:
        batch_op.create_index('ix_review_records_application_id', ['application_id'], unique=False)
        batch_op.drop_index('ix_review_records_moves')
        batch_op.drop_index('ix_review_records_created_at')

    with op.batch_alter_table('recognitions', schema=None) as batch_op:
        batch_op.drop_index('ix_recognitions_granted')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_scope')
        batch_op.drop_index('ix_applications_waiting')
