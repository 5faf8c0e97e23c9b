"""限期整改 (core.monitoring.rectifications) on a real database.

云科规〔2021〕1号 认定与管理 “动态考核评价”: 经营出现问题…经限期一年整改 — the period is the policy's
``rectification_years`` (1), counted as 民法典 第201、202条 count years.  弥政办发〔2017〕5号 第十五条 and
昆科发〔2017〕55号 第十八条 order 限期整改 without a length: the bureau's ``rectification_months``, or the
officer enters the deadline.  徐政发〔2016〕12号 sets no consequence: refused.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from core.bureau.operations import set_bureau_setting
from core.bureau.setting_checks import SettingsError
from core.monitoring import findings, rectifications
from core.platform import clock, uploads
from core.platform.extensions import db
from core.platform.models import AuditEvent, Rectification
from tests.after_recognition_helpers import evidence, titled, unqualified
from tests.factories import make_user


def cannot_operate(officer, title, day):
    return findings.record(officer, title, "cannot_operate", day, "连续六个月无入驻团队，场地关闭")


@pytest.mark.parametrize("ordered_on, deadline", [
    (date(2025, 3, 10), date(2026, 3, 10)),
    (date(2024, 2, 29), date(2025, 2, 28)),   # no 29 February: the month's last day (第202条)
    (date(2025, 12, 31), date(2026, 12, 31)),
])
def test_yunnan_动态考核评价_one_year_deadline_counted_as_civil_code_years(app, ordered_on, deadline):
    title, _applicant, officer, _leader = titled("yunnan")
    clock.freeze(ordered_on)
    finding = cannot_operate(officer, title, ordered_on)
    rect = rectifications.order(officer, title, "cannot_operate", "恢复正常运营", finding_id=finding.id)
    assert (rect.deadline, rect.ordered_on, rect.status) == (deadline, ordered_on, "ordered")
    assert rect.citation == {"document": "云科规〔2021〕1号", "article": "认定与管理", "item": "动态考核评价"}
    assert title.status == "rectification"
    period = rectifications.period_for("yunnan", ordered_on)
    assert period.source == "policy" and "整改期限 1 年" in period.text()
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["rectification.order", "recognition.status"]


def test_yunnan_the_policy_deadline_cannot_be_changed_by_the_officer(app):
    title, _a, officer, _l = titled("yunnan")
    clock.freeze(date(2025, 3, 10))
    finding = cannot_operate(officer, title, date(2025, 3, 10))
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.order(officer, title, "cannot_operate", "恢复运营", finding_id=finding.id,
                             deadline=date(2025, 9, 10))
    assert refused.value.key == "deadline" and "2026-03-10" in refused.value.message
    assert title.status == "active" and db.session.scalar(select(db.func.count(Rectification.id))) == 0


def test_yunnan_cannot_operate_needs_the_finding_and_assessment_is_no_yunnan_ground(app):
    title, _a, officer, _l = titled("yunnan")
    clock.freeze(date(2025, 3, 10))
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.order(officer, title, "cannot_operate", "恢复运营")
    assert refused.value.key == "finding_id"
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.order(officer, title, "assessment", "整改", assessment_id=unqualified(title, 2024).id)
    assert refused.value.key == "ground" and "云科规〔2021〕1号 未规定" in refused.value.message


def test_mile_第十五条_no_period_set_the_officer_must_enter_the_deadline(app):
    title, _a, officer, _l = titled("mile")
    clock.freeze(date(2026, 3, 2))
    failed = unqualified(title, 2025)
    assert rectifications.period_for("mile", clock.today()).text() == "政策未规定整改期限，本局亦未设定：请填写整改期限"
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.order(officer, title, "assessment", "完善服务", assessment_id=failed.id)
    assert refused.value.key == "deadline" and "本局亦未设定" in refused.value.message
    with pytest.raises(rectifications.RectificationRefused) as refused:  # the deadline is after today
        rectifications.order(officer, title, "assessment", "完善服务", assessment_id=failed.id, deadline=date(2026, 3, 2))
    assert refused.value.key == "deadline"
    rect = rectifications.order(officer, title, "assessment", "完善服务", assessment_id=failed.id,
                                deadline=date(2026, 3, 3))
    assert rect.deadline == date(2026, 3, 3) and rect.citation == {"document": "弥政办发〔2017〕5号", "article": "第十五条",
                                                                   "item": None}


@pytest.mark.parametrize("ordered_on, deadline", [(date(2025, 8, 31), date(2026, 2, 28)),
                                                  (date(2023, 8, 31), date(2024, 2, 29))])
def test_kunming_第十八条_the_bureaus_months_count_to_the_month_end(app, ordered_on, deadline):
    title, _a, officer, _l = titled("kunming")
    set_bureau_setting("kunming", "rectification_months", 6, document="昆科通〔2026〕2号", actor=officer)
    clock.freeze(ordered_on)
    rect = rectifications.order(officer, title, "assessment", "完善服务", assessment_id=unqualified(title, 2024).id)
    assert rect.deadline == deadline
    period = rectifications.period_for("kunming", ordered_on)
    assert period.source == "bureau" and "本局设定，非政策规定" in period.text()


def test_the_bureau_setting_is_validated_like_every_months_setting(app):
    officer = make_user("officer", ["mile"])
    for bad in (0, 121, "6"):
        with pytest.raises(SettingsError):
            set_bureau_setting("mile", "rectification_months", bad, actor=officer)
    set_bureau_setting("mile", "rectification_months", 120, actor=officer)


def test_xuzhou_sets_no_rectification_nothing_is_invented(app):
    title, _a, officer, _l = titled("xuzhou")
    clock.freeze(date(2026, 3, 2))
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.order(officer, title, "assessment", "整改", assessment_id=unqualified(title, 2025).id,
                             deadline=date(2026, 9, 1))
    assert refused.value.message == "徐政发〔2016〕12号 未规定此情形的后果（平台不作设定）"


def test_wrong_role_and_scope_are_refused_and_a_second_order_waits(app):
    title, applicant, officer, leader = titled("mile")
    clock.freeze(date(2026, 3, 2))
    failed = unqualified(title, 2025)
    for user in (applicant, leader, make_user("officer", ["kunming"]), make_user("admin")):
        with pytest.raises(rectifications.RectificationRefused) as refused:
            rectifications.order(user, title, "assessment", "整改", assessment_id=failed.id, deadline=date(2026, 9, 1))
        assert refused.value.key == "action"
    rectifications.order(officer, title, "assessment", "整改", assessment_id=failed.id, deadline=date(2026, 9, 1))
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.order(officer, title, "assessment", "再整改", assessment_id=failed.id, deadline=date(2026, 9, 1))
    assert "进行中的整改" in refused.value.message


def ordered_mile():
    title, applicant, officer, leader = titled("mile")
    clock.freeze(date(2026, 3, 2))
    rect = rectifications.order(officer, title, "assessment", "完善创业导师队伍", assessment_id=unqualified(title, 2025).id,
                                deadline=date(2026, 6, 30))
    return title, applicant, officer, rect


def test_the_space_reports_with_evidence_is_heard_and_the_officer_judges_passed(app):
    title, applicant, officer, rect = ordered_mile()
    with pytest.raises(rectifications.RectificationRefused) as refused:  # judged only after the report or deadline
        rectifications.judge(officer, rect, "passed", "好")
    assert "2026-06-30" in refused.value.message
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.file_report(applicant, rect, "已聘请导师 5 名", None)
    assert refused.value.key == "evidence"
    with pytest.raises(uploads.UploadError):
        rectifications.file_report(applicant, rect, "已聘请导师 5 名", evidence(b"GIF89a not pdf", "x.pdf"))
    assert rect.status == "ordered"
    clock.freeze(date(2026, 6, 30))  # the deadline itself: in time
    rectifications.file_report(applicant, rect, "已聘请导师 5 名", evidence())
    assert (rect.status, rect.reported_on, rectifications.is_late(rect)) == ("reported", date(2026, 6, 30), False)
    rectifications.file_statement(applicant, rect, "考核期间负责人变更，已整改到位")
    rectifications.judge(officer, rect, "passed", "整改到位")
    assert (rect.status, rect.result, title.status) == ("passed", "passed", "active")
    assert rectifications.history(title.id) == [{"ordered_on": "2026-03-02", "deadline": "2026-06-30",
                                                 "result": "passed"}]
    with pytest.raises(rectifications.RectificationRefused):
        rectifications.file_statement(applicant, rect, "再说一句")


def test_unreported_after_the_deadline_the_officer_judges_failed_and_the_title_stays_in_rectification(app):
    title, applicant, officer, rect = ordered_mile()
    clock.freeze(date(2026, 6, 30))
    assert rectifications.allowed_actions(officer, rect) == []  # the deadline day is still the space's
    clock.freeze(date(2026, 7, 1))
    assert rectifications.allowed_actions(officer, rect) == ["passed", "failed"]
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.judge(officer, rect, "failed", "")
    assert refused.value.key == "judgement"
    rectifications.judge(officer, rect, "failed", "逾期未提交整改报告")
    assert (rect.status, title.status) == ("failed", "rectification")
    assert rectifications.history(title.id)[0]["result"] == "failed"


def test_a_report_after_the_deadline_is_late(app):
    _title, applicant, _officer, rect = ordered_mile()
    clock.freeze(date(2026, 7, 1))
    rectifications.file_report(applicant, rect, "逾期提交", evidence())
    assert rectifications.is_late(rect)


def test_another_organisation_cannot_report_and_scoping_hides_it(app):
    _title, _applicant, officer, rect = ordered_mile()
    _t2, stranger, _o2, _l2 = titled("mile")
    with pytest.raises(rectifications.RectificationRefused):
        rectifications.file_report(stranger, rect, "冒充", evidence())
    assert rectifications.listing(stranger, "all") == []
    assert rectifications.listing(make_user("officer", ["kunming"]), "all") == []
    assert rectifications.listing(make_user("expert", ["mile"]), "all") == []
    assert [r.id for r in rectifications.listing(officer, "running")] == [rect.id]


def test_two_officers_judging_at_once_the_second_is_refused_in_chinese(app):
    _title, applicant, officer, rect = ordered_mile()
    rectifications.file_report(applicant, rect, "已整改", evidence())
    db.session.execute(update(Rectification).where(Rectification.id == rect.id)
                       .values(version=Rectification.version + 1)
                       .execution_options(synchronize_session=False))  # another session judged meanwhile
    with pytest.raises(rectifications.RectificationRefused) as refused:
        rectifications.judge(officer, rect, "passed", "好")
    assert "已由他人处理" in refused.value.message
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).where(AuditEvent.action == "rectification.judge")) == 0
    assert rect.recognition.status == "rectification"
