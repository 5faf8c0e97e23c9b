"""Issue 15: admin exports are streamed, a chunk of rows at a time, from the list's own query.

The response is a stream whose first chunk (the headers) leaves before any row is read; the
number of SQL statements of an export is the same for 3 rows as for 120 (no query per row,
relationships and looked-up records loaded per chunk); the JSON columns nobody exports are
never selected; the rows are exactly Flask-Admin's own (scope, search, filters, sort,
``export_max_rows``), in CSV and in xlsx.  Real HTTP, real database (SQLite and PostgreSQL),
statements counted with a SQLAlchemy ``before_cursor_execute`` listener.
"""
from __future__ import annotations

import csv
import gc
import io
import itertools
import re
from datetime import date

import pytest
from flask_admin.contrib.sqla import ModelView
from flask_login import login_user
from openpyxl import load_workbook

from core.facts import make_uscc
from core.platform import audit
from core.platform.exports import BOM, XLSX_CHUNK_BYTES, XLSX_MIMETYPE, collector_paused, xlsx_stream
from core.platform.extensions import db
from core.platform.models import Application, Call, Organisation, Recognition, Space, SubsidyEntitlement
from tests.conftest import sent_statements
from tests.factories import REGIONS, login, make_user

_serial = itertools.count(1)


def add_units(count: int, jurisdiction: str = "kunming", status: str = "submitted") -> None:
    """``count`` times an organisation, its space, an application with an audit event about
    it, a title and an entitlement of that title — added in bulk, one commit."""
    region = REGIONS[jurisdiction]
    for _ in range(count):
        n = next(_serial)
        org = Organisation(name=f"导出单位{n}", uscc=make_uscc(region, f"MB{n:06d}"[:8]), registered_region=region)
        space = Space(organisation=org, name=f"导出空间{n}", region=region, opened_on=date(2020, 1, 1),
                      facts={"area": n})
        application = Application(jurisdiction=jurisdiction, category="comprehensive_service"
                                  if jurisdiction == "kunming" else "comprehensive", space=space, organisation=org,
                                  status=status, submitted_on=date(2026, 3, 2), official_number=f"NO-{n:05d}",
                                  facts={"area": n}, form_data={"note": "x"})
        recognition = Recognition(space=space, jurisdiction=jurisdiction, title=f"称号{n}",
                                  certificate_number=f"C-{n:05d}", level="municipal", granted_on=date(2026, 5, 1))
        db.session.add_all([org, space, application, recognition])
        db.session.flush()
        db.session.add(SubsidyEntitlement(recognition_id=recognition.id, jurisdiction=jurisdiction, rule_code="r",
                                          kind="一次性补助", amount_cny=1000 + n, citation={"article": "第三条"}))
        audit.record("workflow.advance", application, from_state="draft", to_state=status, note=f"n{n}")
    db.session.commit()


statements = sent_statements


def csv_rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def xlsx_rows(body: bytes) -> list[list]:
    return [[c.value for c in r] for r in load_workbook(io.BytesIO(body)).active.iter_rows()]


def view_of(app, endpoint: str):
    return next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == endpoint)


def filter_arg(view, column: str) -> str:
    return next(key for key, (_, flt) in view._filter_args.items() if flt.column.key == column)


@pytest.fixture
def admin_client(app):
    client = app.test_client()
    assert login(client, make_user("admin", login="admin@zhongchuang.demo")).status_code == 302
    return client


@pytest.fixture
def kunming_client(app):
    client = app.test_client()
    assert login(client, make_user("officer", ["kunming"])).status_code == 302
    return client


def test_the_csv_leaves_in_chunks_the_headers_before_any_row_is_read(app, kunming_client, monkeypatch):
    add_units(5)
    monkeypatch.setattr(view_of(app, "application"), "export_chunk_rows", 2)
    with statements() as seen:
        response = kunming_client.get("/admin/application/export/csv/", buffered=False)
        assert response.is_streamed and response.status_code == 200
        chunks = iter(response.response)
        first = next(chunks)
        assert not any("FROM applications" in s for s in seen)  # nothing read yet
        rest = list(chunks)
        response.close()
    assert first.decode("utf-8").startswith(BOM + "编号,辖区")
    assert len(csv_rows(first)) == 1  # the headers alone
    assert [len(csv_rows(BOM.encode() + c)) for c in rest] == [2, 2, 1]  # 5 rows, 2 per chunk
    assert sum(1 for s in seen if re.search(r"FROM applications\b", s) and "count(" not in s.lower()) == 1


def test_the_xlsx_leaves_in_chunks_and_reads_back_with_its_cells(app, kunming_client):
    add_units(3)
    add_units(2, "mile")
    response = kunming_client.get("/admin/application/export/xlsx/", buffered=False)
    assert response.is_streamed and response.mimetype == XLSX_MIMETYPE
    chunks = list(response.response)
    response.close()
    assert chunks and all(0 < len(c) <= XLSX_CHUNK_BYTES for c in chunks)
    book = load_workbook(io.BytesIO(b"".join(chunks)))
    sheet = book.active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:3] == ["编号", "辖区", "类别"] and all(c.font.b for c in sheet[1])
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {"昆明市"}  # kunming's only
    assert all(c.data_type == "s" for r in sheet.iter_rows(min_row=2) for c in r if c.value is not None)


def test_a_big_workbook_comes_in_many_chunks_of_the_given_size():
    rows = ([f"=行{i}", i] for i in range(3000))
    chunks = list(xlsx_stream("表", ["甲", "乙"], rows, chunk_bytes=4096))
    assert len(chunks) > 3 and all(len(c) == 4096 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 4096
    values = xlsx_rows(b"".join(chunks))
    assert len(values) == 3001 and values[1] == ["'=行0", "0"] and values[-1] == ["'=行2999", "2999"]


@pytest.mark.parametrize("endpoint", ["application", "auditevent", "space", "organisation", "recognition"])
def test_the_statements_of_an_export_do_not_grow_with_its_rows(app, admin_client, endpoint):
    counts, rows = [], []
    for total in (3, 120):
        add_units(total - (counts and 3 or 0))
        with statements() as seen:
            body = admin_client.get(f"/admin/{endpoint}/export/csv/").get_data()
        rows.append(len(csv_rows(body)) - 1)
        counts.append(len(seen))
    extra = 1 if endpoint == "auditevent" else 0  # the admin's sign-in is in the log too
    assert rows == [3 + extra, 120 + extra]  # every row, once
    assert counts[0] == counts[1], counts


def test_no_json_column_is_selected_but_those_exported(app, admin_client):
    add_units(3)
    for endpoint in ("application", "space", "auditevent", "recognition"):
        with statements() as seen:
            assert admin_client.get(f"/admin/{endpoint}/export/csv/").status_code == 200
        text = "\n".join(seen)
        assert not re.search(r"\.(facts|form_data|detail)\b", text), endpoint
    with statements() as seen:
        admin_client.get("/admin/application/export/xlsx/").get_data()
    assert "applications.official_number" in "\n".join(seen)  # the exported columns are read
    assert not re.search(r"\.(facts|form_data)\b", "\n".join(seen))


def test_an_officer_never_gets_another_bureaus_rows(app, kunming_client):
    add_units(4)
    add_units(3, "mile")
    for endpoint in ("application", "auditevent", "recognition"):
        csv_body = kunming_client.get(f"/admin/{endpoint}/export/csv/").get_data()
        xlsx_body = kunming_client.get(f"/admin/{endpoint}/export/xlsx/").get_data()
        for rows in (csv_rows(csv_body), xlsx_rows(xlsx_body)):
            jurisdiction = rows[0].index("辖区")
            assert len(rows) == 5 and {r[jurisdiction] for r in rows[1:]} == {"昆明市"}, endpoint


def test_search_filters_sort_and_the_row_cap_apply(app, admin_client, monkeypatch):
    add_units(3)
    add_units(2, status="draft")
    add_units(2, "mile")
    view = view_of(app, "application")
    status = filter_arg(view, "status")
    rows = csv_rows(admin_client.get(f"/admin/application/export/csv/?flt0_{status}=draft").get_data())
    assert len(rows) == 3 and {r[rows[0].index("状态")] for r in rows[1:]} == {"草稿"}
    wanted = Application.query.filter_by(status="draft").first().official_number
    rows = xlsx_rows(admin_client.get(f"/admin/application/export/xlsx/?search={wanted}").get_data())
    assert len(rows) == 2 and rows[1][rows[0].index("受理编号")] == wanted
    ids = [int(r[0]) for r in csv_rows(admin_client.get("/admin/application/export/csv/").get_data())[1:]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 7  # the list's default sort: newest first
    ascending = [int(r[0]) for r in csv_rows(admin_client.get("/admin/application/export/csv/?sort=0").get_data())[1:]]
    assert ascending == sorted(ids)
    monkeypatch.setattr(view, "export_max_rows", 2)
    rows = csv_rows(admin_client.get("/admin/application/export/csv/?sort=0").get_data())
    assert [int(r[0]) for r in rows[1:]] == sorted(ids)[:2]


@pytest.mark.parametrize("query", ["", "?search=NO-0", "?sort=1&desc=1"])
def test_every_export_has_exactly_flask_admins_own_rows(app, query):
    """The streamed rows equal what Flask-Admin's ``_export_data`` (``query.all()``) gave."""
    add_units(4)
    add_units(3, "mile", status="draft")
    officer = make_user("officer", ["kunming"])
    admin = make_user("admin")
    views = [v for v in app.extensions["admin"][0]._views if isinstance(v, ModelView) and v.can_export]
    assert len(views) >= 7  # issue 18: the entitlements are on the money desk, not a model view
    filled = set()  # the views the comparison had rows for
    for user in (admin, officer):
        for view in views:
            with app.test_request_context(f"{view.url}/export/csv/{query}"):
                login_user(user)
                names = [name for name, _ in view._export_columns]
                expected = [[view.get_export_value(m, n) for n in names] for m in view._export_data()[1]]
                # the same rows; their order is the database's among rows the sort ties
                # (e.g. titles granted on the same day), in both (order: the test above)
                assert sorted(view._export_rows()) == sorted(expected), (view.endpoint, user.role)
                if expected:
                    filled.add(view.endpoint)
    assert filled >= ({"application"} if query == "?search=NO-0" else
                      {"application", "auditevent", "space", "organisation", "recognition"})


def test_export_eager_loads_a_relationship_once_per_chunk(app, admin_client, monkeypatch):
    """A formatter reading a relationship no column joins (here the application's call)."""
    view = view_of(app, "application")
    monkeypatch.setattr(view, "export_eager", ("call",))
    monkeypatch.setattr(view, "export_chunk_rows", 4)
    monkeypatch.setitem(view.column_formatters_export, "official_number", lambda v, c, m, n: m.call.title)
    call = Call(jurisdiction="kunming", title="=昆明申报通知", opens_on=date(2026, 1, 1), closes_on=date(2026, 2, 1),
                categories=["comprehensive_service"])
    db.session.add(call)
    add_units(10)
    Application.query.update({"call_id": call.id})
    db.session.commit()
    with statements() as seen:
        rows = csv_rows(admin_client.get("/admin/application/export/csv/").get_data())
    assert [r[rows[0].index("受理编号")] for r in rows[1:]] == ["'=昆明申报通知"] * 10
    assert sum(1 for s in seen if re.search(r"FROM calls\b", s)) == 3  # chunks of 4, 4 and 2 rows


def test_the_cycle_collector_is_paused_only_while_a_chunk_is_built(app, kunming_client, monkeypatch):
    add_units(5)
    monkeypatch.setattr(view_of(app, "application"), "export_chunk_rows", 2)
    assert gc.isenabled()
    response = kunming_client.get("/admin/application/export/csv/", buffered=False)
    between = []
    for _ in response.response:
        between.append(gc.isenabled())  # never held while the client is being served
    response.close()
    assert between == [True] * 4  # the headers, then chunks of 2, 2 and 1 rows


def test_collector_pauses_nest_and_leave_the_collector_as_it_was():
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off: left off
    finally:
        gc.enable()
