"""intake and scores: an expert's declared conflict of interest

Revision ID: 0004_intake_and_scores
Revises: 0003_workflow
Create Date: 2026-11-23 10:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_intake_and_scores'
down_revision = '0003_workflow'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('expert_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflict_declared_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('conflict_note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('expert_assignments', schema=None) as batch_op:
        batch_op.drop_column('conflict_note')
        batch_op.drop_column('conflict_declared_at')
