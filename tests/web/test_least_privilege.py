"""Issue 12 item 11: least privilege.

- A draft is the applicant's until submitted: 昆明's officer, leader, recommender and
  expert get the 404 of an unknown id on its case page, checklist, material, PDF and
  admin record; once submitted the officer sees it (both sides of the boundary).
- An expert sees only what is assigned to him: no organisation or space (with their
  contact names and phones) outside his batches.
- No menu entry answers 403: every link a role's menu shows opens.
Real HTTP as the demo-like users, CSRF on, real database, a real uploaded file.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, Attachment, Batch, ExpertAssignment
from tests.factories import login, make_application, make_org, make_space, make_user
from tests.portal_helpers import NEW_URL, PDF, TODAY, kunming_operator, open_call, page_form, upload, with_extra

STAFF = ("officer", "leader", "recommender", "expert")


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


def client_of(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


@pytest.fixture
def draft(app):
    """A 昆明 draft with one material uploaded through the portal, and 昆明's staff — the
    expert assigned to a batch holding it, so only the draft rule keeps him out."""
    open_call()
    client, _, space = kunming_operator(app)
    url = NEW_URL.format(space=space.id)
    response = client.post(url, data=with_extra(page_form(client, url)))
    application = db.session.get(Application, int(response.location.split("/")[-2]))
    upload(client, application.id, "annual_plan", PDF, "年度工作计划.pdf")
    users = {role: make_user(role, ["kunming"], login=f"{role}@kunming.demo") for role in STAFF}
    batch = Batch(jurisdiction="kunming", name="第一批")
    batch.experts.append(ExpertAssignment(expert_id=users["expert"].id))
    db.session.add(batch)
    db.session.flush()
    application.batch_id = batch.id
    db.session.commit()
    attachment = db.session.scalars(select(Attachment)).one()
    return application, attachment, users, client


def draft_urls(application, attachment) -> list[str]:
    return [f"/admin/case/{application.id}", f"/admin/checklist/{application.id}",
            f"/portal/attachments/{attachment.id}", f"/admin/documents/application/{application.id}.pdf",
            f"/admin/case/{application.id}/timeline.csv"]


@pytest.mark.parametrize("role", STAFF)
def test_staff_cannot_open_a_draft(app, draft, role):
    application, attachment, users, _ = draft
    client = client_of(app, users[role])
    for url in draft_urls(application, attachment):
        assert client.get(url).status_code == 404, url
    # nor find it in the list, its details or its edit form
    listing = client.get("/admin/application/").get_data(as_text=True)
    assert f"case/{application.id}" not in listing
    for url in (f"/admin/application/details/?id={application.id}", f"/admin/application/edit/?id={application.id}"):
        assert client.get(url).status_code in (302, 403), url


def test_the_applicant_opens_his_draft_and_the_officer_once_it_is_submitted(app, draft):
    application, attachment, users, applicant = draft
    assert applicant.get(f"/portal/attachments/{attachment.id}").status_code == 200
    assert applicant.get(f"/portal/applications/{application.id}/pdf").status_code == 200
    officer = client_of(app, users["officer"])
    application.status = "submitted"  # as core.review.workflow's submit leaves it
    db.session.commit()
    for url in draft_urls(application, attachment):
        assert officer.get(url).status_code == 200, url


def test_the_admin_still_sees_drafts_to_remove_abandoned_ones(app, draft):
    application, attachment, _, _ = draft
    admin = client_of(app, make_user("admin"))
    assert admin.get(f"/admin/application/details/?id={application.id}").status_code == 200


# --- experts ------------------------------------------------------------------------------

@pytest.fixture
def spaces(app):
    """Two 昆明 organisations with contacts, each with a submitted application; the
    expert is assigned to the batch of the first only."""
    def org_with_application(name, contact, phone):
        org = make_org(name, region="530102", contact_name=contact, contact_phone=phone)
        space = make_space(org, name=f"{name}空间")
        return make_application("kunming", "comprehensive_service", space=space, status="submitted")

    assigned = org_with_application("指派单位", "张指派", "13800000001")
    other = org_with_application("未指派单位", "李未派", "13800000002")
    in_area = make_space(make_org("区域内单位", region="530102", contact_name="王区域", contact_phone="13800000003"))
    expert = make_user("expert", ["kunming"], login="expert@kunming.demo")
    batch = Batch(jurisdiction="kunming", name="第一批")
    batch.experts.append(ExpertAssignment(expert_id=expert.id))
    db.session.add(batch)
    db.session.flush()
    assigned.batch_id = batch.id
    db.session.commit()
    return expert, assigned, other, in_area


def test_an_expert_without_assignment_sees_no_organisation_or_space(app, spaces):
    _, _, other, in_area = spaces
    idle = client_of(app, make_user("expert", ["kunming"]))
    for url in ("/admin/organisation/", "/admin/space/", "/admin/organisation/export/csv/",
                "/admin/space/export/csv/"):
        text = idle.get(url).get_data(as_text=True)
        for secret in ("指派单位", "未指派单位", "区域内单位", "张指派", "李未派", "王区域", "13800000002"):
            assert secret not in text, (url, secret)
    assert idle.get(f"/admin/organisation/details/?id={other.organisation_id}").status_code == 302
    assert idle.get(f"/admin/space/details/?id={in_area.id}").status_code == 302


def test_an_expert_sees_the_organisation_and_space_he_is_assigned_only(app, spaces):
    expert, assigned, other, _ = spaces
    client = client_of(app, expert)
    organisations = client.get("/admin/organisation/").get_data(as_text=True)
    assert "张指派" in organisations and "13800000001" in organisations
    assert "李未派" not in organisations and "王区域" not in organisations
    space_list = client.get("/admin/space/").get_data(as_text=True)
    assert "指派单位空间" in space_list and "未指派单位空间" not in space_list


def test_a_recommender_still_sees_the_organisations_of_its_area(app, spaces):
    """Only the expert is narrowed: the 县区 recommender vouches for spaces of its area."""
    recommender = client_of(app, make_user("recommender", ["kunming"]))
    assert "王区域" in recommender.get("/admin/organisation/").get_data(as_text=True)


# --- menus ---------------------------------------------------------------------------------

MENU_LINK = re.compile(r'<a class="(?:nav-link|dropdown-item)[^"]*" href="(/admin/[^"]*)"')


@pytest.mark.parametrize("role", ["leader", "expert", "recommender", "officer", "admin"])
def test_every_menu_entry_of_every_role_opens(app, role):
    make_application("kunming", "comprehensive_service", status="submitted")
    client = client_of(app, make_user(role, [] if role == "admin" else ["kunming"], login=f"{role}@kunming.demo"))
    html = client.get("/admin/").get_data(as_text=True)
    links = set(MENU_LINK.findall(html))
    assert "/admin/application/" in links
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    if role not in ("officer", "admin"):
        assert "/admin/applicant-users/" not in links and "申报单位用户" not in html
