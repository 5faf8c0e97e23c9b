"""“My space”: the facts of CONTRACTS §1 entered once, the residents', graduates' and
team members' tables, every refusal — real HTTP with CSRF on, a real database."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.conftest import CSRF_RE, csrf_token
from core.platform.extensions import db
from core.facts import parse_facts
from core.platform.models import AuditEvent, GraduatedEnterprise, Resident, Space, TeamMember
from core.intake.spaces import facts_of
from factories import login, make_org, make_space, make_user
from tests.domain.test_forms import FACTS, facts_formdata


@pytest.fixture
def applicant(app):
    org = make_org(name="滇池创新科技有限公司", region="530112")
    return make_user(role="applicant", organisation=org)


VERSION_RE = re.compile(r'name="expected_version" value="(\d*)"')


def space_form(client, url: str, **changes) -> MultiDict:
    """The form as a browser posts it: the facts, the CSRF token and the version of the
    space the page was drawn from (both hidden fields read off the page)."""
    data = facts_formdata(FACTS)
    for key, value in changes.items():
        data.setlist(key, [value] if isinstance(value, str) else value)
    page = client.get(url).get_data(as_text=True)
    data["csrf_token"] = CSRF_RE.search(page).group(1)
    data["expected_version"] = VERSION_RE.search(page).group(1)
    return data


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_new_space_is_stored_on_space_organisation_and_rows(client, applicant):
    login(client, applicant)
    data = space_form(client, "/portal/space/new", applicant_name="滇池创新科技有限公司（更名）")
    data.add("graduates-0-name", "已毕业甲公司")
    data.add("graduates-0-entered_on", "2023-05-01")
    data.add("graduates-0-graduated_on", "2025-05-01")
    data.add("graduates-0-employees", "15")
    data.add("team_members-0-name", "王五")
    data.add("team_members-0-position", "founder")
    data.add("team_members-0-full_time", "y")
    data.add("residents-0-main_product", "工业传感器")
    data.add("residents-0-employees", "9")
    response = client.post("/portal/space/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    space = db.session.scalars(select(Space)).one()
    assert space.organisation_id == applicant.organisation_id
    assert (space.name, space.region, space.opened_on.isoformat()) == ("滇池创客空间", "530112", "2023-03-15")
    assert space.organisation.name == "滇池创新科技有限公司（更名）"
    assert space.facts["total_area_m2"] == 620 and "residents" not in space.facts
    assert len(space.residents) == len(FACTS["residents"])
    first = db.session.scalars(select(Resident).where(Resident.space_id == space.id).order_by(Resident.id)).first()
    assert (first.main_product, first.employees) == ("工业传感器", 9)
    assert db.session.scalars(select(GraduatedEnterprise)).one().employees == 15
    assert db.session.scalars(select(TeamMember)).one().position == "founder"
    facts = facts_of(space)
    parse_facts(facts)  # a valid CONTRACTS §1 object
    assert facts["uscc"] == space.organisation.uscc  # the registered code, not the JSON file's
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "space.create")).one()
    assert event.actor_id == applicant.id and event.object_id == str(space.id)
    # listed, and shown again on its page
    assert "滇池创客空间" in client.get("/portal/space").get_data(as_text=True)
    page = client.get(f"/portal/space/{space.id}").get_data(as_text=True)
    assert 'value="620"' in page and "已毕业甲公司" in page and "王五" in page


@pytest.mark.parametrize(("hosted", "separate", "result"),
                         [("yes", "no", "zc-result-fail"), ("yes", "yes", "zc-result-pass"),
                          ("no", "no", "zc-result-pass")])
def test_my_space_asks_hosted_by_operating_unit_for_kunming_art5_6(client, applicant, hosted, separate, result):
    """昆科发〔2017〕55号 第五条（六）依托运营单位的，建设运营财务应单独核算: asked once in
    我的众创空间, kept in the space's facts, read by the pre-check."""
    login(client, applicant)
    page = client.get("/portal/space/new").get_data(as_text=True)
    assert 'name="hosted_by_operating_unit"' in page and "众创空间是否依托运营单位建设" in page
    data = space_form(client, "/portal/space/new", hosted_by_operating_unit=hosted, separate_accounting=separate)
    assert client.post("/portal/space/new", data=data).status_code == 302
    space = db.session.scalars(select(Space)).one()
    assert space.facts["hosted_by_operating_unit"] is (hosted == "yes")
    assert facts_of(space)["hosted_by_operating_unit"] is (hosted == "yes")
    html = client.get(f"/portal/precheck?space={space.id}").get_data(as_text=True)
    rows = [r[:60] for r in html.split('id="criterion-kunming.separate_accounting"')[1:]]
    assert len(rows) == 2 and all(result in r for r in rows)  # 技术支撑类 and 综合服务类
    checked = re.search(r'<input[^>]*checked[^>]*name="hosted_by_operating_unit"[^>]*value="(\w+)"|'
                        r'<input[^>]*name="hosted_by_operating_unit"[^>]*value="(\w+)"[^>]*checked',
                        client.get(f"/portal/space/{space.id}").get_data(as_text=True))
    assert hosted in checked.groups()


def test_edit_is_audited_with_the_changed_facts(client, applicant):
    login(client, applicant)
    client.post("/portal/space/new", data=space_form(client, "/portal/space/new"))
    space = db.session.scalars(select(Space)).one()
    url = f"/portal/space/{space.id}"
    assert client.post(url, data=space_form(client, url, total_area_m2="700")).status_code == 302
    db.session.refresh(space)
    assert space.facts["total_area_m2"] == 700
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "space.update")).one()
    assert event.detail["changed"] == ["total_area_m2"]


def test_bad_input_keeps_what_was_typed_and_writes_nothing(client, applicant):
    login(client, applicant)
    client.post("/portal/space/new", data=space_form(client, "/portal/space/new"))
    space = db.session.scalars(select(Space)).one()
    url = f"/portal/space/{space.id}"
    events = count(AuditEvent)
    response = client.post(url, data=space_form(client, url, total_area_m2="80", public_area_m2="90",
                                                 **{"residents-1-entered_on": "2026-13-01",
                                                    "graduates-0-name": ""}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "公共办公（服务）场所面积不能大于众创空间总面积（80 m²）" in html
    assert "请填写真实存在的日期" in html and 'value="2026-13-01"' in html and 'value="80"' in html
    assert "请填写此项" in html  # the blank graduate row's name
    db.session.refresh(space)
    assert space.facts["total_area_m2"] == 620 and count(AuditEvent) == events


def test_uscc_cannot_be_changed_from_the_space_page(client, applicant):
    login(client, applicant)
    client.post("/portal/space/new", data=space_form(client, "/portal/space/new", uscc="91530112AY4CL12T2Q"))
    space = db.session.scalars(select(Space)).one()
    assert facts_of(space)["uscc"] == applicant.organisation.uscc != "91530112AY4CL12T2Q"


def test_rows_are_added_and_removed_without_javascript(client, applicant):
    login(client, applicant)
    data = space_form(client, "/portal/space/new")
    rows = len(FACTS["residents"])
    data["table_action"] = "add:residents"
    html = client.post("/portal/space/new", data=data).get_data(as_text=True)
    assert f'name="residents-{rows}-name"' in html and 'value="云岭智造"' in html
    data["table_action"] = "remove:residents-0"
    html = client.post("/portal/space/new", data=data).get_data(as_text=True)
    assert 'name="residents-0-name"' not in html and 'value="云岭智造"' not in html
    assert 'name="residents-1-name"' in html
    assert count(Space) == 0  # nothing saved by a table action


def test_several_spaces_each_edited_on_its_own(client, applicant):
    first = make_space(applicant.organisation, name="一号空间")
    second = make_space(applicant.organisation, name="二号空间")
    login(client, applicant)
    listing = client.get("/portal/space").get_data(as_text=True)
    assert "一号空间" in listing and "二号空间" in listing
    assert client.get(f"/portal/space/{first.id}").status_code == 200
    assert client.get(f"/portal/space/{second.id}").status_code == 200


def test_another_applicants_space_is_404(client, applicant):
    foreign = make_space(make_org(name="别家单位"), name="别家空间")
    login(client, applicant)
    assert "别家空间" not in client.get("/portal/space").get_data(as_text=True)
    assert client.get(f"/portal/space/{foreign.id}").status_code == 404
    url = "/portal/space/new"
    response = client.post(f"/portal/space/{foreign.id}", data=space_form(client, url))
    assert response.status_code == 404
    db.session.refresh(foreign)
    assert foreign.facts == {}


@pytest.mark.parametrize("role", ["officer", "admin", "expert"])
def test_staff_cannot_use_the_space_pages(client, role):
    space = make_space()
    login(client, make_user(role=role, jurisdictions=("mile",)))
    for url in ("/portal/space", "/portal/space/new", f"/portal/space/{space.id}", "/portal/precheck",
                f"/portal/space/{space.id}/residents/import"):
        assert client.get(url).status_code == 403, url


def test_anonymous_goes_to_login(client):
    response = client.get("/portal/space")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_post_without_csrf_refused(client, applicant):
    login(client, applicant)
    data = space_form(client, "/portal/space/new")
    del data["csrf_token"]
    assert client.post("/portal/space/new", data=data).status_code == 400
    assert count(Space) == 0


# --- two tabs, one space ------------------------------------------------------------


def test_a_save_drawn_from_an_older_copy_is_refused_and_keeps_what_was_typed(client, applicant):
    login(client, applicant)
    client.post("/portal/space/new", data=space_form(client, "/portal/space/new"))
    space = db.session.scalars(select(Space)).one()
    url = f"/portal/space/{space.id}"
    first_tab = space_form(client, url, total_area_m2="700")   # drawn now…
    second_tab = space_form(client, url, total_area_m2="800")  # …and drawn at the same time
    assert client.post(url, data=second_tab).status_code == 302
    response = client.post(url, data=first_tab)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "本次修改未保存" in html and 'value="700"' in html  # told, and the typing is kept
    db.session.expire_all()
    assert db.session.get(Space, space.id).facts["total_area_m2"] == 800  # the first save stands
    assert count(AuditEvent, AuditEvent.action == "space.update") == 1
    # the refusal's page is drawn from the space as it is now: saving it again is deliberate and wins
    first_tab["expected_version"] = VERSION_RE.search(html).group(1)
    assert client.post(url, data=first_tab).status_code == 302
    db.session.expire_all()
    assert db.session.get(Space, space.id).facts["total_area_m2"] == 700


def test_adding_a_row_keeps_the_version_the_page_was_drawn_from(client, applicant):
    login(client, applicant)
    client.post("/portal/space/new", data=space_form(client, "/portal/space/new"))
    space = db.session.scalars(select(Space)).one()
    url = f"/portal/space/{space.id}"
    drawn = space_form(client, url)
    assert client.post(url, data=space_form(client, url, total_area_m2="800")).status_code == 302  # other tab
    drawn["table_action"] = "add:graduates"
    page = client.post(url, data=drawn).get_data(as_text=True)
    assert VERSION_RE.search(page).group(1) == drawn["expected_version"]  # not the newer version
    drawn["expected_version"] = VERSION_RE.search(page).group(1)
    del drawn["table_action"]
    assert client.post(url, data=drawn).status_code == 409


def test_a_residents_import_moves_the_version_on(client, applicant):
    """An import changes only the residents' rows; a form drawn before it must not
    write the old list back over the imported rows."""
    from tests.web.test_residents_import import GOOD, upload, workbook

    login(client, applicant)
    client.post("/portal/space/new", data=space_form(client, "/portal/space/new"))
    space = db.session.scalars(select(Space)).one()
    url = f"/portal/space/{space.id}"
    drawn = space_form(client, url)
    rows = [(f"导入{name}", *rest) for name, *rest in GOOD]
    response = upload(client, space, workbook(rows))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.post(url, data=drawn).status_code == 409
    db.session.expire_all()
    assert {name for name, *_ in rows} <= {r.name for r in db.session.get(Space, space.id).residents}
