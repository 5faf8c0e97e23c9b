"""The ban at submission (core.intake.bans, asked by core.review.workflow's submit).

云科规〔2021〕1号 认定与管理 “管理”: 一经查实，取消认定资格，且2年内不得再次申报.  ``ban_until`` is the last
banned day: a submission that day is refused citing the article, the next day it passes.  Only the
same USCC, only the same jurisdiction.
"""
from __future__ import annotations

from datetime import date

import pytest

from core.monitoring import findings, revocations
from core.platform import clock
from core.platform.extensions import db
from core.review import moves, workflow
from tests.after_recognition_helpers import titled
from tests.factories import make_application, make_space, make_user

FACTS = {"operating_months": 24}


def revoked_for_fraud_on_leap_day():
    """A 云南 title revoked 2024-02-29 for fraud: banned through 2026-02-28 (policy in force until 2026-04-03)."""
    title, applicant, officer, leader = titled("yunnan", granted_on=date(2022, 5, 10))
    clock.freeze(date(2024, 2, 29))
    findings.record(officer, title, "fraud", date(2024, 2, 29), "申报材料造假")
    revocation = revocations.propose(title, ["fraud"], None, "造假", officer)
    revocations.decide(revocation, leader, "revoke", meeting_on="2024-02-29", minutes_ref="1号", opinion="撤销")
    assert title.ban_until == date(2026, 2, 28)
    return title, applicant


def draft_of(title, jurisdiction="yunnan", category="provincial"):
    space = make_space(title.space.organisation, region="530302")
    return make_application(jurisdiction, category, space=space, status="draft", facts=dict(FACTS))


def test_yunnan_认定与管理_管理_refused_on_ban_until_itself_citing_the_article(app):
    title, applicant = revoked_for_fraud_on_leap_day()
    application = draft_of(title)
    with pytest.raises(moves.WorkflowError) as refused:
        workflow.act(application, "submit", applicant, today=date(2026, 2, 28))
    message = refused.value.message
    assert "云科规〔2021〕1号 认定与管理“管理”" in message and "2026-02-28（含当日）前不得再次申报" in message
    assert title.space.organisation.uscc in message
    db.session.refresh(application)
    assert application.status == "draft"
    assert "submit" not in workflow.allowed_actions(application, applicant, today=date(2026, 2, 28))


def test_yunnan_认定与管理_管理_allowed_the_day_after_ban_until(app):
    title, applicant = revoked_for_fraud_on_leap_day()
    application = draft_of(title)
    workflow.act(application, "submit", applicant, today=date(2026, 3, 1))
    assert application.status == "submitted"


def test_another_jurisdiction_and_another_uscc_are_not_banned(app):
    title, applicant = revoked_for_fraud_on_leap_day()
    kunming = make_application("kunming", "comprehensive_service", space=make_space(title.space.organisation,
                                                                                    region="530102"), status="draft")
    assert "不得再次申报" not in (workflow.refusal(kunming, "submit", applicant, today=date(2026, 2, 28)) or "")
    other, other_applicant, _o, _l = titled("yunnan")
    fresh = make_application("yunnan", "provincial", space=other.space, status="draft", facts=dict(FACTS))
    assert workflow.refusal(fresh, "submit", other_applicant, today=date(2026, 2, 28)) is None


def test_a_revocation_without_fraud_carries_no_ban(app):
    title, applicant, officer, leader = titled("yunnan")
    clock.freeze(date(2025, 6, 3))
    findings.record(officer, title, "serious_dishonesty", date(2025, 6, 1), "列入严重失信主体名单", "信用中国")
    revocation = revocations.propose(title, ["serious_dishonesty"], None, "严重失信", officer)
    revocations.decide(revocation, leader, "revoke", meeting_on="2025-06-03", minutes_ref="2号", opinion="撤销")
    assert title.ban_until is None
    assert workflow.refusal(draft_of(title), "submit", make_user("applicant", organisation=title.space.organisation),
                            today=date(2025, 6, 4)) is None
