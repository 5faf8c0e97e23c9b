"""Issue 17 in a browser: an annual assessment round through every role (昆科发〔2017〕55号
第十八条 年度考核; weights and bands are the demo bureau's settings, equal weights) — the officer takes
up the round of last year the demo opened and assigns the demo expert, the expert declares no conflict and scores (a
score above 100 refused beside its field, what was typed kept), the officer submits, the leader
approves, the officer publishes, and the space (翠湖云创空间) sees its result on the portal.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.accounts.roles import EXPERT, LEADER, OFFICER
from core.demo import demo_login
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AssessmentRound, User
from tests.browser.people import Person, unexpected_violations

pytestmark = pytest.mark.browser

KUNMING_DIMS = ("agglomeration", "service", "financing", "incubation_results")


def the_round(app, year: int) -> AssessmentRound:
    with app.app_context():
        found = db.session.scalar(select(AssessmentRound).where(AssessmentRound.jurisdiction == "kunming",
                                                                AssessmentRound.year == year))
        db.session.expunge(found)
        return found


def test_kunming_第十八条_round_through_every_role(site, browser):
    app, base, _ = site
    year = clock.today().year - 1
    assert the_round(app, year).status == "open"
    officer = Person(browser, base).login(demo_login(OFFICER, "kunming"))
    desk = officer.go("/admin/assessments/")
    page_url = f"/admin/assessments/round/{the_round(app, year).id}"
    # a year already opened is refused, and the desk leads to the round
    desk.select_option("#jurisdiction", "kunming")
    desk.fill("#year", str(year))
    officer.submit("#open-round")
    assert str(year) in desk.locator("#year-error").inner_text()
    desk = officer.go(page_url)
    with app.app_context():  # the demo's expert of 昆明 (the pool holds others, issue 22)
        expert_id = db.session.scalar(select(User.id).where(User.login == demo_login(EXPERT, "kunming")))
    desk.select_option("#user_id", str(expert_id))
    officer.submit("#assign-scorer")
    officer.shot("assessment-1-opened")

    expert = Person(browser, base).login(demo_login(EXPERT, "kunming"))
    page = expert.go(page_url)
    assert page.locator("#assessments").count() == 0  # nothing seen before the declaration
    expert.submit("#declare-none")
    titles = page.locator("#assessments a[id^=score-]").count()  # every 昆明 title owing the year
    assert titles >= 1
    for n in range(titles):
        page = expert.go(page_url)
        with page.expect_navigation():
            page.locator("#assessments a[id^=score-]").nth(n).click()
        for code in KUNMING_DIMS:
            page.fill(f"#{code}", "85")
        if n == 0:
            page.fill("#financing", "101")
            expert.submit("#score-form")
            assert page.locator("#financing-error").inner_text() == "分数应在 0 至 100 之间"
            assert page.locator("#financing").input_value() == "101"
        page.fill("#financing", "77")
        expert.submit("#score-form")
    expert.shot("assessment-2-scored")

    desk = officer.go(page_url)
    officer.submit("#round-actions form:has(#submit-results)")
    assert the_round(app, year).status == "submitted"
    leader = Person(browser, base).login(demo_login(LEADER, "kunming"))
    page = leader.go(page_url)
    page.fill("#opinion", "同意考核结果")
    with page.expect_navigation():
        page.click("#approve-results")
    assert the_round(app, year).status == "approved"
    desk = officer.go(page_url)
    officer.submit("#round-actions form:has(#publish-results)")
    assert the_round(app, year).status == "published"

    applicant = Person(browser, base).login("applicant-ma6n0002@kunming.demo")
    page = applicant.go("/portal/assessments/")
    row = page.locator("#assessment-results tbody tr").filter(has_text=str(year)).first
    assert "良好" in row.inner_text() and "83.00" in row.inner_text()  # (85·3 + 77) / 4
    applicant.shot("assessment-3-portal")
    assert unexpected_violations() == []
