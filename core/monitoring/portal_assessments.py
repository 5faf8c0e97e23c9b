"""The applicant's published annual assessment results: ``/portal/assessments``.

Only rounds the bureau has published, and only the titles of the user's organisation
(core.monitoring.assessments.rounds_for_space).  Applicants only.
"""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from core.intake.access import applicant_only
from core.monitoring import assessments
from core.platform import labels

bp = Blueprint("portal_assessments", __name__, url_prefix="/portal/assessments")


@bp.route("/")
@applicant_only
def index():
    found = assessments.rounds_for_space(current_user.organisation_id) if current_user.organisation_id else []
    schemes = {(a.round.jurisdiction, a.year): assessments.scheme_for(a.round.jurisdiction, a.year) for a in found}
    return render_template("portal/assessments.html", results=found, schemes=schemes, labels=labels)
