"""search trigrams: GIN trigram indexes (pg_trgm) for the admin lists' searches (issue 15)

The admin lists search with ``ILIKE '%word%'`` (core.accounts.admin_access
``ScopedModelView._apply_search``), which a B-tree cannot serve; a trigram index can, on
PostgreSQL.  ``pg_trgm`` ships with PostgreSQL and is a trusted extension (13+): the
database's owner may create it.  SQLite has no such index: there the search scans the
table, which an office's SQLite database of a few thousand rows does in milliseconds
(docs/operations.md).  The downgrade drops the indexes and keeps the extension, which
other databases objects may have come to use.

Revision ID: 0014_search_trigrams
Revises: 0013_lookup_indexes
Create Date: 2026-12-03 18:30:00

"""
from alembic import op


revision = '0014_search_trigrams'
down_revision = '0013_lookup_indexes'
branch_labels = None
depends_on = None

# (table, column): every column of a ``column_searchable_list`` in core/admin/views.py
# whose table can grow to a province's size.
SEARCHED = (
    ('applications', 'official_number'),
    ('organisations', 'name'),
    ('organisations', 'uscc'),
    ('spaces', 'name'),
    ('recognitions', 'certificate_number'),
    ('recognitions', 'title'),
    ('users', 'login'),
    ('users', 'name'),
    ('audit_events', 'actor_name'),
    ('audit_events', 'action'),
    ('audit_events', 'object_id'),
)


def index_name(table: str, column: str) -> str:
    return f'ix_{table}_{column}_trgm'


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for table, column in SEARCHED:
        op.create_index(index_name(table, column), table, [column], unique=False,
                        postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column in reversed(SEARCHED):
        op.drop_index(index_name(table, column), table_name=table)
