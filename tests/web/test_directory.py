"""The directory of titles and the certificate check (issue 20, core.public): real HTTP through the
Flask test client, real database (SQLite, and PostgreSQL with TEST_DATABASE_URL).

A title is revoked and another put under rectification through the operations the officers and
leaders use (core.monitoring.findings, rectifications, revocations), so the directory's standing is
the one those operations keep — and the admin's title page and the §6 standing
(core.monitoring.title_standing) say the same."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from flask_babel import gettext
from openpyxl import load_workbook

from core.monitoring import findings, rectifications, revocations, title_standing
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import JurisdictionSetting, Recognition
from core.public import directory
from tests.after_recognition_helpers import titled
from tests.factories import REGIONS, login, make_org, make_space, make_title
from tests.notice_helpers import plain

FRAUD_ARTICLE = "云科规〔2021〕1号 认定与管理"  # the article of the fraud revocation (plugins/yunnan)
FRAUD_TEXT = "云科规〔2021〕1号 认定与管理“管理”"  # the item of a named section quoted (core.monitoring.findings.cite)
# What a person of the organisation gave the platform: none of it may be on any public output.
CONTACT = {"contact_name": "联系人张三丰", "contact_phone": "13912345678", "contact_email": "zhang.sf@example.cn",
           "address": "昆明市某路1号法人住址", "legal_representative": "法人李四光"}


def standing_words() -> dict[str, str]:
    return {s: str(labels.recognition_status_label(s)) for s in directory.STANDINGS}


@pytest.fixture
def three(app):
    """云南: a title in force, one under rectification, one revoked for fraud (2026-01-05); the
    organisation of each carries a person's contact data."""
    valid, applicant, officer, leader = titled("yunnan")
    for title in (valid,):
        org = title.space.organisation
        for key, value in CONTACT.items():
            setattr(org, key, value)
        title.space.address = "空间地址保密街9号"
    db.session.commit()
    rect_title = make_title("yunnan", make_space(make_org("整改运营单位", region=REGIONS["yunnan"], **CONTACT),
                                                 "整改众创空间", region=REGIONS["yunnan"]),
                            granted_on=date(2023, 4, 1))
    revoked = make_title("yunnan", make_space(make_org("撤销运营单位", region=REGIONS["yunnan"], **CONTACT),
                                              "撤销众创空间", region=REGIONS["yunnan"]),
                         granted_on=date(2021, 3, 1))
    clock.freeze(date(2025, 3, 10))
    finding = findings.record(officer, rect_title, "cannot_operate", date(2025, 3, 10), "连续六个月无入驻团队")
    rectifications.order(officer, rect_title, "cannot_operate", "恢复正常运营", finding_id=finding.id)
    clock.freeze(date(2026, 1, 5))
    findings.record(officer, revoked, "fraud", date(2026, 1, 5), "申报材料中的入驻协议系伪造")
    proposal = revocations.propose(revoked, ["fraud"], None, "经核查申报材料造假，提请撤销", officer)
    revocations.decide(proposal, leader, "revoke", meeting_on="2026-01-05", minutes_ref="云科党组〔2026〕1号",
                       opinion="同意撤销")
    clock.freeze(date(2026, 3, 1))
    db.session.expire_all()
    assert (valid.status, rect_title.status, revoked.status) == ("active", "rectification", "revoked")
    return {"valid": valid, "rectification": rect_title, "revoked": revoked, "officer": officer}


def row_of(html: str, title_id: int) -> str:
    match = re.search(rf'<tr id="title-{title_id}">(.*?)</tr>', html, re.S)
    assert match, f"title {title_id} not listed"
    return plain(match.group(1))


def test_the_directory_lists_every_standing_as_the_admin_and_the_standing_engine_say(app, three):
    response = app.test_client().get("/directory/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    words = standing_words()
    assert (words["active"], words["rectification"], words["revoked"]) == ("有效", "整改中", "已撤销")
    valid, rect, revoked = three["valid"], three["rectification"], three["revoked"]
    for title in (valid, rect, revoked):
        row = row_of(html, title.id)
        assert title.space.name in row and title.title in row and title.certificate_number in row and title.granted_on.isoformat() in row
        assert title.space.organisation.name in row
        assert words[title.status] in row
    revoked_row = row_of(html, revoked.id)
    assert "2026-01-05" in revoked_row and FRAUD_ARTICLE in revoked_row
    assert "2026-01-05" not in row_of(html, valid.id)
    assert 'id="group-yunnan-provincial"' in html  # grouped per jurisdiction and level
    # The same standing as the §6 engine and the admin's title page.
    engine = {"active": "good", "rectification": "rectification", "revoked": "revoked"}
    officer = app.test_client()
    login(officer, three["officer"])
    for title in (valid, rect, revoked):
        assert title_standing.standing_of(title, clock.today())["standing"] == engine[title.status]
        admin = officer.get(f"/admin/titles/{title.id}").get_data(as_text=True)
        status = plain(re.search(r'id="title-status">(.*?)</td>', admin, re.S).group(1))
        assert status.strip().startswith(words[title.status])


def test_search_is_a_case_insensitive_substring_of_title_operator_or_number(app, three):
    client = app.test_client()
    rect = three["rectification"]
    rect.certificate_number = "YN-Cert-2023-007"
    db.session.commit()

    def listed(**args) -> set[int]:
        response = client.get("/directory/", query_string=args)
        assert response.status_code == 200
        return {int(i) for i in re.findall(r'<tr id="title-(\d+)">', response.get_data(as_text=True))}

    assert listed(q="cert-2023") == {rect.id}  # lower case typed, mixed case stored
    assert listed(q="ＹＮ－ＣＥＲＴ") == {rect.id}  # full-width, as typed on a phone (NFKC)
    assert listed(q="  撤销运营  ") == {three["revoked"].id}  # the operator, spaces trimmed
    assert listed(q="整改众创") == {rect.id}  # the space's name
    rect.title = "云南省省级众创空间（整改）"
    db.session.commit()
    assert listed(q="（整改）") == {rect.id}  # the title
    assert listed(q="100%") == set() and listed(q="_") == set()  # wildcards are literal
    assert listed(standing="revoked") == {three["revoked"].id}
    assert listed(standing="rectification", q="整改") == {rect.id}
    assert listed(jurisdiction="mile") == set()
    assert listed(year="2021") == {three["revoked"].id}
    assert listed(level="provincial") == {t.id for t in three.values() if isinstance(t, Recognition)}
    assert listed(level="municipal") == set()


@pytest.mark.parametrize("args, field", [({"jurisdiction": "atlantis"}, "jurisdiction"), ({"level": "galactic"}, "level"),
                                         ({"standing": "good"}, "standing"), ({"year": "1999"}, "year"),
                                         ({"year": "２０２７０"}, "year"), ({"q": "空" * 101}, "q")])
def test_a_bad_filter_is_an_error_next_to_its_field_and_keeps_what_was_typed(app, three, args, field):
    response = app.test_client().get("/directory/", query_string=args)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and f'id="error-{field}"' in html
    assert 'id="titles"' not in html  # nothing listed under a filter that was not understood
    if field in ("q", "year"):
        assert f'value="{args[field]}"' in html
    assert app.test_client().get("/directory/download.csv", query_string=args).status_code == 400


def test_the_year_filter_takes_this_year_and_refuses_the_next(app, three):
    clock.freeze(date(2026, 3, 1))
    client = app.test_client()
    assert client.get("/directory/?year=2026").status_code == 200
    assert client.get("/directory/?year=2027").status_code == 400
    assert client.get("/directory/?year=2000").status_code == 200


def many_titles(n: int, code: str = "kunming") -> list[int]:
    space = make_space(make_org("分页运营单位", region=REGIONS[code]), "分页众创空间", region=REGIONS[code])
    rows = [Recognition(space_id=space.id, jurisdiction=code, title=f"分页称号{i:03d}", certificate_number=f"PG-{i:03d}",
                        level="municipal", granted_on=date(2020, 1, 1), status="active") for i in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


@pytest.mark.parametrize("n, pages", [(directory.PAGE_ROWS, 1), (directory.PAGE_ROWS + 1, 2)])
def test_pagination_on_both_sides_of_a_full_page_and_its_links_keep_the_filters(app, n, pages):
    ids = many_titles(n)
    many_titles(3, "mile")  # filtered out by the jurisdiction
    client = app.test_client()
    html = client.get("/directory/?jurisdiction=kunming&q=分页").get_data(as_text=True)
    first = set(map(int, re.findall(r'<tr id="title-(\d+)">', html)))
    assert len(first) == min(n, directory.PAGE_ROWS)
    if pages == 1:
        assert 'id="next-page"' not in html and 'id="pages"' not in html
        return
    link = re.search(r'href="([^"]+)" id="next-page"', html).group(1).replace("&amp;", "&")
    assert "jurisdiction=kunming" in link and "page=2" in link and "q=" in link
    second_html = client.get(link).get_data(as_text=True)
    second = set(map(int, re.findall(r'<tr id="title-(\d+)">', second_html)))
    assert len(second) == 1 and first | second == set(ids) and not first & second
    assert 'id="next-page"' not in second_html and 'id="previous-page"' in second_html
    # a page beyond the last shows the last, a page that is not a number the first
    assert set(map(int, re.findall(r'<tr id="title-(\d+)">', client.get(link.replace("page=2", "page=9"))
                                   .get_data(as_text=True)))) == second
    assert client.get(link.replace("page=2", "page=x")).status_code == 200


def test_downloads_carry_the_filtered_rows_with_the_same_columns(app, three):
    client = app.test_client()
    with app.test_request_context():
        headers = [gettext(h) for h in ("Jurisdiction", "Level", "Maker space", "Title", "Operating organisation",
                                        "Certificate number", "Granted on", "Standing", "Revoked on",
                                        "Articles of the revocation")]
    assert headers[5] == "证书编号"  # Chinese headers
    revoked = three["revoked"]

    response = client.get("/directory/download.csv?standing=revoked")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == headers and len(rows) == 2
    assert rows[1][2:] == ["撤销众创空间", revoked.title, "撤销运营单位", revoked.certificate_number, "2021-03-01", "已撤销",
                           "2026-01-05", FRAUD_TEXT]

    response = client.get("/directory/download.xlsx?jurisdiction=yunnan")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0] == headers and len(table) == 4
    assert {r[5] for r in table[1:]} == {t.certificate_number for t in three.values() if isinstance(t, Recognition)}

    response = client.get("/directory/download.json?q=撤销")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = json.loads(response.data)
    assert body["filters"] == {"q": "撤销"}
    (item,) = body["titles"]
    assert item == {"id": revoked.id, "url": f"http://localhost/directory/{revoked.id}", "jurisdiction": "yunnan",
                    "jurisdiction_name": labels.jurisdiction_label("yunnan"), "level": "provincial",
                    "level_name": "省级", "space": "撤销众创空间", "title": revoked.title, "operator": "撤销运营单位",
                    "certificate_number": revoked.certificate_number, "granted_on": "2021-03-01",
                    "standing": "revoked", "standing_name": "已撤销", "revoked_on": "2026-01-05",
                    "revocation_articles": [FRAUD_TEXT]}
    empty = json.loads(client.get("/directory/download.json?jurisdiction=xuzhou").data)
    assert empty["titles"] == []


def test_a_formula_title_is_text_in_the_files_and_markup_is_escaped_on_the_page(app):
    formula = '=HYPERLINK("http://evil.example","点我")'
    space = make_space(make_org("@SUM(1+1)运营", region=REGIONS["kunming"]), "空间", region=REGIONS["kunming"])
    title = make_title("kunming", space, title=formula)
    marked = make_title("kunming", make_space(make_org(region=REGIONS["kunming"]), region=REGIONS["kunming"]),
                        title="<script>alert(1)</script>众创空间")
    client = app.test_client()
    rows = list(csv.reader(io.StringIO(client.get("/directory/download.csv").data.decode("utf-8-sig"))))
    row = next(r for r in rows if r[5] == title.certificate_number)
    assert row[3] == "'" + formula and row[4] == "'@SUM(1+1)运营"
    sheet = load_workbook(io.BytesIO(client.get("/directory/download.xlsx").data)).active
    cells = next(r for r in sheet.iter_rows() if r[5].value == title.certificate_number)
    assert cells[3].value == "'" + formula and cells[3].data_type == "s"
    # JSON is data, not a spreadsheet: the title as it is
    assert formula in [t["title"] for t in json.loads(client.get("/directory/download.json").data)["titles"]]
    for url in ("/directory/", f"/directory/{marked.id}", "/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_a_title_page_shows_the_fields_and_its_history_in_brief(app, three):
    client = app.test_client()
    revoked = three["revoked"]
    response = client.get(f"/directory/{revoked.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert revoked.certificate_number in html and "撤销运营单位" in html and "已撤销" in plain(html)
    history = re.findall(r'<li id="history-\d+" class="zc-history-(\w+)">', html)
    assert history == ["granted", "revoked"]
    assert "2021-03-01" in html and "2026-01-05" in html and FRAUD_ARTICLE in html
    rect = three["rectification"]
    html = client.get(f"/directory/{rect.id}").get_data(as_text=True)
    assert re.findall(r'<li id="history-\d+" class="zc-history-(\w+)">', html) == ["granted", "rectification_ordered"]
    assert "2025-03-10" in html and "2026-03-10" in html  # ordered, and the deadline (one year, 云南)
    assert "恢复正常运营" not in html  # the requirements are the bureau's file
    assert client.get("/directory/999999").status_code == 404


def test_a_disabled_jurisdiction_is_not_in_the_directory(app, three):
    db.session.add(JurisdictionSetting(code="yunnan", enabled=False))
    db.session.commit()
    client = app.test_client()
    assert f'id="title-{three["valid"].id}"' not in client.get("/directory/").get_data(as_text=True)
    assert client.get(f"/directory/{three['valid'].id}").status_code == 404
    assert client.get(f"/directory/verify?number={three['valid'].certificate_number}").status_code == 404
    assert client.get("/directory/?jurisdiction=yunnan").status_code == 400


def check(client, number, **args):
    response = client.get("/directory/verify", query_string={"number": number, **args})
    html = response.get_data(as_text=True)
    answers = re.findall(r'data-answer="(\w+)"', html)
    return response.status_code, answers, html


def test_the_certificate_check_answers_valid_rectification_revoked_and_unknown(app, three):
    client = app.test_client()
    page = client.get("/directory/verify")
    assert page.status_code == 200 and 'id="verify-form"' in page.get_data(as_text=True)
    assert check(client, three["valid"].certificate_number)[:2] == (200, ["valid"])
    assert check(client, three["rectification"].certificate_number)[:2] == (200, ["rectification"])
    status, answers, html = check(client, three["revoked"].certificate_number)
    assert (status, answers) == (200, ["revoked"])
    assert "REVOKED" in html or "撤销" in plain(html)
    answer = plain(re.search(r'data-answer="revoked">(.*?)</div>', html, re.S).group(1))
    assert "2026-01-05" in answer and FRAUD_ARTICLE in answer
    status, answers, html = check(client, "T999999")
    assert (status, answers) == (404, []) and 'id="answer-unknown"' in html


def test_the_number_is_trimmed_normalised_and_case_blind(app, three):
    client = app.test_client()
    number = three["valid"].certificate_number  # "T000123"
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in number)  # ＴＯＯＯ…
    assert check(client, f"  {number.lower()}\u3000")[:2] == (200, ["valid"])
    assert check(client, full_width)[:2] == (200, ["valid"])
    assert check(client, number, jurisdiction="yunnan")[:2] == (200, ["valid"])
    assert check(client, number, jurisdiction="mile")[0] == 404  # not issued there
    assert check(client, number[:-1])[0] == 404  # no substring match
    assert check(client, number[:-1] + "%")[0] == 404 and check(client, number[:-1] + "_")[0] == 404


@pytest.mark.parametrize("typed", ["云南省众创〔2022〕001号", "云南省众创[2022]001号", "云南省众创（2022）001号",
                                   "云南省众创【2022】001号", "云南省众创(2022)001号", "云南省众创［2022］001号"])
def test_the_year_brackets_of_a_number_are_read_whichever_a_keyboard_gives(app, typed):
    title, other = make_title("yunnan"), make_title("yunnan")
    title.certificate_number, other.certificate_number = "云南省众创〔2022〕001号", "云南省众创〔2022〕0012号"
    db.session.commit()
    status, answers, html = check(app.test_client(), typed)
    assert (status, answers) == (200, ["valid"]) and f'id="answer-{title.id}"' in html
    assert check(app.test_client(), "云南省众创〔2022〕01号")[0] == 404


def test_an_empty_number_is_an_error_next_to_the_field_and_nothing_else(app, three):
    client = app.test_client()
    with app.test_request_context():
        message = gettext("Enter the certificate number.")
    for typed in ("", "   ", "\u3000"):
        status, answers, html = check(client, typed)
        assert status == 400 and 'id="error-number"' in html and message in html
        assert answers == [] and 'id="answer-unknown"' not in html
    status, _answers, html = check(client, three["valid"].certificate_number, jurisdiction="atlantis")
    assert status == 400 and 'id="error-jurisdiction"' in html
    assert f'value="{three["valid"].certificate_number}"' in html  # kept as typed


def test_checks_are_limited_per_address(app_factory):
    app = app_factory({"CERTIFICATE_CHECKS_PER_HOUR": 3})
    with app.app_context():
        title = make_title("kunming")
        client = app.test_client()
        assert client.get("/directory/verify").status_code == 200  # the empty form is not counted
        codes = [check(client, title.certificate_number)[0] for _ in range(3)]
        refused, _answers, html = check(client, title.certificate_number)
        assert codes == [200, 200, 200] and refused == 429 and 'id="error-form"' in html
        other = client.get("/directory/verify", query_string={"number": title.certificate_number},
                           environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert other.status_code == 200  # another address has its own count


def test_no_personal_contact_data_in_any_public_output(app, three):
    client = app.test_client()
    outputs = {url: client.get(url).get_data(as_text=True) for url in (
        "/", "/directory/", "/directory/download.csv", "/directory/download.json",
        *(f"/directory/{t.id}" for t in three.values() if isinstance(t, Recognition)),
        *(f"/directory/verify?number={t.certificate_number}" for t in three.values() if isinstance(t, Recognition)))}
    sheet = load_workbook(io.BytesIO(client.get("/directory/download.xlsx").data)).active
    outputs["xlsx"] = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert "撤销运营单位" in outputs["/directory/"]  # the organisation (a legal person) is listed
    for where, text in outputs.items():
        for secret in (*CONTACT.values(), "空间地址保密街9号", "经核查申报材料造假", "申报材料中的入驻协议系伪造",
                       "云科党组〔2026〕1号", "同意撤销", "连续六个月无入驻团队"):
            assert secret not in text, (where, secret)


def test_the_directory_revalidates_and_answers_304_while_unchanged(app, three):
    client = app.test_client()
    for url in ("/directory/", f"/directory/{three['valid'].id}"):
        first = client.get(url)
        assert first.headers["Cache-Control"] == "no-cache" and first.headers.get("Set-Cookie") is None
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
    tag = client.get("/directory/").headers["ETag"]
    make_title("yunnan")
    assert client.get("/directory/", headers={"If-None-Match": tag}).status_code == 200


@pytest.mark.parametrize("url, field", [("/directory/?q=a%00b", "q"), ("/directory/verify?number=%00", "number"),
                                        ("/directory/verify?number=%E6%98%86%00", "number")])
def test_a_control_character_is_an_error_next_to_its_field_not_a_server_error(app, three, url, field):
    response = app.test_client().get(url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert gettext("Remove the control characters from what you typed.") in html or "控制字符" in html


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_download_with_a_control_character_is_refused_before_any_byte(app, three, kind):
    assert app.test_client().get(f"/directory/download.{kind}?q=%00").status_code == 400
