"""The criteria checklist page of one application: ``/admin/checklist/<id>``.

Any staff user who may see the application (``core.accounts.scoping``) may open it; anyone
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

from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user

from core.eligibility import checklist

from core.accounts import roles

from core.accounts import scoping
from core.platform import clock
from core.platform import labels
from core.accounts.admin_access import StaffAccessMixin
from core.eligibility.engine import INELIGIBLE, NO_POLICY, PENDING_REVIEW
from core.platform.extensions import db
from core.platform.models import Application

JUDGE_ROLES = (roles.OFFICER, roles.EXPERT)


def may_judge(user) -> bool:
    return getattr(user, "role", None) in JUDGE_ROLES


def verdict_label(verdict: str | None, by_judges: bool = False) -> str:
    """The verdict in words; ``by_judges``: it follows the judges' findings on the
    manual criteria (``checklist.Checklist.verdict_by_judges``)."""
    if by_judges and verdict == INELIGIBLE:
        return gettext("Ineligible: the reviewers found a manual criterion not met")
    return {
        checklist.ELIGIBLE: gettext("Eligible: every automatic criterion is met and the reviewers found every "
                                    "manual criterion met"),
        INELIGIBLE: gettext("Ineligible: an automatic criterion is not met"),
        PENDING_REVIEW: gettext("Every automatic criterion is met; the manual criteria await review"),
        NO_POLICY: gettext("No policy in force: no criterion is applied"),
    }.get(verdict or "", "")


def verdict_of(c: checklist.Checklist) -> str:
    """The words of a computed checklist's verdict, or of why it has none."""
    if c.error:
        return gettext("Cannot be judged: %(reason)s", reason=c.error)
    if c.facts_error is not None:
        return gettext("Cannot be judged: the facts of this application cannot be checked")
    return verdict_label(c.verdict, c.verdict_by_judges)


VERDICT_CLASSES = {checklist.ELIGIBLE: "success", PENDING_REVIEW: "warning", INELIGIBLE: "danger",
                   NO_POLICY: "secondary"}


def verdict_class(c: checklist.Checklist) -> str:
    """A Bootstrap colour for the verdict: danger when ineligible or not judged."""
    if c.error or c.facts_error is not None:
        return "danger"
    return VERDICT_CLASSES.get(c.verdict or "", "secondary")


def tally(row: checklist.Row) -> str:
    """Who judged a manual criterion and how, for a viewer who sees every judgement:
    the experts' count of 符合 / 不符合 / yet to judge, and the bureau's judgement."""
    experts = [j for j in row.judgements if j.actor_role == roles.EXPERT]
    parts = []
    if experts or row.awaiting:
        parts.append(gettext("Experts: %(met)d met, %(not_met)d not met, %(waiting)d yet to judge (of %(total)d)",
                             met=sum(j.result == "pass" for j in experts),
                             not_met=sum(j.result == "fail" for j in experts), waiting=len(row.awaiting),
                             total=len(experts) + len(row.awaiting)))
    officers = [j for j in row.judgements if j.actor_role == roles.OFFICER]
    for j in officers:
        parts.append(gettext("Bureau (%(name)s): %(result)s", name=j.actor_name, result=judgement_label(j.result)))
    return "；".join(parts)


def own_judgement(row: checklist.Row, viewer) -> str:
    """An expert during the review: his own judgement on the row (the others' stay hidden)."""
    mine = next((j for j in row.judgements if j.actor_id == getattr(viewer, "id", None)), None)
    if mine is None:
        return ""
    return gettext("Your judgement: %(result)s", result=judgement_label(mine.result))


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
        result = checklist.compute(application, clock.today(), viewer=current_user)
        refusal = checklist.judging_refusal(application, current_user) if may_judge(current_user) else None
        return self.render(
            "admin/checklist.html", c=result, app=application, may_judge=may_judge(current_user) and not refusal,
            judging_refusal=refusal, typed=typed or {}, error=error, labels=labels, verdict_label=verdict_label,
            tally=tally, own_judgement=lambda row: own_judgement(row, current_user), verdict_class=verdict_class,
            result_label=result_label, row_result=row_result, judgement_label=judgement_label,
            role_label=lambda role: roles.ROLE_LABELS.get(role, ""), result_classes=RESULT_CLASSES,
            is_expert=scoping.role_in(current_user, application.jurisdiction) == roles.EXPERT,
            hidden=checklist.hides_applicant(application, current_user),  # a blind batch's expert (issue 22)
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
            checklist.record_judgements(application, wanted, actor=current_user, today=clock.today())
        except checklist.JudgementError as exc:
            db.session.rollback()
            return self._render(application, typed=typed, error=exc)
        flash(gettext("Judgements recorded."), "success")
        return redirect(url_for(".show", application_id=application.id))


@dataclass(frozen=True)
class VerdictSummary:
    """The eligibility verdict of one application as ``viewer`` may see it, in words,
    for the case page and the batch pages (each links to the checklist)."""

    application_id: int
    code: str  # the verdict's code, or "unjudged" (only ever in a data- attribute)
    label: str
    css: str  # Bootstrap colour: success | warning | danger | secondary

    @property
    def flagged(self) -> bool:
        return self.css == "danger"


def verdict_summary(application: Application, viewer=None) -> VerdictSummary:
    viewer = viewer if viewer is not None else current_user
    c = checklist.compute(application, clock.today(), viewer=viewer)
    code = c.verdict if not (c.error or c.facts_error is not None) and c.verdict else "unjudged"
    return VerdictSummary(application.id, code, verdict_of(c), verdict_class(c))
