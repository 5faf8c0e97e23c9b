"""Annual assessment pages through HTTP (issue 17; 弥政办发〔2017〕5号 第十五条 年度综合考核,
量化打分考核排序; 徐政发〔2016〕12号 五（一） 社会机构评价考核): who may open what, form errors in
Chinese next to the field keeping what was typed, and the walk officer → expert → officer →
leader → officer → applicant.  Real HTTP with CSRF on, real database.
"""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from core.bureau.operations import set_bureau_setting
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import AssessmentRound, SubsidyEntitlement
from tests.conftest import csrf_token
from tests.domain.test_assessments import BANDS, WEIGHTS
from tests.factories import login, make_space, make_title, make_user, pdf_bytes

DESK = "/admin/assessments/"


@pytest.fixture()
def people(app):
    clock.freeze(date(2026, 2, 1))
    space = make_space(region="532504")
    return {"space": space, "title": make_title("mile", space, date(2024, 6, 1)),
            "other": make_title("mile", make_space(region="532504"), date(2024, 6, 1)),
            "applicant": make_user("applicant", organisation_id=space.organisation_id),
            "officer": make_user("officer", ["mile"]), "leader": make_user("leader", ["mile"]),
            "expert": make_user("expert", ["mile"], name="考核专家甲")}


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _post(client, url, page, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def test_open_form_errors_in_chinese_next_to_the_field_keep_what_was_typed(app, people):
    client = signed_in(app, people["officer"])
    answer = _post(client, DESK + "open", DESK, jurisdiction="mile", year="二〇二五", note="请各空间配合")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'id="year-error"' in html and "考核年度" in html
    assert 'value="二〇二五"' in html and "请各空间配合" in html
    assert db.session.scalar(select(AssessmentRound.id)) is None


def test_walk_every_role_mile_第十五条(app, people):
    set_bureau_setting("mile", "assessment_weights", WEIGHTS, document="弥农科发〔2026〕1号", actor=people["officer"])
    set_bureau_setting("mile", "assessment_bands", BANDS, document="弥农科发〔2026〕1号", actor=people["officer"])
    officer = signed_in(app, people["officer"])
    opened = _post(officer, DESK + "open", DESK, jurisdiction="mile", year="2025", note="")
    assert opened.status_code == 302
    rnd = db.session.scalars(select(AssessmentRound)).one()
    page = f"{DESK}round/{rnd.id}"
    html = officer.get(page).get_data(as_text=True)
    assert "本局设定" in html and "弥农科发〔2026〕1号" in html and "第十五条" in html
    assert _post(officer, page + "/scorer", page, user_id=str(people["expert"].id),
                 expected_version=str(rnd.version)).status_code == 302

    expert = signed_in(app, people["expert"])
    before = expert.get(page).get_data(as_text=True)
    assert 'id="declaration"' in before and people["title"].title not in before  # declare before seeing
    assert _post(expert, page + "/declare", page, conflict="no").status_code == 302
    db.session.expire_all()
    ids = sorted(a.id for a in rnd.assessments)
    sheet_url = f"{page}/score/{ids[0]}"
    bad = _post(expert, sheet_url, sheet_url, carrying_capacity="101", service_capacity="80",
                collaboration_capacity="八十", opinion="服务较好")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="carrying_capacity-error"' in html and "0 至 100" in html
    assert 'value="101"' in html and 'value="八十"' in html and "服务较好" in html
    for aid, value in zip(ids, ("92", "55")):
        url = f"{page}/score/{aid}"
        assert _post(expert, url, url, carrying_capacity=value, service_capacity=value,
                     collaboration_capacity=value, opinion="").status_code == 302
    assert expert.post(page + "/submit", data={"csrf_token": csrf_token(expert, page)}).status_code == 403

    db.session.expire_all()
    assert _post(officer, page + "/submit", page, expected_version=str(rnd.version)).status_code == 302
    leader = signed_in(app, people["leader"])
    db.session.expire_all()
    empty = _post(leader, page + "/approve", page, opinion="", expected_version=str(rnd.version))
    assert empty.status_code == 400 and 'id="opinion-error"' in empty.get_data(as_text=True)
    stale = _post(leader, page + "/approve", page, opinion="同意", expected_version=str(rnd.version - 1))
    assert stale.status_code == 409 and "他人" in stale.get_data(as_text=True)
    assert _post(leader, page + "/approve", page, opinion="同意", expected_version=str(rnd.version)).status_code == 302
    db.session.expire_all()
    assert rnd.status == "approved"
    assert db.session.query(SubsidyEntitlement).count() == 1  # 不合格 gets none; amount not set: null

    applicant = signed_in(app, people["applicant"])
    assert people["title"].title not in applicant.get("/portal/assessments/").get_data(as_text=True)
    assert _post(officer, page + "/publish", page, expected_version=str(rnd.version)).status_code == 302
    mine = applicant.get("/portal/assessments/").get_data(as_text=True)
    assert people["title"].title in mine and "优秀" in mine and people["other"].title not in mine


def test_pages_scoped_by_role_and_jurisdiction(app, people):
    from core.monitoring import assessments
    rnd = assessments.open_round("mile", 2025, people["officer"])
    page = f"{DESK}round/{rnd.id}"
    for user, status in ((people["officer"], 200), (people["leader"], 200), (make_user("admin"), 200),
                         (make_user("officer", ["kunming"]), 404), (people["expert"], 404),
                         (make_user("recommender", ["mile"]), 403)):
        assert signed_in(app, user).get(page).status_code == status, user.role
    assert signed_in(app, people["applicant"]).get(page).status_code in (302, 403)
    assert signed_in(app, people["leader"]).get(DESK).status_code == 200
    # the leader may not act as the officer
    leader = signed_in(app, people["leader"])
    assert leader.post(page + "/submit", data={"csrf_token": csrf_token(leader, page)}).status_code == 403


def test_xuzhou_五_一_agency_report_upload_and_grades(app):
    clock.freeze(date(2026, 3, 1))
    officer = make_user("officer", ["xuzhou"])
    title = make_title("xuzhou", make_space(region="320302"), date(2024, 6, 1))
    from core.monitoring import assessments
    rnd = assessments.open_round("xuzhou", 2025, officer)
    aid = rnd.assessments[0].id
    client = signed_in(app, officer)
    page = f"{DESK}round/{rnd.id}"
    token = csrf_token(client, page)
    bad = client.post(page + "/agency", data={"csrf_token": token, "agency": "徐州市科技评估中心",
                                              f"grade-{aid}": "good", "expected_version": str(rnd.version),
                                              "report": (io.BytesIO(b"MZ not a pdf"), "report.pdf")},
                      content_type="multipart/form-data")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="report-error"' in html and "徐州市科技评估中心" in html
    ok = client.post(page + "/agency", data={"csrf_token": token, "agency": "徐州市科技评估中心",
                                             f"grade-{aid}": "good", "expected_version": str(rnd.version),
                                             "report": (io.BytesIO(pdf_bytes()), "评价报告.pdf")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    assert client.get(page + "/report").status_code == 200
    assert title.title in client.get(page).get_data(as_text=True)


def test_settings_page_refuses_bad_weights_next_to_the_field_keeping_them(app, people):
    """The weights are a bureau setting (第十五条 gives none): a dimension missing is named in Chinese."""
    client = signed_in(app, people["officer"])
    page = "/admin/bureausetting/new/"
    assert "mile:assessment_weights" in client.get(page).get_data(as_text=True)
    typed = '{"carrying_capacity": 50, "service_capacity": 50}'
    answer = client.post(page, data={"csrf_token": csrf_token(client, page), "target": "mile:assessment_weights",
                                     "value": typed, "document": "弥农科发〔2026〕1号", "article": "", "note": ""})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "缺少维度" in html and "社会协作能力" in html
    assert "carrying_capacity" in html  # what was typed stays


def test_an_expert_who_declared_a_conflict_reads_nothing_of_the_round(app, people):
    """The same declaration as the review: having declared a conflict of interest, the expert is
    told so, and the round's results and the agency's report stay closed to him."""
    from core.monitoring import assessments

    rnd = assessments.open_round("mile", 2025, people["officer"])
    assessments.assign_scorer(rnd, people["expert"].id, people["officer"])
    assessments.declare(rnd, people["expert"], conflict=True, note="本人任该空间创业导师")
    client = signed_in(app, people["expert"])
    page = client.get(f"{DESK}round/{rnd.id}").get_data(as_text=True)
    assert "您已声明存在利益冲突" in page and 'id="assessments"' not in page
    assert client.get(f"{DESK}round/{rnd.id}/report").status_code == 403
