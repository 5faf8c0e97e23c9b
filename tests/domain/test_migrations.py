"""The Alembic migrations, on SQLite and PostgreSQL, each on a database of its own
(the shared session schema of conftest is left alone):

- empty → head → base → head works, and base leaves no table behind;
- the migrated schema and the models agree (autogenerate finds no difference);
- the audit log refuses UPDATE and DELETE in SQL itself, not only through the ORM.
"""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from core.platform.extensions import db
from core.platform.models import on_this_database


def alembic_config(app):
    return app.extensions["migrate"].migrate.get_config()


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def model_tables() -> set[str]:
    return set(db.metadata.tables)


def schema_differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False,
                                                         "include_object": on_this_database(conn.dialect.name)})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade(migrating_app):
    assert tables() == set()
    upgrade()
    assert tables() == model_tables()
    downgrade(revision="base")
    assert tables() == set()
    upgrade()  # a downgrade leaves nothing (no native enum, no trigger function) that breaks the next upgrade
    assert tables() == model_tables()
    with db.engine.connect() as conn:
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert head == ScriptDirectory.from_config(alembic_config(migrating_app)).get_current_head()


def test_models_and_migrations_agree(migrating_app):
    upgrade()
    assert schema_differences() == []
    # the comparison does see a difference when there is one
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE calendar_days"))
    assert [d[0] for d in schema_differences()] == ["add_table"]


def test_every_revision_downgrades_one_step_and_back(migrating_app):
    upgrade()
    revisions = [r.revision for r in ScriptDirectory.from_config(alembic_config(migrating_app)).walk_revisions()]
    for _ in revisions[:-1]:
        downgrade(revision="-1")
    upgrade()
    assert schema_differences() == []


def audit_row_sql(conn) -> int:
    conn.execute(text(
        "INSERT INTO audit_events (occurred_at, action, object_type, actor_name, detail) "
        "VALUES (CURRENT_TIMESTAMP, 'test', 'x', 'system', '{}')"
    ))
    return conn.execute(text("SELECT max(id) FROM audit_events")).scalar_one()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'forged' WHERE id = :id",
    "DELETE FROM audit_events WHERE id = :id",
])
def test_audit_log_refuses_update_and_delete_in_sql(migrating_app, statement):
    upgrade()
    with db.engine.begin() as conn:
        row = audit_row_sql(conn)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement), {"id": row})
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_events WHERE id = :id"), {"id": row}).scalar_one() == "test"
