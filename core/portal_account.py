"""Applicant accounts: registration, changing one's password, and the temporary
password an officer gives.

* ``/register`` (no login): the organisation (name, 统一社会信用代码 checked by
  GB 32100-2015, registered region GB/T 2260), a contact, a login that is an e-mail
  address or a mainland mobile number, and a password (``core.passwords``).  The
  Organisation and its applicant User are written in one transaction with an audit
  event; the new user is logged in and lands on ``/portal/``.
* ``/account/password``: any logged-in user changes his password.
* A user whose password an officer reset (``User.must_change_password``, see
  ``core.admin.applicant_users``) is sent to that page before any other.
"""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms import PasswordField
from wtforms.validators import EqualTo, ValidationError

from core import audit, passwords, roles
from core.auth import fresh_session
from core.extensions import db
from core.forms import FactsForm, Required, TextField, email_address, max_chars
from core.models import Organisation, User

bp = Blueprint("account", __name__)

MOBILE = re.compile(r"1[3-9][0-9]{9}")  # mainland mobile numbers (11 digits, 13x–19x)


def normalise_login(value: str) -> str:
    """E-mail addresses are case-insensitive: stored in lower case; phones as typed."""
    value = (value or "").strip()
    return value.lower() if "@" in value else value


def login_taken(login: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.login) == login.lower())) is not None


def uscc_taken(uscc: str) -> bool:
    return db.session.scalar(select(Organisation.id).where(Organisation.uscc == uscc)) is not None


def email_or_mobile(form, field) -> None:
    value = field.data or ""
    if "@" in value:
        email_address(form, field)
    elif not MOBILE.fullmatch(value):
        raise ValidationError("请填写电子邮件地址（如 name@example.com）或 11 位手机号码（如 13800000000）")


class RegisterForm(FlaskForm):
    # The organisation's fields are the application form's own (same labels, same checks).
    organisation_name = FactsForm.applicant_name
    uscc = FactsForm.uscc
    registered_region = FactsForm.registered_region
    contact_name = TextField("联系人姓名", [Required(), max_chars(100)])
    login = TextField("登录名（电子邮件或手机号码）", [Required(), max_chars(200), email_or_mobile],
                      filters=[normalise_login], render_kw={"autocomplete": "username"})
    password = PasswordField("密码", [Required(), passwords.strong_password("login")],
                             description=passwords.RULE,
                             render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField("确认密码", [Required(), EqualTo("password", "两次输入的密码不一致")],
                                     render_kw={"autocomplete": "new-password"})

    def validate_uscc(self, field):
        if field.data and uscc_taken(field.data):
            raise ValidationError("该统一社会信用代码已注册。如忘记密码，请联系主管部门经办人员重置")

    def validate_login(self, field):
        if field.data and login_taken(field.data):
            raise ValidationError("该登录名已被使用")


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
    form = RegisterForm()
    error = None
    if form.validate_on_submit():
        org = Organisation(name=form.organisation_name.data, uscc=form.uscc.data,
                           registered_region=form.registered_region.data, contact_name=form.contact_name.data)
        login = form.login.data
        if "@" in login:
            org.contact_email = login
        else:
            org.contact_phone = login
        user = User(login=login, name=form.contact_name.data, role=roles.APPLICANT, organisation=org)
        user.set_password(form.password.data)
        db.session.add_all([org, user])
        try:
            db.session.flush()
            audit.record("organisation.register", org, actor=user, uscc=org.uscc, name=org.name)
            audit.record("user.register", user, actor=user, login=user.login, role=user.role)
            db.session.commit()
        except IntegrityError:  # registered by someone else a moment ago
            db.session.rollback()
            error = "该统一社会信用代码或登录名刚刚已被注册，请核对后重试"
        else:
            fresh_session()
            login_user(user)
            flash(gettext("Registration complete. Describe your maker space next."), "success")
            return redirect(url_for("portal.index"))
    form.password.data = form.password_confirm.data = ""
    status = 400 if form.is_submitted() else 200
    return render_template("portal/register.html", form=form, error=error), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        user.set_password(form.password.data)
        forced = user.must_change_password
        user.must_change_password = False
        audit.record("user.password_changed", user, after_reset=forced)
        db.session.commit()
        flash(gettext("Your password has been changed."), "success")
        return redirect(url_for("portal.index") if user.role == roles.APPLICANT else url_for("admin.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("portal/password.html", form=form,
                           forced=current_user.must_change_password), status


# Pages a user with a temporary password may still open.
OPEN_WHILE_RESET = {"account.change_password", "auth.logout", "auth.set_language", "static"}


@bp.before_app_request
def insist_on_new_password():
    if (current_user.is_authenticated and getattr(current_user, "must_change_password", False)
            and request.endpoint not in OPEN_WHILE_RESET):
        return redirect(url_for("account.change_password"))
    return None

