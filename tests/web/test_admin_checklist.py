"""The criteria checklist of an application (/admin/checklist/<id>): every criterion of
the policy applied with its result, message and citation; manual judgements recorded
by officers and experts, refused for everyone else — real HTTP, real database."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.platform.extensions import db
from core.platform.models import AuditEvent, Batch, ExpertAssignment, ReviewRecord
from tests.factories import login, make_application, make_user

EXAMPLE = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def kunming_application(**facts_changes):
    facts = dict(EXAMPLE, **facts_changes)
    return make_application("kunming", "comprehensive_service", facts=facts, submitted_on=date(2026, 3, 2))


def logged_in(app, role, jurisdictions=("kunming",)):
    client = app.test_client()
    user = make_user(role, jurisdictions)
    assert login(client, user).status_code == 302
    return client, user


def token_of(client, url):
    match = CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert match, url
    return match.group(1)


def test_officer_sees_every_criterion_with_result_and_citation(app):
    application = kunming_application()
    client, _ = logged_in(app, "officer")
    response = client.get(f"/admin/checklist/{application.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = plain(html)
    assert "昆科发〔2017〕55号" in text and 'data-verdict="eligible_pending_review"' in html
    assert "待人工审核" in text and "eligible_pending_review" not in text  # words, not the code
    # 第七条（一）: 620 ㎡ against 300 ㎡, an automatic criterion that passes
    row = re.search(r'<tr id="criterion-kunming.area".*?</tr>', html, re.S).group(0)
    assert "table-success" in row and "620" in row and "第七条" in plain(row)
    # 第五条（二）: a manual criterion awaiting the experts
    row = re.search(r'<tr id="criterion-kunming.service_theme".*?</tr>', html, re.S).group(0)
    assert "table-warning" in row and "第五条" in plain(row) and 'name="result-kunming.service_theme"' in row


def test_area_just_below_the_threshold_fails_article_7(app):
    """昆科发〔2017〕55号 第七条（一）: 不低于 300 ㎡ — 299 fails, 300 passes."""
    client, _ = logged_in(app, "officer")
    below = kunming_application(total_area_m2=299, public_area_m2=30)
    at = kunming_application(total_area_m2=300, public_area_m2=30)
    html_below = client.get(f"/admin/checklist/{below.id}").get_data(as_text=True)
    html_at = client.get(f"/admin/checklist/{at.id}").get_data(as_text=True)
    row_below = re.search(r'<tr id="criterion-kunming.area".*?</tr>', html_below, re.S).group(0)
    row_at = re.search(r'<tr id="criterion-kunming.area".*?</tr>', html_at, re.S).group(0)
    assert "table-danger" in row_below and "ineligible" in html_below
    assert "table-success" in row_at and "eligible_pending_review" in html_at


def test_expert_records_a_judgement_with_audit(app):
    """昆科发〔2017〕55号 第十一条 专家实地审核: the expert judges in his batch, after
    declaring no conflict of interest (as for his scores)."""
    application = make_application("kunming", "comprehensive_service", facts=dict(EXAMPLE),
                                   submitted_on=date(2026, 3, 2), status="in_review", current_step="expert_review")
    client, expert = logged_in(app, "expert")
    # an expert sees only the applications of the batches he is assigned to (core.review.batches)
    batch = Batch(jurisdiction="kunming", name="第一批", experts=[ExpertAssignment(expert_id=expert.id)])
    db.session.add(batch)
    db.session.flush()
    application.batch_id = batch.id
    db.session.commit()
    url = f"/admin/checklist/{application.id}"
    fields = {"result-kunming.service_theme": "pass", "note-kunming.service_theme": "主题明确：智能制造",
              "result-kunming.service_team": "", "note-kunming.service_team": ""}
    token = CSRF_RE.search(client.get("/admin/").get_data(as_text=True)).group(1)
    refused = client.post(f"{url}/judge", data={"csrf_token": token, **fields})
    assert refused.status_code == 200 and "请先在评审批次页声明" in refused.get_data(as_text=True)
    assert db.session.scalars(select(ReviewRecord)).all() == []
    page = f"/admin/batches/{batch.id}"
    assert client.post(f"{page}/declare", data={"csrf_token": token_of(client, page),
                                                f"conflict-{application.id}": "no"}).status_code == 302
    response = client.post(f"{url}/judge", data={"csrf_token": token_of(client, url), **fields})
    assert response.status_code == 302
    record = db.session.scalars(select(ReviewRecord).where(ReviewRecord.application_id == application.id)).one()
    assert record.judgements == {"kunming.service_theme": {"result": "pass", "note": "主题明确：智能制造"}}
    assert record.actor_id == expert.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "criteria.manual_judgement")).one()
    assert event.actor_id == expert.id
    html = client.get(url).get_data(as_text=True)
    row = re.search(r'<tr id="criterion-kunming.service_theme".*?</tr>', html, re.S).group(0)
    assert "主题明确：智能制造" in row and expert.name in row


def test_fail_without_a_note_is_refused_and_keeps_what_was_typed(app):
    application = kunming_application()
    client, _ = logged_in(app, "officer")
    url = f"/admin/checklist/{application.id}"
    response = client.post(f"{url}/judge", data={
        "csrf_token": token_of(client, url),
        "result-kunming.service_theme": "pass", "note-kunming.service_theme": "写好的说明",
        "result-kunming.service_team": "fail", "note-kunming.service_team": "",
    })
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "须填写说明" in html and "写好的说明" in html
    assert db.session.scalars(select(ReviewRecord)).all() == []  # nothing half-written


def test_an_automatic_criterion_cannot_be_overridden(app):
    application = kunming_application(total_area_m2=299, public_area_m2=30)
    client, _ = logged_in(app, "officer")
    url = f"/admin/checklist/{application.id}"
    response = client.post(f"{url}/judge", data={"csrf_token": token_of(client, url),
                                                 "result-kunming.area": "pass", "note-kunming.area": ""})
    assert response.status_code == 200 and "不是本申报适用政策的人工审核条件" in response.get_data(as_text=True)
    assert db.session.scalars(select(ReviewRecord)).all() == []


@pytest.mark.parametrize("role", ["leader", "recommender", "admin"])
def test_roles_that_do_not_judge_see_but_cannot_record(app, role):
    application = kunming_application()
    client, _ = logged_in(app, role)
    url = f"/admin/checklist/{application.id}"
    html = client.get(url).get_data(as_text=True)
    assert "kunming.service_theme" in html and 'name="result-kunming.service_theme"' not in html
    # Post with a valid token from a page that has a form (the logout button).
    token = CSRF_RE.search(client.get("/admin/").get_data(as_text=True)).group(1)
    response = client.post(f"{url}/judge", data={"csrf_token": token, "result-kunming.service_theme": "pass"})
    assert response.status_code == 403
    assert db.session.scalars(select(ReviewRecord)).all() == []


def test_another_jurisdiction_gets_404(app):
    application = kunming_application()
    client, _ = logged_in(app, "officer", ("mile",))
    assert client.get(f"/admin/checklist/{application.id}").status_code == 404
    token = CSRF_RE.search(client.get("/admin/").get_data(as_text=True)).group(1)
    response = client.post(f"/admin/checklist/{application.id}/judge",
                           data={"csrf_token": token, "result-kunming.service_theme": "pass"})
    assert response.status_code == 404
    assert db.session.scalars(select(ReviewRecord)).all() == []


def test_post_without_csrf_is_refused(app):
    application = kunming_application()
    client, _ = logged_in(app, "officer")
    response = client.post(f"/admin/checklist/{application.id}/judge",
                           data={"result-kunming.service_theme": "pass"})
    assert response.status_code == 400
    assert db.session.scalars(select(ReviewRecord)).all() == []


def test_facts_that_do_not_parse_are_reported_not_a_crash(app):
    application = kunming_application(uscc="91530112AY4CL12T20")  # wrong check character
    client, _ = logged_in(app, "officer")
    response = client.get(f"/admin/checklist/{application.id}")
    assert response.status_code == 200
    assert 'id="facts-error"' in response.get_data(as_text=True) and "uscc" in response.get_data(as_text=True)


def test_yunnan_after_lapse_says_no_policy_in_force(app):
    """云科规〔2021〕1号 is in force to 2026-04-03; an application submitted after it is
    judged under no policy until the bureau registers a successor."""
    facts = dict(EXAMPLE)
    application = make_application("yunnan", "provincial", facts=facts, submitted_on=date(2026, 4, 4))
    client, _ = logged_in(app, "officer", ("yunnan",))
    html = client.get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    assert 'id="no-policy"' in html and "云科规〔2021〕1号" in html


def test_application_list_links_to_the_checklist(app):
    application = kunming_application()
    client, _ = logged_in(app, "officer")
    html = client.get("/admin/application/").get_data(as_text=True)
    assert f"/admin/checklist/{application.id}" in html


# --- 原则上: an exception recorded by the experts, with a reason ------------------------------


def row_of(html, cid):
    return re.search(rf'<tr id="criterion-{re.escape(cid)}".*?</tr>', html, re.S).group(0)


def post_judgement(client, application, **fields):
    url = f"/admin/checklist/{application.id}"
    return client.post(f"{url}/judge", data={"csrf_token": token_of(client, url), **fields})


def test_kunming_area_below_300_accepts_an_exception_with_a_reason_article_7_item_1(app, tmp_path):
    """昆科发〔2017〕55号 第七条（一）“面积原则上在300平方米以上”: 299 ㎡ fails automatically; the
    experts record 例外（原则上条款） with a reason, shown beside the automatic result; the
    checklist's verdict counts it while zhongchuang evaluate keeps the automatic answer."""
    application = kunming_application(total_area_m2=299, public_area_m2=30)
    client, officer = logged_in(app, "officer")
    html = client.get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    assert 'value="exception"' in row_of(html, "kunming.area") and "原则上" in plain(row_of(html, "kunming.area"))
    response = post_judgement(client, application, **{"result-kunming.area": "exception",
                                                       "note-kunming.area": "园区统一规划，299㎡满足孵化需要"})
    assert response.status_code == 302
    record = db.session.scalars(select(ReviewRecord).where(ReviewRecord.application_id == application.id)).one()
    assert record.judgements == {"kunming.area": {"result": "exception", "note": "园区统一规划，299㎡满足孵化需要"}}
    html = client.get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    row = plain(row_of(html, "kunming.area"))
    assert "场地面积 299㎡，低于 300㎡" in row and "不通过" in row  # the automatic result stays
    assert "例外（原则上条款）" in row and "园区统一规划，299㎡满足孵化需要" in row and officer.name in row
    verdict = re.search(r'<div class="alert[^"]*" id="verdict" data-verdict="([^"]*)">(.*?)</div>\s*</div>', html, re.S)
    assert verdict.group(1) == "eligible_pending_review"  # both, the automatic one named
    assert re.search(r'id="automatic-verdict" data-verdict="ineligible"', verdict.group(2))
    assert "待专家审核" in plain(verdict.group(2)) and "不符合" in plain(verdict.group(2))
    assert "eligible_pending_review" not in plain(verdict.group(2))  # no internal code shown
    # zhongchuang evaluate has no experts: the automatic answer
    from core.cli import cli
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(application.facts, ensure_ascii=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(cli, ["evaluate", "--jurisdiction", "kunming", "--category",
                                                "comprehensive_service", "--as-of", "2026-03-02", str(facts)])
    assert json.loads(result.stdout)["verdict"] == "ineligible"


def test_an_exception_on_kunming_area_does_not_excuse_another_failed_criterion_article_7(app):
    """昆科发〔2017〕55号 第七条（一）: the exception covers only the 原则上 area; a lease under 3 years
    (also 第七条（一）, no 原则上) still makes the checklist ineligible."""
    application = kunming_application(total_area_m2=299, public_area_m2=30, lease_years=2)
    client, _ = logged_in(app, "officer")
    assert post_judgement(client, application, **{"result-kunming.area": "exception",
                                                  "note-kunming.area": "理由"}).status_code == 302
    html = client.get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    assert 'id="verdict" data-verdict="ineligible"' in html and 'id="automatic-verdict"' not in html


@pytest.mark.parametrize(
    ("facts", "fields", "message"),
    [
        # no reason
        ({"total_area_m2": 299, "public_area_m2": 30},
         {"result-kunming.area": "exception", "note-kunming.area": "  "}, "须填写理由"),
        # 300 ㎡ passes: nothing to except
        ({"total_area_m2": 300, "public_area_m2": 30},
         {"result-kunming.area": "exception", "note-kunming.area": "理由"}, "无需记录例外"),
        # 第七条（一）租赁期不少于3年 is not stated 原则上
        ({"lease_years": 2}, {"result-kunming.lease": "exception", "note-kunming.lease": "理由"},
         "不是“原则上”条款"),
        # a manual criterion takes 符合 / 不符合, not an exception
        ({}, {"result-kunming.service_theme": "exception", "note-kunming.service_theme": "理由"},
         "不是“原则上”条款"),
        # the 原则上 criterion cannot be overridden to 符合
        ({"total_area_m2": 299, "public_area_m2": 30},
         {"result-kunming.area": "pass", "note-kunming.area": "理由"}, "只能记录“例外（原则上条款）”"),
    ],
    ids=["no-reason", "at-300-passes", "lease-not-as-a-rule", "manual", "pass-on-as-a-rule"],
)
def test_exceptions_refused_outside_failed_as_a_rule_criteria_article_7_item_1(app, facts, fields, message):
    """昆科发〔2017〕55号 第七条（一）: only a failed 原则上 criterion accepts 例外, with a reason."""
    application = kunming_application(**facts)
    client, _ = logged_in(app, "officer")
    response = post_judgement(client, application, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(ReviewRecord)).all() == []


def test_mile_area_below_200_accepts_an_exception_article_5_item_2(app):
    """弥政办发〔2017〕5号 附件1 第五条（二）“面积原则上在200平方米以上（含200平方米）”: 199 ㎡ fails
    and takes an exception; 200 ㎡ passes and offers none."""
    mile = dict(EXAMPLE, registered_region="532504", space_region="532504", total_area_m2=199, public_area_m2=30)
    below = make_application("mile", "comprehensive", facts=mile, submitted_on=date(2026, 3, 2))
    at = make_application("mile", "comprehensive", facts=dict(mile, total_area_m2=200),
                          submitted_on=date(2026, 3, 2))
    client, _ = logged_in(app, "officer", ("mile",))
    html = client.get(f"/admin/checklist/{at.id}").get_data(as_text=True)
    assert "table-success" in row_of(html, "mile.area") and 'value="exception"' not in row_of(html, "mile.area")
    html = client.get(f"/admin/checklist/{below.id}").get_data(as_text=True)
    assert "table-danger" in row_of(html, "mile.area") and 'value="exception"' in row_of(html, "mile.area")
    assert post_judgement(client, below, **{"result-mile.area": "exception",
                                            "note-mile.area": "专家组认为面积满足需要"}).status_code == 302
    row = plain(row_of(client.get(f"/admin/checklist/{below.id}").get_data(as_text=True), "mile.area"))
    assert "例外（原则上条款）" in row and "专家组认为面积满足需要" in row


# --- independent review: one judgement per judge, each expert sees only his own -------------------


SHEET = ("场地与设施", "运营管理团队", "创业服务能力", "孵化成效")  # our default score sheet
THEME = "kunming.service_theme"


def two_expert_review(app, **facts_changes):
    """A 昆明 application at 第十一条's 专家现场调研、实地审核 step, in a batch with two experts
    who declared no conflict of interest; a browser for each judge and viewer."""
    from core.review import batches, experts
    application = make_application("kunming", "comprehensive_service", facts=dict(EXAMPLE, **facts_changes),
                                   submitted_on=date(2026, 3, 2), status="in_review",
                                   current_step="expert_review", policy_document="昆科发〔2017〕55号")
    clients, users = {}, {}
    for role in ("officer", "first", "second", "leader", "recommender"):
        clients[role], users[role] = logged_in(app, "expert" if role in ("first", "second") else role)
    batch = batches.create_batch("kunming", "2026年第一批", users["officer"])
    batches.add_application(batch, application.id, users["officer"])
    for expert in ("first", "second"):
        batches.assign_expert(batch, users[expert].id, users["officer"])
        experts.declare(batch, users[expert], conflict=False)
    return application, batch, clients, users


def checklist_row(client, application, cid=THEME):
    response = client.get(f"/admin/checklist/{application.id}")
    assert response.status_code == 200
    return row_of(response.get_data(as_text=True), cid)


def judge(client, application, cid, result, note):
    return post_judgement(client, application, **{f"result-{cid}": result, f"note-{cid}": note})


def test_each_expert_sees_only_his_own_judgement_during_the_review_article_11(app):
    """昆科发〔2017〕55号 第十一条 专家现场调研、实地审核: the second expert's 不符合 and note are
    not shown to the first expert nor to the recommender; neither expert's judgement
    erases the other's; the officer and the leader see both side by side, 意见不一."""
    application, _, clients, users = two_expert_review(app)
    assert judge(clients["first"], application, THEME, "pass", "甲：主题为智能制造，明确").status_code == 302
    assert judge(clients["second"], application, THEME, "fail", "乙：主题泛化，不明确").status_code == 302
    records = db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "manual_judgement")
                                 .order_by(ReviewRecord.id)).all()
    assert [(r.actor_id, r.judgements[THEME]["result"]) for r in records] == [
        (users["first"].id, "pass"), (users["second"].id, "fail")]
    first = checklist_row(clients["first"], application)
    assert "甲：主题为智能制造" in first and users["first"].name in first
    assert "乙：主题泛化" not in first and users["second"].name not in first
    assert "待人工审核" in plain(first) and "意见不一" not in first  # no finding from hidden judgements
    second = checklist_row(clients["second"], application)
    assert "乙：主题泛化" in second and "甲：主题为智能制造" not in second and users["first"].name not in second
    hidden = clients["first"].get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    assert 'id="judgements-hidden"' in hidden and "其他专家也看不到您的判断" in hidden
    recommender = clients["recommender"].get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    assert "甲：主题为智能制造" not in recommender and "乙：主题泛化" not in recommender
    assert users["first"].name not in recommender and users["second"].name not in recommender
    assert "不向推荐单位显示" in recommender
    for role in ("officer", "leader"):
        row = checklist_row(clients[role], application)
        assert "甲：主题为智能制造" in row and "乙：主题泛化" in row, role
        assert users["first"].name in row and users["second"].name in row and "评审专家" in row, role
        assert "意见不一" in plain(row) and "table-warning" in row, role


def test_a_revision_replaces_only_the_experts_own_judgement_article_11(app):
    """昆科发〔2017〕55号 第十一条: the first expert changes his mind; his earlier judgement is
    replaced, the second expert's stays; once every expert agrees the finding is 不通过."""
    application, _, clients, users = two_expert_review(app)
    assert judge(clients["second"], application, THEME, "fail", "乙：主题泛化，不明确").status_code == 302
    officer = checklist_row(clients["officer"], application)
    # one expert of two: the criterion still awaits the first, who is named
    assert "待人工审核" in plain(officer) and f"尚未判断的专家：{users['first'].name}" in plain(officer)
    assert judge(clients["first"], application, THEME, "pass", "甲：初判符合").status_code == 302
    assert judge(clients["first"], application, THEME, "fail", "甲：复核后认为不明确").status_code == 302
    officer = checklist_row(clients["officer"], application)
    assert "甲：初判符合" not in officer and "甲：复核后认为不明确" in officer and "乙：主题泛化" in officer
    assert officer.count('class="zc-judgement') == 2 and "尚未判断的专家" not in officer  # every expert has judged (the tally may say 0 人尚未判断)
    assert "不通过" in plain(officer) and "table-danger" in officer
    first = checklist_row(clients["first"], application)
    assert "甲：复核后认为不明确" in first and "乙：主题泛化" not in first and "table-danger" not in first


def test_after_the_review_ends_experts_see_all_and_may_not_change_article_11(app):
    """昆科发〔2017〕55号 第十一条: once the officer concludes the batch's expert review, each
    expert sees the other's judgement and may no longer change his own."""
    from core.review import batches, experts
    application, batch, clients, users = two_expert_review(app)
    assert judge(clients["first"], application, THEME, "pass", "甲：主题明确").status_code == 302
    assert judge(clients["second"], application, THEME, "fail", "乙：主题泛化").status_code == 302
    for expert, values in (("first", ("18", "16", "24", "21")), ("second", ("15", "17", "27", "25"))):
        experts.score(batch, application.id, users[expert], dict(zip(SHEET, values)), "实地查验：与材料一致")
    experts.conclude(batch, users["officer"], today=date(2026, 3, 20))
    first = checklist_row(clients["first"], application)
    assert "甲：主题明确" in first and "乙：主题泛化" in first and "意见不一" in plain(first)
    page = clients["first"].get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    assert "专家评审已结束" in page and f'name="result-{THEME}"' not in page
    token = CSRF_RE.search(page).group(1)  # the logout form's
    refused = clients["first"].post(f"/admin/checklist/{application.id}/judge",
                                    data={"csrf_token": token, f"result-{THEME}": "fail", f"note-{THEME}": "改判"})
    assert refused.status_code == 200 and "专家评审已结束" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ReviewRecord)
                             .where(ReviewRecord.action == "manual_judgement")) == 2


def test_a_conflicted_expert_may_not_judge_and_is_not_awaited_article_11(app):
    """昆科发〔2017〕55号 第十一条: an expert who declared a conflict of interest records no
    judgement; the finding waits only for the experts without one."""
    from core.review import batches, experts
    application, batch, clients, users = two_expert_review(app)
    third_client, third = logged_in(app, "expert")
    batches.assign_expert(batch, third.id, users["officer"])
    experts.declare(batch, third, conflict=True, note="曾任该单位顾问")
    page = third_client.get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    assert "利益冲突" in page and f'name="result-{THEME}"' not in page
    token = CSRF_RE.search(page).group(1)
    refused = third_client.post(f"/admin/checklist/{application.id}/judge",
                                data={"csrf_token": token, f"result-{THEME}": "pass", f"note-{THEME}": ""})
    assert refused.status_code == 200 and "利益冲突" in refused.get_data(as_text=True)
    assert db.session.scalars(select(ReviewRecord)).all() == []
    for expert in ("first", "second"):
        assert judge(clients[expert], application, THEME, "pass", "").status_code == 302
    officer = checklist_row(clients["officer"], application)
    assert "table-success" in officer and "不通过" not in plain(officer) and third.name not in officer


def test_the_officers_judgement_must_agree_with_the_experts_article_11(app):
    """昆科发〔2017〕55号 第十一条: the officer's judgement at the bureau's review counts beside
    the experts'; it does not settle the criterion while experts are awaited, and a
    disagreement with them is shown, not resolved by whoever wrote last."""
    application, _, clients, users = two_expert_review(app)
    assert judge(clients["officer"], application, THEME, "pass", "").status_code == 302
    assert "待人工审核" in plain(checklist_row(clients["officer"], application))
    assert judge(clients["first"], application, THEME, "pass", "").status_code == 302
    assert judge(clients["second"], application, THEME, "fail", "乙：不明确").status_code == 302
    # the experts see neither the officer's judgement nor each other's
    assert users["officer"].name not in checklist_row(clients["first"], application)
    assert "意见不一" in plain(checklist_row(clients["leader"], application))


def test_an_exception_counts_once_every_expert_recorded_it_article_7_item_1(app):
    """昆科发〔2017〕55号 第七条（一）“面积原则上在300平方米以上”: with two experts, the
    checklist's verdict counts the exception on 299 ㎡ only when both recorded it; the
    first expert does not see the second's reason during the review."""
    application, _, clients, users = two_expert_review(app, total_area_m2=299, public_area_m2=30)

    def verdict(client):
        html = client.get(f"/admin/checklist/{application.id}").get_data(as_text=True)
        return re.search(r'id="verdict" data-verdict="([^"]+)"', html).group(1)

    assert verdict(clients["officer"]) == "ineligible"
    assert judge(clients["first"], application, "kunming.area", "exception", "甲：园区统一规划").status_code == 302
    assert verdict(clients["officer"]) == "ineligible"
    row = checklist_row(clients["officer"], application, "kunming.area")
    assert "甲：园区统一规划" in row and f"尚未记录例外的专家：{users['second'].name}" in plain(row)
    assert "甲：园区统一规划" not in checklist_row(clients["second"], application, "kunming.area")
    assert judge(clients["second"], application, "kunming.area", "exception", "乙：满足孵化需要").status_code == 302
    assert verdict(clients["officer"]) == verdict(clients["leader"]) == "eligible_pending_review"
    # the first expert and the recommender see only what they may: the automatic verdict
    assert verdict(clients["first"]) == verdict(clients["recommender"]) == "ineligible"
