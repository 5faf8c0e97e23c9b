"""Applicant registration: an organisation and its applicant user, written together.

The form (the organisation's name, 统一社会信用代码 checked by GB 32100-2015 and registered
region GB/T 2260 are the application form's own fields; a contact; a login that is an e-mail
address or a mainland mobile number; a password, ``core.accounts.passwords``), the
per-address limit (``REGISTRATIONS_PER_HOUR`` tries an hour, our default 10, counted in the
audit log's ``user.register`` and ``user.register_refused`` events) and the operation
``register_applicant`` used by the page (``core.intake.account_pages``) and ``core.demo``.
The answer never says whether the login or the code was the one already registered
(``TAKEN``).  The organisation is unverified until an officer checks its business licence
(``core.intake.organisations``).
"""
from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms import PasswordField
from wtforms.validators import EqualTo, ValidationError

from core.platform import audit, clock
from core.accounts import passwords, roles
from core.accounts.portal_account import one_address_at_a_time
from core.platform.extensions import db
from core.facts.forms import FactsForm, Required, TextField, email_address, max_chars
from core.platform.models import AuditEvent, Organisation, User

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


class RegistrationRefused(Exception):
    """A registration refused: ``message`` for the page, ``status`` its HTTP status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def register(form) -> User:
    """Write the organisation and its applicant user, or raise ``RegistrationRefused`` (too many
    tries from this address, or the code or the login taken: one answer for both)."""
    address = audit.client_address()
    limit = registrations_per_hour()
    too_many = RegistrationRefused(f"同一网络地址每小时最多尝试注册 {limit} 次，请稍后再试", 429)
    one_address_at_a_time(address, "register")
    if registrations_from(address) >= limit:
        db.session.rollback()  # ends the transaction, and its lock
        raise too_many
    user = register_applicant(form)
    if registrations_from(address) > limit:  # counted again with this one written (SQLite)
        db.session.rollback()
        raise too_many
    db.session.commit()
    if user is None:
        raise RegistrationRefused(TAKEN, 400)
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
