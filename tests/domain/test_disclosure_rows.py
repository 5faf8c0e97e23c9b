"""The rows of the public disclosure of support (上网公示, core.money.disclosure):
云政办发〔2016〕65号 四、组织实施 (十五) "各地各部门对众创空间等平台的扶持情况要上网公示，做到公开透明，避免多头重复支持".

Only the support decided — approved or paid — of the one jurisdiction; never pending or cancelled;
the year is the approval's.  Real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set).
"""
from __future__ import annotations

from datetime import date

from core.money import disclosure
from core.platform.extensions import db
from core.platform.models import ExternalTitle, SubsidyEntitlement
from tests.factories import REGIONS, make_org, make_space, make_title, make_user

# What an organisation, its space and its people carry that the disclosure must never show.
PERSONAL = {"contact_name": "联系人张公示", "contact_phone": "13912345678", "contact_email": "zhang.secret@example.cn",
            "legal_representative": "法人李公示", "address": "保密路88号"}
APPLICANT_LOGIN = {"kunming": "13800002222", "mile": "13800003333", "yunnan": "13800004444", "xuzhou": "13800005555"}
INTERNAL = ("内部备注公示", "超预算理由公示", "重叠说明公示", "差额理由公示", "PZ-2026-0042", "取消理由公示", "昆明市财政局公示")


def supported(code: str = "kunming", *, space_name: str = "公示众创空间", org_name: str = "公示运营单位"):
    """A title of ``code`` with one entitlement in each state, every internal field filled in, and
    an organisation, space and users full of personal data.  Returns (title, rows by state)."""
    org = make_org(org_name, region=REGIONS[code], **PERSONAL)
    space = make_space(org, space_name, region=REGIONS[code], address="保密空间地址1号")
    title = make_title(code, space, granted_on=date(2025, 6, 1))
    make_user("applicant", organisation=org, name="申报人王公示", login=APPLICANT_LOGIN[code])
    officer = make_user("officer", [code], name="经办人赵公示")
    citation = {"document": "昆科发〔2017〕55号", "article": "第十三条", "item": None}
    rows = {}
    for state, kind, day in (("approved", "建设引导资金核定", date(2026, 3, 1)), ("paid", "建设引导资金已付", date(2026, 1, 1)),
                             ("pending", "待审补助不公示", None), ("cancelled", "已取消补助不公示", date(2026, 2, 1))):
        row = SubsidyEntitlement(recognition_id=title.id, space_id=space.id, year=2025, jurisdiction=code,
                                 rule_code=f"test.{state}", kind=kind, amount_cny=200000, citation=citation,
                                 status=state, note="内部备注公示", overlap_flags=[{"with": 1, "message": "重叠"}])
        if state in ("approved", "paid", "cancelled"):
            row.approved_amount_cny, row.approved_on, row.approved_by_id = 180000, day, officer.id
            row.budget_override_reason, row.overlap_justification = "超预算理由公示", "重叠说明公示"
        if state == "paid":
            row.paid_amount_cny, row.paid_on, row.paid_by_id = 175000, date(2026, 4, 15), officer.id
            row.voucher_number, row.paying_body = "PZ-2026-0042", "昆明市财政局公示"
            row.payment_difference_reason = "差额理由公示"
        if state == "cancelled":
            row.cancelled_on, row.cancel_reason, row.cancelled_by_id = date(2026, 3, 5), "取消理由公示", officer.id
        db.session.add(row)
        rows[state] = row
    db.session.commit()
    return title, rows


def test_only_approved_and_paid_support_is_disclosed_article_15(app):
    """(十五) asks to publish the support (扶持情况): what the bureau decided, not what is pending or cancelled."""
    _, rows = supported()
    found = disclosure.page("kunming")
    assert {r.kind for r in found} == {"建设引导资金核定", "建设引导资金已付"}
    assert disclosure.count("kunming") == 2
    paid = next(r for r in found if r.status == "paid")
    assert (paid.space, paid.operator, paid.citation) == ("公示众创空间", "公示运营单位", "昆科发〔2017〕55号 第十三条")
    assert (paid.approved_amount_cny, paid.paid_amount_cny, paid.paid_on) == (180000, 175000, date(2026, 4, 15))
    approved = next(r for r in found if r.status == "approved")
    assert (approved.paid_amount_cny, approved.paid_on, approved.approved_on) == (None, None, date(2026, 3, 1))
    assert disclosure.totals("kunming") == {"approved": 360000, "paid": 175000}


def test_the_rows_carry_no_personal_data_nor_internal_fields(app):
    """The download's cells: no contact person, phone, e-mail, legal representative, address, user, note,
    overlap justification, override reason, voucher number or paying body."""
    supported()
    text = "|".join("|".join(c) for c in disclosure.stream("kunming")) + "|".join(disclosure.headers())
    for secret in (*PERSONAL.values(), *INTERNAL, "保密空间地址1号", "申报人王公示", *APPLICANT_LOGIN.values(), "经办人赵公示"):
        assert secret not in text


def test_another_jurisdictions_support_is_not_in_the_list(app):
    supported("kunming")
    supported("mile", space_name="弥勒空间", org_name="弥勒单位")
    assert {r.space for r in disclosure.page("kunming")} == {"公示众创空间"}
    assert {r.space for r in disclosure.page("mile")} == {"弥勒空间"}


def test_the_year_is_the_approval_year_both_sides_of_new_year(app):
    """A row approved 2025-12-31 is 2025's; one approved 2026-01-01 is 2026's."""
    _, rows = supported()
    rows["approved"].approved_on = date(2025, 12, 31)
    rows["paid"].approved_on = date(2026, 1, 1)
    db.session.commit()
    assert [r.kind for r in disclosure.page("kunming", 2025)] == ["建设引导资金核定"]
    assert [r.kind for r in disclosure.page("kunming", 2026)] == ["建设引导资金已付"]
    assert disclosure.years("kunming") == [2026, 2025]
    assert disclosure.page("kunming", 2024) == [] and disclosure.count("kunming", 2024) == 0


def test_a_paid_row_without_an_approval_day_counts_by_its_payment(app):
    _, rows = supported()
    rows["paid"].approved_on = None
    db.session.commit()
    assert [r.kind for r in disclosure.page("kunming", 2026) if r.status == "paid"] == ["建设引导资金已付"]


def test_pages_of_fifty_at_the_boundary(app):
    title, rows = supported()
    for n in range(48):  # with the two decided ones: 50 rows, one page
        db.session.add(SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, year=2025,
                                          jurisdiction="kunming", rule_code=f"x{n}", kind=f"补助{n}", amount_cny=1,
                                          citation={}, status="approved", approved_amount_cny=1,
                                          approved_on=date(2026, 5, 1)))
    db.session.commit()
    assert disclosure.count("kunming") == 50 == disclosure.PAGE_ROWS
    assert len(disclosure.page("kunming", None, 1)) == 50 and disclosure.page("kunming", None, 2) == []
    db.session.add(SubsidyEntitlement(recognition_id=title.id, space_id=title.space_id, year=2025,
                                      jurisdiction="kunming", rule_code="x51", kind="补助51", amount_cny=1, citation={},
                                      status="paid", approved_on=date(2020, 1, 1), paid_amount_cny=1,
                                      paid_on=date(2020, 2, 1)))
    db.session.commit()
    assert [r.kind for r in disclosure.page("kunming", None, 2)] == ["补助51"]  # the oldest last


def test_support_on_a_title_won_elsewhere_names_its_space(app):
    """An entitlement on an ExternalTitle (徐政发〔2016〕12号 五（一） 省级) without its own space_id
    finds the space through the title."""
    org = make_org("徐州运营单位", region=REGIONS["xuzhou"])
    space = make_space(org, "徐州省级空间")
    external = ExternalTitle(space_id=space.id, jurisdiction="xuzhou", level="provincial", awarding_body="江苏省科技厅",
                             title="省级众创空间", document_number="苏科高发〔2024〕1号", granted_on=date(2024, 5, 1))
    db.session.add(external)
    db.session.flush()
    db.session.add(SubsidyEntitlement(external_title_id=external.id, jurisdiction="xuzhou", rule_code="xz.p",
                                      kind="省级众创空间奖励", amount_cny=400000, citation={"document": "徐政发〔2016〕12号",
                                                                                     "article": "五（一）"},
                                      status="approved", approved_amount_cny=400000, approved_on=date(2026, 6, 1)))
    db.session.commit()
    (row,) = disclosure.page("xuzhou")
    assert (row.space, row.operator, row.citation) == ("徐州省级空间", "徐州运营单位", "徐政发〔2016〕12号 五（一）")


def test_the_basis_is_article_15_where_yunnan_governs_and_a_bureau_setting_elsewhere(app):
    """云政办发〔2016〕65号 (十五) governs 云南 and the jurisdictions under it (昆明, 弥勒); 徐州 has no such article."""
    for code in ("yunnan", "kunming", "mile"):
        assert disclosure.basis_of(code)["item"] == "（十五）"
    assert disclosure.basis_of("xuzhou") is None


def test_no_rows_is_an_empty_list(app):
    assert disclosure.page("mile") == [] and disclosure.count("mile") == 0 and disclosure.years("mile") == []
    assert disclosure.totals("mile") == {"approved": 0, "paid": 0}
    assert list(disclosure.stream("mile")) == []
