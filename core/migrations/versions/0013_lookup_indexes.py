"""lookup indexes: the case timeline's audit_events (object_type, object_id) and the
dashboard's applications (jurisdiction, status) (issue 15)

Plain ``op.create_index``, not a batch: on SQLite a batch may copy the table, and a copy
of audit_events would lose its append-only triggers (0001).

Revision ID: 0013_lookup_indexes
Revises: 0012_objection_receipts
Create Date: 2026-12-10 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013_lookup_indexes'
down_revision = '0012_objection_receipts'
branch_labels = None
depends_on = None


def upgrade():
    # core.review.admin_case.timeline_events filters by both columns.
    op.create_index('ix_audit_events_object_type_object_id', 'audit_events', ['object_type', 'object_id'],
                    unique=False)
    # core.admin.dashboard.status_counts: GROUP BY status within one jurisdiction.
    op.create_index('ix_applications_jurisdiction_status', 'applications', ['jurisdiction', 'status'],
                    unique=False)


def downgrade():
    op.drop_index('ix_applications_jurisdiction_status', table_name='applications')
    op.drop_index('ix_audit_events_object_type_object_id', table_name='audit_events')
