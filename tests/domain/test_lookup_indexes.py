"""The lookup indexes of migrations 0013 and 0015 (issue 15): they exist after ``upgrade`` and are
gone after a downgrade past their migration, on SQLite and PostgreSQL (0015's replaces 0013's
dashboard index); and on PostgreSQL the case timeline's query and the dashboard's count and
step-group queries, exactly as the app sends them, are planned on them (EXPLAIN names the index)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, inspect, text

from core.admin.dashboard import status_counts
from core.review.attendance import unattended_applications
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent
from core.review.admin_case import timeline_events
from tests.conftest import sent_statements
from tests.factories import make_application, make_space, make_user

TIMELINE_INDEX = "ix_audit_events_object_type_object_id"
DASHBOARD_INDEX = "ix_applications_jurisdiction_status"
STEP_GROUPS_INDEX = "ix_applications_step_groups"


# ---------------------------------------------------------------- exist after upgrade, gone after downgrade

def indexes(table: str) -> dict[str, list[str]]:
    return {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes(table)}


def test_indexes_exist_after_upgrade_and_go_with_downgrade(migrating_app):
    upgrade(revision="0013_lookup_indexes")
    assert indexes("audit_events")[TIMELINE_INDEX] == ["object_type", "object_id"]
    assert indexes("applications")[DASHBOARD_INDEX] == ["jurisdiction", "status"]
    downgrade(revision="0012_objection_receipts")
    assert TIMELINE_INDEX not in indexes("audit_events")
    assert DASHBOARD_INDEX not in indexes("applications")
    upgrade(revision="0013_lookup_indexes")
    assert TIMELINE_INDEX in indexes("audit_events") and DASHBOARD_INDEX in indexes("applications")


# ---------------------------------------------------------------- the planner uses them (PostgreSQL)

@pytest.fixture
def filled(app):
    """An officer of 昆明, and a few thousand applications and audit events spread over
    many objects and statuses, analysed, so the planner weighs the indexes on real statistics."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's; SQLite's planner is not what production runs")
    officer = make_user("officer", ("kunming",))
    application = make_application("kunming", "comprehensive_service")
    space = make_space()
    statuses = ["draft", "submitted", "in_review", "returned", "recognised", "rejected"]
    db.session.execute(insert(Application), [
        {"jurisdiction": ("kunming", "mile", "xuzhou")[n % 3], "category": "comprehensive_service",
         "space_id": space.id, "organisation_id": space.organisation_id, "status": statuses[n % len(statuses)],
         "facts": {}, "form_data": {}, "version": 1}
        for n in range(3000)
    ])
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    db.session.execute(insert(AuditEvent), [
        {"occurred_at": start + timedelta(minutes=n), "action": "workflow.submit", "object_type": "Application",
         "object_id": str(n % 1500), "jurisdiction": "kunming", "actor_name": "system", "detail": {}}
        for n in range(6000)
    ])
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # VACUUM sets the visibility map too, so index-only scans are costed as in production
        conn.execute(text("VACUUM ANALYZE applications, audit_events"))
    return officer, application


def plan_of(run, table: str) -> str:
    """The EXPLAIN of the one statement on ``table`` that ``run()`` sends, captured as sent
    (SQL and parameters); the others (the enabled jurisdictions' settings) are left aside."""
    connection = db.session.connection()
    # A few thousand rows fit in a few dozen pages, where a sequential scan costs least however
    # selective the filter; switching it off (for this transaction only) asks whether the
    # query *can* use the index, which is what a table of 100 k rows makes it prefer.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    with sent_statements(with_parameters=True) as sent:
        run()
    on_table = [(statement, parameters) for statement, parameters in sent if f"\nFROM {table}" in statement]
    assert len(on_table) == 1, sent
    statement, parameters = on_table[0]
    return "\n".join(connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars())


def test_case_timeline_uses_its_index(filled):
    officer, application = filled
    plan = plan_of(lambda: timeline_events(application, officer), "audit_events")
    assert TIMELINE_INDEX in plan, plan


def test_dashboard_counts_use_their_index(filled):
    officer, _ = filled
    plan = plan_of(lambda: status_counts(officer), "applications")
    assert STEP_GROUPS_INDEX in plan, plan  # migration 0015's, led by (jurisdiction, status)


# ---------------------------------------------------------------- migration 0015: the dashboard's step groups

def test_step_groups_index_exists_after_upgrade_and_goes_with_downgrade(migrating_app):
    upgrade()
    assert indexes("applications")[STEP_GROUPS_INDEX] == [
        "jurisdiction", "status", "category", "policy_document", "current_step", "submitted_on"]
    assert DASHBOARD_INDEX not in indexes("applications")  # replaced: its two columns lead the new one
    downgrade(revision="0014_search_trigrams")
    assert STEP_GROUPS_INDEX not in indexes("applications") and DASHBOARD_INDEX in indexes("applications")
    upgrade()
    assert STEP_GROUPS_INDEX in indexes("applications") and DASHBOARD_INDEX not in indexes("applications")


def test_unattended_groups_are_read_from_their_index(filled):
    """The grouping statement of core.review.attendance.unattended_applications, as sent,
    is answered from the index alone (an index-only scan: no row of the table is read)."""
    officer, _ = filled
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    with sent_statements(with_parameters=True) as sent:
        unattended_applications(officer)
    (statement, parameters), = [(s, p) for s, p in sent if "GROUP BY applications.jurisdiction" in s]
    plan = "\n".join(connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars())
    assert f"Index Only Scan using {STEP_GROUPS_INDEX}" in plan, plan
