"""The download of an application kept as a policy case:
``/admin/case/<id>/policy-case.yaml`` (the text: ``core.policy_cases.export``).

For the bureau's staff who see the case page's timeline (officers, leaders and the admin:
``core.accounts.scoping.AUDIT_ROLES``) — the policy is their work; a recommender or an expert
of the jurisdiction gets 403, as for the timeline's CSV.  An application outside the user's
scope, a draft and an id that is no row are the same 404 (``scoping.application_or_404``; the
``<int:>`` converter holds ids to ``core.platform.row_ids``); an applicant gets 403 and a visitor the
login page, as on the case page.  Each download is audited (``application.case_exported``, naming the file), as the application
list's export of application data is.

The case page and the checklist link here by endpoint name, shown when
``may_export_policy_case(application)`` (a template helper registered here) says so.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from core.accounts import scoping
from core.platform import audit, clock, exports
from core.platform.extensions import db
from core.policy_cases.export import NotExportable, application_case, case_filename

bp = Blueprint("policy_cases", __name__)

YAML_MIMETYPE = "text/yaml"


def may_export(user, code: str) -> bool:
    """The role ``user`` holds in the application's jurisdiction reads its timeline (issue 22: 昆明's
    officer who recommends for 云南 exports 昆明's judgments, not 云南's)."""
    return scoping.role_in(user, code) in scoping.AUDIT_ROLES


@bp.app_context_processor
def helpers():
    return {"may_export_policy_case": lambda application: may_export(current_user, application.jurisdiction)}


@bp.route("/admin/case/<int:application_id>/policy-case.yaml")
def application_case_file(application_id: int):
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    if not scoping.is_staff(current_user):
        abort(403)
    application = scoping.application_or_404(application_id)
    if not may_export(current_user, application.jurisdiction):
        abort(403)
    today = clock.today()
    try:
        text = application_case(application, viewer=current_user, today=today)
    except NotExportable as exc:
        flash(exc.message, "error")
        return redirect(url_for("case.show", application_id=application.id))
    filename = case_filename(application, today)
    audit.record("application.case_exported", application, actor=current_user, file=filename)
    db.session.commit()
    return Response(text, mimetype=YAML_MIMETYPE, headers={
        "Content-Disposition": exports.content_disposition(filename, f"application-{application.id}-policy-case.yaml"),
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})
