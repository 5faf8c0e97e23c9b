"""``/admin/applicant-users/``: an officer (within his scope) or the admin gives an
applicant user a temporary password, which the applicant must change at next login
(``User.must_change_password``, enforced by ``core.accounts.portal_account``).

Only applicant users of organisations the officer may manage — those with an
application in his jurisdictions (``core.accounts.scoping.managed_organisation_criteria``), not
merely in his area — are listed or reset; any other id is a 404.  The temporary
password is generated (``core.accounts.passwords.temporary``), shown once to the officer to hand
over, and never stored in clear nor written to the audit log.  The reset is audited
once per jurisdiction concerned, so every bureau of the organisation sees it, and the
applicant's account page says who reset it and when (``core.accounts.portal_account``).
"""
from __future__ import annotations

from flask import abort
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select

from core.accounts import account_notices

from core.platform import audit

from core.accounts import passwords

from core.accounts import roles
from core.accounts.admin_access import StaffAccessMixin
from core.platform.extensions import db
from core.platform.models import Organisation, User
from core.accounts.scoping import concerned_jurisdictions, managed_organisation_criteria


def _visible_applicants():
    return (select(User).join(Organisation, User.organisation_id == Organisation.id)
            .where(User.role == roles.APPLICANT, managed_organisation_criteria(current_user)))


class ApplicantUsersView(StaffAccessMixin, BaseView):
    allowed_roles = (roles.OFFICER, roles.ADMIN)

    def _render(self, *, reset_user=None, temporary=None):
        users = db.session.scalars(_visible_applicants().order_by(Organisation.name, User.login)).all()
        return self.render("admin/applicant_users.html", users=users, reset_user=reset_user, temporary=temporary)

    @expose("/")
    def index(self):
        return self._render()

    @expose("/<int:user_id>/reset", methods=["POST"])
    def reset(self, user_id: int):
        user = db.session.scalars(_visible_applicants().where(User.id == user_id)).one_or_none()
        if user is None:
            abort(404)
        temporary = passwords.temporary()
        user.set_password(temporary)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        audit.record_for(concerned_jurisdictions(user.organisation_id), "user.password_reset", user,
                         organisation=user.organisation_id, login=user.login)
        account_notices.password_reset(user, by=current_user.name)
        db.session.commit()
        return self._render(reset_user=user, temporary=temporary)
