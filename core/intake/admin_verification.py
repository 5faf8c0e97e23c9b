"""``/admin/organisation-verification/<id>``: whether an applicant organisation is
verified, and the officer's action 核验营业执照 (``core.intake.organisations``)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from core.intake import organisations

from core.accounts import roles
from core.platform import labels
from core.accounts.admin_access import StaffAccessMixin
from core.platform.extensions import db
from core.platform.models import Attachment, Organisation, User
from core.platform.row_ids import row_id
from core.accounts.scoping import organisation_criteria


def verification_label(organisation: Organisation) -> str:
    return gettext("Verified") if organisation.verified_at else gettext("Unverified")


class OrganisationVerificationView(StaffAccessMixin, BaseView):
    allowed_roles = (roles.ADMIN, roles.OFFICER, roles.LEADER)

    def is_visible(self) -> bool:
        return False  # reached from the organisation list and the case page

    def _organisation_or_404(self, organisation_id: int) -> Organisation:
        organisation = db.session.scalars(select(Organisation).where(
            Organisation.id == organisation_id, organisation_criteria(current_user))).one_or_none()
        if organisation is None:
            abort(404)
        return organisation

    def _render(self, organisation: Organisation, error: str | None = None, status: int = 200):
        verified_by = db.session.get(User, organisation.verified_by_id) if organisation.verified_by_id else None
        licence = db.session.get(Attachment, organisation.verified_attachment_id) \
            if organisation.verified_attachment_id else None
        return self.render("admin/organisation_verification.html", organisation=organisation,
                           files=organisations.licence_files(organisation, current_user),
                           may_verify=organisations.may_verify(organisation, current_user),
                           verified_by=verified_by, licence=licence, error=error, labels=labels,
                           state=verification_label(organisation)), status

    @expose("/")
    def index(self):
        return redirect(url_for("organisation.index_view"))

    @expose("/<int:organisation_id>")
    def show(self, organisation_id: int):
        return self._render(self._organisation_or_404(organisation_id))

    @expose("/<int:organisation_id>", methods=["POST"])
    def verify(self, organisation_id: int):
        organisation = self._organisation_or_404(organisation_id)
        attachment_id = request.form.get("attachment_id", "")
        try:
            organisations.verify(organisation, row_id(attachment_id),
                                 current_user._get_current_object())
        except organisations.VerificationRefused as exc:
            db.session.rollback()
            return self._render(self._organisation_or_404(organisation_id), error=exc.message, status=400)
        flash(gettext("The organisation is verified from its business licence."), "success")
        return redirect(url_for(".show", organisation_id=organisation_id))
