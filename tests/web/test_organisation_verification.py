"""Issue 12 item 9: an organisation registered by anyone is unverified until an officer
of a jurisdiction where it applied (or the admin) confirms it from its business licence
among its uploaded files (核验营业执照); staff see the state in the organisation list and
on the case page.  Real HTTP with CSRF on, real database."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import csrf_token
from core.platform.extensions import db
from core.platform.models import Attachment, AuditEvent, Organisation
from tests.factories import REGIONS, login, make_application, make_org, make_space, make_user


def attach(application, name="营业执照.pdf") -> Attachment:
    attachment = Attachment(application_id=application.id, material="criteria_proofs", original_name=name,
                            stored_name=f"{application.id}-{name}.pdf".encode().hex()[:60] + ".pdf",
                            sha256="0" * 64, size=1024, content_type="application/pdf")
    db.session.add(attachment)
    db.session.commit()
    return attachment


def kunming_application(status="submitted"):
    org = make_org(region=REGIONS["kunming"])
    return make_application("kunming", space=make_space(org), status=status)


def staff(app, role, jurisdictions=()):
    client = app.test_client()
    login(client, make_user(role, jurisdictions))
    return client


def page(client, org) -> str:
    return client.get(f"/admin/organisation-verification/{org.id}").get_data(as_text=True)


def post_verify(client, org, attachment_id):
    token = csrf_token(client, f"/admin/organisation-verification/{org.id}")
    return client.post(f"/admin/organisation-verification/{org.id}",
                       data={"csrf_token": token, "attachment_id": str(attachment_id)})


def test_officer_verifies_from_the_licence_and_staff_see_the_state(app):
    application = kunming_application()
    org = application.organisation
    licence = attach(application)
    officer = staff(app, "officer", ("kunming",))
    listing = officer.get("/admin/organisation/").get_data(as_text=True)
    assert "未核验" in listing.split(org.name, 1)[1][:2000]
    html = page(officer, org)
    assert "未核验" in html and 'id="verify-form"' in html and "营业执照.pdf" in html and "核验营业执照" in html

    response = post_verify(officer, org, licence.id)
    assert response.status_code == 302
    db.session.expire_all()
    org = db.session.get(Organisation, org.id)
    assert org.verified_at is not None and org.verified_attachment_id == licence.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.verify")).one()
    assert event.jurisdiction == "kunming" and event.object_id == str(org.id) and event.to_state == "verified"
    assert "已核验" in page(officer, org) and 'id="verify-form"' not in page(officer, org)
    assert "已核验" in officer.get(f"/admin/case/{application.id}").get_data(as_text=True)
    leader = staff(app, "leader", ("kunming",))  # the leader sees the state too
    assert "已核验" in leader.get("/admin/organisation/").get_data(as_text=True)
    # a second verification is refused, nothing more written
    assert post_verify(officer, org, licence.id).status_code == 400
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "organisation.verify")) == 1


def test_without_an_uploaded_file_the_page_says_it_cannot_be_verified(app):
    application = kunming_application()
    officer = staff(app, "officer", ("kunming",))
    html = page(officer, application.organisation)
    assert 'id="no-licence"' in html and "暂不能核验" in html and 'id="verify-form"' not in html
    response = post_verify(officer, application.organisation, 1)
    assert response.status_code == 400 and "没有营业执照可供核验" in response.get_data(as_text=True)
    assert db.session.get(Organisation, application.organisation.id).verified_at is None


def test_a_drafts_files_are_not_offered(app):
    """Drafts are the applicant's: their files are not the officer's to open."""
    draft = kunming_application(status="draft")
    attach(draft)
    officer = staff(app, "officer", ("kunming",))
    html = page(officer, draft.organisation)
    assert "营业执照.pdf" not in html


def test_only_an_officer_where_it_applied_or_the_admin(app):
    application = kunming_application()
    org = application.organisation
    licence = attach(application)
    # an officer of another jurisdiction does not see the organisation at all
    assert staff(app, "officer", ("mile",)).get(f"/admin/organisation-verification/{org.id}").status_code == 404
    # the leader sees it but may not verify
    leader = staff(app, "leader", ("kunming",))
    assert 'id="verify-form"' not in page(leader, org)
    response = post_verify(leader, org, licence.id)
    assert response.status_code == 400 and "业务经办人员或系统管理员" in response.get_data(as_text=True)
    # a file of another organisation is refused
    other = attach(kunming_application(), "别家执照.pdf")
    officer = staff(app, "officer", ("kunming",))
    response = post_verify(officer, org, other.id)
    assert response.status_code == 400 and "请选择该单位上传的营业执照" in response.get_data(as_text=True)
    assert db.session.get(Organisation, org.id).verified_at is None
    # the admin may
    assert post_verify(staff(app, "admin"), org, licence.id).status_code == 302
    assert db.session.get(Organisation, org.id).verified_at is not None


def test_a_registered_organisation_starts_unverified(app):
    org = make_org()
    assert org.verified_at is None and org.verified_by_id is None
