"""The criteria checklist page of one application: ``/admin/checklist/<id>``.

Any staff user who may see the application (``core.scoping``) may open it; anyone
else gets 404, applicants 403.  Manual judgements are recorded by the roles whose job
it is to judge the criteria: **officers** (the bureau's initial review) and
**experts** (the review proper; only in their open batch, ``checklist.judging_refusal``).
Recommenders and leaders see the checklist but do not record: a recommender gives its
opinion and a leader decides at their own steps, on the experts' findings.  The
provincial admin manages the system and does not review applications: it views only.
Each judge's judgements are his own; who sees whose is ``checklist.visible_judges``
(an expert only his own until the expert review ends, a recommender none).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user

from core import checklist, roles, scoping
from core.admin import dashboard, labels
from core.admin.base import StaffAccessMixin
from core.eligibility import INELIGIBLE, NO_POLICY, PENDING_REVIEW
from core.extensions import db
from core.models import Application

JUDGE_ROLES = (roles.OFFICER, roles.EXPERT)


def may_judge(user) -> bool:
    return getattr(user, "role", None) in JUDGE_ROLES


def verdict_label(verdict: str | None) -> str:
    return {
        INELIGIBLE: gettext("Ineligible: an automatic criterion is not met"),
        PENDING_REVIEW: gettext("Every automatic criterion is met; the manual criteria await review"),
        NO_POLICY: gettext("No policy in force: no criterion is applied"),
    }.get(verdict or "", "")


RESULT_CLASSES = {"pass": "table-success", "fail": "table-danger", "manual": "table-warning",
                  checklist.SPLIT: "table-warning"}


def result_label(result: str | None) -> str:
    return {
        "pass": gettext("Met"),
        "fail": gettext("Not met"),
        "manual": gettext("Awaiting manual review"),
        checklist.SPLIT: gettext("The judges disagree"),
    }.get(result or "", gettext("Cannot be judged"))


def row_result(row: checklist.Row) -> str | None:
    """What the Result column shows: a manual criterion's finding once settled."""
    if row.kind == "manual" and row.finding:
        return row.finding
    return row.result


def judgement_label(result: str) -> str:
    if result == checklist.EXCEPTION:
        return gettext("Exception (as-a-rule clause)")
    return gettext("Meets") if result == "pass" else gettext("Does not meet")


class ChecklistView(StaffAccessMixin, BaseView):
    def is_visible(self) -> bool:
        return False  # reached from an application, not from the menu

    @expose("/")
    def index(self):
        return redirect(url_for("application.index_view"))

    def _render(self, application: Application, *, typed: dict | None = None, error=None, status: int = 200):
        result = checklist.compute(application, dashboard.today(), viewer=current_user)
        refusal = checklist.judging_refusal(application, current_user) if may_judge(current_user) else None
        return self.render(
            "admin/checklist.html", c=result, app=application, may_judge=may_judge(current_user) and not refusal,
            judging_refusal=refusal, typed=typed or {}, error=error, labels=labels, verdict_label=verdict_label,
            result_label=result_label, row_result=row_result, judgement_label=judgement_label,
            role_label=lambda role: roles.ROLE_LABELS.get(role, ""), result_classes=RESULT_CLASSES,
            is_expert=current_user.role == roles.EXPERT,
        ), status

    @expose("/<int:application_id>")
    def show(self, application_id: int):
        return self._render(scoping.application_or_404(application_id))

    @expose("/<int:application_id>/judge", methods=["POST"])
    def judge(self, application_id: int):
        application = scoping.application_or_404(application_id)
        if not may_judge(current_user):
            abort(403)
        wanted, typed = {}, {}
        for name, value in request.form.items():
            if name.startswith("result-"):
                cid = name[len("result-"):]
                note = request.form.get(f"note-{cid}", "")
                typed[cid] = {"result": value, "note": note}
                if value:  # an empty choice: no judgement on this criterion now
                    wanted[cid] = {"result": value, "note": note}
            elif name.startswith("note-") and name[len("note-"):] not in typed:
                typed[name[len("note-"):]] = {"result": "", "note": value}
        try:
            checklist.record_judgements(application, wanted, actor=current_user, today=dashboard.today())
        except checklist.JudgementError as exc:
            db.session.rollback()
            return self._render(application, typed=typed, error=exc)
        flash(gettext("Judgements recorded."), "success")
        return redirect(url_for(".show", application_id=application.id))
