"""Annual assessment rounds (issue 17): 弥政办发〔2017〕5号 第十五条 (年度综合考核, 量化打分考核排序,
政策性补助), 昆科发〔2017〕55号 第十八条, 徐政发〔2016〕12号 五（一） (社会机构评价考核, 优秀或良好
20万元左右), 云科规〔2021〕1号 动态考核评价 (grounds, no scored round).  Weights and grade bands
are bureau settings (no document sets them).  Real database, SQLite and PostgreSQL.
"""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from core.bureau import setting_checks
from core.bureau.operations import set_bureau_setting
from core.monitoring import assessments
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AssessmentRound, AuditEvent, SubsidyEntitlement
from tests.factories import make_space, make_title, make_user, pdf_bytes

MILE_DIMS = ("carrying_capacity", "service_capacity", "collaboration_capacity")
WEIGHTS = {"carrying_capacity": 40, "service_capacity": 40, "collaboration_capacity": 20}
BANDS = [{"grade": "excellent", "min_total": 90}, {"grade": "good", "min_total": 80},
         {"grade": "qualified", "min_total": 60}]


@pytest.fixture()
def mile(app):
    clock.freeze(date(2026, 2, 1))
    officer = make_user("officer", ["mile"])
    leader = make_user("leader", ["mile"])
    expert = make_user("expert", ["mile"])
    spaces = [make_space(region="532504") for _ in range(3)]
    titled = [make_title("mile", s, date(2024, 6, 1)) for s in spaces]
    return {"officer": officer, "leader": leader, "expert": expert, "titles": titled}


def _settings(officer, weights=WEIGHTS, bands=BANDS):
    set_bureau_setting("mile", "assessment_weights", weights, document="弥农科发〔2026〕1号", actor=officer)
    set_bureau_setting("mile", "assessment_bands", bands, document="弥农科发〔2026〕1号", actor=officer)


def _sheet(value):
    return {d: str(value) for d in MILE_DIMS}


def _scored_round(m, values):
    rnd = assessments.open_round("mile", 2025, m["officer"])
    assessments.assign_scorer(rnd, m["expert"].id, m["officer"])
    assessments.declare(rnd, m["expert"], conflict=False)
    for a, value in zip(sorted(rnd.assessments, key=lambda a: a.id), values):
        assessments.score(rnd, a.id, m["expert"], _sheet(value), "")
    return rnd


def test_mile_第十五条_open_one_assessment_per_live_title_and_only_once(mile):
    revoked = make_title("mile", make_space(region="532504"), date(2024, 6, 1), status="revoked")
    later = make_title("mile", make_space(region="532504"), date(2026, 1, 5))  # granted after 2025
    rnd = assessments.open_round("mile", 2025, mile["officer"])
    ids = {a.recognition_id for a in rnd.assessments}
    assert ids == {t.id for t in mile["titles"]} and revoked.id not in ids and later.id not in ids
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "assessment_round.open"))
    with pytest.raises(assessments.AssessmentRefused) as again:
        assessments.open_round("mile", 2025, mile["officer"])
    assert again.value.key == "year" and "已开启" in again.value.message


def test_open_is_scoped_to_the_officers_jurisdiction_and_role(mile):
    kunming_officer = make_user("officer", ["kunming"])
    with pytest.raises(assessments.AssessmentRefused):
        assessments.open_round("mile", 2025, kunming_officer)
    with pytest.raises(assessments.AssessmentRefused):
        assessments.open_round("mile", 2025, mile["leader"])
    with pytest.raises(assessments.AssessmentRefused) as bad_year:
        assessments.open_round("mile", "二〇二五", mile["officer"])
    assert bad_year.value.key == "year"
    assert db.session.scalar(select(AssessmentRound.id)) is None


def test_yunnan_动态考核评价_grounds_open_no_scored_round(app):
    officer = make_user("officer", ["yunnan"])
    make_title("yunnan", make_space(region="530402"), date(2023, 6, 1))
    with pytest.raises(assessments.AssessmentRefused) as refused:
        assessments.open_round("yunnan", 2025, officer)
    assert "动态考核评价" in refused.value.message and "不开启" in refused.value.message


def test_scorer_must_declare_no_conflict_before_scoring_and_a_conflict_bars_him(mile):
    rnd = assessments.open_round("mile", 2025, mile["officer"])
    assessments.assign_scorer(rnd, mile["expert"].id, mile["officer"])
    first = rnd.assessments[0]
    with pytest.raises(assessments.AssessmentRefused) as undeclared:
        assessments.score(rnd, first.id, mile["expert"], _sheet(80), "")
    assert undeclared.value.key == "declaration"
    other = make_user("expert", ["mile"])
    assessments.assign_scorer(rnd, other.id, mile["officer"])
    with pytest.raises(assessments.AssessmentRefused) as no_note:
        assessments.declare(rnd, other, conflict=True, note="")
    assert no_note.value.key == "note"
    assessments.declare(rnd, other, conflict=True, note="曾任该空间顾问")
    with pytest.raises(assessments.AssessmentRefused) as conflicted:
        assessments.score(rnd, first.id, other, _sheet(80), "")
    assert "利益冲突" in conflicted.value.message
    with pytest.raises(assessments.AssessmentRefused):
        assessments.declare(rnd, other, conflict=False)  # once
    # an expert sees only rounds he is assigned to
    stranger = make_user("expert", ["mile"])
    assert assessments.visible_round(rnd.id, stranger) is None
    assert assessments.visible_round(rnd.id, mile["expert"]) is not None
    assert assessments.visible_round(rnd.id, make_user("officer", ["kunming"])) is None


def test_scores_are_numbers_0_to_100_both_sides_named_per_dimension(mile):
    rnd = assessments.open_round("mile", 2025, mile["officer"])
    assessments.assign_scorer(rnd, mile["expert"].id, mile["officer"])
    assessments.declare(rnd, mile["expert"], conflict=False)
    first = rnd.assessments[0]
    with pytest.raises(assessments.AssessmentRefused) as bad:
        assessments.score(rnd, first.id, mile["expert"],
                          {"carrying_capacity": "100.01", "service_capacity": "-0.01", "collaboration_capacity": "八十"},
                          "")
    assert set(bad.value.errors) == set(MILE_DIMS)
    assert not first.sheets
    sheet = assessments.score(rnd, first.id, mile["expert"],
                              {"carrying_capacity": "100", "service_capacity": "0", "collaboration_capacity": "59.99"}, "")
    assert sheet.scores == {"carrying_capacity": 100.0, "service_capacity": 0.0, "collaboration_capacity": 59.99}


def test_without_weights_or_bands_a_round_is_scored_but_not_totalled(mile):
    rnd = _scored_round(mile, (80, 80, 80))
    with pytest.raises(assessments.AssessmentRefused) as refused:
        assessments.submit(rnd, mile["officer"])
    assert "本局尚未设定" in refused.value.message and "权重" in refused.value.message
    assert rnd.status == "open" and all(a.total is None for a in rnd.assessments)


def test_bands_boundaries_both_sides_and_ranking_ties_mile_第十五条_排序(mile):
    _settings(mile["officer"])
    rnd = _scored_round(mile, (90, 89.99, 90))
    assessments.submit(rnd, mile["officer"])
    got = {a.id: (a.total, a.rank, a.grade) for a in rnd.assessments}
    first, second, third = sorted(got)
    assert got[first] == (Decimal("90.00"), 1, "excellent")  # equal to the band's minimum: that band
    assert got[second] == (Decimal("89.99"), 3, "good")  # 0.01 below: the next band
    assert got[third] == (Decimal("90.00"), 1, "excellent")  # a tie shares the rank; the next is 3
    assert rnd.weights == WEIGHTS and rnd.bands == BANDS  # copied into the round


def test_grade_bands_unqualified_below_the_lowest():
    assert assessments.grade_for(Decimal("60"), BANDS) == "qualified"
    assert assessments.grade_for(Decimal("59.99"), BANDS) == "unqualified"
    assert assessments.grade_for(Decimal("80"), BANDS) == "good"


def test_weighted_total_averages_the_scorers(mile):
    _settings(mile["officer"])
    rnd = _scored_round(mile, (70, 70, 70))
    second = make_user("officer", ["mile"])
    assessments.assign_scorer(rnd, second.id, mile["officer"])
    assessments.declare(rnd, second, conflict=False)
    first = min(rnd.assessments, key=lambda a: a.id)
    assessments.score(rnd, first.id, second, {"carrying_capacity": "90", "service_capacity": "80",
                                              "collaboration_capacity": "70"}, "")
    assessments.submit(rnd, mile["officer"])
    # means 80, 75, 70 → (40·80 + 40·75 + 20·70) / 100 = 76
    assert first.total == Decimal("76.00") and first.scores == {"carrying_capacity": 80.0, "service_capacity": 75.0,
                                                                 "collaboration_capacity": 70.0}


def test_approve_twice_creates_one_entitlement_and_only_the_leader_approves(mile):
    _settings(mile["officer"])
    set_bureau_setting("mile", "assessment_subsidy_cny", 50_000, document="弥农科发〔2026〕2号", actor=mile["officer"])
    rnd = _scored_round(mile, (95, 50, 70))
    assessments.submit(rnd, mile["officer"])
    with pytest.raises(assessments.AssessmentRefused):
        assessments.approve(rnd, mile["officer"], "同意")
    with pytest.raises(assessments.AssessmentRefused) as no_opinion:
        assessments.approve(rnd, mile["leader"], " ")
    assert no_opinion.value.key == "opinion"
    created = assessments.approve(rnd, mile["leader"], "同意")
    assert sorted((e.amount_cny, e.rule_code) for e in created) == [(50_000, "mile.assessment_subsidy")] * 2
    with pytest.raises(assessments.AssessmentRefused):
        assessments.approve(rnd, mile["leader"], "再次同意")
    # even if the round were submitted again, the (assessment, rule) guard holds
    rnd.status = "submitted"
    db.session.commit()
    assert assessments.approve(rnd, mile["leader"], "再次同意") == []
    assert db.session.query(SubsidyEntitlement).count() == 2
    # and the table itself refuses a second row for one assessment and rule
    first = created[0]
    db.session.add(SubsidyEntitlement(recognition_id=first.recognition_id, assessment_id=first.assessment_id,
                                      jurisdiction="mile", rule_code=first.rule_code, kind=first.kind, citation={}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assessments.publish(rnd, mile["officer"])
    assert rnd.status == "published" and rnd.published_at is not None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "AssessmentRound")).all()
    assert {"assessment_round.open", "assessment_round.submit", "assessment_round.approve",
            "assessment_round.publish"} <= set(actions)


def test_a_stale_version_is_refused_in_chinese(mile):
    _settings(mile["officer"])
    rnd = _scored_round(mile, (80, 80, 80))
    loaded = rnd.version
    assessments.submit(rnd, mile["officer"], expected_version=loaded)
    with pytest.raises(assessments.AssessmentRefused) as stale:
        assessments.send_back(rnd, mile["leader"], "请复核", expected_version=loaded)
    assert "他人" in stale.value.message and rnd.status == "submitted"


def test_a_concurrent_change_loses_with_stale_data(app_factory, mile):
    """Two sessions load the same round; the second to commit is refused (version_id_col)."""
    _settings(mile["officer"])
    rnd = _scored_round(mile, (80, 80, 80))
    assessments.submit(rnd, mile["officer"])
    round_id = rnd.id
    # another session approves meanwhile
    from sqlalchemy.orm import Session
    with Session(db.engine) as other:
        row = other.get(AssessmentRound, round_id)
        row.status, row.approval_opinion = "approved", "他人已审定"
        other.commit()
    with pytest.raises(assessments.AssessmentRefused) as lost:
        assessments.send_back(rnd, mile["leader"], "请复核")
    assert "他人" in lost.value.message
    db.session.expire_all()
    assert db.session.get(AssessmentRound, round_id).status == "approved"


def test_xuzhou_五_一_agency_report_grades_and_the_approximate_award(app):
    clock.freeze(date(2026, 3, 1))
    officer = make_user("officer", ["xuzhou"])
    leader = make_user("leader", ["xuzhou"])
    a, b, c = (make_title("xuzhou", make_space(region="320302"), date(2024, 6, 1)) for _ in range(3))
    rnd = assessments.open_round("xuzhou", 2025, officer)
    with pytest.raises(assessments.AssessmentRefused):
        assessments.assign_scorer(rnd, make_user("expert", ["xuzhou"]).id, officer)
    ids = {x.recognition_id: x.id for x in rnd.assessments}
    grades = {f"grade-{ids[a.id]}": "excellent", f"grade-{ids[b.id]}": "good", f"grade-{ids[c.id]}": "qualified"}
    with pytest.raises(assessments.AssessmentRefused) as missing:
        assessments.record_agency(rnd, officer, "", grades, None)
    assert set(missing.value.errors) == {"agency", "report"}
    report = FileStorage(io.BytesIO(pdf_bytes()), filename="评价报告.pdf")
    assessments.record_agency(rnd, officer, "徐州市科技评估中心", grades, report)
    assessments.submit(rnd, officer)
    created = assessments.approve(rnd, leader, "同意")
    assert sorted((e.recognition_id, e.amount_cny) for e in created) == [(a.id, 200_000), (b.id, 200_000)]
    assert all(e.rule_code == "xuzhou.evaluation_award" and e.note.startswith("2025年度考核") for e in created)


@pytest.mark.parametrize("value, fragment", [
    ({"carrying_capacity": 40, "service_capacity": 40}, "缺少维度"),
    ({**WEIGHTS, "x": 1}, "没有名为 x"),
    ({**WEIGHTS, "carrying_capacity": 0}, "大于 0"),
    ([1, 2], "维度代码"),
])
def test_weights_setting_refused(app, value, fragment):
    with pytest.raises(setting_checks.SettingsError) as bad:
        setting_checks.check_setting_value("mile", "assessment_weights", value)
    assert fragment in bad.value.message


@pytest.mark.parametrize("value, fragment", [
    ([{"grade": "excellent", "min_total": 80}, {"grade": "good", "min_total": 80}], "高于"),
    ([{"grade": "excellent", "min_total": 100.01}], "0 至 100"),
    ([{"grade": "unqualified", "min_total": 0}], "等次应为"),
    ([{"grade": "good", "min_total": 80}, {"grade": "good", "min_total": 70}], "重复"),
])
def test_bands_setting_refused(app, value, fragment):
    with pytest.raises(setting_checks.SettingsError) as bad:
        setting_checks.check_setting_value("mile", "assessment_bands", value)
    assert fragment in bad.value.message


def test_bands_setting_takes_its_boundaries(app):
    setting_checks.check_setting_value("mile", "assessment_bands", [{"grade": "excellent", "min_total": 100},
                                                                     {"grade": "qualified", "min_total": 0}])
    # 徐州 and 云南 have no scored scheme: no weights to set
    with pytest.raises(setting_checks.SettingsError):
        setting_checks.check_setting_value("xuzhou", "assessment_weights", {"a": 1})
