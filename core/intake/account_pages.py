"""The account pages of the portal: registering an applicant organisation, and changing
one's password.

* ``/register`` (no login): the form and the operation are ``core.intake.registration``;
  the new user is logged in and lands on ``/portal/``.
* ``/account/password``: any logged-in user changes his password
  (``core.accounts.portal_account.change_password``: his other sessions end and he is
  notified).  A user whose password an officer reset is sent here before any other page;
  the page says who last reset it and when.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo, ValidationError

from core.accounts import passwords, portal_account as accounts, roles
from core.accounts.auth import sign_in
from core.facts.forms import Required
from core.intake import registration

bp = Blueprint("account", __name__)
# A user with a temporary password changes it before anything else.
bp.before_app_request(accounts.insist_on_new_password)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", [Required()], render_kw={"autocomplete": "current-password"})
    password = PasswordField("新密码", [Required(), passwords.strong_password(None)],
                             description=passwords.RULE,
                             render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField("确认新密码", [Required(), EqualTo("password", "两次输入的密码不一致")],
                                     render_kw={"autocomplete": "new-password"})

    def validate_current_password(self, field):
        if field.data and not current_user.check_password(field.data):
            raise ValidationError("当前密码不正确")

    def validate_password(self, field):
        if field.data and field.data == self.current_password.data:
            raise ValidationError("新密码不能与当前密码相同")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("portal.index"))
    form = registration.RegisterForm()
    error = None
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            user = registration.register(form)
        except registration.RegistrationRefused as refused:
            error, status = refused.message, refused.status
        else:
            sign_in(user)
            flash(gettext("Registration complete. Describe your maker space next."), "success")
            return redirect(url_for("portal.index"))
    form.password.data = form.password_confirm.data = ""
    return render_template("portal/register.html", form=form, error=error), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        accounts.change_password(user, form.password.data)
        flash(gettext("Your password has been changed."), "success")
        return redirect(url_for("portal.index") if user.role == roles.APPLICANT else url_for("admin.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("portal/password.html", form=form, forced=current_user.must_change_password,
                           last_reset=accounts.last_password_reset(current_user)), status
