"""PDF downloads outside the admin.

- ``/portal/applications/<id>/pdf`` — the applicant's own application form;
- ``/portal/certificates/<id>/pdf`` — the certificate of a title of the applicant's
  own organisation;
- ``/notices/<id>/pdf`` — a public notice, for anyone, while it is open
  (``core.notice.publication.public_notice``: enabled jurisdictions only).

Everything is looked up through ``core.accounts.scoping`` (or the public notice list), so an
id that is not the user's is 404.
"""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy import select

from core.documents import render as documents
from core.notice import publication as public_notice
from core.documents.render import pdf_response
from core.platform.extensions import db
from core.platform.models import Application, Recognition
from core.intake.access import applicant_only
from core.accounts.scoping import application_criteria, application_or_404

bp = Blueprint("pdf", __name__)

# A notice just published is rendered into the store, so its first public download is a file read.
public_notice.published.append(documents.prerender_notice)


@bp.route("/portal/applications/<int:application_id>/pdf")
@applicant_only(staff_to_admin=True)
def application_pdf(application_id: int):
    application = application_or_404(application_id)
    return pdf_response(documents.pdf_of_application(application), f"application-{application.id}.pdf")


@bp.route("/portal/certificates/<int:recognition_id>/pdf")
@applicant_only(staff_to_admin=True)
def certificate_pdf(recognition_id: int):
    recognition = db.session.scalars(select(Recognition).where(
        Recognition.id == recognition_id,
        Recognition.application_id.in_(select(Application.id).where(application_criteria(current_user))),
    )).one_or_none()
    if recognition is None:
        abort(404)
    return pdf_response(documents.certificate_pdf(recognition), f"certificate-{recognition.id}.pdf")


@bp.route("/notices/<int:notice_id>/pdf")
def notice_pdf(notice_id: int):
    notice = public_notice.public_notice(notice_id)
    if notice is None or notice.status != "open":
        abort(404)
    response = pdf_response(documents.notice_pdf(notice), f"notice-{notice.id}.pdf")
    response.headers["Cache-Control"] = "no-cache"
    return response
