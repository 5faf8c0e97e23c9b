"""core.bureau (versions, data, bureau_criteria, operations): policy versions, parameters and
criteria with the bureau's data applied, and the audited write operations — against a small plugin registered in a
fixture (so the engine is tested apart from the real jurisdictions) and the real
Yunnan plugin where the issue names it."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from core import hookimpl

from core.bureau import bureau_criteria, setting_checks
from core.bureau import data as bureau_data
from core.bureau import operations as bureau_operations
from core.bureau import versions as policy_versions
from core.platform.extensions import db
from core.platform.models import AuditEvent, BureauCriterion, BureauPolicyVersion, BureauSetting, CalendarDay
from core.policy import Category, Citation, Criterion, Jurisdiction, Parameter, PolicyVersion, SubsidyRule
from tests.conftest import app_with_only

DOC = "测科发〔2020〕1号"
DOC2 = "测科发〔2023〕9号"


def _check_area(facts, ctx):
    need = ctx.params["min_area_m2"]
    return facts.total_area_m2 >= need, f"面积 {facts.total_area_m2}，门槛 {need}"


class Testland:
    """A one-city plugin: two versions (the first closed, the second open-ended)."""

    V1 = PolicyVersion(
        jurisdiction="testland", document=DOC, title="测试市众创空间认定办法",
        effective_from=date(2020, 1, 1), effective_to=date(2022, 12, 31),
        categories=(Category("basic", "基础类"),), notice_days=5, notice_citation=Citation(DOC, "第九条"),
        parameters=(
            Parameter("min_area_m2", "面积下限", 300, Citation(DOC, "第五条", "（一）"), "㎡"),
            Parameter("max_rent_ratio_year2", "第二年租金比例上限", 0.3, Citation(DOC, "第五条", "（二）")),
            Parameter("required_services", "须提供的服务", ("registration",), Citation(DOC, "第五条", "（三）")),
            Parameter("notice_days", "公示期", None, Citation(DOC, "第九条"), "天", bureau_setting=True),
        ),
    )
    V2 = PolicyVersion(
        jurisdiction="testland", document=DOC2, title="测试市众创空间认定办法（修订）",
        effective_from=date(2023, 1, 1), effective_to=None,
        categories=(Category("basic", "基础类"), Category("pro", "专业类")), notice_days=7,
        notice_citation=Citation(DOC2, "第十条"),
        parameters=(Parameter("min_area_m2", "面积下限", 500, Citation(DOC2, "第五条", "（一）"), "㎡"),),
    )

    @hookimpl
    def zc_jurisdiction(self):
        return Jurisdiction("testland", "测试市", "city", ("9901",), "测试市科学技术局")

    @hookimpl
    def zc_policies(self, jurisdiction):
        if jurisdiction == "testland":
            return [self.V1, self.V2]

    @hookimpl
    def zc_criteria(self, jurisdiction, category, policy):
        if jurisdiction == "testland":
            return [
                Criterion("testland.area", "面积", Citation(DOC, "第五条", "（一）"), "auto", _check_area,
                          policy=DOC),
                Criterion("testland.area2", "面积", Citation(DOC2, "第五条", "（一）"), "auto", _check_area,
                          policy=DOC2),
            ]

    @hookimpl
    def zc_subsidy_rules(self, jurisdiction, policy):
        if jurisdiction == "testland":
            return [SubsidyRule("testland.award", "奖励", "recognized", Citation(DOC, "第十二条"),
                                amount_cny=50_000, setting_key="award_cny")]


@pytest.fixture
def testland(app_factory):
    with app_with_only(app_factory, Testland(), "testland") as app:
        yield app


def test_plugin_versions_without_bureau_data(testland):
    assert [v.document for v in policy_versions.policies("testland")] == [DOC, DOC2]
    assert policy_versions.policy_in_force("testland", date(2022, 12, 31)).document == DOC
    assert policy_versions.policy_in_force("testland", date(2023, 1, 1)).document == DOC2
    assert policy_versions.policy_in_force("testland", date(2019, 12, 31)) is None
    assert policy_versions.nearest_policy("testland", date(2019, 12, 31)).document == DOC


def test_parameters_follow_the_version(testland):
    v1, v2 = policy_versions.policies("testland")
    assert policy_versions.parameters("testland", v1)["min_area_m2"] == 300
    assert policy_versions.parameters("testland", v2)["min_area_m2"] == 500
    assert policy_versions.parameters("testland", v1)["notice_days"] is None


def test_bureau_setting_overrides_a_parameter_and_says_so(testland):
    v1 = policy_versions.policies("testland")[0]
    bureau_operations.set_bureau_setting("testland", "min_area_m2", 350, document="测科局〔2021〕3号",
                                         article="第二条", note="提高门槛")
    assert policy_versions.parameters("testland", v1)["min_area_m2"] == 350
    rows = {r["key"]: r for r in policy_versions.parameter_rows("testland", v1)}
    assert rows["min_area_m2"]["source"] == "局设置"
    assert rows["min_area_m2"]["value"] == 350 and rows["min_area_m2"]["policy_value"] == 300
    assert rows["min_area_m2"]["document"] == "测科局〔2021〕3号" and rows["min_area_m2"]["note"] == "提高门槛"
    assert rows["max_rent_ratio_year2"]["source"] == "政策规定"
    assert rows["max_rent_ratio_year2"]["citation"] == {"document": DOC, "article": "第五条", "item": "（二）"}
    assert rows["notice_days"]["source"] == "待局设置"


def test_setting_writes_an_audit_event_with_old_and_new_value(testland):
    bureau_operations.set_bureau_setting("testland", "min_area_m2", 350, document="测科局〔2021〕3号")
    bureau_operations.set_bureau_setting("testland", "min_area_m2", 400, document="测科局〔2022〕1号")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "bureau_setting.set")
                                .order_by(AuditEvent.id)).all()
    assert [(e.detail["old"], e.detail["new"]) for e in events] == [(None, 350), (350, 400)]
    assert all(e.jurisdiction == "testland" and e.actor_name == "system" for e in events)
    assert db.session.scalar(select(func.count()).select_from(BureauSetting)) == 1


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("no_such_key", 1, "key"),
        ("min_area_m2", -1, "value"),
        ("min_area_m2", "300", "value"),
        ("min_area_m2", True, "value"),
        ("min_area_m2", 300.5, "value"),  # the policy counts whole square metres here
        ("max_rent_ratio_year2", 1.5, "value"),
        ("required_services", "registration", "value"),
        ("notice_days", 0, "value"),
        ("notice_days", 7.0, "value"),
        ("award_cny", -100, "value"),
    ],
)
def test_bad_setting_is_refused_in_chinese_and_nothing_is_written(testland, key, value, named):
    with pytest.raises(setting_checks.SettingsError) as err:
        bureau_operations.set_bureau_setting("testland", key, value, document="测科局〔2021〕3号")
    assert err.value.key == named
    assert "\n" not in str(err.value) and any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)
    assert db.session.scalar(select(func.count()).select_from(BureauSetting)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_good_settings_of_each_kind(testland):
    bureau_operations.set_bureau_setting("testland", "max_rent_ratio_year2", 0.25)
    bureau_operations.set_bureau_setting("testland", "required_services", ["registration", "legal"])
    bureau_operations.set_bureau_setting("testland", "notice_days", 10)
    bureau_operations.set_bureau_setting("testland", "award_cny", 80_000)
    data = bureau_data.load_bureau_data("testland")
    assert {k: v.value for k, v in data.settings.items()} == {
        "max_rent_ratio_year2": 0.25, "required_services": ["registration", "legal"],
        "notice_days": 10, "award_cny": 80_000}


def test_known_setting_keys_include_subsidy_amounts(testland):
    keys = bureau_data.known_setting_keys("testland")
    assert {"notice_days", "min_area_m2", "award_cny"} <= set(keys)


def test_unknown_jurisdiction_is_refused(testland):
    with pytest.raises(setting_checks.SettingsError) as err:
        bureau_operations.set_bureau_setting("atlantis", "notice_days", 7)
    assert err.value.key == "jurisdiction"


# --- bureau policy versions ---------------------------------------------------------------


def test_bureau_version_reuses_the_based_on_version(testland):
    bureau_operations.add_bureau_policy_version(
        "testland", document="测科发〔2026〕2号", title="测试市众创空间认定办法（2026）",
        effective_from=date(2026, 6, 1), based_on=DOC, note="沿用2020年条件")
    versions = policy_versions.policies("testland")
    assert [v.document for v in versions] == [DOC, DOC2, "测科发〔2026〕2号"]
    # The open-ended 2023 version ends the day before the bureau's version starts.
    assert versions[1].effective_to == date(2026, 5, 31)
    new = policy_versions.policy_in_force("testland", date(2026, 6, 1))
    assert new.document == "测科发〔2026〕2号" and new.effective_to is None
    assert new.categories == Testland.V1.categories
    assert policy_versions.parameters("testland", new)["min_area_m2"] == 300
    assert new.notice_days == 5 and new.notice_citation == Citation(DOC, "第九条")  # inherited, cited to its source
    assert policy_versions.base_policy("testland", new).document == DOC
    # Its criteria are those of the version it is based on.
    assert [c.id for c in bureau_criteria.criteria("testland", "basic", new)] == ["testland.area"]
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bureau_policy_version.add"))
    assert event_.detail["based_on"] == DOC and event_.jurisdiction == "testland"


def test_bureau_version_with_its_own_notice_period(testland):
    bureau_operations.add_bureau_policy_version(
        "testland", document="测科发〔2026〕2号", title="新办法", effective_from=date(2026, 6, 1),
        based_on=DOC2, notice_days=10)
    new = policy_versions.policy_in_force("testland", date(2027, 1, 1))
    assert (new.notice_days, new.notice_citation) == (10, Citation("测科发〔2026〕2号"))


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        (dict(document="测科发〔2026〕2号", effective_from=date(2022, 6, 1)), "effective_from"),  # inside V1
        (dict(document="测科发〔2026〕2号", effective_from=date(2023, 1, 1)), "effective_from"),  # V2's first day
        (dict(document=DOC2, effective_from=date(2026, 6, 1)), "document"),
        (dict(document="测科发〔2026〕2号", effective_from=date(2026, 6, 1), based_on="测科发〔1999〕1号"),
         "based_on"),
        (dict(document="测科发〔2026〕2号", effective_from=date(2026, 6, 1), effective_to=date(2026, 5, 1)),
         "effective_to"),
        (dict(document="测科发〔2026〕2号", effective_from=date(2026, 6, 1), notice_days=0), "notice_days"),
        (dict(document=" ", effective_from=date(2026, 6, 1)), "document"),
    ],
)
def test_bad_bureau_version_is_refused(testland, kwargs, named):
    args = dict(title="新办法", based_on=DOC) | kwargs
    with pytest.raises(setting_checks.SettingsError) as err:
        bureau_operations.add_bureau_policy_version("testland", **args)
    assert err.value.key == named
    assert db.session.scalar(select(func.count()).select_from(BureauPolicyVersion)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_yunnan_successor_registered_by_the_bureau(app):
    """云科规〔2021〕1号 lapsed after 2026-04-03 (附则); a successor from 2026-06-01
    based on it applies its conditions from that day, and nothing applies between."""
    bureau_operations.add_bureau_policy_version(
        "yunnan", document="云科规〔2026〕3号", title="云南省众创空间认定管理办法（2026）",
        effective_from=date(2026, 6, 1), based_on="云科规〔2021〕1号")
    assert policy_versions.policy_in_force("yunnan", date(2026, 4, 3)).document == "云科规〔2021〕1号"
    assert policy_versions.policy_in_force("yunnan", date(2026, 5, 31)) is None
    assert policy_versions.nearest_policy("yunnan", date(2026, 5, 31)).document == "云科规〔2026〕3号"
    new = policy_versions.policy_in_force("yunnan", date(2026, 11, 23))
    assert new.document == "云科规〔2026〕3号" and new.replaces == "云科规〔2021〕1号"
    ids = [c.id for c in bureau_criteria.criteria("yunnan", "provincial", new)]
    assert "yunnan.area" in ids and "yunnan.events" in ids


# --- bureau criteria --------------------------------------------------------------------------


def _criterion(**kwargs):
    args = dict(category="basic", crit_code="min_mentors", title="创业导师", fact_key="mentors",
                operator=">=", threshold=3, document="测科发〔2015〕73号", article="第六条", item="（二）")
    return bureau_operations.add_bureau_criterion("testland", **(args | kwargs))


def test_bureau_criterion_becomes_an_auto_criterion_with_the_bureaus_citation(testland):
    _criterion()
    v2 = policy_versions.policies("testland")[1]
    crits = bureau_criteria.criteria("testland", "basic", v2)
    assert [c.id for c in crits] == ["testland.area2", "testland.bureau.min_mentors"]
    added = crits[-1]
    assert added.kind == "auto" and added.citation == Citation("测科发〔2015〕73号", "第六条", "（二）")
    # Only for its category.
    assert [c.id for c in bureau_criteria.criteria("testland", "pro", v2)] == ["testland.area2"]
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bureau_criterion.add"))
    assert row.detail["fact_key"] == "mentors" and row.detail["threshold"] == 3


def test_inactive_bureau_criterion_is_not_applied(testland):
    row = _criterion()
    row.active = False
    db.session.commit()
    v2 = policy_versions.policies("testland")[1]
    assert [c.id for c in bureau_criteria.criteria("testland", "basic", v2)] == ["testland.area2"]


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        (dict(fact_key="space_opened_on"), "fact_key"),  # a date, not a number or yes/no
        (dict(fact_key="no_such_fact"), "fact_key"),
        (dict(threshold="3"), "threshold"),
        (dict(threshold=True), "threshold"),
        (dict(threshold=-1), "threshold"),
        (dict(threshold=None), "threshold"),
        (dict(fact_key="rent_ratio_year2", operator="<=", threshold=30), "threshold"),
        (dict(operator=">"), "operator"),
        (dict(operator="true"), "operator"),
        (dict(fact_key="seed_fund", operator=">=", threshold=1), "operator"),
        (dict(fact_key="seed_fund", operator="==", threshold=1), "operator"),
        (dict(category="nope"), "category"),
        (dict(crit_code="有 空格"), "code"),
        (dict(document=""), "document"),
        (dict(title=""), "title"),
    ],
)
def test_bad_bureau_criterion_is_refused(testland, kwargs, named):
    with pytest.raises(setting_checks.SettingsError) as err:
        _criterion(**kwargs)
    assert err.value.key == named
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)
    assert db.session.scalar(select(func.count()).select_from(BureauCriterion)) == 0


def test_duplicate_bureau_criterion_code_is_refused(testland):
    _criterion()
    with pytest.raises(setting_checks.SettingsError) as err:
        _criterion(threshold=5)
    assert err.value.key == "code"


# --- calendar -------------------------------------------------------------------------------


def test_calendar_days_entered_by_the_bureau(app):
    # 2027 is unknown to the holiday package: the bureau enters a make-up Sunday.
    assert bureau_data.calendar().is_workday(date(2027, 9, 26)) is False
    bureau_operations.set_calendar_day(date(2027, 9, 26), True, note="国庆调休上班")
    cal = bureau_data.calendar()
    # a single day applies, but never makes its year known (CONTRACTS §3)
    assert cal.is_workday(date(2027, 9, 26)) is True and not cal.knows_year(2027)
    bureau_operations.set_calendar_day(date(2027, 9, 26), False)
    assert bureau_data.calendar().is_workday(date(2027, 9, 26)) is False
    assert db.session.scalar(select(func.count()).select_from(CalendarDay)) == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar_day.set")).all()
    assert [(e.detail["old"], e.detail["new"]) for e in events] == [(None, True), (True, False)]


def test_bad_calendar_value_is_refused(app):
    with pytest.raises(setting_checks.SettingsError):
        bureau_operations.set_calendar_day(date(2027, 9, 26), "yes")


# --- reading once --------------------------------------------------------------------------


def test_bureau_rows_are_read_once_per_snapshot(testland):
    _criterion()
    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        data = bureau_data.load_bureau_data("testland")
        loaded = len(statements)
        for day in (date(2021, 1, 1), date(2024, 1, 1)) * 50:
            policy = policy_versions.policy_in_force("testland", day, data)
            policy_versions.parameters("testland", policy, data)
            bureau_criteria.criteria("testland", "basic", policy, data)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert loaded == 3
    assert len(statements) == loaded  # nothing more after the snapshot
