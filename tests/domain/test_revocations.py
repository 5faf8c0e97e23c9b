"""撤销称号 (core.monitoring.revocations): the officer proposes, the leader decides at a meeting.

云科规〔2021〕1号 认定与管理 “管理”: 申报材料存在虚报、瞒报、造假等行为，一经查实，取消认定资格，且2年内不得再次申报
— ``fraud_ban_years`` = 2, counted as 民法典 第201、202条 count years (revoked 2026-01-05 → banned through
2028-01-05; 2024-02-29 → 2026-02-28).  Other documents attach no ban.
"""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from core.documents import render as documents
from core.monitoring import findings, rectifications, revocations
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, Revocation
from tests.after_recognition_helpers import entitlement, titled, unqualified
from tests.factories import make_user

FRAUD = {"document": "云科规〔2021〕1号", "article": "认定与管理", "item": "管理"}


def actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def proposed_fraud(day: date = date(2026, 1, 5)):
    title, applicant, officer, leader = titled("yunnan")
    clock.freeze(day)
    findings.record(officer, title, "fraud", day, "申报材料中的入驻协议系伪造")
    revocation = revocations.propose(title, ["fraud"], None, "经核查申报材料造假，提请撤销", officer)
    return title, applicant, officer, leader, revocation


def test_yunnan_认定与管理_管理_fraud_revoked_with_a_two_year_ban_money_and_certificate(app):
    title, _applicant, officer, leader, revocation = proposed_fraud()
    assert revocation.grounds == [{"id": "yunnan.fraud", "citation": FRAUD, "message": revocation.grounds[0]["message"]}]
    # in the words of the standing rule (plugins/yunnan/standing.py), the ban cited beside it below
    assert revocation.grounds[0]["message"] == "申报材料存在虚报、瞒报、造假等行为"
    pending = entitlement(title, "pending")
    paid = entitlement(title, "paid", paid_on=date(2023, 3, 1))
    revocations.decide(revocation, leader, "revoke", meeting_on="2026-01-05", minutes_ref="云科党组〔2026〕1号",
                       opinion="同意撤销")
    assert (title.status, title.revoked_on, title.ban_until) == ("revoked", date(2026, 1, 5), date(2028, 1, 5))
    assert title.revocation_grounds == ["fraud"]
    assert title.revocation_citations == [{**FRAUD, "ground": "fraud"}, {**FRAUD, "ground": "ban", "years": 2}]
    assert revocation.ban_until == date(2028, 1, 5) and revocation.minutes_ref == "云科党组〔2026〕1号"
    assert pending.status == "cancelled" and "未拨付的补助取消" in pending.note
    assert paid.status == "paid" and "已拨付资金未作追回处理" in paid.note
    assert actions()[-5:] == ["revocation.propose", "revocation.decide", "subsidy.cancel", "subsidy.flag_paid",
                              "recognition.revoke"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(documents.certificate_pdf(title))).pages)
    text = "".join(text.split())
    assert "已撤销" in text and "2026年1月5日" in text and "云科规〔2021〕1号认定与管理“管理”" in text


def test_the_certificate_store_never_serves_the_unmarked_pdf_after_revocation(app):
    title, _a, _o, leader, revocation = proposed_fraud()
    before = documents.certificate_pdf(title)  # rendered and kept while the title stood
    revocations.decide(revocation, leader, "revoke", meeting_on="2026-01-05", minutes_ref="纪要1号", opinion="撤销")
    after = documents.certificate_pdf(title)
    assert before != after
    assert "已撤销" not in "".join(PdfReader(io.BytesIO(before)).pages[0].extract_text().split())
    assert "已撤销" in "".join(PdfReader(io.BytesIO(after)).pages[0].extract_text().split())


@pytest.mark.parametrize("revoked_on, ban_until", [(date(2026, 1, 5), date(2028, 1, 5)),
                                                   (date(2024, 2, 29), date(2026, 2, 28)),
                                                   (date(2023, 12, 31), date(2025, 12, 31))])
def test_yunnan_认定与管理_管理_ban_counted_as_civil_code_years_incl_leap_day(app, revoked_on, ban_until):
    until, citation = revocations.ban_for("yunnan", ["fraud"], revoked_on)
    assert until == ban_until and citation == {**FRAUD, "ground": "ban", "years": 2}
    assert revocations.ban_for("yunnan", ["serious_dishonesty"], revoked_on) is None  # no ban without fraud
    assert revocations.ban_for("mile", ["fraud"], revoked_on) is None  # 弥勒 sets none


def test_mile_第十五条_assessment_ground_no_ban_and_fraud_is_no_mile_ground(app):
    title, _a, officer, leader = titled("mile")
    clock.freeze(date(2026, 3, 2))
    unqualified(title, 2024), unqualified(title, 2025)
    with pytest.raises(revocations.RevocationRefused) as refused:
        revocations.propose(title, ["fraud"], None, "造假", officer)
    assert refused.value.key == "ground_codes" and "弥政办发〔2017〕5号 未规定" in refused.value.message
    revocation = revocations.propose(title, ["assessment"], None, "2024、2025 年度连续两年考核不合格", officer)
    assert revocation.grounds[0]["citation"] == {"document": "弥政办发〔2017〕5号", "article": "第十五条", "item": None}
    assert [a.year for a in revocations.evidence(title)["assessments"]] == [2024, 2025]
    revocations.decide(revocation, leader, "revoke", meeting_on="2026-03-02", minutes_ref="局务会纪要3号", opinion="撤销")
    assert title.status == "revoked" and title.ban_until is None


def test_the_grounds_given_by_the_caller_are_kept_as_given(app):
    title, _a, officer, _l = titled("kunming")
    clock.freeze(date(2026, 3, 2))
    given = [{"id": "kunming.failed_rectification", "citation": {"document": "昆科发〔2017〕55号", "article": "第十八条",
                                                               "item": None}, "message": "整改不合格"}]
    revocation = revocations.propose(title, ["rectification"], given, "整改不合格", officer)
    assert revocation.grounds == given and revocation.ground_codes == ["rectification"]
    with pytest.raises(revocations.RevocationRefused) as refused:
        revocations.propose(titled("kunming")[0], ["rectification"], [{"id": 1}], "x", officer)
    assert refused.value.key == "grounds"


def test_wrong_roles_and_states_are_refused(app):
    title, applicant, officer, leader, revocation = proposed_fraud()
    with pytest.raises(revocations.RevocationRefused) as refused:
        revocations.propose(title, ["fraud"], None, "再提", officer)
    assert "待审定" in refused.value.message
    for user in (officer, applicant, make_user("leader", ["mile"]), make_user("admin")):
        with pytest.raises(revocations.RevocationRefused) as refused:
            revocations.decide(revocation, user, "revoke", meeting_on="2026-01-05", minutes_ref="1", opinion="x")
        assert refused.value.key == "action"
    with pytest.raises(revocations.RevocationRefused):
        revocations.propose(titled("yunnan")[0], ["fraud"], None, "x", leader)
    assert revocation.status == "proposed" and title.status == "active"


def test_the_meeting_is_required_not_in_the_future_not_before_the_proposal(app):
    title, _a, _o, leader, revocation = proposed_fraud()
    with pytest.raises(revocations.RevocationRefused) as refused:
        revocations.decide(revocation, leader, "", meeting_on="", minutes_ref="", opinion="")
    assert set(refused.value.errors) == {"meeting_on", "minutes_ref", "decision", "opinion"}
    for day in ("2026-01-06", "2026-01-04", "2026-13-01"):
        with pytest.raises(revocations.RevocationRefused) as refused:
            revocations.decide(revocation, leader, "revoke", meeting_on=day, minutes_ref="1号", opinion="撤销")
        assert refused.value.key == "meeting_on"
    assert title.status == "active" and "revocation.decide" not in actions()


def test_rejected_the_title_stands_and_a_second_decision_is_refused(app):
    title, _a, _o, leader, revocation = proposed_fraud()
    money = entitlement(title, "pending")
    revocations.decide(revocation, leader, "reject", meeting_on="2026-01-05", minutes_ref="1号", opinion="证据不足")
    assert (revocation.status, title.status, money.status) == ("rejected", "active", "pending")
    with pytest.raises(revocations.RevocationRefused) as refused:
        revocations.decide(revocation, leader, "revoke", meeting_on="2026-01-05", minutes_ref="1号", opinion="x")
    assert "已审定" in refused.value.message


def test_two_leaders_at_once_the_second_is_refused_and_nothing_is_half_written(app):
    title, _a, _o, leader, revocation = proposed_fraud()
    money = entitlement(title, "pending")
    db.session.execute(update(Revocation).where(Revocation.id == revocation.id)
                       .values(version=Revocation.version + 1).execution_options(synchronize_session=False))
    with pytest.raises(revocations.RevocationRefused) as refused:
        revocations.decide(revocation, leader, "revoke", meeting_on="2026-01-05", minutes_ref="1号", opinion="撤销")
    assert "已由他人审定" in refused.value.message
    db.session.expire_all()
    assert (title.status, title.ban_until, money.status) == ("active", None, "pending")
    assert "recognition.revoke" not in actions()


def test_the_proposal_page_evidence_lists_failed_rectifications(app):
    title, _a, officer, _l = titled("kunming")
    clock.freeze(date(2026, 3, 2))
    rect = rectifications.order(officer, title, "assessment", "整改", assessment_id=unqualified(title, 2025).id,
                                deadline=date(2026, 4, 1))
    clock.freeze(date(2026, 4, 2))
    rectifications.judge(officer, rect, "failed", "逾期未整改")
    assert [r.id for r in revocations.evidence(title)["rectifications"]] == [rect.id]
    assert revocations.proposable_titles(officer) == [title]
    assert revocations.listing(make_user("officer", ["mile"]), "all") == []


def test_a_title_revoked_during_its_rectification_ends_it_nothing_more_reported_or_judged(app):
    from tests.after_recognition_helpers import evidence

    title, applicant, officer, leader = titled("kunming")
    clock.freeze(date(2026, 3, 2))
    rect = rectifications.order(officer, title, "assessment", "整改", assessment_id=unqualified(title, 2025).id,
                                deadline=date(2026, 4, 1))
    revocation = revocations.propose(title, ["rectification"], None, "整改期间发现问题", officer)
    revocations.decide(revocation, leader, "revoke", meeting_on="2026-03-02", minutes_ref="1号", opinion="撤销")
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.file_report(applicant, rect, "已整改", evidence())
    assert "已撤销" in refused.value.message
    clock.freeze(date(2026, 4, 2))
    assert rectifications.allowed_actions(officer, rect) == []


def test_a_lapsed_policy_names_no_ground_and_attaches_no_ban(app):
    """云科规〔2021〕1号 附则: in force through 2026-04-03.  The next day no article of it is applied
    (an expired policy is never applied silently): a revocation cannot be proposed on it, and the
    refusal says a successor must be registered; on 2026-04-03 itself it still can."""
    title, _applicant, officer, _leader = titled("yunnan")
    clock.freeze(date(2026, 4, 4))
    findings.record(officer, title, "fraud", date(2026, 4, 4), "申报材料中的入驻协议系伪造")
    with pytest.raises(revocations.RevocationRefused) as refused:
        revocations.propose(title, ["fraud"], None, "经核查申报材料造假，提请撤销", officer)
    assert "2026-04-04 没有有效的政策版本" in refused.value.message and "登记后续政策版本" in refused.value.message
    assert revocations.ban_for("yunnan", ["fraud"], date(2026, 4, 4)) is None
    assert revocations.ban_for("yunnan", ["fraud"], date(2026, 4, 3)) == (
        date(2028, 4, 3), {**FRAUD, "ground": "ban", "years": 2})
