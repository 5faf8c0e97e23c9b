"""发现问题: the officer records a finding against a title (core.monitoring.findings).

``/admin/findings/``                  the findings the user may see; officers: the form to record one
``/admin/findings/record``            POST the form (evidence text, source, an optional file)
``/admin/findings/<id>/evidence``     the evidence file

Officers, leaders and the admin of the jurisdiction read; only officers record (403 otherwise).
A finding outside the user's scope is a 404.  Bad input: the form again, what was typed kept,
the message beside its field.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user

from core.accounts import roles
from core.accounts import scoping
from core.accounts.admin_access import StaffAccessMixin
from core.monitoring import findings
from core.monitoring.changes import found_titles
from core.monitoring.title_scope import STAFF_READERS, visible
from core.platform import clock, labels, uploads
from core.platform.extensions import db
from core.platform.models import Attachment, Finding, Recognition

FIELDS = ("recognition_id", "kind", "found_on", "evidence", "source")


def parse_day(value: str) -> date | None:
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


class FindingsView(StaffAccessMixin, BaseView):
    allowed_roles = STAFF_READERS

    def _index(self, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        today = clock.today()
        return self.render("admin/findings.html", rows=findings.listing(current_user), labels=labels,
                           titles=found_titles(current_user), typed=typed or {}, errors=errors or {},
                           ground_text=findings.ground_text, today=today), status

    @expose("/")
    def index(self):
        return self._index()

    @expose("/record", methods=["POST"])
    def record(self):
        if not scoping.holds(current_user, roles.OFFICER):  # the operation checks the title's jurisdiction
            abort(403)
        typed = {k: request.form.get(k, "") for k in FIELDS}
        chosen = typed["recognition_id"]
        recognition = db.session.get(Recognition, int(chosen)) if chosen.isascii() and chosen.isdigit() and len(chosen) < 10 else None
        if recognition is None or recognition not in found_titles(current_user):
            return self._index(typed=typed, errors={"recognition_id": "请选择本辖区有效的认定称号"}, status=400)
        try:
            findings.record(current_user, recognition, typed["kind"], parse_day(typed["found_on"]),
                            typed["evidence"], typed["source"], request.files.get("upload"))
        except findings.FindingRefused as exc:
            return self._index(typed=typed, errors={exc.key: exc.message}, status=400)
        except uploads.UploadError as exc:
            return self._index(typed=typed, errors={"upload": exc.message}, status=exc.status)
        flash(gettext("The finding has been recorded."), "success")
        return redirect(url_for(".index"))

    @expose("/<int:finding_id>/evidence")
    def evidence(self, finding_id: int):
        found = visible(Finding, finding_id, current_user, applicants=False)
        attachment = db.session.get(Attachment, found.attachment_id) if found and found.attachment_id else None
        if attachment is None:
            abort(404)
        return uploads.send(attachment)
