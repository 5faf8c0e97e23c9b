"""Upward calls go through registrations (docs/architecture.md): the workflow's guard for
``conclude_expert_review`` (core.review.experts), the checklist's expert panel
(core.review.batches) and the case page's award desk (core.award.titles) are in place once
the packages are imported, as the app and the CLI import them."""
from __future__ import annotations

import core.award  # noqa: F401
import core.review  # noqa: F401
from core.award import titles
from core.eligibility import checklist
from core.review import award_desk, batches, draws, experts, workflow


def test_every_upward_call_has_its_registration():
    # issue 22: the bureau's minimum of experts per application (core.review.draws) guards it too
    assert workflow._GUARDS["conclude_expert_review"] == [draws.below_minimum, experts.expert_review_incomplete]
    assert checklist._experts().review_ended is batches.expert_review_ended
    desk = award_desk.desk()
    assert desk is not None and desk.grant is titles.grant and desk.title_max == titles.TITLE_MAX_LENGTH


def test_a_guard_registered_again_replaces_itself():
    workflow.register_guard("conclude_expert_review", experts.expert_review_incomplete)
    assert workflow._GUARDS["conclude_expert_review"] == [draws.below_minimum, experts.expert_review_incomplete]
