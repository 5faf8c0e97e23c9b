"""The trigram indexes of migration 0014 (issue 15): on PostgreSQL they exist after
``upgrade`` and go with a downgrade to 0013; SQLite gets none (its search scans, see
docs/operations.md); and the admin lists' searches, as sent through real HTTP, are planned
on them."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, inspect, text

from core.platform.extensions import db
from core.platform.models import Application, Organisation, Space
from tests.conftest import sent_statements
from tests.factories import login, make_user

TRIGRAM_INDEXES = {
    "applications": ["ix_applications_official_number_trgm"],
    "organisations": ["ix_organisations_name_trgm", "ix_organisations_uscc_trgm"],
    "spaces": ["ix_spaces_name_trgm"],
    "recognitions": ["ix_recognitions_certificate_number_trgm", "ix_recognitions_title_trgm"],
    "users": ["ix_users_login_trgm", "ix_users_name_trgm"],
    "audit_events": ["ix_audit_events_actor_name_trgm", "ix_audit_events_action_trgm",
                     "ix_audit_events_object_id_trgm"],
}


def trigram_indexes() -> set[str]:
    found = set()
    for table in TRIGRAM_INDEXES:
        found |= {ix["name"] for ix in inspect(db.engine).get_indexes(table) if ix["name"].endswith("_trgm")}
    return found


def test_trigram_indexes_on_postgresql_only_and_gone_with_downgrade(migrating_app):
    upgrade()
    expected = {name for names in TRIGRAM_INDEXES.values() for name in names}
    if db.engine.dialect.name == "postgresql":
        assert trigram_indexes() == expected
        with db.engine.connect() as conn:
            definition = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_spaces_name_trgm'"))
            assert "USING gin (name gin_trgm_ops)" in definition.scalar_one()
    else:
        assert trigram_indexes() == set()
    downgrade(revision="0013_lookup_indexes")
    assert trigram_indexes() == set()
    upgrade()
    assert len(trigram_indexes()) == (len(expected) if db.engine.dialect.name == "postgresql" else 0)


@pytest.fixture
def filled(app):
    """Two thousand organisations, spaces and 昆明 applications with distinct names,
    analysed, and an officer of 昆明 signed in."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's; SQLite has no trigram index")
    n = 2000
    db.session.execute(insert(Organisation), [
        {"id": 10_000 + i, "name": f"测试运营单位{i:05d}", "uscc": f"91530102MA{i:08d}", "entity_type": "enterprise",
         "registered_region": "530102"} for i in range(n)])
    db.session.execute(insert(Space), [
        {"id": 10_000 + i, "organisation_id": 10_000 + i, "name": f"测试众创空间{i:05d}", "region": "530102",
         "facts": {}, "version": 1} for i in range(n)])
    db.session.execute(insert(Application), [
        {"jurisdiction": "kunming", "category": "comprehensive_service", "space_id": 10_000 + i,
         "organisation_id": 10_000 + i, "status": "submitted", "official_number": f"KM-{i:05d}",
         "facts": {}, "form_data": {}, "version": 1} for i in range(n)])
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE applications, spaces, organisations"))
    client = app.test_client()
    assert login(client, make_user("officer", ["kunming"], login="km-search@example.cn")).status_code == 302
    return client


def plans_of(client, url: str, table: str) -> list[str]:
    """EXPLAIN of each statement on ``table`` the page sends (SQL and parameters as sent),
    with sequential scans switched off: can the query use the index (as 100 k rows make it)."""
    with sent_statements(with_parameters=True) as sent:
        assert client.get(url).status_code == 200
    on_table = [(s, p) for s, p in sent if f"\nFROM {table}" in s and "ILIKE" in s]
    assert on_table, sent
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        return ["\n".join(conn.exec_driver_sql("EXPLAIN " + s, p).scalars()) for s, p in on_table]


def test_application_search_finds_spaces_and_organisations_by_their_trigram_indexes(filled):
    plans = plans_of(filled, "/admin/application/?search=众创空间01234", "applications")
    assert len(plans) == 2  # the count and the page, both searched
    for plan in plans:
        assert "ix_spaces_name_trgm" in plan and "ix_organisations_name_trgm" in plan, plan


def test_organisation_search_uses_both_columns_trigram_indexes(filled):
    for plan in plans_of(filled, "/admin/organisation/?search=01234", "organisations"):
        assert "ix_organisations_name_trgm" in plan and "ix_organisations_uscc_trgm" in plan, plan
