"""The expert pool (专家库, issue 22): the xlsx import (all or nothing, one message per bad cell
naming its row and column), the profile and its checks, declared relationships, pause and resume,
the review history, scoping (another jurisdiction's officer gets a 404, an expert edits only
himself) and the audit — real HTTP with CSRF on, SQLite and PostgreSQL."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.facts import make_uscc
from core.platform.extensions import db
from core.platform.models import (AuditEvent, Batch, ExpertAssignment, ExpertProfile, ExpertRelationship,
                                  ReviewRecord, User, UserNotice)
from core.review import expert_pool
from core.review.expert_import import EXAMPLE, HEADERS
from tests.conftest import csrf_token
from tests.factories import login, make_application, make_user

USCC = make_uscc("530102", "MA100001")
OTHER_USCC = make_uscc("530103", "MA100002")
GOOD = [
    ("李明", "13800000001", "创业孵化、科技金融、创业孵化", "云南大学", USCC, "530102", "在库"),
    ("王芳", "wangfang@example.cn", "知识产权", None, None, 530103, "暂停"),
]


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, code: str = "kunming", name: str = "experts.xlsx"):
    token = csrf_token(client, "/admin/experts/import")
    return client.post("/admin/experts/import", data={"csrf_token": token, "jurisdiction": code,
                                                      "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def post(client, url: str, data: dict, page: str):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


@pytest.fixture
def officer(app, client):
    user = make_user("officer", ["kunming"])
    login(client, user)
    return user


@pytest.fixture
def expert(app):
    """A 昆明 expert with a profile."""
    user = make_user("expert", ["kunming"], name="赵专家")
    db.session.add(ExpertProfile(user_id=user.id, fields=["创业孵化"], organisation_name="昆明理工大学",
                                 region="530102", status="active"))
    db.session.commit()
    return user


# --- the import ----------------------------------------------------------------------------


def test_the_template_has_the_chinese_headers(client, officer):
    response = client.get("/admin/experts/import/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert HEADERS == ("姓名", "登录名（手机或邮箱）", "专业领域（以、分隔）", "工作单位", "工作单位统一社会信用代码",
                       "所在地区代码", "状态（在库/暂停）")


def test_a_good_file_creates_the_experts_with_a_temporary_password_and_audits_each_row(client, officer):
    response = upload(client, workbook(GOOD))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    li = db.session.scalar(select(User).where(User.login == "13800000001"))
    wang = db.session.scalar(select(User).where(User.login == "wangfang@example.cn"))
    assert li.role == wang.role == "expert"
    assert li.jurisdiction_codes == {"kunming"} and li.must_change_password
    profile = db.session.get(ExpertProfile, li.id)
    assert profile.fields == ["创业孵化", "科技金融"]  # deduplicated, order kept
    assert (profile.organisation_name, profile.organisation_uscc, profile.region, profile.status) == (
        "云南大学", USCC, "530102", "active")
    assert db.session.get(ExpertProfile, wang.id).region == "530103"  # a number cell read as its digits
    assert db.session.get(ExpertProfile, wang.id).status == "paused"
    assert html.count('class="zc-temporary"') == 2  # shown once to the officer who hands them over
    assert db.session.scalar(select(UserNotice).where(UserNotice.user_id == li.id)) is not None
    imported = events("expert.imported")
    assert [(e.detail["row"], e.jurisdiction, e.actor_id) for e in imported] == [(2, "kunming", officer.id),
                                                                                 (3, "kunming", officer.id)]
    assert [p for _, p in expert_pool.pool_of("kunming")] == [profile]  # the paused one is not drawn


def test_an_existing_expert_of_another_jurisdiction_gets_the_officers_jurisdiction(client, officer):
    other = make_user("expert", ["yunnan"], login="13800000001", name="李明")
    assert upload(client, workbook(GOOD[:1])).status_code == 200
    db.session.expire_all()
    assert db.session.get(User, other.id).jurisdiction_codes == {"yunnan", "kunming"}
    assert count(User) == 2  # nobody created
    assert db.session.get(ExpertProfile, other.id).fields == ["创业孵化", "科技金融"]
    # audited for both bureaus he serves
    assert {e.jurisdiction for e in events("expert.imported")} == {"kunming", "yunnan"}


BAD_ROWS = [
    (("", "13800000009", "孵化", None, None, None, None), "第 2 行「姓名」：不能为空"),
    (("甲" * 101, "13800000009", "孵化", None, None, None, None), "第 2 行「姓名」：不能超过 100 字"),
    (("张三", "", "孵化", None, None, None, None), "第 2 行「登录名（手机或邮箱）」：不能为空"),
    (("张三", "1380000000", "孵化", None, None, None, None), "不是手机号（11 位）或邮箱地址"),
    (("张三", "13800000009", "孵" * 51, None, None, None, None), "第 2 行「专业领域（以、分隔）」：专业领域"),
    (("张三", "13800000009", "孵化", "单" * 201, None, None, None), "第 2 行「工作单位」：不能超过 200 字"),
    (("张三", "13800000009", "孵化", None, USCC[:-1] + ("0" if USCC[-1] != "0" else "1"), None, None),
     "第 2 行「工作单位统一社会信用代码」"),
    (("张三", "13800000009", "孵化", None, None, "53010", None), "第 2 行「所在地区代码」：所在地区代码应为六位数字"),
    (("张三", "13800000009", "孵化", None, None, "990102", None), "前两位 99 不是 GB/T 2260"),
    (("张三", "13800000009", "孵化", None, None, None, "退休"), "第 2 行「状态（在库/暂停）」：应为 在库 或 暂停"),
    (EXAMPLE, "第 2 行是模板的示例"),
]


@pytest.mark.parametrize("row, message", BAD_ROWS)
def test_a_bad_row_writes_nothing_and_names_its_row_and_column(client, officer, row, message):
    users = count(User)
    response = upload(client, workbook([row, GOOD[1]]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'id="import-errors"' in html  # next to the upload
    assert count(User) == users and count(ExpertProfile) == 0 and events("expert.imported") == []


def test_every_bad_cell_of_every_row_is_listed_and_duplicated_logins_too(client, officer):
    rows = [("", "x", "孵化", None, "123", "1", "否"), GOOD[0], ("李明二", "13800000001", "孵化", None, None, None, None)]
    html = upload(client, workbook(rows)).get_data(as_text=True)
    for column in ("姓名", "登录名（手机或邮箱）", "工作单位统一社会信用代码", "所在地区代码", "状态（在库/暂停）"):
        assert f"第 2 行「{column}」" in html
    assert "第 4 行「登录名（手机或邮箱）」：“13800000001”与第 3 行重复" in html
    assert count(ExpertProfile) == 0


def test_the_login_of_an_applicant_is_an_error_and_its_role_is_kept(client, officer):
    applicant = make_user("applicant", login="13800000001")
    response = upload(client, workbook(GOOD))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 2 行「登录名（手机或邮箱）」：“13800000001”已是申报单位的账户" in html
    db.session.expire_all()
    assert db.session.get(User, applicant.id).role == "applicant"
    assert db.session.scalar(select(User).where(User.login == "wangfang@example.cn")) is None  # all or nothing


def test_a_file_that_is_not_a_workbook_or_has_other_headers_is_refused(client, officer):
    html = upload(client, b"%PDF-1.4 not a workbook", name="experts.xlsx").get_data(as_text=True)
    assert "文件不是 Excel（.xlsx）工作簿" in html
    html = upload(client, workbook(GOOD, headers=("姓名", "手机"))).get_data(as_text=True)
    assert "第 1 行应为模板的表头" in html
    html = upload(client, workbook([])).get_data(as_text=True)
    assert "工作簿中没有数据行" in html
    assert count(User) == 1


def test_an_officer_imports_only_into_his_jurisdictions(client, officer):
    response = upload(client, workbook(GOOD), code="mile")
    assert response.status_code == 400 and "请选择您所辖的辖区" in response.get_data(as_text=True)
    assert count(User) == 1


# --- the profile, the relationships, pause and resume ------------------------------------------


def test_profile_is_checked_field_by_field_and_saved_with_audit(client, officer, expert):
    page = f"/admin/experts/{expert.id}"
    response = post(client, f"{page}/profile", {"fields": "孵化、" + "长" * 51, "organisation_name": "云大",
                                                "organisation_uscc": "123", "region": "12345a", "status": "active"},
                    page)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for key in ("fields", "organisation_uscc", "region"):
        assert f'id="{key}-error"' in html
    assert 'value="123"' in html  # what was typed is kept
    assert db.session.get(ExpertProfile, expert.id).organisation_name == "昆明理工大学"
    # boundary: a field of exactly 50 characters is taken, duplicates and blanks dropped
    response = post(client, f"{page}/profile", {"fields": " 科技金融 、、" + "长" * 50 + "、科技金融", "organisation_name": "云大",
                                                "organisation_uscc": USCC.lower(), "region": "530102",
                                                "status": "active", "note": "长期合作"}, page)
    assert response.status_code == 302
    db.session.expire_all()
    profile = db.session.get(ExpertProfile, expert.id)
    assert profile.fields == ["科技金融", "长" * 50]
    assert (profile.organisation_uscc, profile.note) == (USCC, "长期合作")
    saved = events("expert.profile_saved")
    assert len(saved) == 1 and saved[0].jurisdiction == "kunming" and "工作单位" in saved[0].detail["changes"]


def test_pause_and_resume_take_the_expert_out_of_the_draw_and_back(client, officer, expert):
    page = f"/admin/experts/{expert.id}"
    assert [u for u, _ in expert_pool.pool_of("kunming")] == [expert]
    assert post(client, f"{page}/status", {"status": "paused", "note": "出国"}, page).status_code == 302
    assert expert_pool.pool_of("kunming") == []
    assert post(client, f"{page}/status", {"status": "paused"}, page).status_code == 400  # already
    assert post(client, f"{page}/status", {"status": "active"}, page).status_code == 302
    assert [u for u, _ in expert_pool.pool_of("kunming")] == [expert]
    assert [e.action for e in events("expert.paused") + events("expert.resumed")] == ["expert.paused",
                                                                                      "expert.resumed"]
    assert events("expert.paused")[0].opinion == "出国"


def test_relationships_are_declared_checked_and_removed_with_audit(client, officer, expert):
    page = f"/admin/experts/{expert.id}"
    response = post(client, f"{page}/relationships", {"organisation_uscc": "", "organisation_name": "",
                                                      "relation": ""}, page)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="relationship-organisation_uscc-error"' in html and 'id="relationship-relation-error"' in html
    data = {"organisation_uscc": OTHER_USCC, "organisation_name": "滇池创客", "relation": "曾任该单位顾问"}
    assert post(client, f"{page}/relationships", data, page).status_code == 302
    response = post(client, f"{page}/relationships", data, page)  # the same organisation twice
    assert response.status_code == 400 and "已申报与统一社会信用代码为" in response.get_data(as_text=True)
    row = db.session.scalar(select(ExpertRelationship))
    assert (row.expert_id, row.recorded_by_id, row.relation) == (expert.id, officer.id, "曾任该单位顾问")
    assert post(client, f"{page}/relationships/{row.id}/remove", {}, page).status_code == 302
    assert count(ExpertRelationship) == 0
    assert len(events("expert.relationship_added")) == len(events("expert.relationship_removed")) == 1


def test_the_review_history_lists_batches_and_scores(client, officer, expert):
    batch = Batch(jurisdiction="kunming", name="二〇二六年第一批", status="open")
    db.session.add(batch)
    db.session.flush()
    application = make_application("kunming", "comprehensive_service", status="in_review", batch_id=batch.id)
    db.session.add(ExpertAssignment(batch_id=batch.id, expert_id=expert.id))
    db.session.add(ReviewRecord(application_id=application.id, step="expert_review", action="score",
                                actor_id=expert.id, scores={"场地": 20, "服务": 35.5}, opinion="好"))
    db.session.commit()
    html = client.get(f"/admin/experts/{expert.id}").get_data(as_text=True)
    assert "二〇二六年第一批" in html and "55.5" in html and f"#{application.id}" in html


def test_the_list_filters_by_jurisdiction_field_status_and_name(client, officer, expert):
    other = make_user("expert", ["kunming"], name="钱专家")
    db.session.add(ExpertProfile(user_id=other.id, fields=["科技金融"], status="paused"))
    db.session.commit()
    html = client.get("/admin/experts/").get_data(as_text=True)
    assert "赵专家" in html and "钱专家" in html
    html = client.get("/admin/experts/?field=科技金融").get_data(as_text=True)
    assert "赵专家" not in html and "钱专家" in html
    html = client.get("/admin/experts/?status=active").get_data(as_text=True)
    assert "赵专家" in html and "钱专家" not in html
    html = client.get("/admin/experts/?search=赵").get_data(as_text=True)
    assert "赵专家" in html and "钱专家" not in html


# --- scoping -------------------------------------------------------------------------------


def test_another_jurisdictions_officer_gets_a_404(app, client, expert):
    login(client, make_user("officer", ["mile"]))
    assert "赵专家" not in client.get("/admin/experts/").get_data(as_text=True)
    assert client.get(f"/admin/experts/{expert.id}").status_code == 404
    token = csrf_token(client, "/admin/experts/")
    response = client.post(f"/admin/experts/{expert.id}/status", data={"csrf_token": token, "status": "paused"})
    assert response.status_code == 404
    assert db.session.get(ExpertProfile, expert.id).status == "active"


def test_the_leader_reads_without_forms_and_cannot_change(app, client, expert):
    login(client, make_user("leader", ["kunming"]))
    html = client.get(f"/admin/experts/{expert.id}").get_data(as_text=True)
    assert "赵专家" in html and 'id="profile-form"' not in html and 'id="status-form"' not in html
    token = csrf_token(client, "/admin/experts/")
    assert client.post(f"/admin/experts/{expert.id}/status",
                       data={"csrf_token": token, "status": "paused"}).status_code == 403
    assert client.get("/admin/experts/import").status_code == 403


def test_the_expert_edits_only_himself(app, client, expert):
    other = make_user("expert", ["kunming"], name="孙专家")
    login(client, expert)
    assert client.get(f"/admin/experts/{other.id}").status_code == 403  # the pool is not his
    page = "/admin/my-expert-profile/"
    html = client.get(page).get_data(as_text=True)
    assert "赵专家" in html and 'name="status"' not in html  # his status is the keeper's
    response = post(client, "/admin/my-expert-profile/profile", {"fields": "众创空间运营", "organisation_name": "云大",
                                                                 "organisation_uscc": "", "region": "530102",
                                                                 "status": "paused"}, page)
    assert response.status_code == 302
    db.session.expire_all()
    profile = db.session.get(ExpertProfile, expert.id)
    assert (profile.fields, profile.status) == (["众创空间运营"], "active")
    assert post(client, "/admin/my-expert-profile/relationships",
                {"organisation_uscc": OTHER_USCC, "relation": "亲属在该单位任职"}, page).status_code == 302
    # a relationship of someone else is not his to remove
    theirs = ExpertRelationship(expert_id=other.id, organisation_uscc=USCC, relation="股东")
    db.session.add(theirs)
    db.session.commit()
    assert post(client, f"/admin/my-expert-profile/relationships/{theirs.id}/remove", {}, page).status_code == 404
    assert db.session.get(ExpertRelationship, theirs.id) is not None
    assert events("expert.relationship_added")[0].actor_id == expert.id


def test_operations_refuse_the_wrong_actor_having_written_nothing(app, expert):
    other_expert = make_user("expert", ["kunming"])
    with pytest.raises(expert_pool.PoolError):
        expert_pool.save_profile(expert, other_expert, fields="x", organisation_name="", organisation_uscc="",
                                 region="")
    with pytest.raises(expert_pool.PoolError):
        expert_pool.set_status(expert, expert, "paused")  # not his own status
    with pytest.raises(expert_pool.PoolError):
        expert_pool.set_status(expert, make_user("officer", ["mile"]), "paused")
    assert events("expert.profile_saved") == events("expert.paused") == []
    admin = make_user("admin")
    expert_pool.set_status(expert, admin, "paused")
    assert db.session.get(ExpertProfile, expert.id).status == "paused"
