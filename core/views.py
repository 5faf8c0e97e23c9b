"""The site's front pages.  The applicant portal is a later issue: for now ``/``
is a placeholder for a logged-in applicant and sends everyone else where they belong."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from core.scoping import is_staff

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("auth/home.html", staff=is_staff(current_user))


@bp.app_context_processor
def locale_helpers():
    return {"current_locale": lambda: str(get_locale() or "zh_Hans_CN")}
