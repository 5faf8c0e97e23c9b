"""Issue 13: the application list export opens in Excel with its Chinese intact.

The CSV starts with the UTF-8 byte-order mark (without it Excel reads the file as GBK and
shows 乱码), an ``.xlsx`` is offered beside it, both with the Chinese column labels as
headers and every cell through ``core.platform.exports.spreadsheet_safe`` (formula injection), and
both are named with the site's local date and time (Asia/Shanghai), not the server's UTC.
Real HTTP as an officer and as the admin, real database, the workbook read back with
openpyxl.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from core.platform.exports import BOM, XLSX_MIMETYPE, export_filename, xlsx_bytes
from tests.factories import login, make_application, make_org, make_space, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADERS = ["编号", "辖区", "类别", "众创空间", "申报单位", "状态", "当前环节"]


@pytest.fixture
def officer_client(app):
    space = make_space(make_org("=HYPERLINK(\"http://x\")昆明导出单位", region="530102"), "昆明导出空间")
    make_application("kunming", "comprehensive_service", space, status="submitted", current_step="district_review",
                     official_number="KM-2026-001")
    make_application("mile", "comprehensive", make_space(make_org("弥勒导出单位"), "弥勒导出空间"))
    client = app.test_client()
    assert login(client, make_user("officer", ["kunming"])).status_code == 302
    return client


def filename_of(response) -> str:
    header = response.headers["Content-Disposition"]
    match = re.search(r"filename\*=UTF-8''([^;]+)", header)
    assert match, header
    return unquote(match.group(1))


def stamp_of(name: str) -> datetime:
    match = re.search(r"_(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})\.", name)
    assert match, name
    return datetime.strptime(match.group(1), "%Y-%m-%d_%H-%M-%S").replace(tzinfo=SHANGHAI)


def assert_local_now(name: str):
    """The stamp read as Shanghai time is now (a UTC stamp would be 8 hours off)."""
    assert abs(stamp_of(name) - datetime.now(SHANGHAI)) < timedelta(minutes=2), name


def test_application_csv_has_the_bom_chinese_headers_and_a_local_time_name(officer_client):
    response = officer_client.get("/admin/application/export/csv/")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(BOM.encode("utf-8"))  # EF BB BF: Excel then reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix(BOM))))
    assert rows[0][:len(HEADERS)] == HEADERS
    assert len(rows) == 2  # the header and the one 昆明 application: scoped like the list
    row = dict(zip(rows[0], rows[1]))
    assert row["辖区"] == "昆明市" and row["状态"] == "已提交"
    assert row["当前环节"] == "县（市）区科技主管部门初审和实地查验"  # the step's name, not district_review
    assert row["申报单位"].startswith("'=HYPERLINK")  # formula neutralised
    name = filename_of(response)
    assert name.startswith("认定申请_") and name.endswith(".csv")
    assert_local_now(name)
    assert "filename=application_" in response.headers["Content-Disposition"]  # ASCII fallback


def test_application_xlsx_reads_back_with_chinese_headers_and_safe_cells(officer_client):
    response = officer_client.get("/admin/application/export/xlsx/")
    assert response.status_code == 200 and response.mimetype == XLSX_MIMETYPE
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:len(HEADERS)] == HEADERS
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    assert row["众创空间"] == "昆明导出空间" and row["状态"] == "已提交"
    assert row["申报单位"].startswith("'=HYPERLINK")
    assert all(c.data_type == "s" for r in sheet.iter_rows(min_row=2) for c in r if c.value is not None)
    name = filename_of(response)
    assert name.endswith(".xlsx")
    assert_local_now(name)


def test_the_list_offers_both_formats(officer_client):
    html = officer_client.get("/admin/application/").get_data(as_text=True)
    assert "/admin/application/export/csv/" in html and "/admin/application/export/xlsx/" in html


def test_an_unknown_export_type_is_refused_without_a_file(officer_client):
    response = officer_client.get("/admin/application/export/ods/")
    assert response.status_code == 302 and "Content-Disposition" not in response.headers


def test_an_empty_export_still_has_its_headers(app):
    client = app.test_client()
    assert login(client, make_user("officer", ["kunming"])).status_code == 302
    body = client.get("/admin/application/export/csv/").get_data().decode("utf-8")
    assert body.startswith(BOM) and body.removeprefix(BOM).splitlines()[0].startswith("编号,辖区")
    sheet = load_workbook(io.BytesIO(client.get("/admin/application/export/xlsx/").get_data())).active
    assert [c.value for c in next(sheet.iter_rows())][:2] == ["编号", "辖区"] and sheet.max_row == 1


@pytest.mark.parametrize("moment,expected", [
    # 23:59:59 UTC on 31 December is already 07:59:59 on 1 January in Shanghai: the name says the new year
    (datetime(2026, 12, 31, 23, 59, 59, tzinfo=ZoneInfo("UTC")), "申报_2027-01-01_07-59-59.csv"),
    (datetime(2026, 12, 31, 15, 59, 59, tzinfo=ZoneInfo("UTC")), "申报_2026-12-31_23-59-59.csv"),
    (datetime(2026, 12, 31, 16, 0, 0, tzinfo=ZoneInfo("UTC")), "申报_2027-01-01_00-00-00.csv"),
])
def test_export_filename_is_the_local_date_on_both_sides_of_midnight(moment, expected):
    assert export_filename("申报", "csv", moment.astimezone(SHANGHAI)) == expected


def test_xlsx_sheet_titles_excel_refuses_are_cleaned():
    book = load_workbook(io.BytesIO(xlsx_bytes("a/b:c*d?e[f]" + "长" * 40, ["列"], [["=1+1"], [None], [12]])))
    sheet = book.active
    assert len(sheet.title) == 31 and not set("/:*?[]") & set(sheet.title)
    assert [c.value for c in sheet["A"]] == ["列", "'=1+1", None, "12"]
