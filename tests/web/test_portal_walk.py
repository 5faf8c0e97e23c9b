"""Issue 13, "the walk", the applicant's side — real HTTP through the Flask test client,
CSRF on, real database:

* the application form carries everything "my space" holds: team members, graduated
  enterprises, each resident's 主要产品 / 从业人数 / 联系电话 (and 产值, 销售额), the address;
  the 弥勒 申报书 then prints them (its 已毕业企业表 is not "无");
* the error summary lists every error with a link to an id on the page, labelled with
  the field's Chinese label;
* 提交申报 asks for a tick box the server checks (it holds without JavaScript) and the
  button carries a static-JS confirm;
* the space form's 添加一行 works in the browser (row template, static JS) and keeps its
  submit-button fallback.
"""
from __future__ import annotations

import copy
import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, GraduatedEnterprise, Resident, ReviewRecord, TeamMember
from tests.factories import login, make_org, make_space, make_user
from tests.portal_helpers import (
    NEW_URL,
    REQUIRED_KUNMING,
    TODAY,
    kunming_draft as new_kunming_draft,
    kunming_operator,
    open_call,
    page_form,
    plain,
    token,
    upload,
)
from tests.domain.test_forms import FACTS, MILE_EXTRA
from tests.domain.test_full_path import form_fields

MILE_URL = "/portal/applications/new?space={space}&jurisdiction=mile&category=comprehensive"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


class Ids(HTMLParser):
    """Every id on a page, and the links of the error summary (#errors-summary)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.depth = 0  # inside the summary's <div>
        self.href = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if a.get("id") == "errors-summary":
            self.depth = 1
        elif self.depth and tag == "div":
            self.depth += 1
        if self.depth and tag == "a":
            self.href, self.text = a.get("href"), ""

    def handle_data(self, data):
        if self.href is not None:
            self.text += data

    def handle_endtag(self, tag):
        if self.depth and tag == "a" and self.href is not None:
            self.links.append((self.href, self.text.strip()))
            self.href = None
        if self.depth and tag == "div":
            self.depth -= 1


def parsed(html: str) -> Ids:
    parser = Ids()
    parser.feed(html)
    return parser


# --- prefill: everything the space holds --------------------------------------------------


def mile_space(app, *, rows: bool = True):
    """A 弥勒 operator's space as kept under 我的众创空间: residents with their 申报书 columns,
    a graduated enterprise, a founder stored after a member."""
    org = make_org(name="弥勒湖泉创新科技有限公司", region="532504")
    facts = copy.deepcopy(FACTS)
    facts.pop("residents")
    facts.update(uscc=org.uscc, registered_region="532504", space_region="532504")
    space = make_space(org, name="湖泉创客空间", region="532504", facts=facts, opened_on=date(2023, 3, 15),
                       address="弥勒市髯翁东路 88 号")
    if rows:
        space.residents = [
            Resident(name="云岭智造", kind="enterprise", qualifying_field=True, entered_on=date(2025, 3, 1),
                     established_on=date(2025, 1, 15), registered_in_space=True, main_product="工业软件",
                     output_value_wan=120.5, sales_wan=80, employees=12, phone="0873-6100001"),
            Resident(name="滇茶数科", kind="team", qualifying_field=True, entered_on=date(2025, 4, 1),
                     main_product="茶叶溯源", output_value_wan=0, sales_wan=0, employees=0, phone="13700000002"),
        ]
        space.graduates = [GraduatedEnterprise(name="红河数农", main_product="智慧农业", entered_on=date(2022, 5, 10),
                                               graduated_on=date(2025, 6, 30), employees=35, phone="0873-6100009")]
        space.team_members = [
            TeamMember(name="李成员", position="member", phone="13900000002", speciality="财务", full_time=False,
                       services="财务辅导"),
            TeamMember(name="张创办", position="founder", phone="13900000001", speciality="工商管理", full_time=True,
                       services="运营管理"),
        ]
    db.session.commit()
    user = make_user("applicant", organisation=org)
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client, space


def test_application_form_carries_every_row_and_column_of_my_space(app):
    """Field by field: residents' 主要产品 / 从业人数 / 联系电话 (and 产值, 销售额), the graduated
    enterprises, the team members (创办负责人 first, as 附件2 基本信息表 prints), the address."""
    client, space = mile_space(app)
    url = MILE_URL.format(space=space.id)
    html = client.get(url).get_data(as_text=True)
    fields = form_fields(html, url)
    expected = {
        "space_address": "弥勒市髯翁东路 88 号",
        "residents-0-name": "云岭智造", "residents-0-main_product": "工业软件", "residents-0-employees": "12",
        "residents-0-phone": "0873-6100001", "residents-0-output_value_wan": "120.5", "residents-0-sales_wan": "80",
        "residents-1-name": "滇茶数科", "residents-1-main_product": "茶叶溯源",
        "residents-1-employees": "0", "residents-1-sales_wan": "0",  # 0 is an answer, not a blank
        "residents-1-phone": "13700000002",
        "graduates-0-name": "红河数农", "graduates-0-main_product": "智慧农业", "graduates-0-entered_on": "2022-05",
        "graduates-0-graduated_on": "2025-06", "graduates-0-employees": "35", "graduates-0-phone": "0873-6100009",
        "team_members-0-name": "张创办", "team_members-0-phone": "13900000001",
        "team_members-0-speciality": "工商管理", "team_members-0-full_time": "yes",
        "team_members-0-services": "运营管理",
        "team_members-1-name": "李成员", "team_members-1-phone": "13900000002",
        "team_members-1-speciality": "财务", "team_members-1-full_time": "no", "team_members-1-services": "财务辅导",
    }
    for name, value in expected.items():
        assert fields.get(name) == value, (name, fields.get(name))
    assert "graduates-1-name" not in fields and "team_members-2-name" not in fields  # nothing invented

    # saved as the browser posts it (the 申报书's own questions typed in): kept in the draft
    data = form_fields(html, url)
    for key, value in MILE_EXTRA.items():
        if not key.startswith("team_members-") and key != "space_address":
            data.setlist(key, [value])
    data.setlist("csrf_token", [token(html)])
    response = client.post(url, data=data)
    assert response.status_code == 302, plain(client.get(response.location).get_data(as_text=True))[:800]
    application = db.session.scalars(select(Application)).one()
    draft_html = client.get(response.location).get_data(as_text=True)
    assert "填写有误" not in draft_html, plain(draft_html)[:1500]
    form_data = application.form_data
    assert form_data["graduates"] == [{"name": "红河数农", "main_product": "智慧农业", "entered_on": "2022-05",
                                       "graduated_on": "2025-06", "employees": 35, "phone": "0873-6100009"}]
    assert [m["name"] for m in form_data["team_members"]] == ["张创办", "李成员"]
    assert [m["full_time"] for m in form_data["team_members"]] == [True, False]
    assert form_data["residents"][0] == {"main_product": "工业软件", "output_value_wan": 120.5, "sales_wan": 80,
                                         "employees": 12, "phone": "0873-6100001"}
    assert form_data["space_address"] == "弥勒市髯翁东路 88 号"

    # the 申报书 (弥政办发 附件2) prints them: its 已毕业企业表 is not "无"
    pdf = client.get(f"/portal/applications/{application.id}/pdf")
    assert pdf.status_code == 200
    text = "".join("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.data)).pages).split())
    for printed in ("红河数农", "智慧农业", "0873-6100009", "张创办", "李成员", "工业软件", "0873-6100001"):
        assert printed in text, printed


def test_xuzhou_form_carries_graduates_and_residents_staff(app):
    """徐政发〔2016〕12号 五（五） 统计报表: 毕业企业 and 在孵企业的从业人员 from the space."""
    org = make_org(region="320302")
    facts = copy.deepcopy(FACTS)
    facts.pop("residents")
    facts.update(uscc=org.uscc, registered_region="320302", space_region="320302")
    space = make_space(org, name="淮海创客空间", region="320302", facts=facts)
    space.residents = [Resident(name="彭城智造", kind="enterprise", entered_on=date(2025, 3, 1), employees=7)]
    space.graduates = [GraduatedEnterprise(name="淮海智能", graduated_on=date(2024, 6, 1), employees=30)]
    db.session.commit()
    client = app.test_client()
    assert login(client, make_user("applicant", organisation=org)).status_code == 302
    url = f"/portal/applications/new?space={space.id}&jurisdiction=xuzhou&category=key"
    response = client.get(url)
    assert response.status_code == 200
    fields = form_fields(response.get_data(as_text=True), url)
    assert (fields.get("residents-0-name"), fields.get("residents-0-employees")) == ("彭城智造", "7")
    assert (fields.get("graduates-0-name"), fields.get("graduates-0-graduated_on"),
            fields.get("graduates-0-employees")) == ("淮海智能", "2024-06", "30")
    assert fields.get("graduates-0-revenue_last_year") == ""  # not kept by the space: asked on the form


def test_a_space_without_graduates_or_team_prefills_no_invented_rows(app):
    """The other side: nothing kept, nothing carried (弥勒's 团队成员 keeps its one blank row)."""
    client, space = mile_space(app, rows=False)
    url = MILE_URL.format(space=space.id)
    fields = form_fields(client.get(url).get_data(as_text=True), url)
    assert "graduates-0-name" not in fields
    assert fields.get("team_members-0-name") == "" and "team_members-1-name" not in fields
    assert "residents-0-name" not in fields


def test_kunming_service_team_starts_from_the_team_members(app):
    """昆科发〔2017〕55号 第五条（四） 服务团队及主要负责人: the space's people, 职务 in words."""
    open_call()
    client, _, space = kunming_operator(app)
    space.team_members = [TeamMember(name="王成员", position="member", full_time=True),
                          TeamMember(name="赵负责", position="founder", full_time=True)]
    db.session.commit()
    url = NEW_URL.format(space=space.id)
    fields = form_fields(client.get(url).get_data(as_text=True), url)
    assert (fields.get("service_team-0-name"), fields.get("service_team-0-position")) == ("赵负责", "创办负责人")
    assert (fields.get("service_team-1-name"), fields.get("service_team-1-position")) == ("王成员", "成员")
    assert fields.get("service_team-0-background") == ""  # not kept by the space: left to the applicant


# --- the error summary -------------------------------------------------------------------


@pytest.fixture
def kunming_draft(app):
    return new_kunming_draft(app)


def test_every_error_in_the_summary_links_to_its_field(app, kunming_draft):
    client, draft = kunming_draft
    url = f"/portal/applications/{draft.id}/draft"
    data = page_form(client, url)
    data.setlist("workstations", ["-5"])          # a number field
    data.setlist("residents-1-name", [""])        # a cell of a table row
    data.setlist("residents-1-entered_on", ["2025-02-30"])
    data.poplist("independent_legal_person")      # a 是 / 否 question left unanswered
    data.setlist("public_area_m2", ["abc"])
    response = client.post(url, data=data)
    assert response.status_code == 302  # saved as typed
    html = client.get(url).get_data(as_text=True)
    page = parsed(html)
    assert page.links, "no error summary"
    for href, text in page.links:
        assert href.startswith("#") and href[1:] in page.ids, href
        assert re.search(r"[\u4e00-\u9fff]", text), text  # a Chinese label, never a field name
        assert "_" not in text.split("：")[0], text
    wanted = {
        "#workstations": "创业工位数（个）：不能为负数",
        "#residents-1-name": "第 2 行 企业或创业团队名称：请填写此项",
        "#residents-1-entered_on": "入驻日期：请填写真实存在的日期",
        "#independent_legal_person": "是否具有独立法人资格：请选择“是”或“否”",
        "#public_area_m2": "公共办公场所面积（m²）：请填写数字",  # as 昆明's form labels it
    }
    links = dict(page.links)
    for href, words in wanted.items():
        assert href in links and words in links[href], (href, links.get(href))
    # as many links as error messages shown beside the fields
    shown = re.findall(r'<ul class="zc-errors" id="[^"]+-errors" role="alert">(.*?)</ul>', html, re.S)
    assert len(page.links) == sum(item.count("<li>") for item in shown)


def test_a_valid_form_has_no_error_summary(app, kunming_draft):
    client, draft = kunming_draft
    html = client.get(f"/portal/applications/{draft.id}/draft").get_data(as_text=True)
    assert 'id="errors-summary"' not in html and parsed(html).links == []


def test_the_space_form_summary_links_to_its_fields_too(app):
    org = make_org(region="530112")
    client = app.test_client()
    login(client, make_user("applicant", organisation=org))
    html = client.get("/portal/space/new").get_data(as_text=True)
    data = form_fields(html, "")
    data.setlist("csrf_token", [token(html)])
    data.setlist("space_name", [""])
    data.setlist("graduates-0-name", [""])
    data.setlist("graduates-0-employees", ["x"])
    data.setlist("save", ["1"])
    response = client.post("/portal/space/new", data=data)
    assert response.status_code == 400
    page = parsed(response.get_data(as_text=True))
    assert page.links
    for href, _ in page.links:
        assert href[1:] in page.ids, href
    assert any(h == "#graduates-0-employees" and "第 1 行 从业人数：请填写整数" in t for h, t in page.links), page.links


# --- 提交申报 asks first ------------------------------------------------------------------


def with_materials(client, draft):
    for code in REQUIRED_KUNMING:
        assert upload(client, draft.id, code).status_code == 302


def test_submit_without_the_tick_submits_nothing_and_keeps_what_was_typed(app, kunming_draft):
    client, draft = kunming_draft
    with_materials(client, draft)
    url = f"/portal/applications/{draft.id}/draft"
    data = page_form(client, url)
    data.setlist("intent", ["submit"])
    data.setlist("workstations", ["50"])
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    box = html.split('id="confirm-submit-errors"', 1)[1][:300]
    assert "请先勾选“我已核对申报表和申报材料，确认提交”" in box
    assert 'href="#confirm-submit"' in html  # said at the top too, linking to the box
    assert 'value="50"' in html  # what was typed stays on the page
    db.session.refresh(draft)
    assert draft.status == "draft" and draft.facts["workstations"] == 48 and count(ReviewRecord) == 0
    # a value other than the box's own is no tick
    data.setlist("confirm_submit", ["y"])
    assert client.post(url, data=data).status_code == 400
    data.setlist("confirm_submit", ["yes"])
    response = client.post(url, data=data)
    assert response.status_code == 302 and response.location.endswith(f"/portal/applications/{draft.id}")
    db.session.refresh(draft)
    assert draft.status == "submitted" and draft.facts["workstations"] == 50


def test_saving_with_the_box_ticked_stores_no_tick(app, kunming_draft):
    client, draft = kunming_draft
    url = f"/portal/applications/{draft.id}/draft"
    data = page_form(client, url)
    data.setlist("workstations", ["-1"])  # invalid: kept as typed
    data.setlist("confirm_submit", ["yes"])
    client.post(url, data=data)
    db.session.refresh(draft)
    assert "confirm_submit" not in draft.form_data["_typed"] and draft.status == "draft"


def test_the_detail_page_submit_asks_for_the_tick_too(app, kunming_draft):
    client, draft = kunming_draft
    with_materials(client, draft)
    page = f"/portal/applications/{draft.id}"
    html = client.get(page).get_data(as_text=True)
    assert 'name="confirm_submit" value="yes" id="confirm-submit"' in html
    version = re.search(r'name="expected_version" value="(\d+)"', html).group(1)
    refused = client.post(f"{page}/act", data={"csrf_token": token(html), "action": "submit",
                                              "expected_version": version})
    assert refused.status_code == 400 and 'id="confirm-submit-errors"' in refused.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.status == "draft"
    accepted = client.post(f"{page}/act", data={"csrf_token": token(html), "action": "submit",
                                               "expected_version": version, "confirm_submit": "yes"})
    assert accepted.status_code == 302
    db.session.refresh(draft)
    assert draft.status == "submitted"


def test_the_submit_button_asks_again_from_a_static_script(app, kunming_draft):
    """No inline script (the CSP allows none): the button names its question in
    data-zc-confirm and /static/forms.js asks it."""
    client, draft = kunming_draft
    for page in (f"/portal/applications/{draft.id}/draft", f"/portal/applications/{draft.id}"):
        html = client.get(page).get_data(as_text=True)
        button = re.search(r'<button[^>]*id="submit-application"[^>]*>', html, re.S).group(0)
        assert "data-zc-confirm=" in button and "提交后不能再修改" in button
        assert '<script src="/static/forms.js"></script>' in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " onclick=" not in html
    script = app.test_client().get("/static/forms.js").get_data(as_text=True)
    assert "data-zc-confirm" in script and "window.confirm" in script


# --- 我的众创空间: rows added in the browser ------------------------------------------------


@pytest.fixture
def applicant_client(app):
    org = make_org(region="530112")
    client = app.test_client()
    login(client, make_user("applicant", organisation=org))
    return client


def test_space_form_adds_rows_in_the_browser_and_keeps_the_fallback(app, applicant_client):
    html = applicant_client.get("/portal/space/new").get_data(as_text=True)
    for table in ("residents", "graduates", "team_members"):
        box = re.search(rf'<div class="zc-field zc-table[^"]*" id="{table}-table"\s+data-next-index="(\d+)">', html)
        assert box, table
        section = html[box.start():html.index("</template>", box.start())]
        assert "<template data-zc-row-template>" in section and f'name="{table}-__index__-name"' in section
        # without JavaScript the same button posts table_action=add:<table>; with it, forms.js adds the row
        assert re.search(rf'<button type="submit" name="table_action" value="add:{table}" formnovalidate\s+'
                         rf'data-zc-add-row="{table}-table">添加一行</button>', html), table
    assert '<script src="/static/forms.js"></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_a_row_added_after_a_removal_gets_a_fresh_index(app, applicant_client):
    """Rows 0, 1, 2; row 1 removed without JavaScript leaves rows named 0 and 2: the
    browser's next row is 3, not 2 (which would merge with the row already named 2)."""
    html = applicant_client.get("/portal/space/new").get_data(as_text=True)
    data = form_fields(html, "")
    data.setlist("csrf_token", [token(html)])
    for index in (0, 1, 2):
        data.setlist(f"graduates-{index}-name", [f"毕业企业{index}"])
    data.setlist("table_action", ["remove:graduates-1"])  # drawn again, nothing saved
    response = applicant_client.post("/portal/space/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, plain(page)[:600]
    assert 'value="毕业企业0"' in page and 'value="毕业企业2"' in page and "毕业企业1" not in page
    assert 'name="graduates-2-name"' in page
    assert re.search(r'id="graduates-table"\s+data-next-index="3"', page)
    # the other side: rows numbered without a gap get the next number
    data.setlist("table_action", ["add:team_members"])
    page = applicant_client.post("/portal/space/new", data=data).get_data(as_text=True)
    assert re.search(r'id="graduates-table"\s+data-next-index="3"', page)  # rows 0, 1, 2 as posted
    assert re.search(r'id="team_members-table"\s+data-next-index="1"', page)  # the added row is 0
