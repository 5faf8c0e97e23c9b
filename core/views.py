"""The site's front pages: ``/`` is the public home (per jurisdiction the notices under 公示, the
newest titles of the directory, the open calls, the disclosure of support; a link to sign in; for a
signed-in user the way to the administration or the applicant's pages in
:mod:`core.review.applicant_pages`), built by :func:`core.public.home.home`."""
from flask import Blueprint
from flask_babel import get_locale

from core.numbers import size_text

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    from core.public import home

    return home.home()


@bp.app_template_filter("size")
def size_filter(size: int) -> str:
    return size_text(size)


@bp.app_context_processor
def locale_helpers():
    return {"current_locale": lambda: str(get_locale() or "zh_Hans_CN")}
