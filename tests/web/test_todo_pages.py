"""待办 through real HTTP (issue 19): the dashboard lists what the signed-in staff user can act on
— his jurisdiction's only — with its age and deadline and a late one highlighted; the applicant's
portal home lists his own to-dos with their deadlines.  SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

from core.bureau import data as bureau_data
from core.bureau.operations import set_bureau_setting
from core.notify import todos  # registers the applicant's tasks (core.notify imports it once merged)
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import ChangeReport, Objection, PublicNotice, ReviewRecord
from core.review import applicant_pages, workflow
from tests.after_recognition_helpers import titled
from tests.factories import login, make_application, make_user
from tests.notice_helpers import at_step


def page(app, user, url: str = "/admin/") -> str:
    client = app.test_client()
    assert login(client, user).status_code == 302
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def todo_table(html: str, kind: str) -> str:
    if f'id="todo-{kind}"' not in html:
        return ""
    part = html[html.index(f'id="todo-{kind}"'):]
    return part[:part.index("</table>")]


def rows(table: str) -> list[str]:
    return re.findall(r'<tr class="zc-todo[^"]*">.*?</tr>', table, re.S)


def test_an_officer_sees_his_jurisdictions_to_dos_and_not_anothers(app):
    clock.freeze(date(2026, 3, 4))
    xuzhou_award = at_step("xuzhou", "award")
    kunming_award = at_step("kunming", "award")
    notice = PublicNotice(jurisdiction="kunming", title="昆明公示", published_on=date(2026, 3, 1),
                          first_day=date(2026, 3, 2), last_day=date(2026, 3, 8), days=7)
    db.session.add(notice)
    db.session.commit()
    db.session.add(Objection(notice_id=notice.id, name="甲", contact="1", content="异议", receipt_number="YY-20260303-0001"))
    db.session.commit()

    xuzhou = page(app, make_user("officer", ["xuzhou"]))
    assert 'id="todos"' in xuzhou
    steps = todo_table(xuzhou, "step")
    assert f'href="/admin/case/{xuzhou_award.id}"' in steps and xuzhou_award.space.name in steps
    assert f"/admin/case/{kunming_award.id}" not in xuzhou and kunming_award.space.name not in xuzhou
    assert "YY-20260303-0001" not in xuzhou and todo_table(xuzhou, "objection") == ""

    kunming = page(app, make_user("officer", ["kunming"]))
    assert f'href="/admin/case/{kunming_award.id}"' in todo_table(kunming, "step")
    objections = todo_table(kunming, "objection")
    assert "YY-20260303-0001" in objections and f'href="/admin/notices/{notice.id}"' in objections
    assert xuzhou_award.space.name not in kunming


def test_age_deadline_and_a_late_step_highlighted(app):
    set_bureau_setting("xuzhou", bureau_data.STEP_TIME_LIMIT, 5)
    application = at_step("xuzhou", "decide")
    db.session.add(ReviewRecord(application_id=application.id, step="decide", action="approve",
                                created_at=datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)))
    db.session.commit()
    leader = make_user("leader", ["xuzhou"])
    clock.freeze(date(2026, 3, 9))  # the deadline day: not late
    [row] = rows(todo_table(page(app, leader), "step"))
    assert "2026-03-02" in row and "2026-03-09" in row and ">7<" in row and "zc-overdue" not in row
    clock.freeze(date(2026, 3, 10))
    [row] = rows(todo_table(page(app, leader), "step"))
    assert 'class="zc-todo zc-overdue"' in row and ">8<" in row


def test_the_list_changes_as_the_application_moves(app):
    clock.freeze(date(2026, 3, 4))
    application = at_step("xuzhou", "decide")
    leader, officer = make_user("leader", ["xuzhou"]), make_user("officer", ["xuzhou"])
    assert application.space.name in todo_table(page(app, leader), "step")
    assert 'id="todos-none"' in page(app, officer)
    workflow.act(application, "approve", leader, opinion="同意")
    assert todo_table(page(app, leader), "step") == ""
    assert application.space.name in todo_table(page(app, officer), "step")  # now at the public notice


def test_the_admin_has_no_to_do_list(app):
    html = page(app, make_user("admin"))
    assert 'id="todos"' not in html


def test_the_applicants_portal_home_lists_his_own_to_dos(app):
    clock.freeze(date(2026, 3, 4))
    title, applicant, *_ = titled("xuzhou")
    returned = make_application("xuzhou", space=title.space, status="returned", current_step="recommend")
    found = ChangeReport(recognition_id=title.id, jurisdiction="xuzhou", kind="area", changed_on=date(2025, 12, 1),
                         due_on=date(2026, 3, 3), description="发现", status="found")
    db.session.add(found)
    db.session.commit()
    other, stranger, *_ = titled("kunming")
    make_application("kunming", space=other.space, status="returned", current_step="district_review")

    assert todos.applicant_todos in applicant_pages.PORTAL_TASKS
    html = page(app, applicant, "/portal/")
    tasks = html[html.index('id="portal-tasks"'):]
    tasks = tasks[:tasks.index("</ul>")]
    assert f'id="task-return-{returned.id}"' in tasks and f'href="/portal/applications/{returned.id}"' in tasks
    change = re.search(rf'<li id="task-change-{found.id}" class="zc-overdue">.*?</li>', tasks, re.S).group(0)
    assert "2026-03-03" in change and f'href="/portal/changes/{found.id}"' in change
    assert other.space.name not in tasks
    assert 'id="portal-tasks"' in page(app, stranger, "/portal/")  # his own return


def test_the_policy_page_shows_the_step_time_limit_as_the_bureaus_setting(app):
    officer = make_user("officer", ["xuzhou"])
    assert "step_time_limit_days" not in page(app, officer, "/admin/policy/xuzhou")
    set_bureau_setting("xuzhou", bureau_data.STEP_TIME_LIMIT, 10)
    html = page(app, officer, "/admin/policy/xuzhou")
    assert "本局设定：每个审核步骤的办理时限（工作日；不设则不限）" in html and "step_time_limit_days" in html


def test_every_kind_links_to_its_page(app):
    """Each kind's link and full-list link resolve (the officer, the leader and the expert of 徐州)."""
    from core.platform.models import (Batch, ExpertAssignment, Rectification, Revocation, StatisticsReturn)
    from tests.after_recognition_helpers import entitlement

    clock.freeze(date(2026, 3, 4))
    title, _, officer, leader = titled("xuzhou")
    returned = StatisticsReturn(space_id=title.space_id, year=2025, status="submitted", checking_jurisdiction="xuzhou")
    change = ChangeReport(recognition_id=title.id, jurisdiction="xuzhou", kind="area", changed_on=date(2026, 2, 1),
                          description="面积", status="reported", reported_on=date(2026, 2, 10))
    rect = Rectification(recognition_id=title.id, jurisdiction="xuzhou", ground="assessment", requirements="整改",
                         ordered_on=date(2025, 3, 1), deadline=date(2026, 3, 1), status="reported",
                         reported_on=date(2026, 2, 20))
    revocation = Revocation(recognition_id=title.id, jurisdiction="xuzhou", proposal="撤销", status="proposed")
    batch = Batch(jurisdiction="xuzhou", name="第一批")
    db.session.add_all([returned, change, rect, revocation, batch])
    db.session.commit()
    money = entitlement(title, "pending")
    application = at_step("xuzhou", "expert_review", batch_id=batch.id)
    expert = make_user("expert", ["xuzhou"])
    db.session.add(ExpertAssignment(batch_id=batch.id, expert_id=expert.id))
    db.session.commit()

    html = page(app, officer)
    assert f'href="/admin/statistics/return/{returned.id}"' in todo_table(html, "statistics")
    assert f'href="/admin/changes/{change.id}"' in todo_table(html, "change")
    assert f'href="/admin/rectifications/{rect.id}"' in todo_table(html, "rectification")
    html = page(app, leader)
    assert f'href="/admin/revocations/{revocation.id}"' in todo_table(html, "revocation")
    assert f'href="/admin/money/{money.id}"' in todo_table(html, "entitlement")
    html = page(app, expert)
    assert f'href="/admin/batches/{batch.id}/score/{application.id}"' in todo_table(html, "scoring")


def test_applications_nobody_can_act_on_count_among_the_officers_to_dos(app):
    """A step no recommender covers (无人可办理) is the officer's to assign or to act on in its place:
    counted in his 待办, which then never says that nothing waits; the leader's 待办 does not count it."""
    from core.review import attendance

    clock.freeze(date(2026, 3, 4))
    officer = make_user("officer", ["kunming"])
    leader = make_user("leader", ["kunming"])
    assert 'id="todos-none"' in page(app, officer) and 'id="todo-unattended"' not in page(app, officer)
    stuck = make_application("kunming", "comprehensive_service", status="submitted",
                             current_step="district_review", submitted_on=date(2026, 3, 2))
    db.session.commit()
    assert attendance.unattended(stuck)  # no recommender of 昆明 at all
    html = page(app, officer)
    assert 'id="todos-none"' not in html and 'id="todo-unattended"' in html and 'href="#unattended"' in html
    assert re.search(r"</strong> · 1</div>", html.split('id="todos"', 1)[1])
    assert 'id="todo-unattended"' not in page(app, leader)
