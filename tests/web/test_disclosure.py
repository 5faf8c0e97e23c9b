"""The public disclosure of support, ``/public/support/<code>`` (上网公示): 云政办发〔2016〕65号 四、组织实施
(十五) "各地各部门对众创空间等平台的扶持情况要上网公示，做到公开透明，避免多头重复支持".

Anyone, without signing in, reads each enabled jurisdiction's support approved and paid, filters it by
year and downloads it as CSV or xlsx; nothing of a person and nothing internal is shown.  Real HTTP
through the Flask test client, real database.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from core.platform.extensions import db
from core.platform.models import JurisdictionSetting
from tests.domain.test_disclosure_rows import APPLICANT_LOGIN, INTERNAL, PERSONAL, supported

SECRETS = (*PERSONAL.values(), *INTERNAL, "保密空间地址1号", "申报人王公示", *APPLICANT_LOGIN.values(), "经办人赵公示")


def _csv_rows(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode())  # the BOM, so Excel reads the Chinese as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_anyone_reads_the_support_approved_and_paid_with_article_15(app):
    """(十五): 上网公示 — the page is public, lists the approved and the paid support, not the pending nor the
    cancelled, and quotes the article."""
    supported()
    response = app.test_client().get("/public/support/kunming")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "建设引导资金核定" in html and "建设引导资金已付" in html
    assert "待审补助不公示" not in html and "已取消补助不公示" not in html
    assert "云政办发〔2016〕65号" in html and "（十五）" in html and "上网公示" in html
    assert "公示众创空间" in html and "公示运营单位" in html and "昆科发〔2017〕55号 第十三条" in html
    assert "180,000" in html and "175,000" in html and "2026-04-15" in html
    assert 'id="download-csv"' in html and 'id="download-xlsx"' in html


def test_no_personal_data_nor_internal_field_in_the_page_csv_or_xlsx(app):
    """The disclosure shows no contact data of individuals (issue 18, done when)."""
    supported()
    client = app.test_client()
    html = client.get("/public/support/kunming").get_data(as_text=True)
    csv_text = client.get("/public/support/kunming/download.csv").get_data(as_text=True)
    xlsx_text = "|".join("|".join(r) for r in _xlsx_rows(client.get("/public/support/kunming/download.xlsx")))
    for where, text in (("page", html), ("csv", csv_text), ("xlsx", xlsx_text)):
        found = [s for s in SECRETS if s in text]
        assert found == [], f"{where} shows {found}"
    assert "@" not in csv_text


def test_csv_and_xlsx_hold_the_same_rows_as_the_page(app):
    supported()
    client = app.test_client()
    csv_response = client.get("/public/support/kunming/download.csv")
    from_csv = _csv_rows(csv_response)
    assert csv_response.mimetype == "text/csv" and "filename*=UTF-8''" in csv_response.headers["Content-Disposition"]
    xlsx_response = client.get("/public/support/kunming/download.xlsx")
    from_xlsx = _xlsx_rows(xlsx_response)
    assert xlsx_response.mimetype.endswith("spreadsheetml.sheet")
    assert from_csv == from_xlsx
    assert len(from_csv) == 3  # the headers, the approved row, the paid row
    assert {r[2] for r in from_csv[1:]} == {"建设引导资金核定", "建设引导资金已付"}
    paid = next(r for r in from_csv if r[2] == "建设引导资金已付")
    assert paid[:2] == ["公示众创空间", "公示运营单位"] and paid[4:8] == ["180000", "2026-01-01", "175000", "2026-04-15"]


def test_a_formula_looking_space_name_is_neutralised(app):
    """A space named like a formula is text in the downloads (core.platform.exports) and escaped on the page."""
    supported(space_name='=HYPERLINK("http://evil.example","x")', org_name="+SUM(1,1)")
    client = app.test_client()
    html = client.get("/public/support/kunming").get_data(as_text=True)
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in html or "=HYPERLINK(&quot;" in html
    for rows in (_csv_rows(client.get("/public/support/kunming/download.csv")),
                 _xlsx_rows(client.get("/public/support/kunming/download.xlsx"))):
        assert {r[0] for r in rows[1:]} == {"'=HYPERLINK(\"http://evil.example\",\"x\")"}
        assert {r[1] for r in rows[1:]} == {"'+SUM(1,1)"}


def test_the_year_filter_and_a_bad_year(app):
    _, rows = supported()
    rows["approved"].approved_on = date(2025, 12, 31)
    db.session.commit()
    client = app.test_client()
    html = client.get("/public/support/kunming?year=2025").get_data(as_text=True)
    assert "建设引导资金核定" in html and "建设引导资金已付" not in html
    html = client.get("/public/support/kunming?year=2026").get_data(as_text=True)
    assert "建设引导资金核定" not in html and "建设引导资金已付" in html
    assert len(_csv_rows(client.get("/public/support/kunming/download.csv?year=2025"))) == 2
    bad = client.get("/public/support/kunming?year=20x6")
    assert bad.status_code == 400 and 'id="year-error"' in bad.get_data(as_text=True)
    assert 'value="20x6"' in bad.get_data(as_text=True)  # what was typed stays
    assert client.get("/public/support/kunming/download.csv?year=1999").status_code == 400
    assert client.get("/public/support/kunming?year=2000").status_code == 200  # the first year accepted


def test_no_rows_says_so_and_offers_no_download(app):
    html = app.test_client().get("/public/support/mile").get_data(as_text=True)
    assert 'id="no-support"' in html and 'id="download-csv"' not in html
    assert len(_csv_rows(app.test_client().get("/public/support/mile/download.csv"))) == 1  # the headers only


def test_a_disabled_or_unknown_jurisdiction_is_a_404(app):
    supported("mile", space_name="弥勒空间", org_name="弥勒单位")
    db.session.add(JurisdictionSetting(code="mile", enabled=False))
    db.session.commit()
    client = app.test_client()
    for url in ("/public/support/mile", "/public/support/mile/download.csv", "/public/support/mile/download.xlsx",
                "/public/support/nowhere", "/public/support/nowhere/download.csv"):
        assert client.get(url).status_code == 404, url
    assert 'id="support-mile"' not in client.get("/public/support/").get_data(as_text=True)


def test_the_public_home_leads_to_each_enabled_jurisdictions_disclosure(app):
    client = app.test_client()
    assert 'href="/public/support/"' in client.get("/").get_data(as_text=True)
    html = client.get("/public/support/").get_data(as_text=True)
    for code in ("yunnan", "kunming", "mile", "xuzhou"):
        assert f'href="/public/support/{code}"' in html
    db.session.add(JurisdictionSetting(code="xuzhou", enabled=False))
    db.session.commit()
    assert 'href="/public/support/xuzhou"' not in client.get("/public/support/").get_data(as_text=True)


def test_xuzhou_has_no_such_article_and_says_it_is_the_bureaus_practice(app):
    html = app.test_client().get("/public/support/xuzhou").get_data(as_text=True)
    assert 'id="basis"' in html and "云政办发〔2016〕65号" not in html


def test_the_page_is_cacheable_and_revalidated_like_the_notices(app):
    supported()
    client = app.test_client()
    first = client.get("/public/support/kunming")
    assert first.headers["Cache-Control"] == "no-cache" and first.headers.get("ETag")
    again = client.get("/public/support/kunming", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_fifty_one_rows_make_two_pages(app):
    from core.platform.models import SubsidyEntitlement

    title, _ = supported()
    for n in range(49):
        db.session.add(SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, year=2025,
                                          jurisdiction="kunming", rule_code=f"x{n}", kind=f"第{n}项补助", amount_cny=1,
                                          citation={}, status="approved", approved_amount_cny=1,
                                          approved_on=date(2026, 5, 1)))
    db.session.commit()
    client = app.test_client()
    html = client.get("/public/support/kunming").get_data(as_text=True)
    assert 'id="next-page"' in html and html.count('<tr id="support-') == 50
    second = client.get("/public/support/kunming?page=2").get_data(as_text=True)
    assert second.count('<tr id="support-') == 1 and 'id="previous-page"' in second
    assert client.get("/public/support/kunming?page=99").status_code == 200  # the last page
    assert len(_csv_rows(client.get("/public/support/kunming/download.csv"))) == 52  # every page, and the headers


def test_english_mode_shows_labels_not_codes(app):
    supported()
    client = app.test_client()
    client.get("/lang/en")
    html = client.get("/public/support/kunming").get_data(as_text=True)
    assert "Paid" in html and "Approved, to be paid" in html
    assert ">paid<" not in html and ">approved<" not in html


def test_english_mode_download_carries_the_states_in_english(app):
    """The rows are read after the request; the states' words are the request's language all the same."""
    supported()
    client = app.test_client()
    client.get("/lang/en")
    rows = _csv_rows(client.get("/public/support/kunming/download.csv"))
    assert rows[0][0] == "Maker space" and {r[8] for r in rows[1:]} == {"Paid", "Approved, to be paid"}
