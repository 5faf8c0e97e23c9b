"""The site's front pages: ``/`` sends everyone where they belong (login, the
administration, or the applicant's pages in :mod:`core.portal`)."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from core.numbers import size_text
from core.scoping import is_staff

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("auth/home.html", staff=is_staff(current_user))


@bp.app_template_filter("size")
def size_filter(size: int) -> str:
    return size_text(size)


@bp.app_context_processor
def locale_helpers():
    return {"current_locale": lambda: str(get_locale() or "zh_Hans_CN")}
