"""objections: a receipt number (受理回执号 YY-YYYYMMDD-NNNN) shown to the objector and to officers

Revision ID: 0012_objection_receipts
Revises: 0011_certificate_title
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_objection_receipts'
down_revision = '0011_certificate_title'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_number', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_objections_receipt_number'), ['receipt_number'])
    # Objections filed before this revision get their number from the day they were filed.
    objections = sa.table('objections', sa.column('id', sa.Integer), sa.column('created_at', sa.String),
                          sa.column('receipt_number', sa.String))
    bind = op.get_bind()
    for row in bind.execute(sa.select(objections.c.id, objections.c.created_at)).all():
        day = str(row.created_at or '0000-00-00')[:10].replace('-', '')
        bind.execute(objections.update().where(objections.c.id == row.id)
                     .values(receipt_number=f'YY-{day}-{row.id:04d}'))


def downgrade():
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_objections_receipt_number'), type_='unique')
        batch_op.drop_column('receipt_number')
