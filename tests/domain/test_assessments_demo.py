"""Issue 17: the demo's annual assessments, built through core.monitoring.assessments — 弥勒's two
years approved and published with one title 不合格 both years (弥政办发〔2017〕5号 第十五条: 连续两年
考核不合格) and one only last year, 昆明's round being scored, 徐州's agency report with 优秀 and
its award (徐政发〔2016〕12号 五（一）) — and a second load adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from core.cli import cli
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Assessment, AssessmentRound, SubsidyEntitlement


def grades(code: str, year: int) -> dict[str, str]:
    rnd = db.session.scalar(select(AssessmentRound).where(AssessmentRound.jurisdiction == code,
                                                          AssessmentRound.year == year))
    return {a.recognition.space.name: a.grade for a in rnd.assessments}


def test_demo_assessments_every_state_and_a_second_load_adds_nothing(app):
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    last, earlier = clock.today().year - 1, clock.today().year - 2
    assert grades("mile", earlier) == {"东风韵创意工场": "unqualified", "可邑青创空间": "good"}
    assert grades("mile", last) == {"东风韵创意工场": "unqualified", "可邑青创空间": "unqualified",
                                    "湖泉众创空间": "excellent"}
    statuses = dict(db.session.execute(select(AssessmentRound.jurisdiction, AssessmentRound.status)
                                       .where(AssessmentRound.year == last)).all())
    assert statuses == {"mile": "published", "kunming": "open", "xuzhou": "approved"}
    award = db.session.scalars(select(SubsidyEntitlement).where(
        SubsidyEntitlement.rule_code == "xuzhou.evaluation_award")).one()
    assert award.amount_cny == 200_000 and award.note.startswith(f"{last}年度考核（优秀）")
    before = [db.session.scalar(select(func.count()).select_from(m))
              for m in (AssessmentRound, Assessment, SubsidyEntitlement)]
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    assert [db.session.scalar(select(func.count()).select_from(m))
            for m in (AssessmentRound, Assessment, SubsidyEntitlement)] == before
