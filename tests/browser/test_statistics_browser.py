"""Issue 16 in a browser: a recognised space files its annual statistics, the bureau returns
them with a reason, the space corrects them and the bureau accepts them — chromium through
the real app on the demo data (弥勒: 湖泉众创空间 holds a 弥勒 title and has a draft of last
year's return; the filing window is open with days left).  The duty to file: 弥政办发〔2017〕5号
三（四）; the deadline is the bureau's setting.  A bad figure is refused next to its field and
what was typed stays.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.demo import demo_login
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Space, StatisticsReturn
from core.accounts.roles import APPLICANT, OFFICER
from tests.browser.people import Person, unexpected_violations
from tests.domain.test_statistics_returns import GOOD

pytestmark = pytest.mark.browser


def the_return(app) -> StatisticsReturn:
    with app.app_context():
        space = db.session.scalar(select(Space).where(Space.name == "湖泉众创空间"))
        found = db.session.scalar(select(StatisticsReturn).where(StatisticsReturn.space_id == space.id,
                                                                 StatisticsReturn.year == clock.today().year - 1))
        db.session.expunge(found)
        return found


def test_mile_三_四_file_return_correct_accept(site, browser):
    app, base, _ = site
    year = clock.today().year - 1
    applicant = Person(browser, base).login(demo_login(APPLICANT, "mile"))
    page = applicant.go("/portal/")
    task = page.locator("#portal-tasks a").first
    assert str(year) in task.inner_text() and "湖泉众创空间" in task.inner_text()
    with page.expect_navigation():
        task.click()
    assert page.locator("#area_m2").input_value() != ""  # the draft the demo saved
    # a figure that is not one: refused beside its field, everything typed kept
    for key, value in GOOD.items():
        page.fill(f"#{key}", str(value))
    page.fill("#teams_served", "十二")
    with page.expect_navigation():
        page.click("#submit-return")
    assert page.locator("#teams_served-error").inner_text() == "应为数字"
    assert page.locator("#teams_served").input_value() == "十二"
    assert page.locator("#income_total").input_value() == str(GOOD["income_total"])
    applicant.shot("statistics-1-refused")
    page.fill("#teams_served", str(GOOD["teams_served"]))
    with page.expect_navigation():
        page.click("#submit-return")
    assert the_return(app).status == "submitted"
    assert "已提交，待主管部门审核" in page.locator("#return-status").inner_text()

    officer = Person(browser, base).login(demo_login(OFFICER, "mile"))
    desk = officer.go("/admin/statistics/")
    with desk.expect_navigation():
        desk.locator("#returns-waiting a").first.click()
    with desk.expect_navigation():
        desk.click("#send-back")  # no reason given: refused beside the field
    assert desk.locator("#reason-error").inner_text() == "请填写退回原因"
    desk.fill("#reason", "工位数与场地面积不符，请核对")
    with desk.expect_navigation():
        desk.click("#send-back")
    assert the_return(app).status == "returned"
    officer.shot("statistics-2-returned")

    page = applicant.go(f"/portal/statistics/{the_return(app).space_id}/{year}")
    assert "工位数与场地面积不符，请核对" in page.locator("#return-reason").inner_text()
    page.fill("#workstations", "75")
    with page.expect_navigation():
        page.click("#submit-return")
    assert the_return(app).status == "submitted"

    desk = officer.go(f"/admin/statistics/return/{the_return(app).id}")
    assert desk.locator("#figure-workstations td").nth(1).inner_text() == "75"
    with desk.expect_navigation():
        desk.click("#accept")
    assert the_return(app).status == "accepted"
    assert "已受理" in desk.locator("#return-status").inner_text()
    officer.shot("statistics-3-accepted")
    page = applicant.go("/portal/statistics/")
    assert "已受理" in page.locator("#statistics-filed").inner_text()
    assert unexpected_violations() == []
