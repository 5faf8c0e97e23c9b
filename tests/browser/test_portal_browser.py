"""Issue 5's browser test: Playwright driving Debian's chromium through the real app.

A werkzeug server in a thread serves the app on a fresh SQLite database with the demo
data (``zhongchuang demo``: the demo users of every role and an open 昆明 call).  A new
organisation registers with a 昆明 region (西山区, the demo recommender's area), describes
its space — rows of 入驻企业, 已毕业企业 and 团队成员 added in the browser, the page not
reloaded — fills the 昆明 综合服务类 form pre-filled from the space (residents and team
carried), a validation error listed in the summary whose link leads to the field,
a file refused beside its material, the PDFs of 第九条, 提交申报 refused without the
tick box and then confirmed; then the demo recommender, officer, expert and leader
carry it through their pages to the title, and the applicant reads title and
certificate number on its status page (issue 5's path, walked again for issue 13).
A screenshot is saved at each step into a folder under pytest's tmp path, printed at
the start (``pytest -s`` shows it).

"Today" is the real date; the end of the public notice needs days to pass, so the
test moves the pages' clock (``core.platform.clock``, the one the pages read)
past the notice's last day — a test-only override in this process.

Skipped, saying why, only when chromium or the playwright package is missing
(``scripts/setup_browser.sh`` installs chromium with apt-get where it can).
"""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from core.demo import ADMIN_LOGIN, demo_login
from core.platform.extensions import db
from core.facts import make_uscc
from core.platform.models import Application, PublicNotice, Recognition
from tests.browser.people import CSP_VIOLATIONS, Person, unexpected_violations
from tests.factories import pdf_bytes

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FACTS = json.loads((ROOT / "tests" / "data" / "kunming-comprehensive-service.json").read_text())
REGION = "530112"  # 昆明市西山区: the demo 昆明 recommender's area
USCC = make_uscc(REGION, "MA6B0001")
PDF = pdf_bytes()
MATERIALS = ("application_form", "criteria_proofs", "operation_plan", "annual_plan")  # 昆科发〔2017〕55号 第九条（一）至（四）

def fill(page, form: str, values: dict) -> None:
    """Type ``values`` into the fields of ``form`` as a user would: text, radios, ticks, choices."""
    scope = page.locator(form)
    for name, value in values.items():
        field = scope.locator(f'[name="{name}"]')
        kind = field.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind == "input:radio":
            scope.locator(f'[name="{name}"][value="{value}"]').check()
        elif kind == "input:checkbox":
            for v in (value if isinstance(value, list) else [value]):
                scope.locator(f'[name="{name}"][value="{v}"]').check()
        elif kind.startswith("select"):
            field.select_option(str(value))
        else:
            field.fill(str(value))


def space_values() -> dict:
    """The 昆明 example facts as typed on the form (yes/no, percent, ticked boxes)."""
    values = {}
    for key, value in FACTS.items():
        if key == "residents":
            continue
        if isinstance(value, bool):
            values[key] = "yes" if value else "no"
        elif key.startswith("rent_ratio"):
            values[key] = f"{value * 100:g}"
        else:
            values[key] = value
    values.pop("uscc")  # the registered one, read-only on this form
    values.update(applicant_name="昆明西山浏览器测试科技有限公司", registered_region=REGION,
                  space_name="西山浏览器众创空间", space_region=REGION)
    return values


KUNMING_EXTRA = {
    "service_theme": "数字经济与高原特色农业",
    "service_team-0-background": "互联网",  # name and 职务 come from the space's team members
    "service_team-0-experience": "两次创业", "service_team-0-resources": "滇中投资机构",
    "service_team_description": "团队五人，均有创业经历。",
    **{f"plan_{n}": "见建设运营方案" for n in ("necessity", "basis", "goals", "mechanism", "services", "safeguards")},
    "annual_plan": "全年举办路演、培训 12 次。",
}


# Rows typed on 我的众创空间 after 添加一行 (the tables the application forms and the 申报书 print).
SPACE_ROWS = {
    "residents": {"name": "西山云智科技", "kind": "enterprise", "entered_on": "2025-03-01",
                  "established_on": "2025-01-15", "main_product": "工业软件", "employees": "12",
                  "phone": "0871-68000001"},
    "graduates": {"name": "滇池数农科技", "main_product": "智慧农业", "entered_on": "2022-05-10",
                  "graduated_on": "2025-06-30", "employees": "35", "phone": "0871-68000009"},
    "team_members": {"name": "周创办", "position": "founder", "phone": "13900000001", "speciality": "工商管理",
                     "services": "运营管理"},
}


def in_view(locator) -> bool:
    """Whether the element is inside the browser's window (what the user sees without scrolling)."""
    return locator.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return r.top >= 0 && r.bottom <= window.innerHeight; }")


def state(app, application_id: int) -> tuple[str, str | None]:
    with app.app_context():
        found = db.session.get(Application, application_id)
        return found.status, found.current_step


def test_register_apply_and_carry_to_the_title(site, browser):
    app, base, clock = site
    today = clock[0]

    # --- a new organisation registers (P1's /register) and describes its space
    applicant = Person(browser, base)
    page = applicant.go("/register")
    fill(page, "main form", {"organisation_name": "昆明西山浏览器测试科技有限公司", "uscc": USCC,
                        "registered_region": REGION, "contact_name": "周测试", "login": "browser@example.cn",
                        "password": "Xishan-maker-2026", "password_confirm": "Xishan-maker-2026"})
    applicant.shot("01-register")
    applicant.submit("main form")
    assert page.url.endswith("/portal/"), applicant.text()[:500]

    # --- 我的众创空间: rows added in the browser (no request, the page stays where it is)
    page = applicant.go("/portal/space/new")
    fill(page, "form.zc-application-form", space_values())
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    for table, values in SPACE_ROWS.items():
        page.locator(f'button[data-zc-add-row="{table}-table"]').click()
        assert page.locator(f"#{table}-table tbody tr").count() == 1, table  # the "（无）" line replaced
        fill(page, "form.zc-application-form", {f"{table}-0-{k}": v for k, v in values.items()})
        assert page.evaluate("window.scrollY") > 0, table  # not reloaded to the top
    assert posts == [] and page.url.endswith("/portal/space/new")
    applicant.shot("02-space-rows-added-in-the-browser")
    with page.expect_navigation():
        page.locator('form.zc-application-form button[name="save"]').click()
    assert "/portal/space" in page.url and "填写有误" not in applicant.text(), applicant.text()[:800]
    assert page.locator('[name="graduates-0-name"]').input_value() == SPACE_ROWS["graduates"]["name"]

    # --- the 昆明 综合服务类 form, pre-filled from the space; a wrong number first
    page = applicant.go("/portal/applications/new")
    applicant.shot("03-choose")
    with page.expect_navigation():
        page.locator('a[id$="-kunming-comprehensive_service"]').first.click()
    assert page.locator('[name="workstations"]').input_value() == "48"  # from the space
    assert page.locator('[name="residents-0-name"]').input_value() == SPACE_ROWS["residents"]["name"]
    # the team members carried into 服务团队及主要负责人 (昆科发〔2017〕55号 第五条（四）)
    assert page.locator('[name="service_team-0-name"]').input_value() == SPACE_ROWS["team_members"]["name"]
    assert page.locator('[name="service_team-0-position"]').input_value() == "创办负责人"
    applicant.shot("04-application-prefilled")
    fill(page, "#application-form", {**KUNMING_EXTRA, "workstations": "-5"})
    with page.expect_navigation():
        page.click("#save-draft")
    assert "/draft" in page.url
    error = page.locator("#workstations-errors")
    assert "不能为负数" in error.inner_text()
    assert page.locator('[name="workstations"]').input_value() == "-5"  # kept as typed

    # --- the summary lists the error with a link to its field, far below
    link = page.locator('#errors-summary a[href="#workstations"]')
    assert "创业工位数（个）：不能为负数" in link.inner_text()
    targets = page.evaluate("[...document.querySelectorAll('#errors-summary a')]"
                            ".map(a => !!document.getElementById(a.getAttribute('href').slice(1)))")
    assert targets and all(targets)
    field = page.locator('[name="workstations"]')
    assert not in_view(field)  # the field is off-screen while the summary is read
    applicant.shot("05-error-summary")
    link.click()
    page.wait_for_timeout(200)
    assert in_view(field) and page.url.endswith("#workstations")
    applicant.shot("06-error-summary-link-followed")
    field.fill("48")
    with page.expect_navigation():
        page.click("#save-draft")
    assert page.locator("#workstations-errors").count() == 0 and page.locator("#errors-summary").count() == 0
    application_id = int(page.url.split("/applications/")[1].split("/")[0])

    # --- a file refused: said beside its material, the page opened there
    row = page.locator("#material-annual_plan")
    row.locator('input[type="file"]').set_input_files(
        files=[{"name": "年度工作计划.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 200}])
    with page.expect_navigation():
        row.locator('form.zc-upload [type="submit"]').click()
    assert page.url.endswith("/draft#material-annual_plan")
    refusal = page.locator("#material-annual_plan #material-annual_plan-error")
    assert "文件类型不被接受" in refusal.inner_text() and in_view(refusal)
    assert "文件类型不被接受" not in page.inner_text("#application-form")  # not at the top
    applicant.shot("07-upload-refused-at-its-material")

    # --- the PDFs of 第九条, then 提交申报: refused without the tick box, then confirmed
    for code in MATERIALS:
        row = page.locator(f"#material-{code}")
        row.locator('input[type="file"]').set_input_files(
            files=[{"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        with page.expect_navigation():
            row.locator('form.zc-upload [type="submit"]').click()
        assert page.url.endswith(f"#material-{code}")
        assert page.locator(f"#material-{code} a.zc-file").inner_text() == f"{code}.pdf"
        assert page.locator(f"#material-{code} .zc-done").count() == 1
    applicant.shot("08-draft-with-materials")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.click("#submit-application")
    assert dialogs == []  # not ticked: the server answers, beside the box
    assert "请先勾选" in page.inner_text("#confirm-submit-errors")
    assert state(app, application_id) == ("draft", None)
    applicant.shot("09-submit-needs-the-tick")
    page.check("#confirm-submit")
    with page.expect_navigation():
        page.click("#submit-application")
    assert len(dialogs) == 1 and "提交后不能再修改" in dialogs[0]  # asked once more (static/forms.js)
    assert page.url.endswith(f"/portal/applications/{application_id}"), applicant.text()[:800]
    assert state(app, application_id) == ("submitted", "district_review")
    applicant.shot("10-submitted-status")

    # --- the district bureau (推荐单位): initial review and recommendation (第十条)
    recommender = Person(browser, base).login(demo_login("recommender", "kunming"))
    for opinion in ("材料齐全，实地查验属实", "择优推荐"):
        page = recommender.go(f"/admin/case/{application_id}")
        page.fill("#opinion", opinion)
        with page.expect_navigation():
            page.click('button[name="action"][value="approve"]')
    assert state(app, application_id) == ("in_review", "expert_review")

    # --- the officer's batch, the expert's scores, the leader's decision
    officer = Person(browser, base).login(demo_login("officer", "kunming"))
    page = officer.go("/admin/batches/")
    fill(page, "#create-batch", {"jurisdiction": "kunming", "name": f"{today.year}年浏览器测试批次"})
    officer.submit("#create-batch")
    batch_path = page.url.replace(base, "")
    fill(page, "#add-application", {"application_id": str(application_id)})
    officer.submit("#add-application")
    officer.submit("#assign-expert")
    batch_id = int(batch_path.rstrip("/").rsplit("/", 1)[1])

    expert = Person(browser, base).login(demo_login("expert", "kunming"))
    page = expert.go(batch_path)
    assert not page.locator("#declare input[type=radio]:checked").count()  # an explicit choice (issue 13, 22)
    page.check(f"#conflict-no-{application_id}")
    expert.submit("#declare")
    page = expert.go(f"/admin/batches/{batch_id}/score/{application_id}")
    for score in page.locator('#score-form [name^="score-"]').all():
        score.fill("18")
    page.fill("#notes", "实地查验：场地、服务与申报一致")
    expert.submit("#score-form")

    page = officer.go(batch_path)
    page.check("#conclude-confirm")  # 结束专家评审 is confirmed twice: the box, then the dialog (issue 13)
    page.once("dialog", lambda dialog: dialog.accept())
    officer.submit("#conclude")
    assert state(app, application_id) == ("in_review", "bureau_decision")
    leader = Person(browser, base).login(demo_login("leader", "kunming"))
    page = leader.go(batch_path)
    fill(page, "#decide", {"meeting_on": today.isoformat(), "minutes_ref": "局长办公会纪要（浏览器测试）",
                           f"decision-{application_id}": "approve"})
    leader.shot("11-leader-decision")
    leader.submit("#decide")
    assert state(app, application_id) == ("in_review", "public_notice")

    # --- 公示 (第十一条), seen by the public and by the applicant
    page = officer.go("/admin/notices/")
    fill(page, "#publish-form", {"application_id": str(application_id), "title": "浏览器测试 认定结果公示",
                                 "contact": "联系电话 0871-00000000"})
    officer.submit("#publish-form")
    assert state(app, application_id)[0] == "under_notice"
    with app.app_context():
        notice = db.session.scalars(select(PublicNotice).where(PublicNotice.title == "浏览器测试 认定结果公示")).one()
        notice_id, last_day = notice.id, notice.last_day
    public = Person(browser, base)
    public.go(f"/notices/{notice_id}")
    assert "西山浏览器众创空间" in public.text()
    public.shot("12-public-notice")
    applicant.go(f"/portal/applications/{application_id}")
    assert last_day.isoformat() in applicant.page.inner_text("#notice-period")
    applicant.shot("13-under-notice-status")

    # --- the notice ends the day after its last day; the officer closes it and awards the title
    clock[0] = last_day + timedelta(days=1)
    officer.go(f"/admin/notices/{notice_id}")
    officer.submit(f'form[action$="/notices/{notice_id}/close"]')
    assert state(app, application_id) == ("in_review", "award")
    page = officer.go(f"/admin/case/{application_id}")
    page.check("#confirm-award-box")  # 授予称号 is confirmed twice: the box, then the dialog (issue 13)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click('button[name="action"][value="award"]')
    assert state(app, application_id) == ("recognised", None)
    with app.app_context():
        recognition = db.session.scalars(select(Recognition).where(Recognition.application_id == application_id)).one()
        title, number = recognition.title, recognition.certificate_number

    # --- back as the applicant: the title and its number
    applicant.go(f"/portal/applications/{application_id}")
    assert title == "昆明市众创空间"
    assert applicant.page.inner_text("#certificate-number") == number
    assert title in applicant.page.inner_text("#recognition")
    applicant.shot("14-recognised-status")

    # --- on a phone (375 px): nothing wider than the screen
    phone = Person(browser, base, width=375)
    phone.context.add_cookies(applicant.context.cookies())
    page = phone.go(f"/portal/applications/{application_id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    phone.shot("15-recognised-status-375px")
    for person in (applicant, recommender, officer, expert, leader, public, phone):
        person.context.close()
    assert unexpected_violations() == []  # every page above worked with no inline script or style


def test_flask_admin_lists_work_under_the_content_security_policy(site, browser):
    """Flask-Admin's delete confirmation and "With selected" menu use inline onclick
    handlers, which the policy blocks: core/static/zc-admin.js binds them instead."""
    app, base, clock = site
    CSP_VIOLATIONS.clear()
    admin = Person(browser, base).login(ADMIN_LOGIN)
    # the admin must enrol a second factor before any admin page (issue 12 item 7): as a person does
    page = admin.go("/admin/organisation/")
    assert page.url.endswith("/account/two-factor") and page.locator("#totp-qr svg").count() == 1
    secret = page.inner_text("#totp-secret")
    page.fill('input[name="code"]', pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click('form:has(input[name="code"]) button[type="submit"]')
    assert page.locator("#recovery-codes code").count() == 10
    admin.shot("16-admin-two-factor-enrolled")
    page = admin.go("/admin/organisation/")
    rows = page.locator("table.model-list tbody tr").count()
    assert rows > 0
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("table.model-list tbody tr").first.locator('form.icon button').click()
    page.wait_for_timeout(300)
    assert dialogs and "删除" in dialogs[-1]  # asked first; dismissed, nothing deleted
    assert admin.go("/admin/organisation/").locator("table.model-list tbody tr").count() == rows
    page.locator("a.dropdown-toggle", has_text="选中的").click()
    page.locator(".dropdown-menu a.dropdown-item", has_text="删除").first.click()
    page.wait_for_timeout(300)
    assert dialogs[-1] == "请至少选择一条记录"  # from Flask-Admin's own actions.js
    admin.shot("17-admin-list-under-csp")
    admin.context.close()
    assert unexpected_violations() == []
