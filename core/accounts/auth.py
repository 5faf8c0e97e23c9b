"""Login, logout and the language switch.

Throttling, without a lock anyone could hold on someone else's account:

- per login: failures are counted (``failed_logins`` on an account, the rate-limit
  storage for a login that matches none); from the ``LOGIN_MAX_FAILURES``-th failure in
  a row each next attempt must wait twice as long as the last (1 s, 2 s, 4 s, ... at most
  ``LOGIN_MAX_DELAY_SECONDS``), answered "请于 X 秒后再试";
- per client address: at most ``LOGIN_FAILURES_PER_ADDRESS`` failed attempts (Flask-Limiter).

Unknown login, wrong password, waiting or deactivated account get the same answers and
cost the same password-hash work, so neither the page nor its timing tells whether a
login exists.

A login is a server-side session (``core.accounts.user_sessions``), checked on every request;
a user with two-factor sign-in (``core.accounts.two_factor``) types a code after the password
(``/login/two-factor``), and wrong codes count towards the same throttle.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.accounts import account_notices

from core.platform import audit

from core.accounts import two_factor

from core.accounts import user_sessions
from core.platform.i18n import LOCALES
from core.platform import clock
from core.platform.extensions import db, login_manager
from core.platform.models import User
from core.accounts.scoping import is_staff
from core.platform.security import limiter

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.session_protection = "strong"

# A login waiting for its second factor (user id, since when, where to go next).
PENDING_KEY = "_zc_second_factor"
SECOND_FACTOR_SECONDS = 5 * 60  # our choice: time to type the code after the password

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


def delay_after(failures: int) -> int:
    """Seconds the next attempt must wait after ``failures`` failures in a row: none
    before ``LOGIN_MAX_FAILURES``, then 1, 2, 4, ... up to ``LOGIN_MAX_DELAY_SECONDS``."""
    first = current_app.config["LOGIN_MAX_FAILURES"]
    if failures < first:
        return 0
    return min(2 ** min(failures - first, 30), current_app.config["LOGIN_MAX_DELAY_SECONDS"])


def seconds_left(until: datetime | None, now: datetime) -> int:
    until = clock.as_utc(until)
    return 0 if until is None or until <= now else math.ceil((until - now).total_seconds())


class UnknownLogins:
    """Failures of logins that match no account, kept in the rate-limit storage (memory,
    or Redis shared by the workers) for a day, so that they are throttled exactly like an
    account's and the answers never tell the two apart."""

    KEEP_SECONDS = 24 * 3600

    @staticmethod
    def _key(kind: str, login: str) -> str:
        return f"zc-login-{kind}/" + hashlib.sha256(login.strip().lower().encode()).hexdigest()

    @classmethod
    def seconds_left(cls, login: str, now: datetime) -> int:
        until = limiter.storage.get(cls._key("wait-until", login))
        return max(0, math.ceil(until - now.timestamp())) if until else 0

    @classmethod
    def fail(cls, login: str, now: datetime) -> int:
        failures = limiter.storage.incr(cls._key("failures", login), cls.KEEP_SECONDS)
        delay = delay_after(failures)
        if delay:
            key = cls._key("wait-until", login)
            limiter.storage.clear(key)
            limiter.storage.incr(key, cls.KEEP_SECONDS, amount=math.ceil(now.timestamp()) + delay)
        return failures


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
        # an expert lands on what he must do (issue 22), not on the bureau's dashboard
        return url_for("batches.mine") if user.role == "expert" else url_for("admin.index")
    return url_for("portal.index") if user.role == "applicant" else url_for("main.index")


def find_user(login: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))


def failure_message() -> str:
    return _(
        "Login failed: wrong login or password, or the account is deactivated. After %(failures)s failed "
        "attempts in a row each next attempt must wait twice as long as the last, at most %(minutes)s minutes.",
        failures=current_app.config["LOGIN_MAX_FAILURES"],
        minutes=current_app.config["LOGIN_MAX_DELAY_SECONDS"] // 60,
    )


def waiting_message(seconds: int) -> str:
    return _("Too many failed login attempts: please try again in %(seconds)s seconds.", seconds=seconds)


@dataclass
class LoginOutcome:
    user: User | None = None
    wait_seconds: int = 0  # refused without checking: this login must wait so long


def attempt_login(login: str, password: str) -> LoginOutcome:
    """Check the credentials, throttle failures, audit, commit.  Every path does the
    same password-hash work once, so the time taken does not tell them apart."""
    now = clock.instant()
    user = find_user(login)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        wait = UnknownLogins.seconds_left(login, now)
        if wait:
            audit.record("login_refused_waiting", object_type="User", reason="unknown_login", login=login[:200],
                         seconds=wait)
        else:
            failures = UnknownLogins.fail(login, now)
            audit.record("login_failed", object_type="User", reason="unknown_login", login=login[:200],
                         failures=failures)
        db.session.commit()
        return LoginOutcome(wait_seconds=wait)
    password_ok = user.check_password(password)
    wait = seconds_left(user.locked_until, now)
    if wait:
        audit.record("login_refused_waiting", user, actor=user, seconds=wait)
        db.session.commit()
        return LoginOutcome(wait_seconds=wait)
    if not password_ok or not user.active:
        count_failure(user, now, "inactive" if user.active is False else "wrong_password")
        return LoginOutcome()
    if two_factor.enabled(user):
        # The failure count is reset only after the second factor, so that guessing
        # codes counts towards the throttle however often the password is retyped.
        audit.record("login_password_ok", user, actor=user)
        db.session.commit()
        return LoginOutcome(user=user)
    complete_login(user, now)
    return LoginOutcome(user=user)


def count_failure(user: User, now: datetime, reason: str) -> None:
    """A failed attempt (password or second factor): counted, and from the
    ``LOGIN_MAX_FAILURES``-th in a row the next attempt must wait; commits."""
    user.failed_logins = (user.failed_logins or 0) + 1
    audit.record("login_failed", user, actor=user, reason=reason, failures=user.failed_logins)
    delay = delay_after(user.failed_logins)
    if delay:
        user.locked_until = now + timedelta(seconds=delay)
        audit.record("login_delayed", user, actor=user, seconds=delay)
    db.session.commit()


def complete_login(user: User, now: datetime) -> None:
    """Every factor checked: reset the failure count, record the login; commits."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("login", user, actor=user)
    db.session.commit()


@bp.before_app_request
def forget_per_request_caches() -> None:
    """Flask-Login caches the user, Flask-WTF the CSRF token and Flask-Babel the
    locale on ``g``.  When an app context outlives a request (the test fixtures keep
    one pushed), ``g`` would carry one client's user, token and language into the
    next request: start each clean."""
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


@bp.before_app_request
def end_dead_sessions() -> None:
    """A cookie whose server-side session was ended (logout, password change…) or timed
    out logs nobody in, even if it was copied before (core.accounts.user_sessions)."""
    if not current_user.is_authenticated:
        return
    reason = user_sessions.check_current(current_user._get_current_object())
    if reason is None:
        return
    logout_user()
    fresh_session()
    if reason in (user_sessions.IDLE, user_sessions.ABSOLUTE):
        flash(_("Your session has expired. Please log in again."), "warning")


def fresh_session() -> None:
    """Empty the session but for the language; forget the CSRF token cached on ``g``
    so the next form gets a new one stored in the new session."""
    lang = session.get("lang")
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    if lang:
        session["lang"] = lang


def too_many_from_this_address(request_limit):
    """Flask-Limiter's breach of LOGIN_FAILURES_PER_ADDRESS: the login page, 429."""
    seconds = max(1, math.ceil(request_limit.reset_at - clock.instant().timestamp()))
    return make_response(render_template("auth/login.html", form=LoginForm(), error=waiting_message(seconds)), 429)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"], methods=["POST"],
               deduct_when=lambda response: response.status_code != 302, on_breach=too_many_from_this_address)
def login():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    target = request.args.get("next")
    error = None
    if form.validate_on_submit():
        outcome = attempt_login(form.login.data, form.password.data)
        user = outcome.user
        if user is not None and two_factor.enabled(user):
            fresh_session()
            session[PENDING_KEY] = {"user": user.id, "since": clock.instant().timestamp(),
                                    "next": target if is_safe_target(target) else None}
            return redirect(url_for("auth.second_factor"))
        if user is not None:
            sign_in(user)
            return redirect(safe_next(target, landing_url(user)))
        error = waiting_message(outcome.wait_seconds) if outcome.wait_seconds else failure_message()
        form.password.data = ""
    return render_template("auth/login.html", form=form, error=error)


def sign_in(user: User) -> None:
    """Log ``user`` in: a fresh cookie session (no session fixation) bound to a new
    server-side session; the notices about his account he has not seen yet are shown."""
    fresh_session()
    login_user(user)
    user_sessions.start(user)
    for text in account_notices.take_unshown(user):
        flash(text, "warning")
    db.session.commit()


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code from the authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text"})


@bp.route("/login/two-factor", methods=["GET", "POST"])
def second_factor():
    """The step after the password for a user with two-factor sign-in."""
    pending = session.get(PENDING_KEY)
    now = clock.instant()
    user = db.session.get(User, pending.get("user")) if isinstance(pending, dict) else None
    if (user is None or not user.active or not two_factor.enabled(user) or seconds_left(user.locked_until, now)
            or now.timestamp() - pending.get("since", 0) > SECOND_FACTOR_SECONDS):
        session.pop(PENDING_KEY, None)
        flash(_("Please log in again."), "warning")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    error = None
    if form.validate_on_submit():
        if two_factor.verify(user, form.code.data):
            complete_login(user, now)
            target = pending.get("next")
            sign_in(user)
            return redirect(safe_next(target, landing_url(user)))
        count_failure(user, now, "wrong_second_factor")
        wait = seconds_left(user.locked_until, now)
        if wait:
            session.pop(PENDING_KEY, None)
            flash(waiting_message(wait), "error")
            return redirect(url_for("auth.login"))
        error = _("The code is wrong or has already been used.")
    form.code.data = ""
    return render_template("auth/second_factor.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record("logout", current_user._get_current_object(), actor=current_user._get_current_object())
    user_sessions.end_current(user_sessions.LOGOUT)
    db.session.commit()
    logout_user()
    fresh_session()
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
def set_language(code: str):
    if code in LOCALES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("main.index")))
