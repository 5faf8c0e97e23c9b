"""PDF downloads for staff: ``/admin/documents/...``.

Each document is looked up through ``core.accounts.scoping`` — a staff user gets the PDF of an
application, notice or title he may see, and 404 for any other; nothing is hidden
only by leaving out a button.
"""
from __future__ import annotations

from flask import abort, redirect, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select

from core.documents import render as documents
from core.accounts.admin_access import StaffAccessMixin
from core.documents.render import pdf_response
from core.platform.extensions import db
from core.platform.models import Application, PublicNotice, Recognition
from core.review import batches, meeting_paper
from core.accounts.scoping import application_criteria, application_or_404, criteria_for


class DocumentsView(StaffAccessMixin, BaseView):
    def is_visible(self) -> bool:
        return False  # reached from a case, a notice or a title

    @expose("/")
    def index(self):
        return redirect(url_for("application.index_view"))

    @expose("/application/<int:application_id>.pdf")
    def application(self, application_id: int):
        application = application_or_404(application_id)
        return pdf_response(documents.pdf_of_application(application), f"application-{application.id}.pdf")

    @expose("/notice/<int:notice_id>.pdf")
    def notice(self, notice_id: int):
        notice = db.session.scalars(select(PublicNotice).where(
            PublicNotice.id == notice_id, criteria_for(PublicNotice, current_user))).one_or_none()
        if notice is None:
            abort(404)
        return pdf_response(documents.notice_pdf(notice), f"notice-{notice.id}.pdf")

    @expose("/application/<int:application_id>/certificate.pdf")
    def certificate(self, application_id: int):
        recognition = db.session.scalars(select(Recognition).where(
            Recognition.application_id == application_id, criteria_for(Recognition, current_user),
            # a recommender or expert sees a title only through an application he may see
            Recognition.application_id.in_(select(Application.id).where(application_criteria(current_user)))
        )).one_or_none()
        if recognition is None:
            abort(404)
        return pdf_response(documents.certificate_pdf(recognition), f"certificate-{application_id}.pdf")

    @expose("/batch/<int:batch_id>/meeting-paper.pdf")
    def meeting_paper(self, batch_id: int):
        """The meeting paper of a batch (issue 22): officers and leaders of its jurisdiction, once concluded."""
        batch = batches.visible_batch(batch_id, current_user)
        if batch is None:
            abort(404)
        try:
            paper = meeting_paper.paper(batch, current_user)
        except batches.BatchError:
            abort(403)
        name = meeting_paper.filename(batch, "pdf")
        pdf = documents.meeting_paper_pdf(paper)
        meeting_paper.record_export(batch, current_user, "pdf", name)
        return pdf_response(pdf, f"meeting-paper-{batch.id}.pdf")
