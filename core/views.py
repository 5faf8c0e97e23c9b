"""The site's front pages: ``/`` is the public home (the notices under 公示, a link to
sign in; for a signed-in user the way to the administration or the applicant's pages in
:mod:`core.review.applicant_pages`), built by :func:`core.notice.public_pages.home`."""
from flask import Blueprint
from flask_babel import get_locale

from core.numbers import size_text

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    from core.notice import public_pages as public

    return public.home()


@bp.app_template_filter("size")
def size_filter(size: int) -> str:
    return size_text(size)


@bp.app_context_processor
def locale_helpers():
    return {"current_locale": lambda: str(get_locale() or "zh_Hans_CN")}
