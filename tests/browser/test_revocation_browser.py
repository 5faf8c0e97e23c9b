"""Issue 17 in a browser, every role on the demo data (红塔创新谷 holds a 云南 title):

- first the province registers the successor of 云科规〔2021〕1号 (lapsed after 2026-04-03): until then the
  dashboard says its titles stand under no version, and no article of a lapsed policy is applied;
- a rectification — 云科规〔2021〕1号 认定与管理 “动态考核评价”: 经营出现问题…限期一年整改: the officer records
  无法正常运营 and orders it (deadline ordered_on + 1 year), the applicant reports with evidence on the portal
  (a missing report refused beside its field), the officer judges it passed;
- a revocation — “动态考核评价”: 严重失信: the officer records the finding from 信用中国 and proposes revocation, the
  leader decides at a meeting (a missing meeting date refused beside its field, what was typed kept), and the
  applicant sees the title revoked with its date and article.  An expert may open none of the desks.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.accounts.roles import APPLICANT, EXPERT, LEADER, OFFICER
from core.demo import demo_login
from core.platform import clock
from core.platform.models import Finding, Recognition, Rectification, Revocation, Space
from core.workdays import add_months
from tests.browser.people import Person, read, unexpected_violations
from tests.factories import pdf_bytes

pytestmark = pytest.mark.browser


def hongta(app) -> Recognition:
    return read(app, select(Recognition).join(Space, Space.id == Recognition.space_id)
                .where(Space.name == "红塔创新谷", Recognition.jurisdiction == "yunnan"))


def record_finding(officer: Person, title_id: int, kind: str, evidence: str, source: str) -> None:
    page = officer.go("/admin/findings/")
    page.select_option("#finding-title", str(title_id))
    page.select_option("#finding-kind", kind)
    page.fill("#finding-date", clock.today().isoformat())
    page.fill("#finding-source", source)
    page.fill("#finding-evidence", evidence)
    officer.submit("#finding-form")


def register_successor(officer: Person) -> None:
    """The officer reads the dashboard's notice and registers the successor version, based on the
    lapsed one (as the province would, with the document number it issued)."""
    page = officer.go("/admin/")
    notice = page.locator("#jurisdiction-yunnan .zc-titles-without-policy")
    assert "不在任何有效政策版本之下" in notice.inner_text()
    with page.expect_navigation():
        notice.locator("a").click()
    page = officer.go("/admin/bureaupolicyversion/new/")
    page.select_option("#jurisdiction", "yunnan")
    page.fill("#document", "云科规〔2026〕2号")
    page.fill("#title", "云南省众创空间认定管理办法（修订）")
    page.fill("#effective_from", "2026-04-04")
    page.select_option("#based_on", "云科规〔2021〕1号")
    page.fill("#note", "沿用2021年办法的认定条件与管理规定（浏览器测试）")
    with page.expect_navigation():
        page.locator('form.admin-form [type="submit"]').first.click()
    page = officer.go("/admin/")
    assert page.locator("#jurisdiction-yunnan .zc-titles-without-policy").count() == 0
    assert "云科规〔2026〕2号" in page.inner_text("#jurisdiction-yunnan")


def test_yunnan_动态考核评价_rectification_then_revocation_through_every_role(site, browser):
    app, base, _ = site
    today = clock.today()
    title = hongta(app)
    officer = Person(browser, base).login(demo_login(OFFICER, "yunnan"))
    if today > date(2026, 4, 3):  # 云科规〔2021〕1号 附则: 有效期至2026年4月3日止
        register_successor(officer)
    applicant = Person(browser, base).login(demo_login(APPLICANT, "yunnan"))
    leader = Person(browser, base).login(demo_login(LEADER, "yunnan"))
    expert = Person(browser, base).login(demo_login(EXPERT, "yunnan"))
    for path in ("/admin/findings/", "/admin/rectifications/", "/admin/revocations/"):
        assert expert.page.goto(base + path).status == 403

    # -- the rectification ------------------------------------------------------------------
    record_finding(officer, title.id, "cannot_operate", "孵化区停用，服务活动中断（浏览器测试）", "实地检查")
    finding = read(app, select(Finding).where(Finding.recognition_id == title.id, Finding.kind == "cannot_operate")
                   .order_by(Finding.id.desc()))
    page = officer.go("/admin/rectifications/")
    assert "整改期限 1 年（云科规〔2021〕1号 认定与管理“动态考核评价”）" in page.inner_text("#periods")
    page.select_option("#order-title", str(title.id))
    page.select_option("#order-ground", "cannot_operate")
    page.select_option("#order-finding", str(finding.id))
    page.fill("#order-requirements", "三个月内恢复孵化区运营（浏览器测试）")
    officer.submit("#order-form")
    rect = read(app, select(Rectification).where(Rectification.recognition_id == title.id,
                                                 Rectification.status == "ordered"))
    assert rect.deadline == add_months(today, 12)
    assert page.inner_text("#deadline") == rect.deadline.isoformat()
    officer.shot("revocation-1-ordered")

    page = applicant.go("/portal/")
    task = page.locator(f"#task-rectification-{rect.id} a")
    with page.expect_navigation():
        task.click()
    page.fill("#r-report", "")
    with page.expect_navigation():
        page.click("#submit-report")
    assert "请" in page.locator("#report-form").inner_text()  # refused beside the field
    page.fill("#r-report", "孵化区已恢复运营（浏览器测试）")
    page.set_input_files("#r-evidence", {"name": "整改报告.pdf", "mimeType": "application/pdf",
                                         "buffer": pdf_bytes()})
    with page.expect_navigation():
        page.click("#submit-report")
    assert read(app, select(Rectification).where(Rectification.id == rect.id)).status == "reported"
    applicant.shot("revocation-2-reported")

    page = officer.go(f"/admin/rectifications/{rect.id}")
    assert "孵化区已恢复运营（浏览器测试）" in page.inner_text("#report")
    page.fill("#judgement-text", "复查合格（浏览器测试）")
    with page.expect_navigation():
        page.click("#judge-passed")
    assert read(app, select(Rectification).where(Rectification.id == rect.id)).result == "passed"
    assert hongta(app).status == "active"

    # -- the revocation -----------------------------------------------------------------------
    record_finding(officer, title.id, "serious_dishonesty", "被列入严重失信主体名单（浏览器测试）", "信用中国")
    # the finding makes the title due for revocation: listed for the officer, whose title page leads to
    # the proposal with the standing's ground ticked
    page = officer.go("/admin/titles/?standing=revocation_due")
    with page.expect_navigation():
        page.locator(f"#title-{title.id} a").first.click()
    assert page.inner_text("#standing-value") == "应予撤销"
    assert "存在严重失信行为" in page.inner_text("#grounds")
    with page.expect_navigation():
        page.click("#propose-revocation")
    assert "被列入严重失信主体名单（浏览器测试）" in page.inner_text("#evidence")
    assert page.is_checked("#ground-serious_dishonesty") and not page.is_checked("#ground-fraud")
    page.fill("#proposal", "列入严重失信主体名单，提请撤销（浏览器测试）")
    officer.submit("#propose-form")
    revocation = read(app, select(Revocation).where(Revocation.recognition_id == title.id))
    assert revocation.status == "proposed"
    officer.shot("revocation-3-proposed")

    page = leader.go(f"/admin/revocations/{revocation.id}")
    assert "云科规〔2021〕1号 认定与管理“动态考核评价”" in page.inner_text("#grounds")
    page.fill("#minutes-ref", "云科党组会纪要（浏览器测试）")
    page.fill("#decision-opinion", "同意撤销（浏览器测试）")
    with page.expect_navigation():
        page.click("#decide-revoke")
    assert "请填写会议日期" in page.inner_text("#error-meeting_on")
    assert page.input_value("#minutes-ref") == "云科党组会纪要（浏览器测试）"
    page.fill("#meeting-on", today.isoformat())
    with page.expect_navigation():
        page.click("#decide-revoke")
    revoked = hongta(app)
    assert (revoked.status, revoked.revoked_on, revoked.ban_until) == ("revoked", today, None)
    leader.shot("revocation-4-revoked")

    page = applicant.go("/portal/rectifications")
    row = page.inner_text(f"#title-{title.id}")
    assert f"于 {today.isoformat()} 撤销" in row and "云科规〔2021〕1号 认定与管理“动态考核评价”" in row
    applicant.shot("revocation-5-applicant-sees")
    page = applicant.go(f"/portal/titles/{title.id}")
    assert page.inner_text("#standing-value") == "已撤销" and today.isoformat() in page.inner_text("#title-status")
    assert unexpected_violations() == []
