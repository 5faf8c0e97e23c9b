"""step_assignments: an officer assigns a stuck review step to a named recommender

Revision ID: 0010_step_assignment
Revises: 0009_organisation_verification
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_step_assignment'
down_revision = '0009_organisation_verification'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'step_assignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.String(length=64), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=False),
        sa.Column('assigned_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_step_assignments_application_id_applications')),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_step_assignments_assignee_id_users')),
        sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'],
                                name=op.f('fk_step_assignments_assigned_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_step_assignments')),
    )
    with op.batch_alter_table('step_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_assignments_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_step_assignments_assignee_id'), ['assignee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('step_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_assignments_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_step_assignments_application_id'))
    op.drop_table('step_assignments')
