"""The public notices (公示), open to anyone without login: ``/notices/`` (the public home ``/``
lists them too: core.public.home).

The list shows the open notices and those closed recently, of the enabled
jurisdictions; a notice's page shows the bureau, the spaces listed, the period with
where its length comes from, the bureau's contact, and — while the period runs — the
objection form (CSRF-protected; rate-limited per client address in
``core.notice.publication``).  The objector's contact is never shown here.
``/notices/objections/lookup``: the objector, who has no account, learns the status and outcome of
his objection by its receipt number and the contact he gave (both required; rate-limited per address).
"""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext
from flask_login import current_user

from core.notice import publication as public_notice
from core.platform import clock
from core.platform import labels
from core.platform.audit import client_address
from core.platform.models import PublicNotice
from core.platform.security import limiter
from core.platform.row_ids import row_id
from core.review.moves import WorkflowError

bp = Blueprint("public", __name__, url_prefix="/notices")

FIELDS = ("name", "contact", "content", "application_id")


def _notice_or_404(notice_id: int) -> PublicNotice:
    notice = public_notice.public_notice(notice_id)
    if notice is None:
        abort(404)
    return notice


def revalidated(html: str, *, alike_for_all: bool, status: int = 200) -> Response:
    """A public page that any cache must check again before showing (a notice changes: it
    is lengthened, closed, its spaces renamed), language and sign-in deciding its words.
    A page alike for every anonymous visitor — no form with a CSRF token, no message, no
    cookie written — carries the ETag of its bytes, and an unchanged one answers 304; any
    other (an error answered with its form: not ``alike_for_all``) is the visitor's own."""
    response = make_response(html, status)
    response.vary.update(("Cookie", "Accept-Language"))
    if alike_for_all and not current_user.is_authenticated and not session.modified:
        response.headers["Cache-Control"] = "no-cache"
        response.add_etag()
        response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def _render(notice: PublicNotice, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
    today = clock.today()
    accepting = public_notice.accepts_objections(notice, today)
    # Named once per category, not once per entry.
    category_of = {category: labels.category_label(notice.jurisdiction, category)
                   for category in {e.application.category for e in notice.entries}}
    html = render_template(
        "public/notice.html", notice=notice, today=today, typed=typed or {}, errors=errors or {},
        authority=public_notice.authority_of(notice.jurisdiction), category_of=category_of,
        accepting=accepting, not_yet=today < notice.first_day,
    )
    if status != 200:
        return html, status
    return revalidated(html, alike_for_all=not accepting)


@bp.route("/")
def index():
    today = clock.today()
    notices = public_notice.public_notices(today)
    return revalidated(render_template("public/index.html", notices=notices, today=today,
                                       authority_of=public_notice.authority_of), alike_for_all=True)


@bp.route("/<int:notice_id>")
def show(notice_id: int):
    return _render(_notice_or_404(notice_id))


@bp.route("/<int:notice_id>/objections", methods=["POST"])
def object_to(notice_id: int):
    notice = _notice_or_404(notice_id)
    typed = {k: request.form.get(k, "") for k in FIELDS}
    application_id = typed["application_id"]
    if application_id and row_id(application_id) is None:
        return _render(notice, typed=typed, errors={"application_id": "所选申报不在本公示中"}, status=400)
    try:
        objection = public_notice.file_objection(
            notice, name=typed["name"], contact=typed["contact"], content=typed["content"],
            application_id=row_id(application_id),
            upload=request.files.get("attachment"), client_address=client_address(),
            today=clock.today(),
        )
    except public_notice.RateLimited as exc:
        return _render(notice, typed=typed, errors={"form": exc.message}, status=429)
    except WorkflowError as exc:
        key = exc.key if exc.key in (*FIELDS, "attachment") else "form"
        return _render(notice, typed=typed, errors={key: exc.message}, status=400)
    flash(gettext("Your objection has been received. Receipt number: %(number)s — keep it to ask the bureau "
                  "about your objection. The bureau will look into it and may contact you.",
                  number=objection.receipt_number), "receipt")
    return redirect(url_for(".show", notice_id=notice.id))


LOOKUP_FIELDS = ("receipt_number", "contact")


def _lookup_page(typed: dict, errors: dict, found=None, status: int = 200):
    html = render_template("public/objection_lookup.html", typed=typed, errors=errors, found=found,
                           status_labels=labels.OBJECTION_STATUS_LABELS)
    response = make_response(html, status)
    response.headers["Cache-Control"] = "private, no-store"  # an objector's outcome is his
    return response


def _lookups_per_hour() -> str:
    return f"{current_app.config.get('OBJECTION_LOOKUPS_PER_HOUR') or public_notice.objections_per_hour()} per hour"


def _too_many_lookups(_limit):
    return _lookup_page({k: request.form.get(k, "") for k in LOOKUP_FIELDS},
                        {"form": gettext("Too many look-ups from this network address: try again later.")},
                        status=429)


@bp.route("/objections/lookup", methods=["GET", "POST"])
@limiter.limit(_lookups_per_hour, methods=["POST"], on_breach=_too_many_lookups)
def objection_lookup():
    """An objector (no account) learns the outcome of his objection: its receipt number and the
    contact he gave, both required; only the status and the outcome are shown."""
    typed = {k: request.form.get(k, "").strip() for k in LOOKUP_FIELDS}
    if request.method == "GET":
        return _lookup_page(typed, {})
    errors = {k: gettext("Required") for k in LOOKUP_FIELDS if not typed[k]}
    if errors:
        return _lookup_page(typed, errors, status=400)
    found = public_notice.objection_by_receipt(typed["receipt_number"], typed["contact"])
    if found is None:
        return _lookup_page(typed, {"form": gettext("No objection has this receipt number and contact.")}, status=404)
    return _lookup_page(typed, {}, found=found)

