"""Open calls for applications (申报通知), for anyone without login: ``/calls/`` lists the
published calls of the enabled jurisdictions — open now, not open yet, and closed (a closed
call stays listed, marked closed) — and ``/calls/<id>`` shows one: its text (paragraphs,
escaped), its window, its categories in the plugin's words, its documents (the bureau's
attachments, ``/calls/<id>/attachments/<attachment_id>``, and the blank 申报书 of each category
under the policy in force, ``/calls/<id>/form/<category>.pdf``), the pre-check and the way to
apply.  A draft (``published`` False) is 404 here; officers see it in the admin's preview, which
renders the same template (``call_context``).  The operations are ``core.intake.calls``.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, url_for

from core.bureau import versions
from core.documents import render as documents
from core.intake import calls
from core.notice.public_pages import revalidated
from core.platform import clock, labels, uploads
from core.platform.jurisdictions import enabled_codes

bp = Blueprint("calls", __name__, url_prefix="/calls")

# A category code names the store's folder of its blank form: plugin codes are plain words.
SAFE_CODE = re.compile(r"[a-z0-9_]{1,64}")


def call_context(call, *, attachment_url, form_url) -> dict:
    """What ``public/calls_show.html`` prints of ``call`` (a saved call, or the admin's unsaved
    preview): its state today, text, categories in words and each document's link."""
    today = clock.today()
    policy = versions.policy_in_force(call.jurisdiction, today)
    categories = [(code, labels.category_label(call.jurisdiction, code),
                   form_url(call, code) if policy is not None and policy.category(code) else None)
                  for code in call.categories or []]
    return dict(call=call, today=today, state=calls.call_state(call, today), paragraphs=calls.paragraphs(call.body),
                categories=categories, policy=policy, attachment_url=attachment_url,
                jurisdiction=labels.jurisdiction_label(call.jurisdiction), labels=labels)


def _public_attachment_url(call, attachment) -> str:
    return url_for("calls.attachment", call_id=call.id, attachment_id=attachment.id)


def _public_form_url(call, category: str) -> str:
    return url_for("calls.blank_form", call_id=call.id, category=category)


def _call_or_404(call_id: int):
    call = calls.public_call(call_id)
    if call is None:
        abort(404)
    return call


@bp.route("/")
def index():
    today = clock.today()
    found = calls.public_calls(today)
    codes = enabled_codes()
    return revalidated(render_template(
        "public/calls_index.html", found=found, today=today, codes=codes, labels=labels,
        sections=(("open", found.open), ("upcoming", found.upcoming), ("closed", found.closed))),
        alike_for_all=True)


@bp.route("/<int:call_id>")
def show(call_id: int):
    call = _call_or_404(call_id)
    return revalidated(render_template("public/calls_show.html", preview=False, **call_context(
        call, attachment_url=_public_attachment_url, form_url=_public_form_url)), alike_for_all=True)


@bp.route("/<int:call_id>/attachments/<int:attachment_id>")
def attachment(call_id: int, attachment_id: int):
    found = calls.attachment_of(_call_or_404(call_id), attachment_id)
    if found is None:
        abort(404)
    return uploads.send(found)


def blank_form_response(call, category: str):
    """The blank 申报书 of ``category`` for ``call``'s jurisdiction under the policy in force today,
    kept in the documents' store; 404 when the call does not take that category or no policy is in
    force.  Also the admin's preview (core.admin.calls)."""
    if category not in (call.categories or []) or not SAFE_CODE.fullmatch(category):
        abort(404)
    policy = versions.policy_in_force(call.jurisdiction, clock.today())
    if policy is None or policy.category(category) is None:
        abort(404)
    pdf = documents.blank_application_pdf(call.jurisdiction, category, policy,
                                          kept_as=(f"blank_form_{category}", call.id or 0))
    return documents.pdf_response(pdf, f"blank-form-{call.jurisdiction}-{category}.pdf")


@bp.route("/<int:call_id>/form/<category>.pdf")
def blank_form(call_id: int, category: str):
    response = blank_form_response(_call_or_404(call_id), category)
    response.headers["Cache-Control"] = "no-cache"
    return response
