"""A user's own account security, for every role (staff and applicants alike):

* ``/account/sessions`` (我的登录会话): his open sessions — where, which browser, since
  when, last active — each with a button that ends it, one that ends all the others,
  and the notices about his account (``core.accounts.account_notices``);
* ``/account/two-factor``: enrol in two-factor sign-in (QR code drawn here), see how
  many recovery codes are left, renew them, or turn it off (``core.accounts.two_factor``).

Who must sign in with a second factor and has not enrolled yet is sent to the
enrolment page before any other (``insist_on_two_factor``).  Every change is a POST
with the CSRF token.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.accounts import account_notices

from core.platform import audit

from core.accounts import two_factor

from core.accounts import user_sessions
from core.accounts.auth import fresh_session
from core.platform.extensions import db

bp = Blueprint("security", __name__)

PENDING_SECRET_KEY = "_zc_totp_pending"  # the secret being enrolled, saved once confirmed
# Pages a user who must enrol may still open.
OPEN_BEFORE_ENROLMENT = {"security.two_factor", "security.sessions", "security.end_session",
                         "account.change_password", "auth.logout", "auth.set_language", "static"}


class CodeForm(FlaskForm):
    code = StringField(_l("6-digit code from the authenticator app"), validators=[DataRequired(), Length(max=10)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class DisableForm(CodeForm):
    password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


@bp.context_processor
def helpers():
    from core.platform.labels import local_datetime

    return {"local_datetime": local_datetime}


@bp.before_app_request
def insist_on_two_factor():
    if (current_user.is_authenticated and request.endpoint not in OPEN_BEFORE_ENROLMENT
            and not two_factor.enabled(current_user) and two_factor.required(current_user)):
        flash(gettext("Your account must use two-factor sign-in: enrol before continuing."), "warning")
        return redirect(url_for("security.two_factor"))
    return None


# --- sessions -------------------------------------------------------------------------


@bp.route("/account/sessions")
@login_required
def sessions():
    user = current_user._get_current_object()
    current = user_sessions.current_row()
    return render_template("account/sessions.html", sessions=user_sessions.active_sessions(user),
                           current_id=current.id if current else None,
                           notices=[account_notices.text(n) for n in account_notices.recent(user)],
                           two_factor_enabled=two_factor.enabled(user),
                           idle_minutes=int(user_sessions.idle_limit(user).total_seconds() // 60),
                           absolute_hours=current_app.config["SESSION_ABSOLUTE_HOURS"])


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    user = current_user._get_current_object()
    current = user_sessions.current_row()
    if not user_sessions.end_own(user, session_id):
        abort(404)
    if current is not None and current.id == session_id:  # ending this one is logging out
        logout_user()
        fresh_session()
        return redirect(url_for("auth.login"))
    flash(gettext("The session has been ended."), "success")
    return redirect(url_for(".sessions"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    user = current_user._get_current_object()
    count = user_sessions.end_all(user, user_sessions.ENDED_BY_USER, keep_current=True)
    audit.record("session.ended_others", user, actor=user, count=count)
    db.session.commit()
    flash(gettext("%(count)s other sessions have been ended.", count=count), "success")
    return redirect(url_for(".sessions"))


# --- two-factor sign-in ------------------------------------------------------------------


def _render_enrolment(form: CodeForm, error: str | None = None, status: int = 200):
    user = current_user._get_current_object()
    secret = session.get(PENDING_SECRET_KEY)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[PENDING_SECRET_KEY] = two_factor.new_secret()
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("account/two_factor.html", enrolled=False, form=form, error=error,
                           qr_svg=two_factor.qr_svg(uri), secret=secret,
                           required=two_factor.required(user)), status


def _render_enrolled(error: str | None = None, status: int = 200, codes: list[str] | None = None):
    user = current_user._get_current_object()
    return render_template("account/two_factor.html", enrolled=True, error=error, codes=codes,
                           since=user.totp_enabled_at, remaining=two_factor.remaining_recovery_codes(user),
                           renew_form=CodeForm(prefix="renew"), disable_form=DisableForm(prefix="disable"),
                           required=two_factor.required(user)), status


@bp.route("/account/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@login_required
def two_factor_page():
    user = current_user._get_current_object()
    if two_factor.enabled(user):
        if request.method == "POST":
            abort(400)
        return _render_enrolled()
    form = CodeForm()
    if form.validate_on_submit():
        codes = two_factor.enable(user, session.get(PENDING_SECRET_KEY) or "", form.code.data)
        if codes is None:
            return _render_enrolment(form, gettext("The code is wrong. Check the time of your phone and try again."),
                                     400)
        session.pop(PENDING_SECRET_KEY, None)
        flash(gettext("Two-factor sign-in is now on."), "success")
        return _render_enrolled(codes=codes)
    return _render_enrolment(form, status=400 if form.is_submitted() else 200)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
def renew_recovery_codes():
    user = current_user._get_current_object()
    form = CodeForm(prefix="renew")
    if not two_factor.enabled(user):
        return redirect(url_for(".two_factor"))
    if not (form.validate_on_submit() and two_factor.check_code(user, form.code.data)):
        db.session.rollback()
        return _render_enrolled(gettext("The code is wrong or has already been used."), 400)
    return _render_enrolled(codes=two_factor.renew_recovery_codes(user))


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
def disable_two_factor():
    user = current_user._get_current_object()
    form = DisableForm(prefix="disable")
    if not two_factor.enabled(user):
        return redirect(url_for(".two_factor"))
    if not (form.validate_on_submit() and user.check_password(form.password.data)
            and two_factor.check_code(user, form.code.data)):
        db.session.rollback()
        return _render_enrolled(gettext("The password or the code is wrong."), 400)
    two_factor.disable(user)
    flash(gettext("Two-factor sign-in is now off."), "success")
    return redirect(url_for(".two_factor"))
