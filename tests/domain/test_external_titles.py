"""Titles won elsewhere (core.money.external_titles): recording one creates the support the
recording jurisdiction's policy gives for its level (徐政发〔2016〕12号 五（一）: 国家级 50 万元、
省级 40 万元) or that it now makes reachable (弥政办发〔2017〕5号 二（四）), once; withdrawing cancels
what is unpaid; a bad file, a bad field or a bureau without a tie to the space writes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.money import external_titles as ext
from core.platform import clock, uploads
from core.platform.extensions import db
from core.platform.models import Attachment, AuditEvent, ExternalTitle, SubsidyEntitlement
from tests.after_recognition_helpers import evidence
from tests.factories import REGIONS, make_space, make_title, make_user

TODAY = date(2026, 10, 9)


@pytest.fixture(autouse=True)
def _today():
    clock.freeze(TODAY)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored_files() -> list[str]:
    folder = uploads._folder()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def rec(user, space, code, level, number="苏科高〔2025〕88号", granted_on=date(2025, 12, 1), **over):
    fields = dict(awarding_body="江苏省科学技术厅", title="江苏省众创空间", document_number=number,
                  granted_on=granted_on, evidence=evidence())
    fields.update(over)
    return ext.record(user, space, code, level, fields["awarding_body"], fields["title"], fields["document_number"],
                      fields["granted_on"], fields["evidence"])


def rows_of(title) -> dict[str, SubsidyEntitlement]:
    return {e.rule_code: e for e in ext.entitlements_of(title)}


def test_xuzhou_provincial_title_recorded_gives_wu_1_400000_once(app):
    """徐政发〔2016〕12号 五（一）: 省级重点众创空间 40 万元 one-time award, reachable once the bureau
    records the space's 省级 title; recording the same title twice is refused."""
    space = make_space(region=REGIONS["xuzhou"])
    officer = make_user("officer", ["xuzhou"])
    done = rec(officer, space, "xuzhou", "provincial")
    assert done.title.status == "active" and done.title.jurisdiction == "xuzhou" and done.warning is None
    rows = rows_of(done.title)
    assert list(rows) == ["xuzhou.award_provincial"]  # operating support (no level named) is the award's
    award = rows["xuzhou.award_provincial"]
    assert award.amount_cny == 400_000 and award.status == "pending" and award.space_id == space.id
    assert award.year == 2025 and award.recognition_id is None
    assert award.citation["document"] == "徐政发〔2016〕12号" and award.citation["article"] == "五、保障措施" and award.citation["item"] == "（一）"
    events = {e.action: e for e in db.session.scalars(select(AuditEvent))}
    assert events["external_title.record"].detail["total_cny"] == 400_000
    assert events["subsidy.create"].object_id == str(award.id)
    with pytest.raises(ext.ExternalTitleRefused) as refused:
        rec(officer, space, "xuzhou", "provincial")
    assert refused.value.key == "document_number" and "同一文号" in refused.value.message
    assert count(ExternalTitle) == 1 and count(SubsidyEntitlement) == 1 and len(stored_files()) == 1


def test_xuzhou_national_title_recorded_gives_wu_1_500000(app):
    """徐政发〔2016〕12号 五（一）: 国家级 50 万元."""
    space = make_space(region=REGIONS["xuzhou"])
    done = rec(make_user("leader", ["xuzhou"]), space, "xuzhou", "national", awarding_body="科学技术部",
               title="国家级科技企业孵化器（众创空间）备案", number="国科火字〔2025〕12号")
    assert {r: e.amount_cny for r, e in rows_of(done.title).items()} == {"xuzhou.award_national": 500_000}


def test_xuzhou_municipal_title_recorded_by_xuzhou_is_its_own_level_no_award(app):
    """徐政发〔2016〕12号 五（一）'s 市级 30 万元 is for the titles 徐州 grants itself (its award):
    a municipal title recorded by 徐州 creates no award."""
    space = make_space(region=REGIONS["xuzhou"])
    done = rec(make_user("officer", ["xuzhou"]), space, "xuzhou", "municipal", awarding_body="某市科技局",
               title="某市众创空间", number="某科〔2025〕1号")
    assert done.entitlements == [] and count(SubsidyEntitlement) == 0
    assert count(ExternalTitle) == 1


def test_no_policy_in_force_on_the_grant_day_creates_nothing_and_says_so(app):
    """徐政发〔2016〕12号 took effect on 2016-02-18: a title granted the day before gives nothing under
    it; the day itself does."""
    officer = make_user("officer", ["xuzhou"])
    before = rec(officer, make_space(region=REGIONS["xuzhou"]), "xuzhou", "provincial", granted_on=date(2016, 2, 17))
    assert before.entitlements == [] and "无有效的认定政策版本" in before.warning
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "external_title.record")).one()
    assert "无有效的认定政策版本" in event.detail["no_policy"]
    first_day = rec(officer, make_space(region=REGIONS["xuzhou"]), "xuzhou", "provincial", granted_on=date(2016, 2, 18))
    assert [e.amount_cny for e in first_day.entitlements] == [400_000]


def test_mile_records_a_honghe_prefecture_title_and_er_4_project_funds_follow(app):
    """弥政办发〔2017〕5号 二（四）: 争取项目资金扶持 for a space that passed a 省州级 recognition.  A 红河州
    (州级, municipal) title recorded by 弥勒 (its own level municipal: no level rule) makes it owed."""
    title = make_title("mile", make_space(region=REGIONS["mile"]), granted_on=date(2024, 6, 1))
    done = rec(make_user("officer", ["mile"]), title.space, "mile", "municipal", awarding_body="红河州科学技术局",
               title="红河州众创空间", number="红科发〔2025〕3号")
    rows = rows_of(done.title)
    assert list(rows) == ["mile.project_funds"]
    assert rows["mile.project_funds"].citation == {"document": "弥政办发〔2017〕5号", "article": "二", "item": "（四）"}
    assert rows["mile.project_funds"].amount_cny is None  # support without a fixed amount


def test_mile_record_does_not_repeat_support_the_space_already_has(app):
    """The same support of the same bureau is not created twice: 二（四） already owed (from a
    recorded 云南 title) is not owed again for a 红河州 title; the audit says why."""
    space = make_space(region=REGIONS["mile"])
    officer = make_user("officer", ["mile"])
    first = rec(officer, space, "mile", "provincial", awarding_body="云南省科学技术厅", title="云南省众创空间",
                number="云科发〔2023〕1号")
    assert "mile.project_funds" in rows_of(first.title)
    second = rec(officer, space, "mile", "municipal", awarding_body="红河州科学技术局", title="红河州众创空间",
                 number="红科发〔2025〕3号")
    assert second.entitlements == []
    assert any("已有本局此项支持" in s for s in second.skipped)


def test_a_bureau_without_a_tie_to_the_space_cannot_record(app):
    """The recording bureau must cover the space's region or hold a title of it; another
    jurisdiction's officer is refused with nothing written."""
    space = make_space(region=REGIONS["xuzhou"])
    with pytest.raises(ext.ExternalTitleRefused) as refused:
        rec(make_user("officer", ["mile"]), space, "mile", "provincial")
    assert refused.value.key == "space_id"
    with pytest.raises(ext.ExternalTitleRefused) as refused:  # not his jurisdiction at all
        rec(make_user("officer", ["mile"]), space, "xuzhou", "provincial")
    assert refused.value.key == "jurisdiction"
    with pytest.raises(ext.ExternalTitleRefused):  # the admin reads, records nothing
        rec(make_user("admin"), space, "xuzhou", "provincial")
    # a space out of 弥勒's area holding a 弥勒 title may be recorded by 弥勒
    moved = make_title("mile", make_space(region=REGIONS["kunming"]))
    assert ext.may_record_for("mile", moved.space) and not ext.may_record_for("xuzhou", moved.space)
    assert count(ExternalTitle) == 0 and stored_files() == []


def test_validation_names_every_faulty_field_and_writes_nothing(app):
    space = make_space(region=REGIONS["xuzhou"])
    officer = make_user("officer", ["xuzhou"])
    with pytest.raises(ext.ExternalTitleRefused) as refused:
        ext.record(officer, space, "xuzhou", "county", "  ", "", "", date(2026, 10, 10), None)
    errors = refused.value.errors
    assert set(errors) == {"level", "awarding_body", "title", "document_number", "granted_on", "evidence"}
    assert "不能晚于今天" in errors["granted_on"] and "国家级" in errors["level"]
    # today itself is not in the future
    assert rec(officer, space, "xuzhou", "provincial", granted_on=TODAY).title.granted_on == TODAY
    with pytest.raises(ext.ExternalTitleRefused) as refused:
        rec(officer, space, "xuzhou", "national", number="x" * 101)
    assert refused.value.key == "document_number"
    assert count(ExternalTitle) == 1


def test_a_bad_upload_writes_nothing_no_row_no_file(app):
    """The evidence is checked by content: an executable named .pdf is refused, nothing stays."""
    space = make_space(region=REGIONS["xuzhou"])
    with pytest.raises(uploads.UploadError):
        rec(make_user("officer", ["xuzhou"]), space, "xuzhou", "provincial",
            evidence=evidence(b"MZ\x90\x00 not a pdf", "证书.pdf"))
    assert count(ExternalTitle) == 0 and count(SubsidyEntitlement) == 0 and count(Attachment) == 0
    assert count(AuditEvent) == 0 and stored_files() == []


def test_withdraw_cancels_pending_and_approved_keeps_paid(app):
    """Withdrawing a record cancels its unpaid support with the reason (the pattern of a
    revocation, core.award.cancellation); paid support is kept and noted."""
    space = make_space(region=REGIONS["xuzhou"])
    officer = make_user("officer", ["xuzhou"])
    done = rec(officer, space, "xuzhou", "provincial")
    paid = SubsidyEntitlement(external_title_id=done.title.id, space_id=space.id, year=2025, jurisdiction="xuzhou",
                              rule_code="test.paid", kind="已拨付的补助", amount_cny=1000, citation={},
                              status="paid", paid_on=date(2026, 1, 5))
    db.session.add(paid)
    db.session.commit()
    with pytest.raises(ext.ExternalTitleRefused) as refused:
        ext.withdraw(officer, done.title, "  ")
    assert refused.value.key == "reason"
    with pytest.raises(ext.ExternalTitleRefused):
        ext.withdraw(make_user("officer", ["mile"]), done.title, "登记有误")
    cancelled, kept = ext.withdraw(officer, done.title, "文号登记有误")
    assert [c.rule_code for c in cancelled] == ["xuzhou.award_provincial"] and kept == [paid]
    award = rows_of(done.title)["xuzhou.award_provincial"]
    assert award.status == "cancelled" and "文号登记有误" in award.cancel_reason and award.cancelled_on == TODAY
    assert paid.status == "paid" and ext.PAID_NOTE in paid.note
    assert done.title.status == "withdrawn" and done.title.withdrawn_reason == "文号登记有误"
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert {"subsidy.cancel_by_officer", "subsidy.flag_paid_withdrawn", "external_title.withdraw"} <= set(actions)
    with pytest.raises(ext.ExternalTitleRefused):
        ext.withdraw(officer, done.title, "再次撤回")
    # once withdrawn, the same title may be recorded again
    assert rec(officer, space, "xuzhou", "provincial").entitlements[0].amount_cny == 400_000


def test_listing_and_reading_are_scoped(app):
    """Another jurisdiction's officer neither lists nor reads a record; the admin reads all."""
    done = rec(make_user("officer", ["xuzhou"]), make_space(region=REGIONS["xuzhou"]), "xuzhou", "provincial")
    other = make_user("officer", ["mile"])
    assert ext.listing(other) == [] and ext.visible(done.title.id, other) is None
    admin = make_user("admin")
    assert ext.listing(admin) == [done.title] and ext.visible(done.title.id, admin) is done.title
    assert ext.visible("x", admin) is None
    assert done.title.space not in ext.recordable_spaces(other)
    assert done.title.space in ext.recordable_spaces(make_user("leader", ["xuzhou"]))
