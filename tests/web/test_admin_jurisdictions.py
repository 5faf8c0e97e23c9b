"""The dashboard and the jurisdiction switch: deployment ceiling, admin switch,
plugins installed as separate packages, broken plugins."""
from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, JurisdictionSetting
from core.plugins import Registry, make_plugin_manager
from tests.conftest import csrf_token
from tests.factories import login, make_application, make_user

ALL_NAMES = ("弥勒市", "昆明市", "云南省", "徐州市")


def logged_in(app, role="admin", jurisdictions=()):
    user = make_user(role, jurisdictions)
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def shown(text: str, html: str) -> bool:
    """On the page as text, or in the JSON that carries Flask-Admin's filter options."""
    return text in html or json.dumps(text)[1:-1] in html


def cards(html: str) -> set[str]:
    return {name for name in ALL_NAMES + ("大理白族自治州",) if f"<strong>{name}</strong>" in html}


def test_dashboard_admin_sees_every_enabled_jurisdiction(app):
    make_application("mile", status="submitted")
    make_application("mile", status="submitted")
    make_application("mile", status="draft")
    html = logged_in(app).get("/admin/").get_data(as_text=True)
    assert cards(html) == set(ALL_NAMES)
    mile = html[html.index('id="jurisdiction-mile"'):]
    mile = mile[:mile.index("</table>")]
    assert "县级" in mile and "弥勒市农业和科学技术局" in mile and "弥政办发〔2017〕5号" in mile
    assert "认定申请: 3" in mile and "已提交</a></td><td>2" in mile and "草稿</a></td><td>1" in mile


def test_dashboard_count_links_open_the_filtered_list(app):
    make_application("mile", status="submitted", official_number="M-SUB")
    make_application("mile", status="draft", official_number="M-DRAFT")
    make_application("kunming", "comprehensive_service", status="submitted", official_number="K-SUB")
    client = logged_in(app)
    html = client.get("/admin/").get_data(as_text=True)
    mile = html[html.index('id="jurisdiction-mile"'):]
    link = re.search(r'href="([^"]+)">已提交</a>', mile).group(1).replace("&amp;", "&")
    listing = client.get(link).get_data(as_text=True)
    assert "M-SUB" in listing and "M-DRAFT" not in listing and "K-SUB" not in listing


def test_dashboard_officer_sees_only_his_jurisdiction_and_counts(app):
    make_application("mile", status="submitted")
    make_application("kunming", "comprehensive_service", status="in_review")
    html = logged_in(app, "officer", ["kunming"]).get("/admin/").get_data(as_text=True)
    assert cards(html) == {"昆明市"}
    assert "审核中</a></td><td>1" in html and "已提交" not in html


# 云科规〔2021〕1号 第三十二条: in force 2021-04-04 … 2026-04-03.
@pytest.mark.parametrize("day,in_force", [(date(2026, 4, 3), True), (date(2026, 4, 4), False)])
def test_dashboard_policy_in_force_on_both_sides_of_expiry(app, monkeypatch, day, in_force):
    clock.freeze(day)
    html = logged_in(app, "leader", ["yunnan"]).get("/admin/").get_data(as_text=True)
    yunnan = html[html.index('id="jurisdiction-yunnan"'):]
    assert ("现行政策: 云科规〔2021〕1号" in yunnan) is in_force
    assert "云科规〔2021〕1号" in yunnan  # after expiry as the nearest version, which lapsed
    assert ("当前无有效政策" in yunnan) is not in_force
    if in_force:
        assert "2021-04-04 –" in yunnan and "2026-04-03" in yunnan


def test_deployment_setting_is_the_ceiling(app_factory):
    app = app_factory({"ZHONGCHUANG_JURISDICTIONS": "mile,kunming"})
    with app.app_context():
        client = logged_in(app)
        assert cards(client.get("/admin/").get_data(as_text=True)) == {"弥勒市", "昆明市"}
        listing = client.get("/admin/application/").get_data(as_text=True)
        assert shown("弥勒市", listing) and shown("昆明市", listing)  # the filter options
        assert not shown("云南省", listing) and not shown("徐州市", listing)
        assert not shown("重点众创空间", listing)  # no foreign category either
        assert shown("综合服务类", listing)

        page = client.get("/admin/jurisdictions/").get_data(as_text=True)
        yunnan = page[page.index('id="jurisdiction-yunnan"'):]
        yunnan = yunnan[:yunnan.index("</tr>")]
        assert "部署配置未启用" in yunnan and "<form" not in yunnan
        mile = page[page.index('id="jurisdiction-mile"'):]
        assert "<form" in mile[:mile.index("</tr>")]

        # Switching on a jurisdiction outside the deployment setting is refused.
        token = csrf_token(client, "/admin/jurisdictions/")
        response = client.post("/admin/jurisdictions/switch", data={"csrf_token": token, "code": "yunnan",
                                                                     "enabled": "1"}, follow_redirects=True)
        assert "未在部署配置中启用" in response.get_data(as_text=True)
        assert cards(client.get("/admin/").get_data(as_text=True)) == {"弥勒市", "昆明市"}
        assert db.session.get(JurisdictionSetting, "yunnan") is None


def test_admin_switches_a_jurisdiction_off_and_its_records_stay(app):
    application = make_application("mile", status="submitted", official_number="MILE-001")
    client = logged_in(app)
    user_form_before = client.get("/admin/user/new/").get_data(as_text=True)
    assert 'value="mile"' in user_form_before
    token = csrf_token(client, "/admin/jurisdictions/")
    response = client.post("/admin/jurisdictions/switch", data={"csrf_token": token, "code": "mile", "enabled": "0",
                                                                 "confirm": "yes"})
    assert response.status_code == 302

    assert db.session.get(JurisdictionSetting, "mile").enabled is False
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "jurisdiction_disabled")).one()
    assert event.object_id == "mile" and event.from_state == "enabled" and event.to_state == "disabled"

    assert "弥勒市" not in cards(client.get("/admin/").get_data(as_text=True))
    listing = client.get("/admin/application/").get_data(as_text=True)
    assert "MILE-001" not in listing and not shown("弥勒市", listing)
    assert "MILE-001" not in client.get("/admin/application/export/csv/").get_data(as_text=True)
    assert client.get(f"/admin/application/details/?id={application.id}").status_code == 302
    assert 'value="mile"' not in client.get("/admin/user/new/").get_data(as_text=True)
    page = client.get("/admin/jurisdictions/").get_data(as_text=True)
    mile_row = page[page.index('id="jurisdiction-mile"'):]
    assert "启用</button>" in mile_row[:mile_row.index("</tr>")].replace(" ", "").replace("\n", "")

    db.session.expire_all()
    kept = db.session.get(Application, application.id)
    assert kept is not None and kept.official_number == "MILE-001"  # untouched

    token = csrf_token(client, "/admin/jurisdictions/")
    client.post("/admin/jurisdictions/switch", data={"csrf_token": token, "code": "mile", "enabled": "1"})
    assert "MILE-001" in client.get("/admin/application/").get_data(as_text=True)
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "jurisdiction_enabled")).all()) == 1


def test_officer_scoped_to_a_disabled_jurisdiction_sees_nothing_of_it(app):
    make_application("mile", status="submitted", official_number="MILE-002")
    db.session.add(JurisdictionSetting(code="mile", enabled=False))
    db.session.commit()
    client = logged_in(app, "officer", ["mile"])
    assert "MILE-002" not in client.get("/admin/application/").get_data(as_text=True)
    assert cards(client.get("/admin/").get_data(as_text=True)) == set()


def test_only_the_admin_may_switch(app):
    officer = logged_in(app, "officer", ["mile", "kunming"])
    assert officer.get("/admin/jurisdictions/").status_code == 403
    token = csrf_token(officer, "/admin/")
    response = officer.post("/admin/jurisdictions/switch", data={"csrf_token": token, "code": "mile", "enabled": "0"})
    assert response.status_code == 403
    anonymous = app.test_client()
    assert anonymous.post("/admin/jurisdictions/switch", data={"code": "mile", "enabled": "0"}).status_code in (302, 400)
    assert db.session.get(JurisdictionSetting, "mile") is None


def test_switch_needs_csrf_and_a_known_code(app):
    client = logged_in(app)
    assert client.post("/admin/jurisdictions/switch", data={"code": "mile", "enabled": "0"}).status_code == 400
    token = csrf_token(client, "/admin/jurisdictions/")
    for data in ({"code": "atlantis", "enabled": "0"}, {"code": "mile", "enabled": "maybe"}):
        assert client.post("/admin/jurisdictions/switch", data={"csrf_token": token, **data}).status_code == 400
    assert db.session.scalars(select(JurisdictionSetting)).all() == []


FIFTH = Path(__file__).parent.parent / "fifth_jurisdiction"


@pytest.fixture
def fifth_registry(monkeypatch):
    monkeypatch.syspath_prepend(str(FIFTH))
    import zc_dali

    pm, broken = make_plugin_manager()
    pm.register(zc_dali, name="dali")
    yield Registry(pm, {**broken, "zc_broken": "ImportError: No module named 'nowhere'"})
    sys.modules.pop("zc_dali", None)


def test_a_fifth_jurisdiction_appears_with_no_change_in_core(app_factory, fifth_registry):
    app = app_factory(registry=fifth_registry)
    with app.app_context():
        client = logged_in(app)
        html = client.get("/admin/").get_data(as_text=True)
        assert cards(html) == set(ALL_NAMES) | {"大理白族自治州"}
        assert "大理州测试〔2024〕1号" in html
        listing = client.get("/admin/application/").get_data(as_text=True)
        assert shown("大理白族自治州", listing) and shown("州级众创空间", listing)
        page = client.get("/admin/jurisdictions/").get_data(as_text=True)
        assert 'id="jurisdiction-dali"' in page
        assert "zc_broken" in page and "No module named" in page  # the broken plugin, with its error
