"""The ladder (core.award.ladder): every title a space holds — of this deployment, of any
jurisdiction, and recorded as won elsewhere — and the title prerequisites a document sets
(弥政办发〔2017〕5号 二（四）: 争取项目资金扶持 only for a space holding a 省级 or 州级 title), applied
by the award (core.award.titles.grant)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.award import ladder
from core.award import titles as awards
from core.bureau import versions
from core.platform.extensions import db
from core.platform.models import AuditEvent, ExternalTitle, SubsidyEntitlement
from plugins.mile.subsidies import PREREQUISITES
from tests.factories import REGIONS, make_application, make_space, make_title, make_user
from tests.notice_helpers import at_step, officer

TODAY = date(2026, 10, 9)
MILE_PREREQ = PREREQUISITES[0]


def external(space, level="provincial", status="active", granted_on=date(2025, 1, 1), code="mile"):
    row = ExternalTitle(space_id=space.id, jurisdiction=code, level=level, awarding_body="红河州科学技术局",
                        title="红河州众创空间", document_number=f"红科〔2025〕{level}", granted_on=granted_on,
                        status=status)
    db.session.add(row)
    db.session.commit()
    return row


def rules_of(recognition) -> list[str]:
    return sorted(db.session.scalars(select(SubsidyEntitlement.rule_code)
                                     .where(SubsidyEntitlement.recognition_id == recognition.id)))


def test_titles_held_link_the_deployment_and_the_records(app):
    """A 昆明 title and a 云南 title of the same space are both its titles (linked by the space,
    nothing to record); a recorded title too; a revoked title and a withdrawn record are not held."""
    space = make_space(region=REGIONS["kunming"])
    kunming = make_title("kunming", space, granted_on=date(2023, 5, 1))
    yunnan = make_title("yunnan", space, granted_on=date(2024, 5, 1))
    recorded = external(space, "national", code="kunming")
    external(space, "municipal", status="withdrawn", code="kunming")
    revoked = make_title("kunming", space, granted_on=date(2020, 1, 1), status="revoked", revoked_on=date(2022, 1, 1))
    held = ladder.titles_held(space.id)
    assert [(t.source, t.id) for t in held] == [("recorded", recorded.id), ("deployment", yunnan.id),
                                                 ("deployment", kunming.id)]  # highest level first
    assert held[1].awarding_body == "云南省科学技术厅" and held[1].number == yunnan.certificate_number
    # on a day: only what was granted by then, and a title revoked later was still held
    assert [t.id for t in ladder.titles_held(space.id, on=date(2021, 6, 1))] == [revoked.id]
    assert [t.id for t in ladder.titles_held(space.id, on=date(2023, 5, 1))] == [kunming.id]
    # the whole ladder for a page: ended ones too, marked not held; one title left out
    whole = ladder.titles_held(space.id, include_ended=True, exclude=("deployment", kunming.id))
    assert len(whole) == 4 and [t.held for t in whole] == [True, True, False, False]


def test_er_4_prerequisite_elsewhere_does_not_count_mile_own_title(app):
    """弥政办发〔2017〕5号 二（四）: 弥勒's own title does not meet “通过省州级认定”; a 云南 (省级) title in the
    deployment does, and so does a recorded 红河州 (州级) title; a withdrawn record does not."""
    space = make_space(region=REGIONS["mile"])
    make_title("mile", space)
    assert not ladder.prerequisite_met(MILE_PREREQ, space.id, "mile", TODAY)
    withdrawn = external(space, "municipal", status="withdrawn")
    assert not ladder.prerequisite_met(MILE_PREREQ, space.id, "mile", TODAY)
    withdrawn.status = "active"
    db.session.commit()
    assert ladder.prerequisite_met(MILE_PREREQ, space.id, "mile", TODAY)
    other = make_space(region=REGIONS["mile"])
    make_title("yunnan", other)
    assert [t.jurisdiction for t in ladder.titles_meeting(MILE_PREREQ, other.id, "mile", TODAY)] == ["yunnan"]
    # a title granted after the day asked does not count on that day
    assert not ladder.prerequisite_met(MILE_PREREQ, other.id, "mile", date(2024, 5, 31))
    policy = versions.policy_in_force("mile", TODAY)
    assert ladder.unmet_prerequisites("mile", policy, "mile.project_funds", space.id, TODAY) == []
    assert ladder.unmet_prerequisites("mile", policy, "mile.fiscal_guidance", make_space().id, TODAY) == []


def test_mile_award_without_a_provincial_or_prefecture_title_skips_er_4_project_funds(app):
    """弥政办发〔2017〕5号 二（四）: at a 弥勒 award of a space holding no 省级 or 州级 title,
    争取项目资金扶持 is not created; the award's audit names it with the article."""
    recognition = awards.grant(at_step("mile", step="award"), officer("mile"), TODAY)
    rules = rules_of(recognition)
    assert "mile.project_funds" not in rules and "mile.fiscal_guidance" in rules
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "recognition.grant")).one()
    assert "mile.project_funds" not in event.detail["entitlements"]
    [skipped] = event.detail["skipped_entitlements"]
    assert skipped.startswith("争取项目资金扶持") and "弥政办发〔2017〕5号 二（四）" in skipped


def test_mile_award_with_a_yunnan_title_in_the_deployment_creates_er_4_project_funds(app):
    """弥政办发〔2017〕5号 二（四）: a space holding a 云南 (省级) title of this deployment gets 争取项目资金扶持
    at its 弥勒 award, with nothing recorded by hand."""
    space = make_space(region=REGIONS["mile"])
    make_title("yunnan", space, granted_on=date(2025, 3, 1))
    recognition = awards.grant(at_step("mile", step="award", space=space), officer("mile"), TODAY)
    assert "mile.project_funds" in rules_of(recognition)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "recognition.grant")).one()
    assert "skipped_entitlements" not in event.detail and "mile.project_funds" in event.detail["entitlements"]


def test_other_jurisdictions_awards_are_unchanged_by_prerequisites(app):
    """No prerequisite is declared for 昆明: its award still gives 第十三条's 10 万元."""
    recognition = awards.grant(at_step("kunming", step="award"), make_user("officer", ["kunming"]), TODAY)
    assert "kunming.guidance_fund" in rules_of(recognition)


def yunnan_at_award(space):
    return make_application("yunnan", "provincial", status="in_review", current_step="award", space=space,
                            policy_document="云科规〔2021〕1号", submitted_on=date(2025, 11, 2))


def test_er_4_a_yunnan_title_granted_after_the_mile_title_makes_mile_project_funds_owed(app):
    """弥政办发〔2017〕5号 二（四）, the usual order: a 弥勒 title first (no 争取项目资金扶持), a 云南 title next —
    its award makes 弥勒's support owed (jurisdiction 弥勒, hanging on the 云南 title), once."""
    day = date(2026, 3, 2)  # 云科规〔2021〕1号 still in force
    space = make_space(region=REGIONS["mile"])
    mile = awards.grant(at_step("mile", step="award", space=space), officer("mile"), day)
    assert "mile.project_funds" not in rules_of(mile)
    yunnan = awards.grant(yunnan_at_award(space), officer("yunnan"), day)
    owed = db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.recognition_id == yunnan.id,
                                                               SubsidyEntitlement.jurisdiction == "mile")).all()
    assert [(e.rule_code, e.citation["article"], e.citation["item"], e.status) for e in owed] == \
        [("mile.project_funds", "二", "（四）", "pending")]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "recognition.grant",
                                                        AuditEvent.object_id == str(yunnan.id))).one()
    assert event.detail["entitlements_elsewhere"] == ["mile:mile.project_funds"]
    # a second such title makes nothing more
    make_title("yunnan", make_space(region=REGIONS["mile"]))
    assert ladder.made_reachable(space.id, space.region, "provincial", "yunnan", day) == []


def test_er_4_a_kunming_title_makes_nothing_owed_in_mile(app):
    """A 昆明 space's 云南 title: 弥勒's area does not cover it, so 二（四） gives it nothing."""
    day = date(2026, 3, 2)
    space = make_space(region=REGIONS["kunming"])
    yunnan = awards.grant(yunnan_at_award(space), officer("yunnan"), day)
    assert not db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.recognition_id == yunnan.id,
                                                                   SubsidyEntitlement.jurisdiction == "mile")).all()

