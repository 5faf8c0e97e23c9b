"""Expert review (core/review/batches.py and experts.py, /admin/batches): an expert sees only his batches,
declares no conflict of interest before scoring, every dimension is checked, the
officer sees the scores side by side with their means and concludes the whole batch
in one transaction — on the real database, over HTTP with CSRF on."""
from __future__ import annotations

from sqlalchemy import func, select

from core.review import batches, experts

from core.bureau import data as bureau_data
from core.bureau import operations as bureau_operations
from core.platform.extensions import db
from core.platform.models import BureauSetting, ExpertAssignment, ReviewRecord
from tests.factories import make_user
from tests.domain.test_batches import as_user, at_step, count, post, review_events, staff

SHEET = ("场地与设施", "运营管理团队", "创业服务能力", "孵化成效")  # our default (20, 20, 30, 30)


def scores_form(*values, notes="实地查验：场地、团队与材料一致") -> dict:
    return {**{f"score-{i}": v for i, v in enumerate(values)}, "notes": notes}


def batch_with(users, applications, experts):
    officer = users["officer"]
    batch = batches.create_batch("mile", "2026年第一批", officer)
    for a in applications:
        batches.add_application(batch, a.id, officer)
    for e in experts:
        batches.assign_expert(batch, e.id, officer)
    return batch


def test_expert_sees_only_his_batch(app):
    users = staff()
    other_expert = make_user("expert", ("mile",))
    mine, theirs, unbatched = at_step(), at_step(), at_step()
    batch = batch_with(users, [mine], [users["expert"]])
    other = batch_with(users, [theirs], [other_expert])
    client = as_user(app, users["expert"])
    listing = client.get("/admin/batches/").get_data(as_text=True)
    assert f'id="batch-{batch.id}"' in listing and f'id="batch-{other.id}"' not in listing
    assert client.get(f"/admin/batches/{other.id}").status_code == 404
    # the application list, details and checklist follow core.accounts.scoping
    applications = client.get("/admin/application/").get_data(as_text=True)
    assert f'/admin/case/{mine.id}"' in applications or f"case/{mine.id}" in applications
    assert f"case/{theirs.id}" not in applications and f"case/{unbatched.id}" not in applications
    assert client.get(f"/admin/application/details/?id={theirs.id}").status_code in (302, 404)
    assert client.get(f"/admin/checklist/{mine.id}").status_code == 200
    for foreign in (theirs, unbatched):
        assert client.get(f"/admin/checklist/{foreign.id}").status_code == 404
    # scoring an application of another batch: 404, nothing written
    experts.declare(batch, users["expert"], conflict=False)
    page = f"/admin/batches/{batch.id}"
    for url in (f"/admin/batches/{other.id}/score/{theirs.id}", f"/admin/batches/{batch.id}/score/{theirs.id}"):
        assert post(client, page, url, scores_form("18", "18", "25", "25")).status_code == 404
    assert count(ReviewRecord) == 0


def test_declare_before_scoring_and_conflict(app):
    users = staff()
    second = make_user("expert", ("mile",))
    application = at_step()
    batch = batch_with(users, [application], [users["expert"], second])
    client = as_user(app, users["expert"])
    page = f"/admin/batches/{batch.id}"
    sheet = f"{page}/score/{application.id}"
    refused = post(client, page, sheet, scores_form("18", "18", "25", "25"))
    assert refused.status_code == 400 and "请先声明" in refused.get_data(as_text=True)
    assert count(ReviewRecord) == 0
    assert post(client, page, f"{page}/declare", {f"conflict-{application.id}": "no"}).status_code == 302
    # the second expert declares a conflict: he may not score, the officer sees it
    conflicted = as_user(app, second)
    refused = post(conflicted, page, f"{page}/declare", {f"conflict-{application.id}": "yes", f"note-{application.id}": ""})
    assert refused.status_code == 400 and "须说明情况" in refused.get_data(as_text=True)
    assert post(conflicted, page, f"{page}/declare",
                {f"conflict-{application.id}": "yes", f"note-{application.id}": "曾任该单位顾问"}).status_code == 302
    refused = post(conflicted, page, sheet, scores_form("18", "18", "25", "25"))
    assert refused.status_code == 400 and "利益冲突" in refused.get_data(as_text=True)
    assert post(client, page, sheet, scores_form("18", "18", "25", "25")).status_code == 302
    officer_page = as_user(app, users["officer"]).get(page).get_data(as_text=True)
    assert "曾任该单位顾问" in officer_page
    db.session.expire_all()
    assignment = db.session.scalars(select(ExpertAssignment).where(ExpertAssignment.expert_id == second.id)).one()
    assert assignment.conflict_declared_at is not None and assignment.no_conflict_declared_at is None
    # the only expert without a conflict has scored: complete
    assert experts.expert_review_incomplete(application) is None


def test_scoring_refusals_keep_what_was_typed(app):
    users = staff()
    application = at_step()
    batch = batch_with(users, [application], [users["expert"]])
    experts.declare(batch, users["expert"], conflict=False)
    client = as_user(app, users["expert"])
    sheet = f"/admin/batches/{batch.id}/score/{application.id}"
    before = review_events()
    cases = [
        (scores_form("18", "", "25", "25"), "请填写“运营管理团队”的得分"),          # a dimension missing
        (scores_form("18", "21", "25", "25"), "应在 0 至 20 之间，实为 21"),         # above the sheet's max
        (scores_form("-1", "18", "25", "25"), "应在 0 至 20 之间，实为 -1"),         # below 0
        (scores_form("18", "很好", "25", "25"), "应为数字，实为“很好”"),            # text
        (scores_form("18", "18", "25", "nan"), "应在 0 至 30 之间"),                # not a finite number
        (scores_form("18", "18", "25", "25", notes=""), "请填写实地查验情况"),
    ]
    for data, message in cases:
        response = post(client, sheet, sheet, data)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html, message
        assert f'value="{data["score-1"]}"' in html  # what was typed is kept
    assert count(ReviewRecord) == 0 and review_events() == before
    # the boundaries themselves are accepted: 0 and the maximum
    assert post(client, sheet, sheet, scores_form("0", "20", "30", "12.5")).status_code == 302
    record = db.session.scalars(select(ReviewRecord)).one()
    assert (record.step, record.action) == ("expert_review", "score")
    assert record.scores == {"场地与设施": 0, "运营管理团队": 20, "创业服务能力": 30, "孵化成效": 12.5}


def test_a_bureau_score_sheet_replaces_our_default(app):
    users = staff()
    bureau_operations.set_bureau_setting("mile", bureau_data.REVIEW_DIMENSIONS, ["创新性", {"name": "示范性", "max": 50}],
                                         document="弥农科发〔2026〕1号", actor=users["officer"])
    application = at_step()
    batch = batch_with(users, [application], [users["expert"]])
    experts.declare(batch, users["expert"], conflict=False)
    client = as_user(app, users["expert"])
    sheet = f"/admin/batches/{batch.id}/score/{application.id}"
    html = client.get(sheet).get_data(as_text=True)
    assert '<td lang="zh">示范性</td><td>50</td>' in html and '<td lang="zh">创新性</td><td>100</td>' in html
    refused = post(client, sheet, sheet, scores_form("100", "51"))
    assert "应在 0 至 50 之间" in refused.get_data(as_text=True)
    assert post(client, sheet, sheet, scores_form("100", "50")).status_code == 302
    assert db.session.scalars(select(ReviewRecord)).one().scores == {"创新性": 100, "示范性": 50}
    assert db.session.scalar(select(func.count()).select_from(BureauSetting)) == 1


def test_side_by_side_means_and_conclusion(app):
    users = staff()
    second = make_user("expert", ("mile",))
    first_app, second_app = at_step(), at_step()
    batch = batch_with(users, [first_app, second_app], [users["expert"], second])
    officer = as_user(app, users["officer"])
    page = f"/admin/batches/{batch.id}"
    # no score yet: the conclusion is refused as a whole, nothing moves
    refused = post(officer, page, f"{page}/conclude", {})
    assert refused.status_code == 400 and "尚有专家未评分" in refused.get_data(as_text=True)
    for expert in (users["expert"], second):
        experts.declare(batch, expert, conflict=False)
    experts.score(batch, first_app.id, users["expert"], dict(zip(SHEET, ("18", "16", "24", "21"))), "良好")
    experts.score(batch, first_app.id, second, dict(zip(SHEET, ("15", "17", "27", "25"))), "较好")
    experts.score(batch, second_app.id, users["expert"], dict(zip(SHEET, ("10", "10", "10", "10"))), "一般")
    html = officer.get(page).get_data(as_text=True)
    # means per dimension (16.5, 16.5, 25.5, 23) and the mean of the totals (79 and 84 → 81.5)
    for mean in ("16.5", "25.5", "23", "81.5", "79", "84"):
        assert f">{mean}<" in html, mean
    refused = post(officer, page, f"{page}/conclude", {})
    assert refused.status_code == 400 and f"申报 #{second_app.id}" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert first_app.current_step == second_app.current_step == "expert_review" and batch.status == "open"
    # the last score, then one transaction for the whole batch
    experts.score(batch, second_app.id, second, dict(zip(SHEET, ("12", "12", "12", "12"))), "一般")
    assert post(officer, page, f"{page}/conclude", {"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    assert first_app.current_step == second_app.current_step == "bureau_decision"
    assert batch.status == "concluded"
    # the scores stay on the batch page for the leader's decision
    assert ">81.5<" in as_user(app, users["leader"]).get(page).get_data(as_text=True)
    # an expert may not conclude, nor score any more
    refused = post(as_user(app, users["expert"]), page, f"{page}/score/{first_app.id}",
                   scores_form("18", "18", "25", "25"))
    assert refused.status_code == 400 and "不在专家评审步骤" in refused.get_data(as_text=True)


def test_no_expert_means_incomplete(app):
    users = staff()
    application = at_step()
    assert experts.expert_review_incomplete(application) == "该申报尚未编入评审批次"
    batch_with(users, [application], [])
    assert experts.expert_review_incomplete(application) == "该批次尚未指派评审专家"
