"""Confirmations before grave steps (issue 13, "The walk"): 授予称号 and 结束专家评审 on
the case page, 结束专家评审 on the batch page and 停用辖区 — a static JS confirm()
hooked by ``data-zc-confirm`` (no inline script: the CSP forbids it) and a required
"confirm" box the server checks, so a post without it changes nothing.  A switched-off
jurisdiction does not make an applicant's recognised application vanish: "My
applications" still lists it with a notice.  Real HTTP with CSRF on, real database."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, AuditEvent, Batch, JurisdictionSetting, Recognition
from tests.factories import login, make_application, make_org, make_space, make_user
from tests.domain.test_batches import as_user, at_step, post, staff
from tests.web.test_expert_review import batch_with

TODAY = date(2026, 10, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def hooked(html: str, form_id: str) -> str:
    """The form ``form_id``: it (or its submit button) carries a data-zc-confirm question,
    the page loads the static zc-confirm.js and has no inline script."""
    form = re.search(rf'<form[^>]*id="{form_id}"[^>]*>.*?</form>', html, re.S)
    assert form and 'data-zc-confirm="' in form.group(0), form_id
    assert '<script src="/static/zc-confirm.js"></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
    return form.group(0)


def test_award_on_the_case_page_needs_the_confirmation_article_12(app):
    """昆科发〔2017〕55号 第十二条 授牌: without the box ticked nothing is awarded; ticked, the title is."""
    officer = make_user("officer", ("kunming",))
    application = at_step("kunming", step="award")
    client = as_user(app, officer)
    url = f"/admin/case/{application.id}"
    html = client.get(url).get_data(as_text=True)
    assert "授予称号" in hooked(html, "confirm-award") or 'id="confirm-award"' in html
    data = {"action": "award", "expected_version": str(application.version), "expected_step": "award"}
    for extra in ({}, {"confirm": ""}, {"confirm": "no"}):
        refused = post(client, url, f"{url}/act", {**data, **extra})
        page = refused.get_data(as_text=True)
        assert refused.status_code == 400
        assert re.search(r'id="confirm-award-error">[^<]*请勾选确认', page)
        db.session.expire_all()
        assert db.session.get(Application, application.id).status == "in_review" and count(Recognition) == 0
    done = post(client, url, f"{url}/act", {**data, "confirm": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "recognised" and count(Recognition) == 1


def test_a_move_not_allowed_is_refused_as_such_not_asked_to_confirm(app):
    recommender = make_user("recommender", ("kunming",))
    application = at_step("kunming", step="district_review")
    client = as_user(app, recommender)
    url = f"/admin/case/{application.id}"
    refused = post(client, url, f"{url}/act", {"action": "award", "expected_version": str(application.version),
                                               "expected_step": "district_review"})
    assert refused.status_code == 400 and "不在授予称号步骤" in refused.get_data(as_text=True)


def test_concluding_the_batchs_expert_review_needs_the_confirmation_article_11(app):
    """弥政办发〔2017〕5号 第七条 集中评审: the officer's 结束专家评审 without the box is refused
    next to it and nothing moves (the rest is tests/web/test_expert_review.py, with the box)."""
    users = staff()
    application = at_step()
    batch = batch_with(users, [application], [users["expert"]])
    client = as_user(app, users["officer"])
    page = f"/admin/batches/{batch.id}"
    hooked(client.get(page).get_data(as_text=True), "conclude")
    refused = post(client, page, f"{page}/conclude", {})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and re.search(r'id="conclude-confirm-error">[^<]*请勾选确认', html)
    db.session.expire_all()
    assert db.session.get(Batch, batch.id).status == "open"
    assert db.session.get(Application, application.id).current_step == "expert_review"
    # with the box, the usual rules apply (no score yet: refused by core.review.experts)
    refused = post(client, page, f"{page}/conclude", {"confirm": "yes"})
    assert refused.status_code == 400 and "尚有专家未评分" in refused.get_data(as_text=True)


def test_switching_a_jurisdiction_off_needs_the_confirmation(app):
    make_application("mile", status="recognised")
    make_application("mile", status="submitted")
    make_application("mile", status="draft")  # not counted: the applicant's own
    admin = make_user("admin")
    client = app.test_client()
    assert login(client, admin).status_code == 302
    html = client.get("/admin/jurisdictions/").get_data(as_text=True)
    form = hooked(html, "switch-mile")
    assert "2 件申报" in form and "已认定 1 件" in form
    row = re.search(r'<tr id="jurisdiction-mile">.*?</tr>', html, re.S).group(0)
    assert "2 件申报" in plain(row) and 'name="confirm"' in row
    token = csrf_token(client, "/admin/jurisdictions/")
    refused = client.post("/admin/jurisdictions/switch", data={"csrf_token": token, "code": "mile", "enabled": "0"})
    assert refused.status_code == 400
    assert re.search(r'id="confirm-mile-error">[^<]*停用前请勾选确认', refused.get_data(as_text=True))
    assert db.session.get(JurisdictionSetting, "mile") is None
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "jurisdiction_disabled")).all() == []
    done = client.post("/admin/jurisdictions/switch",
                       data={"csrf_token": token, "code": "mile", "enabled": "0", "confirm": "yes"})
    assert done.status_code == 302 and db.session.get(JurisdictionSetting, "mile").enabled is False
    # switching back on asks nothing
    html = client.get("/admin/jurisdictions/").get_data(as_text=True)
    assert 'data-zc-confirm' not in re.search(r'<form[^>]*id="switch-mile"[^>]*>', html).group(0)
    token = csrf_token(client, "/admin/jurisdictions/")
    assert client.post("/admin/jurisdictions/switch",
                       data={"csrf_token": token, "code": "mile", "enabled": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(JurisdictionSetting, "mile").enabled is True


def test_the_applicant_still_sees_its_recognised_application_with_a_notice(app):
    org = make_org()
    space = make_space(org)
    recognised = make_application("mile", space=space, status="recognised")
    db.session.add(Recognition(application_id=recognised.id, space_id=space.id, jurisdiction="mile",
                               title="弥勒市众创空间", certificate_number="弥众创〔2026〕001号", level="county",
                               granted_on=date(2026, 6, 1)))
    kunming = make_application("kunming", "comprehensive_service",
                               space=make_space(org, region="530102"), status="submitted")
    other = make_application("mile", status="recognised")  # another organisation's
    applicant = make_user("applicant", organisation=org)
    client = app.test_client()
    assert login(client, applicant).status_code == 302
    html = client.get("/portal/").get_data(as_text=True)
    assert 'id="dormant-applications"' not in html and f'id="application-{recognised.id}"' in html
    db.session.add(JurisdictionSetting(code="mile", enabled=False))
    db.session.commit()
    html = client.get("/portal/").get_data(as_text=True)
    assert f'id="application-{recognised.id}"' not in html  # not in the working list any more
    assert f'id="application-{kunming.id}"' in html
    notice = plain(re.search(r'id="dormant-notice"[^>]*>(.*?)</p>', html, re.S).group(1))
    assert "停用" in notice and "不撤销" in notice and "联系" in notice
    row = plain(re.search(rf'<tr id="dormant-{recognised.id}">.*?</tr>', html, re.S).group(0))
    assert space.name in row and "弥众创〔2026〕001号" in row and "已认定" in row and "弥勒" in row
    assert "recognised" not in row
    assert f'id="dormant-{other.id}"' not in html and f'id="dormant-{kunming.id}"' not in html


def test_award_on_the_notice_desk_needs_the_confirmation_too_article_12(app):
    """第十二条 授牌 from the notice desk's list of applications awaiting the award: the
    same question and box; unticked, nothing is awarded and the error sits in its row."""
    officer = make_user("officer", ("kunming",))
    application = at_step("kunming", step="award")
    client = as_user(app, officer)
    html = client.get("/admin/notices/").get_data(as_text=True)
    hooked(html, f"award-{application.id}")
    data = {"expected_version": str(application.version)}
    refused = post(client, "/admin/notices/", f"/admin/notices/award/{application.id}", data)
    assert refused.status_code == 400
    assert re.search(rf'id="award-{application.id}-error">[^<]*请勾选确认', refused.get_data(as_text=True))
    assert count(Recognition) == 0
    done = post(client, "/admin/notices/", f"/admin/notices/award/{application.id}", {**data, "confirm": "yes"})
    assert done.status_code == 302 and count(Recognition) == 1
