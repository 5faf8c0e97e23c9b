"""Issue 12 item 10: no exported cell runs as a spreadsheet formula (CSV injection).

Every Flask-Admin view that exports (found from the admin itself, so a new view is
covered by default), the case timeline CSV and the residents template, with user text
starting with = + - @ tab and carriage return.  Real HTTP as the admin, real database.
"""
from __future__ import annotations

import csv
import io

import pytest
from flask_admin.contrib.sqla import ModelView
from openpyxl import load_workbook

from core.platform import audit

from core.intake import residents_import
from core.platform.exports import XLSX_MIMETYPE, spreadsheet_safe
from core.platform.extensions import db
from tests.factories import login, make_application, make_org, make_space, make_user

HOSTILE = ("=HYPERLINK(\"http://evil.example\",\"点击\")", "@SUM(1+1)", "+1+1", "-2+3", "\t=1+1", "\r=1+1")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def cells(response) -> list[str]:
    """Every cell of an exported CSV or xlsx file."""
    assert response.status_code == 200
    if response.mimetype == XLSX_MIMETYPE:
        book = load_workbook(io.BytesIO(response.get_data()))
        return ["" if c.value is None else str(c.value) for r in book.active.iter_rows() for c in r]
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_neutralised(found: list[str], *expected: str):
    for cell in found:
        assert not cell.startswith(DANGEROUS), f"formula cell exported: {cell!r}"
    for value in expected:
        assert any(cell.startswith("'" + value) for cell in found), f"{value!r} missing or changed"


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("昆明众创空间", "昆明众创空间"), ("a=1", "a=1"), (" =1", " =1"), (None, ""), (12, "12"),
    ("", ""),
])
def test_spreadsheet_safe_prefixes_only_what_a_spreadsheet_would_run(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.fixture
def hostile_world(app):
    org = make_org(HOSTILE[0], region="530102", contact_name=HOSTILE[1], contact_phone=HOSTILE[3])
    space = make_space(org, name=HOSTILE[1], address=HOSTILE[2])
    application = make_application("kunming", "comprehensive_service", space=space, status="submitted",
                                   official_number=HOSTILE[2])
    audit.record("admin_update", application, opinion=HOSTILE[4], note=HOSTILE[5])
    db.session.commit()
    admin = make_user("admin", login="admin@zhongchuang.demo", name=HOSTILE[3])
    client = app.test_client()
    assert login(client, admin).status_code == 302
    return client, application


def test_organisation_and_application_exports_neutralise_formulas(hostile_world):
    client, _ = hostile_world
    assert_neutralised(cells(client.get("/admin/organisation/export/csv/")), HOSTILE[0], HOSTILE[1], HOSTILE[3])
    # the application export names the organisation and the space
    assert_neutralised(cells(client.get("/admin/application/export/csv/")), HOSTILE[0], HOSTILE[1], HOSTILE[2])
    assert_neutralised(cells(client.get("/admin/space/export/csv/")), HOSTILE[1])
    assert_neutralised(cells(client.get("/admin/auditevent/export/csv/")), HOSTILE[3])


def test_every_admin_export_neutralises_formulas(app, hostile_world):
    client, _ = hostile_world
    admin = app.extensions["admin"][0]
    exporting = [v for v in admin._views if isinstance(v, ModelView) and v.can_export]
    # organisation, space, application, audit, titles, notices, calls…; the subsidies are exported by the
    # money desk's own workbook (formula-safe: tests/web/test_money_desk.py)
    assert len(exporting) >= 7
    for view in exporting:
        for export_type in view.export_types:
            response = client.get(f"{view.url}/export/{export_type}/")
            assert_neutralised(cells(response))


def test_timeline_csv_neutralises_formulas(hostile_world):
    client, application = hostile_world
    found = cells(client.get(f"/admin/case/{application.id}/timeline.csv"))
    assert_neutralised(found, HOSTILE[4])


def test_residents_template_has_no_formula_cell():
    book = load_workbook(io.BytesIO(residents_import.template_bytes()))
    values = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert values and not any(v.startswith(DANGEROUS) for v in values)
