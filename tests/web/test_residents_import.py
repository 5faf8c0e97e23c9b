"""Residents imported from the Excel template: all or nothing, row-by-row Chinese
errors, the file judged by its content — real HTTP with CSRF on."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.conftest import csrf_token
from core.platform.extensions import db
from core.platform.models import AuditEvent, Resident
from core.intake.residents_import import HEADERS
from factories import login, make_org, make_space, make_user

GOOD = [
    ("云岭智造", "企业", "是", "2025-03-01", "2025-01-15", "是", "传感器", 12, "0871-1234567"),
    ("滇茶数科", "团队", "否", datetime(2025, 4, 2), None, "否", None, None, None),
]


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def setup(app, client):
    org = make_org(region="530102")
    space = make_space(org, name="滇池创客空间")
    user = make_user(role="applicant", organisation=org)
    login(client, user)
    return space, user


def upload(client, space, data: bytes, name: str = "residents.xlsx"):
    url = f"/portal/space/{space.id}/residents/import"
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def residents() -> int:
    return db.session.scalar(select(func.count()).select_from(Resident))


def test_template_is_an_xlsx_with_the_chinese_header(client, setup):
    response = client.get("/portal/space/residents-template.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert HEADERS == ("名称", "类型(企业/团队)", "经营项目是否符合方向(是/否)", "入驻日期", "成立日期",
                       "是否在空间注册(是/否)", "主要产品", "从业人数", "联系电话")


def test_good_file_imports_every_row(client, setup):
    space, user = setup
    response = upload(client, space, workbook(GOOD))
    assert response.status_code == 302
    rows = db.session.scalars(select(Resident).where(Resident.space_id == space.id).order_by(Resident.id)).all()
    assert [(r.name, r.kind, r.qualifying_field, r.entered_on, r.established_on, r.registered_in_space)
            for r in rows] == [
        ("云岭智造", "enterprise", True, date(2025, 3, 1), date(2025, 1, 15), True),
        ("滇茶数科", "team", False, date(2025, 4, 2), None, False)]
    assert (rows[0].main_product, rows[0].employees, rows[0].phone) == ("传感器", 12, "0871-1234567")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "space.residents_import")).one()
    assert event.actor_id == user.id and event.detail["rows"] == 2


def test_two_bad_rows_are_both_reported_and_nothing_is_written(client, setup):
    space, _ = setup
    rows = GOOD + [
        ("花城设计", "企业", "是", "2026-13-01", None, "是", None, None, None),  # row 4
        ("星火团队", "公司", "也许", "2025-05-01", None, "是", None, -3, None),  # row 5
        ("", "", "", "", "", "", "", "", ""),  # blank, skipped
    ]
    response = upload(client, space, workbook(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "行 4：入驻日期 “2026-13-01” 不是有效日期" in html
    assert "行 5：类型应为 企业/团队，实为 “公司”" in html
    assert "经营项目是否符合方向应为 是/否，实为 “也许”" in html and "从业人数不能为负数" in html
    assert "行 2" not in html and "行 3" not in html
    assert residents() == 0
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "space.residents_import")) == 0


def test_duplicates_in_the_file_and_in_the_space_are_refused(client, setup):
    space, _ = setup
    assert upload(client, space, workbook(GOOD[:1])).status_code == 302
    response = upload(client, space, workbook([GOOD[1], GOOD[1], GOOD[0]]))
    html = response.get_data(as_text=True)
    assert "行 3：名称 “滇茶数科” 与行 2 重复" in html
    assert "行 4：名称 “云岭智造” 已在本众创空间的入驻名单中" in html
    assert residents() == 1


def test_non_xlsx_renamed_xlsx_is_refused(client, setup):
    space, _ = setup
    for data in (b"%PDF-1.4 not a workbook", "名称,类型\n云岭智造,企业\n".encode(), b"PK\x03\x04broken zip"):
        response = upload(client, space, data, name="residents.xlsx")
        assert response.status_code == 400
        assert "文件不是 Excel（.xlsx）工作簿" in response.get_data(as_text=True)
    assert residents() == 0


def test_wrong_header_or_empty_or_too_large_refused(client, app, setup):
    space, _ = setup
    response = upload(client, space, workbook(GOOD, headers=("名称", "类型")))
    assert "第 1 行应为模板的表头" in response.get_data(as_text=True)
    response = upload(client, space, workbook([]))
    assert "工作簿中没有数据行" in response.get_data(as_text=True)
    data = workbook(GOOD)
    app.config["UPLOAD_MAX_BYTES"] = len(data) - 1
    response = upload(client, space, data)
    assert "文件过大" in response.get_data(as_text=True)
    app.config["UPLOAD_MAX_BYTES"] = len(data)  # exactly the limit: accepted
    assert upload(client, space, data).status_code == 302


def test_no_file_chosen(client, setup):
    space, _ = setup
    url = f"/portal/space/{space.id}/residents/import"
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 400 and "请选择要上传的 Excel（.xlsx）文件" in response.get_data(as_text=True)


def test_another_applicants_space_is_404_and_csrf_is_checked(client, setup):
    space, _ = setup
    foreign = make_space(make_org(), name="别家空间")
    assert client.get(f"/portal/space/{foreign.id}/residents/import").status_code == 404
    assert upload(client, foreign, workbook(GOOD)).status_code == 404
    response = client.post(f"/portal/space/{space.id}/residents/import",
                           data={"file": (io.BytesIO(workbook(GOOD)), "r.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert residents() == 0
