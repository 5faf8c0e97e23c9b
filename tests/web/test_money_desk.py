"""The money desk and the funds desk through HTTP (core.money.admin_money, admin_funds).

徐政发〔2016〕12号 五（一）: the awards are paid from the 2000 万元 市众创空间奖补资金; 云政办发〔2016〕65号 (十五):
the other support of the same space is shown and a flagged approval needs a written justification.
"""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AuditEvent, SubsidyEntitlement, SupportFund
from tests.after_recognition_helpers import titled
from tests.domain.test_money_lifecycle import overlapping, owed
from tests.factories import login, make_user
from tests.portal_helpers import plain, token

TODAY = date(2026, 3, 2)


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def post(client, page_url: str, url: str, **data):
    page = client.get(page_url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": token(page), **data})


def fresh(e: SubsidyEntitlement) -> SubsidyEntitlement:
    db.session.expire_all()
    return db.session.get(SubsidyEntitlement, e.id)


def test_xuzhou_五_一_leader_approves_officer_pays_with_errors_beside_the_fields(app):
    clock.freeze(TODAY)
    title, _applicant, officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    e = owed(title)
    chief, staff = signed_in(app, leader), signed_in(app, officer)
    url = f"/admin/money/{e.id}"
    page = plain(staff.get(url).get_data(as_text=True))
    assert "徐政发〔2016〕12号" in page and "300,000" in page and 'id="approve-form"' not in staff.get(url).get_data(
        as_text=True)
    listing = chief.get("/admin/money/").get_data(as_text=True)
    assert f'value="{e.id}"' in listing and "本年度" not in listing
    assert chief.get(url).get_data(as_text=True).count('id="approve-form"') == 1
    assert 'id="fund"' in chief.get(url).get_data(as_text=True)
    assert post(chief, url, f"{url}/approve").status_code == 302
    assert fresh(e).status == "approved"

    bad = post(staff, url, f"{url}/pay", voucher_number="徐财拨〔2026〕18号", paid_on="2026-03-02",
               paid_amount="299999", paying_body="徐州市财政局", difference_reason="")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="error-difference_reason"' in html and "须写明理由" in html
    assert "徐财拨〔2026〕18号" in html and "299999" in html  # what was typed is kept
    bad = post(staff, url, f"{url}/pay", voucher_number="V", paid_on="2026-02-30", paid_amount="300000",
               paying_body="徐州市财政局")
    assert bad.status_code == 400 and 'id="error-paid_on"' in bad.get_data(as_text=True)
    assert fresh(e).status == "approved"
    done = post(staff, url, f"{url}/pay", voucher_number="徐财拨〔2026〕18号", paid_on="2026-03-02",
                paid_amount="300000", paying_body="徐州市财政局")
    assert done.status_code == 302 and fresh(e).status == "paid"
    page = staff.get(url).get_data(as_text=True)
    assert 'id="cancel-form"' not in page and "徐财拨〔2026〕18号" in page
    trail = page.split('id="trail"')[1]
    assert trail.count("<tr><td>") == 2 and "徐州市财政局" not in trail.split("</table>")[1]
    # paid cannot be cancelled, not even by a forged POST
    forged = post(staff, url, f"{url}/cancel", reason="误发")
    assert forged.status_code == 409 and "已支付的补助不能取消" in forged.get_data(as_text=True)


def test_cancel_needs_a_reason_and_is_shown(app):
    clock.freeze(TODAY)
    title, _a, officer, _leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    e = owed(title)
    staff = signed_in(app, officer)
    url = f"/admin/money/{e.id}"
    empty = post(staff, url, f"{url}/cancel", reason=" ")
    assert empty.status_code == 400 and 'id="error-reason"' in empty.get_data(as_text=True)
    assert post(staff, url, f"{url}/cancel", reason="空间已注销").status_code == 302
    assert fresh(e).status == "cancelled" and "空间已注销" in staff.get(url).get_data(as_text=True)


def test_xuzhou_五_一_funds_desk_registers_the_documents_fund_and_the_budget_refusal_names_it(app):
    clock.freeze(TODAY)
    title, _a, officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    staff, chief = signed_in(app, officer), signed_in(app, leader)
    page = plain(staff.get("/admin/funds/").get_data(as_text=True))
    assert "20,000,000" in page and "徐政发〔2016〕12号" in page
    bad = post(staff, "/admin/funds/", "/admin/funds/open", jurisdiction="xuzhou", year="2026", amount="12.5")
    assert bad.status_code == 400 and 'id="error-amount"' in bad.get_data(as_text=True)
    assert post(staff, "/admin/funds/", "/admin/funds/open", jurisdiction="xuzhou", year="2026",
                amount="100000").status_code == 302
    fund = db.session.scalars(select(SupportFund)).one()
    assert (fund.amount_cny, fund.source) == (100_000, "bureau")
    assert "本局设定" in plain(staff.get(f"/admin/funds/{fund.id}").get_data(as_text=True))

    e = owed(title, amount=300_000)
    url = f"/admin/money/{e.id}"
    refused = post(chief, url, f"{url}/approve", override_reason="")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="error-budget"' in html and "市众创空间奖补资金" in html
    assert "余额 100,000 元" in html and fresh(e).status == "pending"
    done = post(chief, url, f"{url}/approve", override_reason="市财政已追加预算")
    assert done.status_code == 302 and fresh(e).budget_override_reason == "市财政已追加预算"
    page = plain(chief.get(f"/admin/funds/{fund.id}").get_data(as_text=True))
    assert "-200,000" in page
    amend = post(staff, f"/admin/funds/{fund.id}", f"/admin/funds/{fund.id}/amend", amount="200000", reason="调整")
    assert amend.status_code == 400 and "300,000" in amend.get_data(as_text=True)
    assert post(staff, f"/admin/funds/{fund.id}", f"/admin/funds/{fund.id}/amend", amount="20000000",
                reason="按文件金额").status_code == 302
    db.session.expire_all()
    assert (fund.amount_cny, fund.source) == (20_000_000, "policy")


def test_another_jurisdiction_gets_404_other_roles_403(app):
    clock.freeze(TODAY)
    title, applicant, _officer, _leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    e = owed(title)
    fund_owner = make_user("officer", ["xuzhou"])
    stranger = signed_in(app, make_user("leader", ["kunming"]))
    assert stranger.get(f"/admin/money/{e.id}").status_code == 404
    assert post(stranger, "/admin/money/", f"/admin/money/{e.id}/approve").status_code == 404
    assert f"entitlement-{e.id}" not in stranger.get("/admin/money/").get_data(as_text=True)
    done = post(stranger, "/admin/money/", "/admin/money/bulk", do="approve", ids=str(e.id))
    assert done.status_code == 302 and fresh(e).status == "pending"
    signed_in(app, fund_owner)
    from core.money import funds
    fund = funds.open_fund("xuzhou", 2026, fund_owner)
    assert stranger.get(f"/admin/funds/{fund.id}").status_code == 404
    assert post(stranger, "/admin/funds/", f"/admin/funds/{fund.id}/amend", amount="1", reason="x").status_code == 404
    for role in ("expert", "recommender"):
        assert signed_in(app, make_user(role, ["xuzhou"])).get("/admin/money/").status_code == 403
    assert signed_in(app, applicant).get(f"/admin/money/{e.id}").status_code in (302, 403)
    admin = signed_in(app, make_user("admin"))
    assert admin.get(f"/admin/money/{e.id}").status_code == 200
    assert post(admin, f"/admin/money/{e.id}", f"/admin/money/{e.id}/approve").status_code == 409


def test_yunnan_十五_other_support_highlighted_and_a_justification_asked(app):
    clock.freeze(TODAY)
    first, second = overlapping()
    chief = signed_in(app, make_user("leader", ["kunming"]))
    url = f"/admin/money/{first.id}"
    html = chief.get(url).get_data(as_text=True)
    assert f'id="other-{second.id}" class="table-warning"' in html and 'id="approve-justification"' in html
    assert "（十五）" in html
    listing = chief.get("/admin/money/?flagged=1").get_data(as_text=True)
    assert f"entitlement-{first.id}" in listing
    short = post(chief, url, f"{url}/approve", justification="不重复")
    assert short.status_code == 400 and 'id="error-justification"' in short.get_data(as_text=True)
    assert "不重复" in short.get_data(as_text=True)
    done = post(chief, url, f"{url}/approve", justification="省级补助用于房租，本项用于设备购置")
    assert done.status_code == 302
    assert "本项用于设备购置" in chief.get(url).get_data(as_text=True)


def test_bulk_approve_and_pay_from_the_list_skip_with_reasons(app):
    clock.freeze(TODAY)
    title, _a, officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    a, b = owed(title), owed(title, amount=None, rule="xuzhou.operating_subsidy", kind="运行补助")
    chief, staff = signed_in(app, leader), signed_in(app, officer)
    page = chief.get("/admin/money/").get_data(as_text=True)
    response = chief.post("/admin/money/bulk", data={"csrf_token": token(page), "do": "approve",
                                                     "ids": [str(a.id), str(b.id)]}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "未定金额" in html
    assert (fresh(a).status, fresh(b).status) == ("approved", "pending")
    page = staff.get("/admin/money/").get_data(as_text=True)
    missing = staff.post("/admin/money/bulk", data={"csrf_token": token(page), "do": "pay", "ids": [str(a.id)],
                                                    "voucher_number": "", "paid_on": "2026-03-02",
                                                    "paying_body": "徐州市财政局"})
    assert missing.status_code == 400 and 'id="error-voucher_number"' in missing.get_data(as_text=True)
    assert "徐州市财政局" in missing.get_data(as_text=True)
    paid = staff.post("/admin/money/bulk", data={"csrf_token": token(page), "do": "pay", "ids": [str(a.id)],
                                                 "voucher_number": "徐财拨〔2026〕20号", "paid_on": "2026-03-02",
                                                 "paying_body": "徐州市财政局"})
    assert paid.status_code == 302 and fresh(a).status == "paid" and fresh(a).paid_amount_cny == 300_000
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "subsidy.pay")) is not None


def test_the_finance_bureaus_workbook_has_the_rows_and_no_formula(app):
    clock.freeze(TODAY)
    title, _a, _officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    e = owed(title, kind="=HYPERLINK(\"http://x\")")
    e.note = "@SUM(A1)"
    db.session.commit()
    owed(title, amount=400_000, rule="xuzhou.award_provincial", kind="省级重点众创空间一次性奖励补助")
    chief = signed_in(app, leader)
    response = chief.get("/admin/money/export.xlsx?status=pending")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:3] == ["编号", "辖区", "众创空间"] and len(rows) == 3
    kinds = {r[rows[0].index("补助项目")] for r in rows[1:]}
    assert "'=HYPERLINK(\"http://x\")" in kinds and "省级重点众创空间一次性奖励补助" in kinds
    assert "'@SUM(A1)" in {r[rows[0].index("备注")] for r in rows[1:]}
    assert all(c.data_type == "s" for r in sheet.iter_rows(min_row=2) for c in r if c.value is not None)
    assert rows[1][rows[0].index("政策依据")].startswith("徐政发〔2016〕12号")
    other = signed_in(app, make_user("officer", ["kunming"]))
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(
        other.get("/admin/money/export.xlsx").get_data())).active.iter_rows()]
    assert len(rows) == 1  # another bureau's rows: none


def test_a_post_without_the_csrf_token_changes_nothing(app):
    clock.freeze(TODAY)
    title, _a, _officer, leader = titled("xuzhou", granted_on=date(2026, 1, 10))
    e = owed(title)
    chief = signed_in(app, leader)
    assert chief.post(f"/admin/money/{e.id}/approve", data={}).status_code == 400
    assert chief.post("/admin/money/bulk", data={"do": "approve", "ids": str(e.id)}).status_code == 400
    assert chief.post("/admin/funds/open", data={"jurisdiction": "xuzhou", "year": "2026"}).status_code == 400
    assert fresh(e).status == "pending" and db.session.scalar(select(SupportFund.id)) is None


# --- a province's scale (issue 18): 100 rows a page, totals in SQL, flags in a batch ----------------

def fill_kunming(titles, n: int, start: int = 0) -> None:
    """``n`` entitlements over ``titles`` (昆明 and 云南 of a few spaces): 建设引导资金 and 运行补助 in turn,
    every state; the pairs of one space overlap under 云政办发〔2016〕65号 (十五)."""
    states = ("pending", "pending", "approved", "paid", "cancelled")
    for i in range(start, start + n):
        title = titles[i % len(titles)]
        status = states[i % len(states)]
        rule, kind = (("kunming.guidance_fund", "众创空间建设引导资金") if title.jurisdiction == "kunming"
                      else ("yunnan.operating_subsidy", "房租、宽带网络费用补助"))
        db.session.add(SubsidyEntitlement(
            recognition_id=title.id, space_id=title.space_id, year=2020 + i % 6, jurisdiction=title.jurisdiction,
            rule_code=rule, kind=kind, amount_cny=1000 + i, citation={}, status=status,
            approved_amount_cny=1000 + i if status in ("approved", "paid") else None,
            paid_amount_cny=1000 + i if status == "paid" else None))
    db.session.commit()


def province_titles():
    from tests.factories import make_org, make_space, make_title
    found = []
    for _ in range(3):
        space = make_space(make_org(region="530102"), region="530102")
        found += [make_title("kunming", space, granted_on=date(2024, 5, 1)),
                  make_title("yunnan", space, granted_on=date(2024, 7, 1))]
    return found


def counted(client, url: str) -> tuple[int, str]:
    from tests.conftest import sent_statements
    with sent_statements() as sent:
        response = client.get(url)
    assert response.status_code == 200
    return len(sent), response.get_data(as_text=True)


def test_the_list_runs_as_many_statements_for_300_entitlements_as_for_30(app):
    """The list's statements do not grow with the rows: the flags of 云政办发〔2016〕65号 (十五) of a page
    come in one batch, the totals from one aggregate, the holders in a few statements."""
    clock.freeze(TODAY)
    titles = province_titles()
    leader = signed_in(app, make_user("leader", ["kunming", "yunnan"]))
    fill_kunming(titles, 30)
    urls = ["/admin/money/", "/admin/money/?status=pending", "/admin/money/?flagged=1", "/admin/money/?page=2"]
    leader.get(urls[0])  # the first request of a session pays for its own set-up
    small = {url: counted(leader, url) for url in urls}
    fill_kunming(titles, 270, start=30)
    leader.get(urls[0])  # the test's commit expired the signed-in user: reloaded once, as above
    large = {url: counted(leader, url) for url in urls}
    for url in urls:
        assert large[url][0] <= small[url][0], url
    assert large["/admin/money/"][1].count('<tr id="entitlement-') == 100
    assert small["/admin/money/"][1].count('<tr id="entitlement-') == 30
    assert "Possible duplicate support" in large["/admin/money/?flagged=1"][1] or "重复" in large["/admin/money/?flagged=1"][1]


def test_pages_of_100_newest_first_totals_over_the_whole_set_bad_page_is_page_1(app):
    clock.freeze(TODAY)
    titles = province_titles()
    leader = signed_in(app, make_user("leader", ["kunming", "yunnan"]))
    fill_kunming(titles, 260)
    ids = sorted(db.session.scalars(select(SubsidyEntitlement.id)), reverse=True)
    first = leader.get("/admin/money/").get_data(as_text=True)
    assert first.count('<tr id="entitlement-') == 100 and f'id="entitlement-{ids[0]}"' in first
    assert f'id="entitlement-{ids[100]}"' not in first and 'id="page-next"' in first and 'id="page-previous"' not in first
    rows = db.session.scalars(select(SubsidyEntitlement)).all()
    owed_total = sum(e.amount_cny for e in rows if e.status != "cancelled")
    assert "260" in first.split('id="money-totals"')[1].split("</p>")[0]
    assert f"{owed_total:,}" in first.split('id="money-totals"')[1].split("</p>")[0]
    third = leader.get("/admin/money/?page=3").get_data(as_text=True)
    assert third.count('<tr id="entitlement-') == 60 and f'id="entitlement-{ids[-1]}"' in third
    assert 'id="page-next"' not in third and "page=2" in third
    for bad in ("0", "-1", "x", "%00", "1.5", "99999999999999999999"):
        response = leader.get(f"/admin/money/?page={bad}")
        assert response.status_code == 200 and f'id="entitlement-{ids[0]}"' in response.get_data(as_text=True), bad
    beyond = leader.get("/admin/money/?page=40").get_data(as_text=True)  # beyond the last: the last
    assert f'id="entitlement-{ids[-1]}"' in beyond
    pending = leader.get("/admin/money/?status=pending&page=2").get_data(as_text=True)
    expected = [e.id for e in sorted(rows, key=lambda e: -e.id) if e.status == "pending"]
    assert f'id="entitlement-{expected[100]}"' in pending and f'id="entitlement-{expected[99]}"' not in pending
    assert f"{len(expected)}" in pending.split('id="money-totals"')[1].split("</p>")[0]
    flagged = leader.get("/admin/money/?flagged=1").get_data(as_text=True)
    from core.money import lifecycle
    every = [e.id for e in sorted(rows, key=lambda e: -e.id) if lifecycle.current_flags(e)]
    assert f">{len(every)} " in flagged.split('id="money-totals"')[1] or str(len(every)) in flagged.split(
        'id="money-totals"')[1].split("</p>")[0]
    assert flagged.count('<tr id="entitlement-') == min(len(every), 100)
    assert f'id="entitlement-{every[0]}"' in flagged


def test_a_bulk_approval_from_page_2_comes_back_to_page_2_with_the_filters(app):
    clock.freeze(TODAY)
    titles = province_titles()
    leader = signed_in(app, make_user("leader", ["kunming", "yunnan"]))
    fill_kunming(titles, 230)
    page = leader.get("/admin/money/?year=2021&page=2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<input type="hidden" name="page" value="2">' not in html  # 2021 has 39 rows: one page
    html = leader.get("/admin/money/?page=2").get_data(as_text=True)
    assert '<input type="hidden" name="page" value="2">' in html
    pending = [e for e in db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.status == "pending"))]
    response = leader.post("/admin/money/bulk", data={"csrf_token": token(html), "do": "approve", "page": "2",
                                                     "status": "pending", "ids": [str(pending[0].id)]})
    assert response.status_code == 302
    assert "page=2" in response.headers["Location"] and "status=pending" in response.headers["Location"]


def test_a_nul_in_the_kind_filter_is_no_error(app):
    """A control character in a filter matches nothing and is no 500 (PostgreSQL takes no NUL in a text)."""
    from tests.factories import login, make_user

    client = app.test_client()
    assert login(client, make_user("officer", ["xuzhou"])).status_code == 302
    assert client.get("/admin/money/?kind=%00").status_code == 200
    assert client.get("/admin/money/?kind=a%00b&page=%00").status_code == 200
