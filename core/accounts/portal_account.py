"""Applicant accounts: registration, changing one's password, and the temporary
password an officer gives.

* ``/register`` (no login): the organisation (name, 统一社会信用代码 checked by
  GB 32100-2015, registered region GB/T 2260), a contact, a login that is an e-mail
  address or a mainland mobile number, and a password (``core.accounts.passwords``).  The
  Organisation and its applicant User are written in one transaction with an audit
  event; the new user is logged in and lands on ``/portal/``.  The organisation is
  unverified until an officer checks its business licence (``core.intake.organisations``).
* The page never says whether the login or the code was the one already registered
  (one answer, ``TAKEN``), and one client address may try ``REGISTRATIONS_PER_HOUR``
  times an hour (our default 10), counted in the audit log (``user.register`` and
  ``user.register_refused`` events) with the address the audit log records.
* ``/account/password``: any logged-in user changes his password; his other sessions
  end (``core.accounts.user_sessions``) and he is notified (``core.accounts.account_notices``).
* A user whose password an officer reset (``User.must_change_password``, see
  ``core.accounts.admin_applicant_users``) is sent to that page before any other; the page
  says who last reset it and when (read from the audit log, ``last_password_reset``).
"""
from __future__ import annotations

import re

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms import PasswordField
from wtforms.validators import EqualTo, ValidationError

from core.accounts import account_notices

from core.platform import audit, clock

from core.accounts import passwords

from core.notice import publication as public_notice

from core.accounts import roles

from core.accounts import user_sessions
from core.accounts.auth import sign_in
from core.platform.extensions import db
from core.facts.forms import FactsForm, Required, TextField, email_address, max_chars
from core.platform.models import AuditEvent, Organisation, User

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


DEFAULT_REGISTRATIONS_PER_HOUR = 10  # our choice: a few colleagues behind one office address
REGISTRATION_ACTIONS = ("user.register", "user.register_refused")
# One answer whichever of the two is taken, so the page tells nobody which logins or
# codes exist (ASVS 2.2 / 3.x account enumeration).
TAKEN = ("未能注册：该统一社会信用代码或登录名已有账号。如贵单位已注册而忘记密码，"
         "请联系主管部门经办人员重置；否则请核对后重试")


def registrations_per_hour() -> int:
    return int(current_app.config.get("REGISTRATIONS_PER_HOUR") or DEFAULT_REGISTRATIONS_PER_HOUR)


def registrations_from(address: str | None) -> int:
    """Registrations tried from ``address`` in the last hour, taken or refused."""
    since = clock.utcnow() - timedelta(hours=1)
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(REGISTRATION_ACTIONS), AuditEvent.client_address == address,
        AuditEvent.occurred_at >= since)) or 0


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("portal.index"))
    form = RegisterForm()
    error = None
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            user = _register(form)
        except _Refused as refused:
            error, status = refused.message, refused.status
        else:
            sign_in(user)
            flash(gettext("Registration complete. Describe your maker space next."), "success")
            return redirect(url_for("portal.index"))
    form.password.data = form.password_confirm.data = ""
    return render_template("portal/register.html", form=form, error=error), status


class _Refused(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def _register(form) -> User:
    """Write the organisation and its applicant user, or raise ``_Refused`` (too many
    tries from this address, or the code or the login taken: one answer for both)."""
    address = audit.client_address()
    limit = registrations_per_hour()
    too_many = _Refused(f"同一网络地址每小时最多尝试注册 {limit} 次，请稍后再试", 429)
    public_notice.one_address_at_a_time(address, "register")
    if registrations_from(address) >= limit:
        db.session.rollback()  # ends the transaction, and its lock
        raise too_many
    user = register_applicant(form)
    if registrations_from(address) > limit:  # counted again with this one written (SQLite)
        db.session.rollback()
        raise too_many
    db.session.commit()
    if user is None:
        raise _Refused(TAKEN, 400)
    return user


def register_applicant(form: RegisterForm, password_hash: str | None = None) -> User | None:
    """The registration itself, without HTTP: write the organisation and its applicant
    user from a validated ``RegisterForm`` with the audit events ``organisation.register``
    and ``user.register`` (the new user is their actor), and return the user; or, when
    the 统一社会信用代码 or the login is taken, record ``user.register_refused`` and
    return None.  Nothing is committed: the caller commits (the view after its
    per-address rate limit, ``core.demo`` after each demo organisation).

    ``password_hash``: a hash of ``form.password.data`` already made (the demo hashes
    its one password once); by default the password is hashed here."""
    taken = login_taken(form.login.data) | uscc_taken(form.uscc.data)  # both asked: same work either way
    if not taken:
        org = Organisation(name=form.organisation_name.data, uscc=form.uscc.data,
                           registered_region=form.registered_region.data, contact_name=form.contact_name.data)
        login = form.login.data
        if "@" in login:
            org.contact_email = login
        else:
            org.contact_phone = login
        user = User(login=login, name=form.contact_name.data, role=roles.APPLICANT, organisation=org)
        if password_hash is None:
            user.set_password(form.password.data)
        else:
            user.password_hash = password_hash
        db.session.add_all([org, user])
        try:
            db.session.flush()
        except IntegrityError:  # registered by someone else a moment ago
            db.session.rollback()
            taken = True
    if taken:
        audit.record("user.register_refused", object_type="User", actor=None, login=form.login.data,
                     uscc=form.uscc.data)
        db.session.flush()
        return None
    audit.record("organisation.register", org, actor=user, uscc=org.uscc, name=org.name)
    audit.record("user.register", user, actor=user, login=user.login, role=user.role)
    db.session.flush()
    return user


def last_password_reset(user) -> dict | None:
    """Who reset ``user``'s password last and when (``user.password_reset``), as shown
    to the user: the role and name of the officer or admin, the time in Shanghai."""
    from core.platform.labels import local_datetime, role_label

    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.password_reset", AuditEvent.object_type == "User",
                                 AuditEvent.object_id == str(user.id))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(1)).first()
    if event is None:
        return None
    actor = db.session.get(User, event.actor_id) if event.actor_id is not None else None
    who = f"{role_label(actor.role)} {actor.name}" if actor is not None else event.actor_name
    return {"who": who, "when": local_datetime(event.occurred_at)}


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
        # Whoever else holds a session of this account (another browser) is logged out.
        ended = user_sessions.end_all(user, user_sessions.PASSWORD_CHANGED, keep_current=True)
        account_notices.notify(user, account_notices.PASSWORD_CHANGED,
                               f"您的密码已修改，其他 {ended} 个登录会话已结束。如非本人操作，请立即联系主管部门或系统管理员。")
        db.session.commit()
        flash(gettext("Your password has been changed."), "success")
        return redirect(url_for("portal.index") if user.role == roles.APPLICANT else url_for("admin.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("portal/password.html", form=form, forced=current_user.must_change_password,
                           last_reset=last_password_reset(current_user)), status


# Pages a user with a temporary password may still open.
OPEN_WHILE_RESET = {"account.change_password", "auth.logout", "auth.set_language", "static",
                    "security.sessions", "security.end_session"}


@bp.before_app_request
def insist_on_new_password():
    if (current_user.is_authenticated and getattr(current_user, "must_change_password", False)
            and request.endpoint not in OPEN_WHILE_RESET):
        return redirect(url_for("account.change_password"))
    return None

