"""The steps of an application: the review steps its plugin declares (``zc_review_steps``)
under the policy version it is judged by, which one it is at, which it has passed and
which comes next.  Read-only: :mod:`core.review.workflow` moves an application.
"""
from __future__ import annotations

from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from core.bureau import versions as policy_versions  # a local ``versions`` below
from core.platform import clock
from core.platform.jurisdictions import registry
from core.platform.models import Application
from core.policy import PolicyVersion, ReviewStep

__all__ = ["DECIDING_KINDS", "STEP_KIND_LABELS", "policy_of", "steps_of", "step_of", "StepProgress", "progress",
           "next_step", "last_decision_before", "decision_passed"]

# Step kinds at which the step's role decides: approve, return or reject.
DECIDING_KINDS = ("recommendation", "initial_review", "decision")
# The kinds of step a plugin declares (``ReviewStep.kind``), as the policy and case pages name them.
STEP_KIND_LABELS = {
    "recommendation": _l("Recommendation"),
    "initial_review": _l("Initial review"),
    "expert_review": _l("Expert review"),
    "decision": _l("Decision"),
    "public_notice": _l("Public notice"),
    "award": _l("Award"),
}


def policy_of(application: Application) -> PolicyVersion | None:
    """The version the application is judged under: the one named at submission, else
    the one in force today (a draft)."""
    versions = policy_versions.policies(application.jurisdiction)
    if application.policy_document:
        named = next((v for v in versions if v.document == application.policy_document), None)
        if named is not None:
            return named
    return policy_versions.policy_in_force(application.jurisdiction, application.submitted_on or clock.today())


def steps_of(application: Application, policy: PolicyVersion | None = None) -> list[ReviewStep]:
    policy = policy or policy_of(application)
    if policy is None:
        return []
    return registry().review_steps(application.jurisdiction, application.category, policy)


def step_of(application: Application, code: str | None = None) -> ReviewStep | None:
    code = code or application.current_step
    return next((s for s in steps_of(application) if s.code == code), None) if code else None


class StepProgress(NamedTuple):
    step: ReviewStep
    passed: bool
    current: bool


def progress(application: Application) -> list[StepProgress]:
    """The plugin's steps in order, each passed, current or ahead: every one passed once
    recognised; none current for a draft (no step reached) or a withdrawn application."""
    steps = steps_of(application)
    codes = [s.code for s in steps]
    if application.status == "recognised":
        here = len(steps)
    elif application.current_step in codes:
        here = codes.index(application.current_step)
    else:
        here = -1
    return [StepProgress(s, i < here, i == here and application.status != "withdrawn") for i, s in enumerate(steps)]


def next_step(application: Application) -> ReviewStep | None:
    steps = steps_of(application)
    codes = [s.code for s in steps]
    if application.current_step not in codes:
        return None
    index = codes.index(application.current_step)
    return steps[index + 1] if index + 1 < len(steps) else None


def last_decision_before(steps: list[ReviewStep], code: str) -> ReviewStep | None:
    codes = [s.code for s in steps]
    before = steps[:codes.index(code)] if code in codes else []
    return next((s for s in reversed(before) if s.kind == "decision"), None)


def decision_passed(application: Application, steps: list[ReviewStep]) -> bool:
    """Has the application got beyond a decision step (withdrawal no longer possible)?"""
    codes = [s.code for s in steps]
    if application.current_step not in codes:
        return False
    index = codes.index(application.current_step)
    return any(s.kind == "decision" for s in steps[:index])
