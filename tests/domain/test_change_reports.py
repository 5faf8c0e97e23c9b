"""Change reports (变更报告, core.monitoring.changes) on a real database.

云科规〔2021〕1号 认定与管理 “管理”: "在变更后3个月内向所在州（市）科技局报告": the 3 months are counted
as 民法典 第201、202条 count months; "内" includes the last day.  Elsewhere the period is the
bureau's setting (本局设定), and without it a change has no due date.
"""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from core.bureau import data as bureau_data
from core.bureau.operations import set_bureau_setting
from core.bureau.setting_checks import SettingsError
from core.monitoring import changes, title_standing
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Attachment, AuditEvent, ChangeReport
from tests.conftest import app_with_only
from tests.domain.test_settings import Testland
from tests.factories import make_org, make_space, make_title, make_user, pdf_bytes

PDF = pdf_bytes()


def duties(title, as_of: date) -> list[dict]:
    """The title's open duties as its standing lists them (CONTRACTS §6)."""
    return title_standing.standing_of(title, as_of)["duties"]


def evidence(content: bytes = PDF, name: str = "营业执照变更.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type="application/pdf")


def yunnan_space(region: str = "530302"):
    org = make_org(region=region)
    space = make_space(org, region=region)
    title = make_title("yunnan", space, granted_on=date(2023, 6, 1))
    return make_user("applicant", organisation=org), title


@pytest.mark.parametrize("changed_on, due_on", [
    (date(2025, 11, 10), date(2026, 2, 10)),   # the corresponding day
    (date(2025, 11, 30), date(2026, 2, 28)),   # no 30 February: the month's last day (第202条)
    (date(2023, 11, 30), date(2024, 2, 29)),   # a leap year
    (date(2025, 12, 31), date(2026, 3, 31)),
    (date(2025, 10, 31), date(2026, 1, 31)),   # across the year
])
def test_yunnan_认定与管理_three_months_counted_as_civil_code_months(app, changed_on, due_on):
    period = changes.report_period("yunnan", changed_on)
    assert (period.months, period.source) == (3, "policy")
    assert period.citation == {"document": "云科规〔2021〕1号", "article": "认定与管理", "item": "管理"}
    assert changes.due_on_for("yunnan", changed_on) == due_on


@pytest.mark.parametrize("reported_on, late", [(date(2026, 2, 28), False), (date(2026, 3, 1), True)])
def test_yunnan_认定与管理_report_on_the_last_day_is_in_time_the_next_day_late(app, reported_on, late):
    user, title = yunnan_space()
    clock.freeze(reported_on)
    change = changes.file_change(user, title.id, "area", date(2025, 11, 30), "面积由 600㎡ 缩减为 520㎡", evidence())
    assert change.due_on == date(2026, 2, 28) and change.reported_on == reported_on
    assert changes.is_late(change) is late
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "change_report.file")).one()
    assert event.jurisdiction == "yunnan" and event.object_id == str(change.id) and event.detail["late"] is late
    assert changes.history(title.id) == [{"kind": "area", "changed_on": "2025-11-30",
                                          "reported_on": reported_on.isoformat()}]
    assert duties(title, reported_on) == []  # a duty met is not listed (CONTRACTS §6)


def test_yunnan_认定与管理_a_change_found_unreported_is_an_open_duty_overdue_after_its_due_date(app):
    user, title = yunnan_space()
    officer = make_user("officer", ["yunnan"])
    clock.freeze(date(2026, 3, 5))
    found = changes.record_found(officer, title, "location", date(2025, 11, 30), "实地核查发现已迁至新址")
    assert found.status == "found" and found.due_on == date(2026, 2, 28)
    on_due = duties(title, date(2026, 2, 28))
    assert [{k: d[k] for k in ("id", "due_on", "overdue", "citation")} for d in on_due] == [
        {"id": "yunnan.change_report", "due_on": "2026-02-28", "overdue": False,
         "citation": {"document": "云科规〔2021〕1号", "article": "认定与管理", "item": "管理"}}]
    assert "场地位置" in on_due[0]["message"]
    assert duties(title, date(2026, 3, 1))[0]["overdue"] is True
    assert changes.history(title.id) == [{"kind": "location", "changed_on": "2025-11-30", "reported_on": None}]
    assert [c.id for c in changes.listing(officer, "overdue", clock.today())] == [found.id]
    # the space reports it: the duty is met, the report is late
    changes.file_change(user, None, None, None, "已迁至新址，附租赁合同", evidence(), found=found)
    assert found.status == "reported" and found.reported_on == date(2026, 3, 5) and changes.is_late(found)
    assert duties(title, date(2026, 3, 5)) == []
    assert [c.id for c in changes.listing(officer, "overdue", clock.today())] == [found.id]  # late: still listed


def test_mile_without_a_bureau_setting_a_change_has_no_due_date_and_no_duty(app):
    org = make_org(region="532504")
    title = make_title("mile", make_space(org))
    user = make_user("applicant", organisation=org)
    period = changes.report_period("mile", date(2026, 1, 10))
    assert (period.months, period.source, period.citation) == (None, "none", None)
    clock.freeze(date(2026, 11, 1))
    change = changes.file_change(user, title.id, "operator", date(2026, 1, 10), "运营主体变更", evidence())
    assert change.due_on is None and not changes.is_late(change)
    officer = make_user("officer", ["mile"])
    found = changes.record_found(officer, title, "area", date(2026, 1, 10), "面积缩减")
    assert found.due_on is None and duties(title, date(2026, 11, 1)) == []


def test_mile_with_the_bureau_setting_the_due_date_is_the_bureaus_not_policy(app):
    org = make_org(region="532504")
    title = make_title("mile", make_space(org))
    officer = make_user("officer", ["mile"])
    set_bureau_setting("mile", "change_report_months", 2, document="弥科通〔2026〕1号", note="变更报告期限", actor=officer)
    period = changes.report_period("mile", date(2025, 12, 31))
    assert (period.months, period.source) == (2, "bureau")
    assert period.citation["kind"] == "bureau_setting" and period.citation["document"] == "弥科通〔2026〕1号"
    assert "本局设定" in period.text()
    assert changes.due_on_for("mile", date(2025, 12, 31)) == date(2026, 2, 28)
    clock.freeze(date(2026, 3, 1))
    changes.record_found(officer, title, "area", date(2025, 12, 31), "面积缩减")
    duty, = duties(title, date(2026, 3, 1))
    # the bureau's period cites no article: the message says it is the bureau's
    assert duty["id"] == "mile.change_report" and duty["overdue"] is True and duty["citation"] is None
    assert duty["due_on"] == "2026-02-28" and "本局设定" in duty["message"]


def test_bad_input_is_refused_with_nothing_written(app):
    user, title = yunnan_space()
    clock.freeze(date(2026, 3, 1))
    attempts = [
        (dict(recognition_id=title.id, kind="name", changed_on=date(2026, 1, 1)), "kind"),
        (dict(recognition_id=title.id, kind="area", changed_on=date(2026, 3, 2)), "changed_on"),   # in the future
        (dict(recognition_id=title.id, kind="area", changed_on=date(2023, 5, 31)), "changed_on"),  # before the title
        (dict(recognition_id=make_title("yunnan").id, kind="area", changed_on=date(2026, 1, 1)), "recognition_id"),
    ]
    for fields, key in attempts:
        with pytest.raises(changes.ChangeRefused) as refused:
            changes.file_change(user, fields["recognition_id"], fields["kind"], fields["changed_on"], "说明", evidence())
        assert refused.value.key == key
    with pytest.raises(changes.ChangeRefused) as refused:
        changes.file_change(user, title.id, "area", date(2026, 1, 1), "  ", evidence())
    assert refused.value.key == "description" and "请填写" in refused.value.message
    from core.platform.uploads import UploadError
    with pytest.raises(UploadError):
        changes.file_change(user, title.id, "area", date(2026, 1, 1), "说明", evidence(b"not a pdf at all", "x.pdf"))
    assert db.session.scalar(select(func.count()).select_from(ChangeReport)) == 0
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert db.session.scalar(select(func.count()).where(AuditEvent.action.like("change_report.%"))) == 0


def test_yunnan_认定与管理_the_region_checks_and_forwards_the_province_decides_each_step_audited(app):
    user, title = yunnan_space(region="530302")
    area = make_user("recommender", ["yunnan"], region_prefix="5303")
    other_area = make_user("recommender", ["yunnan"], region_prefix="5301")
    officer = make_user("officer", ["yunnan"])
    clock.freeze(date(2026, 1, 5))
    change = changes.file_change(user, title.id, "operator", date(2025, 12, 1), "运营主体由甲公司变更为乙公司", evidence())
    # scoping: the other area neither sees it nor may act; the officer waits for the check
    assert changes.visible_change(change.id, other_area) is None
    assert changes.allowed_actions(other_area, change) == []
    assert changes.allowed_actions(officer, change) == []  # a recommender's area covers the space
    assert changes.allowed_actions(area, change) == ["forward", "return"]
    with pytest.raises(changes.ChangeRefused):
        changes.act(officer, change, "accept", "同意")
    with pytest.raises(changes.ChangeRefused) as refused:
        changes.act(area, change, "forward", "")
    assert refused.value.key == "opinion"
    changes.act(area, change, "return", "请补充新运营主体的营业执照")
    assert change.status == "returned"
    changes.resubmit(user, change, "运营主体由甲公司变更为乙公司，附营业执照", evidence())
    assert change.status == "reported" and change.reported_on == date(2026, 1, 5)
    changes.act(area, change, "forward", "经核查属实，提出变更申请")
    assert changes.allowed_actions(officer, change) == ["accept", "recheck"]
    assert [c.id for c in changes.listing(officer, "forwarded", clock.today())] == [change.id]
    changes.act(officer, change, "recheck", "运营主体变化，复核认定条件")
    assert change.status == "recheck" and change.decided_by_id == officer.id
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "ChangeReport")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["change_report.file", "change_report.return", "change_report.resubmit",
                       "change_report.forward", "change_report.recheck"]
    assert [c.id for c in changes.listing(officer, "recheck", clock.today())] == [change.id]


def test_yunnan_an_officer_checks_where_no_recommender_covers_the_area(app):
    user, title = yunnan_space(region="530302")
    officer = make_user("officer", ["yunnan"])
    make_user("recommender", ["yunnan"], region_prefix="5301")  # another area only
    clock.freeze(date(2026, 1, 5))
    change = changes.file_change(user, title.id, "area", date(2025, 12, 1), "面积调整", evidence())
    assert changes.allowed_actions(officer, change) == ["forward", "return"]


def test_the_applicant_of_another_organisation_and_other_jurisdictions_staff_see_nothing(app):
    user, title = yunnan_space()
    clock.freeze(date(2026, 1, 5))
    change = changes.file_change(user, title.id, "area", date(2025, 12, 1), "面积调整", evidence())
    stranger = make_user("applicant", organisation=make_org())
    for outsider in (stranger, make_user("officer", ["mile"]), make_user("expert", ["yunnan"])):
        assert changes.visible_change(change.id, outsider) is None
    with pytest.raises(changes.ChangeRefused):
        changes.file_change(stranger, title.id, "area", date(2025, 12, 1), "冒名报告", evidence())


def test_mile_the_officer_decides_in_one_step(app):
    org = make_org(region="532504")
    title = make_title("mile", make_space(org))
    user = make_user("applicant", organisation=org)
    officer = make_user("officer", ["mile"])
    clock.freeze(date(2026, 5, 1))
    change = changes.file_change(user, title.id, "location", date(2026, 4, 1), "迁址", evidence())
    assert changes.allowed_actions(officer, change) == ["accept", "recheck", "return"]
    changes.act(officer, change, "accept", "同意变更")
    assert change.status == "accepted" and change.check_opinion == change.decision_opinion == "同意变更"


def test_two_checkers_at_once_the_second_is_refused_and_nothing_is_half_written(app):
    user, title = yunnan_space(region="530302")
    area = make_user("recommender", ["yunnan"], region_prefix="5303")
    clock.freeze(date(2026, 1, 5))
    change = changes.file_change(user, title.id, "area", date(2025, 12, 1), "面积调整", evidence())
    # another checker's step lands between reading the report and writing ours
    db.session.execute(update(ChangeReport).where(ChangeReport.id == change.id)
                       .values(status="returned", version=ChangeReport.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(changes.ChangeRefused) as refused:
        changes.act(area, change, "forward", "经核查属实")
    assert "已由他人处理" in refused.value.message
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "change_report.forward")) == 0


@pytest.fixture
def testland(app_factory):
    with app_with_only(app_factory, Testland(), "testland") as app:
        yield app


def test_a_jurisdiction_whose_policy_declares_no_period_may_have_its_bureau_set_one(testland):
    assert "change_report_months" in bureau_data.known_setting_keys("testland")
    assert changes.report_period("testland", date(2024, 1, 31)).source == "none"
    with pytest.raises(SettingsError):
        set_bureau_setting("testland", "change_report_months", 0)
    set_bureau_setting("testland", "change_report_months", 1, document="测科通〔2024〕1号")
    period = changes.report_period("testland", date(2024, 1, 31))
    assert (period.months, period.source, period.citation["document"]) == (1, "bureau", "测科通〔2024〕1号")
    assert changes.due_on_for("testland", date(2024, 1, 31)) == date(2024, 2, 29)


def test_yunnan_认定与管理_a_bureau_value_other_than_three_months_is_the_bureaus(app):
    assert bureau_data.known_setting_keys("yunnan")["change_report_months"] == "认定条件变化后向州（市）科技局报告的期限"
    set_bureau_setting("yunnan", "change_report_months", 3, document="云科函〔2026〕1号")
    assert changes.report_period("yunnan", date(2026, 1, 1)).source == "policy"  # the same as the article
    set_bureau_setting("yunnan", "change_report_months", 4, document="云科函〔2026〕2号")
    period = changes.report_period("yunnan", date(2026, 1, 1))
    assert (period.months, period.source) == (4, "bureau") and "本局设定" in period.text()


@pytest.mark.parametrize("changed_on, due_on", [(date(2026, 4, 3), date(2026, 7, 3)), (date(2026, 4, 4), None)])
def test_yunnan_a_change_after_the_measures_lapsed_has_no_period_until_a_successor(app, changed_on, due_on):
    """云科规〔2021〕1号 附则: in force through 2026-04-03.  A change made the next day has no period
    to report in (a lapsed policy is never applied, as the standing reads it); once the province
    registers the successor based on it, its three months apply again."""
    from core.bureau.operations import add_bureau_policy_version

    period = changes.report_period("yunnan", changed_on)
    assert changes.due_on_for("yunnan", changed_on) == due_on
    if due_on is None:
        assert period.source == "no_policy" and "没有有效的政策版本" in period.text()
        add_bureau_policy_version("yunnan", document="云科规〔2026〕2号", title="云南省众创空间认定管理办法（修订）",
                                  effective_from=date(2026, 4, 4), based_on="云科规〔2021〕1号",
                                  actor=make_user("officer", ["yunnan"]))
        assert changes.due_on_for("yunnan", changed_on) == date(2026, 7, 4)
