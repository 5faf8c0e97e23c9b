"""Issue 22 in a browser: a 弥勒 batch from the draw to the decision, with two experts and one
replacement after a declared conflict (docs/experts.md "随机抽取与回避", "专家的待办与草稿").

Set up through the operations the pages call: the demo leaves 太平湖青年创业园's application a draft;
its applicant finishes and submits it and the recommender recommends it, so it waits at the expert
step; 弥勒's officer gives one of the pool's experts (陈思远) the applicant's organisation, so 同单位回避
keeps him away.  Then in chromium: the officer creates a batch, adds the application and draws two
experts; the page shows the draw's seed and who was kept away, and why.  The first drawn expert
opens 我的评审任务, finds nothing pre-selected in the declaration, declares a conflict, and the
system's replacement appears on the officer's page.  The other two declare no conflict and score
(one saves a draft first); the officer concludes, the ranking shows, the leader records the
meeting's decision (弥勒 附件1 第七条 局务会: the page asks for its date and minutes) and the
application moves on to its next step.
"""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from core.accounts.roles import APPLICANT, LEADER, OFFICER, RECOMMENDER
from core.demo import demo_login, demo_pdf
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Application, Batch, ExpertDraw, Space, User
from tests.browser.people import Person, read, unexpected_violations

pytestmark = pytest.mark.browser

SPACE = "太平湖青年创业园"
COLLEAGUE = "expert-pool4@mile.demo"  # given the applicant's organisation below: 同单位回避


def the_application(app) -> Application:
    return read(app, select(Application).join(Space).where(Space.name == SPACE, Application.jurisdiction == "mile"))


def to_the_expert_step(app) -> int:
    """The application finished, submitted and recommended, and the colleague's profile, each by the
    person whose operation it is; the application's id."""
    from core.intake.materials import attach, missing_materials
    from core.review import expert_pool, steps, workflow

    with app.app_context():
        application = db.session.scalar(select(Application).join(Space).where(
            Space.name == SPACE, Application.jurisdiction == "mile"))
        assert application.status == "draft"
        applicant = db.session.scalar(select(User).where(User.organisation_id == application.organisation_id,
                                                         User.role == APPLICANT))
        for material in missing_materials(application):  # the demo uploaded the first only
            upload = FileStorage(io.BytesIO(demo_pdf(material.name)), filename=f"{material.name}.pdf",
                                 content_type="application/pdf")
            attach(application, material, upload, applicant)
        workflow.act(application, "submit", applicant, today=clock.today())
        recommender = next(u for u in db.session.scalars(select(User).where(User.role == RECOMMENDER)
                                                         .order_by(User.id))
                           if "mile" in u.jurisdiction_codes
                           and application.space.region.startswith(u.region_prefix or ""))
        workflow.act(application, "approve", recommender, opinion="同意推荐", today=clock.today())
        assert steps.step_of(application).kind == "expert_review"

        officer = db.session.scalar(select(User).where(User.login == demo_login(OFFICER, "mile")))
        colleague = db.session.scalar(select(User).where(User.login == COLLEAGUE))
        profile = expert_pool.profile_of(colleague)
        expert_pool.save_profile(colleague, officer, fields=profile.fields, region=profile.region,
                                 organisation_name=application.organisation.name,
                                 organisation_uscc=application.organisation.uscc)
        return application.id


def logins_by_name(app) -> dict[str, str]:
    """The 弥勒 experts' logins by the names the batch page shows."""
    with app.app_context():
        return {u.name: u.login for u in db.session.scalars(select(User).where(User.login.like("expert%@mile.demo")))}


def sheet_of(app) -> list:
    from core.review.score_sheet import review_dimensions

    with app.app_context():
        return review_dimensions("mile")[0]


def names_in(cell) -> list[str]:
    return [n for n in cell.inner_text().strip().split("、") if n]


def open_batch_from_desk(expert: Person, batch_id: int, application_id: int):
    """我的评审任务 (where an expert lands), then the batch through its link."""
    page = expert.go("/admin/batches/mine")
    desk = page.locator(f"#desk-batch-{batch_id}")
    assert desk.locator(".zc-declaration").get_attribute("data-declaration") == "none"
    with page.expect_navigation():
        desk.locator(".card-header a").first.click()
    page.wait_for_selector("#declare")
    # an explicit choice per application: both answers offered, none ticked before the expert ticks one
    assert page.locator(f"#declare-{application_id} input[type=radio]").count() == 2
    assert page.locator("#declare input[type=radio]:checked").count() == 0
    return page


def score(expert: Person, batch_id: int, application_id: int, sheet, share: float, *, draft_first: bool) -> None:
    page = expert.go("/admin/batches/mine")
    with page.expect_navigation():
        page.locator(f"#desk-{batch_id}-{application_id} .zc-sheet-link").click()
    values = [f"{d.max * share:g}" for d in sheet]
    if draft_first:  # half a sheet kept as typed: a draft is checked only when submitted
        page.fill('[name="score-0"]', values[0])
        page.fill("#notes", "现场核查：场地与方案相符（草稿）")
        with page.expect_navigation():
            page.click("#save-draft")
        page.wait_for_selector("#draft-saved")
        assert page.input_value('[name="score-0"]') == values[0]
        assert page.input_value('[name="score-1"]') == ""
        desk = expert.go("/admin/batches/mine")
        assert desk.locator(f"#desk-{batch_id}-{application_id}").get_attribute("data-state") == "drafted"
        page = expert.go(f"/admin/batches/{batch_id}/score/{application_id}")
    for n, value in enumerate(values):
        page.fill(f'[name="score-{n}"]', value)
    page.fill("#notes", f"现场核查：场地与方案相符，评分 {share:.0%}")
    with page.expect_navigation():
        page.click("#submit-scores")
    page.wait_for_selector("#declared-no-conflict")
    desk = expert.go("/admin/batches/mine")
    assert desk.locator(f"#desk-{batch_id}-{application_id}").get_attribute("data-state") == "submitted"


def test_mile_batch_from_draw_to_decision_with_a_replacement(site, browser):
    app, base, _clock = site
    application_id = to_the_expert_step(app)
    experts_by_name = logins_by_name(app)
    colleague_name = next(n for n, login in experts_by_name.items() if login == COLLEAGUE)
    colleague_id = read(app, select(User).where(User.login == COLLEAGUE)).id

    # --- the officer: a batch, its application, the draw ---
    officer = Person(browser, base).login(demo_login(OFFICER, "mile"))
    page = officer.go("/admin/batches/")
    page.select_option('#create-batch [name="jurisdiction"]', "mile")
    page.fill('#create-batch [name="name"]', "2026年众创空间认定评审·随机抽取（浏览器测试）")
    officer.submit("#create-batch")
    batch_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.select_option('#add-application [name="application_id"]', str(application_id))
    officer.submit("#add-application")
    assert page.locator(f"#scores tr.app-{application_id}").count() > 0
    page.fill("#draw-count", "2")
    officer.submit("#draw-experts")
    row = page.locator('#draws tr[data-kind="draw"]')
    assert row.count() == 1
    draw = read(app, select(ExpertDraw).where(ExpertDraw.batch_id == batch_id, ExpertDraw.kind == "draw"))
    assert row.locator(".zc-seed").inner_text() == draw.seed  # the seed, shown so the draw can be repeated
    with app.app_context():
        from core.review import draws
        assert draws.replay(draw) == draw.drawn
    # the colleague is neither in the pool nor drawn: only the kept-away column names him, with the rule
    assert str(colleague_id) in draw.excluded and colleague_id not in draw.pool
    assert colleague_name in row.inner_text() and "同单位回避" in row.inner_text() and SPACE in row.inner_text()
    drawn = names_in(row.locator(".zc-drawn"))
    assert len(drawn) == 2 and colleague_name not in drawn
    for name in drawn:
        assert page.locator("#experts").get_by_text(name).count() == 1
    officer.shot("22-draw-01-drawn")

    # --- the first drawn expert declares a conflict; the system draws his replacement ---
    first = Person(browser, base).login(experts_by_name[drawn[0]])
    page = open_batch_from_desk(first, batch_id, application_id)
    first.submit("#declare")  # no answer is no declaration: refused next to the application's row
    assert page.locator(f"#declare-error-{application_id}").is_visible()
    page.check(f"#conflict-yes-{application_id}")
    first.submit("#declare")  # a conflict without a note: refused, the choice kept
    assert "须说明情况" in page.locator(f"#declare-error-{application_id}").inner_text()
    assert page.is_checked(f"#conflict-yes-{application_id}")
    page.fill(f"#note-{application_id}", "本人曾为该众创空间运营单位提供咨询服务")
    first.submit("#declare")
    page.wait_for_selector("#declared-conflict")
    first.shot("22-draw-02-conflict")

    page = officer.go(f"/admin/batches/{batch_id}")
    replacement = page.locator('#draws tr[data-kind="replacement"]')
    assert replacement.count() == 1
    assert drawn[0] in replacement.locator("td").first.inner_text()  # 补抽（替换 …）
    replaced_by = names_in(replacement.locator(".zc-drawn"))
    assert len(replaced_by) == 1 and replaced_by[0] not in (*drawn, colleague_name)
    assert page.locator(".zc-unreplaced").count() == 0
    assert page.locator("#experts .badge-danger").count() == 1  # the declared conflict
    first_id = read(app, select(User).where(User.login == experts_by_name[drawn[0]])).id
    declared = page.locator(f"#declaration-{first_id}-{application_id}").inner_text()
    assert "本人曾为该众创空间运营单位提供咨询服务" in declared  # per application, in words
    officer.shot("22-draw-03-replaced")

    # --- the other two: no conflict, a draft once, the score sheets ---
    sheet = sheet_of(app)
    for n, name in enumerate((drawn[1], replaced_by[0])):
        expert = Person(browser, base).login(experts_by_name[name])
        page = open_batch_from_desk(expert, batch_id, application_id)
        page.check(f"#conflict-no-{application_id}")
        expert.submit("#declare")
        page.wait_for_selector("#declared-no-conflict")
        score(expert, batch_id, application_id, sheet, (0.8, 0.9)[n], draft_first=n == 0)
        expert.shot(f"22-draw-04-scored-{n}")

    # --- the officer concludes; the ranking shows ---
    page = officer.go(f"/admin/batches/{batch_id}")
    page.check("#conclude-confirm")
    page.once("dialog", lambda dialog: dialog.accept())  # zc-confirm.js asks once more
    officer.submit("#conclude")
    page.wait_for_selector("#ranking")
    assert page.inner_text(f"#rank-{application_id} .zc-rank").strip() == "1"
    officer.shot("22-draw-05-concluded")

    # --- the leader decides as the page asks: 弥勒 requires the meeting's date and minutes ---
    leader = Person(browser, base).login(demo_login(LEADER, "mile"))
    page = leader.go(f"/admin/batches/{batch_id}")
    assert page.locator(f"#ranking #rank-{application_id}").count() == 1
    assert "第七条" in page.inner_text("#meeting-requirement")
    page.fill('#decide [name="meeting_on"]', clock.today().isoformat())
    page.fill('#decide [name="minutes_ref"]', "2026年局务会纪要第12期")
    page.select_option(f'#decide [name="decision-{application_id}"]', "approve")
    page.fill(f'#decide [name="opinion-{application_id}"]', "同意认定，按程序公示")
    leader.submit("#decide")
    page.wait_for_selector("#batch-status")
    assert page.locator("#decide").count() == 0
    leader.shot("22-draw-06-decided")

    with app.app_context():
        from core.review import steps

        application = db.session.get(Application, application_id)
        step = steps.step_of(application)
        assert db.session.get(Batch, batch_id).status == "decided"
        assert step is not None and step.code == "public_notice"  # the leader's decision is behind it
        step_name = str(step.name)
    page = officer.go(f"/admin/case/{application_id}")
    assert step_name in page.inner_text("#case-status")
    assert unexpected_violations() == []
