"""The site's front pages: ``/`` is the public home (the notices under 公示, a link to
sign in; for a signed-in user the way to the administration or the applicant's pages in
:mod:`core.portal`), built by :func:`core.public.home`."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from core.numbers import size_text
from core.scoping import is_staff

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    from core import public

    return public.home()


ERROR_MESSAGES = {
    400: _l("The request was refused (for example, the form had expired). Please reload the page and try again."),
    403: _l("You do not have permission to see this page."),
    404: _l("The page was not found."),
}


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
def error_page(error: HTTPException):
    return render_template("auth/error.html", code=error.code, message=ERROR_MESSAGES[error.code]), error.code


@bp.app_template_filter("size")
def size_filter(size: int) -> str:
    return size_text(size)


@bp.app_context_processor
def locale_helpers():
    return {"current_locale": lambda: str(get_locale() or "zh_Hans_CN")}
