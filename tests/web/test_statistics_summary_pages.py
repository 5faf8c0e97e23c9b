"""统计汇总 in the admin and the dashboard's charts (issue 16), through real HTTP: who may open
them, what each sees (an officer of 弥勒 never sees 昆明's spaces), the workbook, the SVG.
Real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from core.platform import clock
from tests.factories import login, make_space, make_title, make_user
from tests.statistics_helpers import accepted_return

URL = "/admin/statistics-summary/"


@pytest.fixture
def world(app):
    clock.freeze(date(2026, 3, 1))  # last year: 2025
    mile = make_space(name="弥勒甲众创空间", region="532504")
    make_title("mile", mile, granted_on=date(2023, 6, 1))
    accepted_return(mile, 2025, financing_total=111)
    accepted_return(mile, 2024, financing_total=11)
    kunming = make_space(name="昆明乙众创空间", region="530102")
    make_title("kunming", kunming, granted_on=date(2023, 6, 1))
    make_title("yunnan", kunming, granted_on=date(2024, 6, 1))
    accepted_return(kunming, 2025, financing_total=222)
    return {"mile": mile, "kunming": kunming}


def _client(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def test_an_officer_sees_his_jurisdictions_roll_up_and_never_anothers(app, world):
    client = _client(app, make_user("officer", ["mile"]))
    html = client.get(URL).get_data(as_text=True)
    assert "弥勒甲众创空间" in html and "昆明乙众创空间" not in html
    assert 'id="total-financing_total"><td lang="zh">投融资总额</td><td class="text-right">111<' in html
    assert 'value="all"' not in html and "全部辖区" not in html  # the whole deployment is the admin's
    for other in ("kunming", "yunnan", "all", "atlantis"):
        assert client.get(f"{URL}?jurisdiction={other}&year=2025").status_code == 404, other
        assert client.get(f"{URL}export.xlsx?jurisdiction={other}&year=2025").status_code == 404, other
    html_2024 = client.get(f"{URL}?jurisdiction=mile&year=2024").get_data(as_text=True)
    assert 'class="text-right">11<' in html_2024


def test_the_admin_rolls_up_the_whole_deployment_counting_a_space_with_two_titles_once(app, world):
    client = _client(app, make_user("admin"))
    html = client.get(URL).get_data(as_text=True)  # 全部辖区 by default for the admin
    assert "全部辖区" in html
    assert html.count('id="space-') == 2
    row = html.split(f'id="space-{world["kunming"].id}"')[1].split("</tr>")[0]
    assert "昆明市" in row and "云南省" in row  # one row, both titles
    assert 'id="total-financing_total"><td lang="zh">投融资总额</td><td class="text-right">333<' in html
    yunnan = client.get(f"{URL}?jurisdiction=yunnan&year=2025").get_data(as_text=True)
    assert yunnan.count('id="space-') == 1 and "昆明乙众创空间" in yunnan


@pytest.mark.parametrize("role", ["expert", "recommender", "applicant"])
def test_other_roles_are_refused(app, world, role):
    user = make_user(role, [] if role == "applicant" else ["mile"])
    client = _client(app, user)
    for url in (URL, f"{URL}export.xlsx", f"{URL}chart.svg?kind=counts"):
        assert client.get(url).status_code == 403, url
    assert app.test_client().get(URL).status_code == 302  # anonymous: to the login page


def test_a_bad_year_is_said_in_chinese_next_to_the_field_and_kept(app, world):
    client = _client(app, make_user("officer", ["mile"]))
    for typed in ("20x5", "1999", "2027"):
        response = client.get(f"{URL}?jurisdiction=mile&year={typed}")
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert f'value="{typed}"' in html and 'id="year-error"' in html and "请填写 2000 至 2026 之间的年份" in html
        assert 'id="summary-rows"' not in html
    assert client.get(f"{URL}export.xlsx?jurisdiction=mile&year=20x5").status_code == 400


def test_the_workbook_downloads_with_chinese_headers_and_only_what_the_officer_may_see(app, world):
    client = _client(app, make_user("officer", ["kunming"]))
    response = client.get(f"{URL}export.xlsx?jurisdiction=kunming&year=2025")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.get_data()))
    rows = list(book["统计数据"].iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "众创空间名称", "运营主体") and "投融资总额（千元）" in rows[0]
    assert [r[1] for r in rows[1:]] == ["昆明乙众创空间"]
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["辖区"] == "昆明市" and summary["投融资总额"] == 222 and summary["统计年度"] == "2025"


def test_the_dashboard_shows_the_charts_and_their_numbers_within_scope(app, world):
    client = _client(app, make_user("officer", ["mile"]))
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="chart-counts"' in html and "/admin/statistics-summary/chart.svg?kind=money" in html
    assert re.findall(r'<tr id="yearly-(\d+)">', html) == ["2021", "2022", "2023", "2024", "2025"]
    row_2025 = html.split('id="yearly-2025"')[1].split("</tr>")[0]
    assert "<td>1</td>" in row_2025 and "<td>111</td>" in row_2025  # 弥勒's only: not 昆明's 222
    assert "年度统计（近五年）" in html and "投融资总额（千元）" in html


@pytest.mark.parametrize("kind", ["counts", "money"])
def test_the_chart_is_an_svg_with_no_script_and_no_outside_address(app, world, kind):
    client = _client(app, make_user("admin"))
    response = client.get(f"{URL}chart.svg?kind={kind}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    svg = response.get_data(as_text=True)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<script" not in svg and "<!--" not in svg
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", svg))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert "2025" in svg
    assert client.get(f"{URL}chart.svg?kind=pie").status_code == 404
