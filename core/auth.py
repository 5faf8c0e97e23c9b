"""Login, logout and the language switch.

Failures are counted on the user (``failed_logins``); after ``LOGIN_MAX_FAILURES``
in a row the account is locked for ``LOGIN_LOCK_MINUTES``.  Unknown login, wrong
password, locked or deactivated account all get the same message, so the page never
tells whether a login exists.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core import audit
from core.app import LOCALES
from core.extensions import db, login_manager
from core.models import User
from core.scoping import is_staff

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.session_protection = "strong"

# Checked when the login is unknown, so that answering takes as long as for a real one.
_DUMMY_HASH = generate_password_hash("not-a-password")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


class LoginForm(FlaskForm):
    login = StringField(_l("Login (e-mail or mobile phone)"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns; they are UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def is_locked(user: User, now: datetime) -> bool:
    locked_until = utc(user.locked_until)
    return locked_until is not None and locked_until > now


def is_safe_target(target: str | None) -> bool:
    """Only paths on this site: no scheme, no host, no ``//host`` or ``/\\host``.
    Browsers drop tabs and line breaks from a URL (``/<TAB>/evil.example`` becomes
    ``//evil.example``), so any control character or space refuses the target."""
    if not target or any(c <= " " or c == "\x7f" for c in target):
        return False
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target


def safe_next(target: str | None, fallback: str) -> str:
    """Where to go after a form: ``target`` (a ``next`` parameter) when it stays on
    this site, else ``fallback``.  Every ``next`` goes through here."""
    return target if is_safe_target(target) else fallback


def landing_url(user: User) -> str:
    if is_staff(user):
        return url_for("admin.index")
    return url_for("portal.index") if user.role == "applicant" else url_for("main.index")


def find_user(login: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))


def failure_message() -> str:
    return _(
        "Login failed: wrong login or password, or the account is locked for %(minutes)s minutes "
        "after %(failures)s failed attempts in a row.",
        minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        failures=current_app.config["LOGIN_MAX_FAILURES"],
    )


def attempt_login(login: str, password: str) -> User | None:
    """Check the credentials, count the failure or reset the counter, audit, commit."""
    now = datetime.now(timezone.utc)
    user = find_user(login)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        audit.record("login_failed", object_type="User", reason="unknown_login", login=login[:200])
        db.session.commit()
        return None
    if is_locked(user, now):
        audit.record("login_refused_locked", user, actor=user)
        db.session.commit()
        return None
    if not user.check_password(password) or not user.active:
        user.failed_logins = (user.failed_logins or 0) + 1
        reason = "inactive" if user.active is False else "wrong_password"
        audit.record("login_failed", user, actor=user, reason=reason, failures=user.failed_logins)
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            minutes = current_app.config["LOGIN_LOCK_MINUTES"]
            user.locked_until = now + timedelta(minutes=minutes)
            user.failed_logins = 0  # a fresh count once the lock expires
            audit.record("login_locked", user, actor=user, minutes=minutes)
        db.session.commit()
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("login", user, actor=user)
    db.session.commit()
    return user


@bp.before_app_request
def forget_per_request_caches() -> None:
    """Flask-Login caches the user, Flask-WTF the CSRF token and Flask-Babel the
    locale on ``g``.  When an app context outlives a request (the test fixtures keep
    one pushed), ``g`` would carry one client's user, token and language into the
    next request: start each clean."""
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def fresh_session() -> None:
    """Empty the session but for the language; forget the CSRF token cached on ``g``
    so the next form gets a new one stored in the new session."""
    lang = session.get("lang")
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    if lang:
        session["lang"] = lang


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    target = request.args.get("next")
    error = None
    if form.validate_on_submit():
        user = attempt_login(form.login.data, form.password.data)
        if user is not None:
            fresh_session()  # no session fixation: a fresh session for the logged-in user
            login_user(user)
            return redirect(safe_next(target, landing_url(user)))
        error = failure_message()
        form.password.data = ""
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record("logout", current_user._get_current_object(), actor=current_user._get_current_object())
    db.session.commit()
    logout_user()
    fresh_session()
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
def set_language(code: str):
    if code in LOCALES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("main.index")))
