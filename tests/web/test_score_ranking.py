"""Issue 22 rank: aggregates and flags, queries to a flagged expert, the ranking after conclusion,
the meeting paper (xlsx, PDF) and blind batches — over HTTP with CSRF on, on the real database."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from core.platform.extensions import db
from core.platform.models import AuditEvent, Batch, ReviewRecord, ScoreQuery
from core.review import experts, score_queries
from tests.factories import make_user
from tests.domain.test_batches import as_user, at_step, count, post, staff
from tests.web.test_expert_review import SHEET, batch_with, scores_form


def sheet(*values):
    return dict(zip(SHEET, values))


def three_experts(app):
    users = staff()
    panel = [users["expert"], make_user("expert", ("mile",), name="专家乙"), make_user("expert", ("mile",), name="专家丙")]
    first, second = at_step(), at_step()
    batch = batch_with(users, [first, second], panel)
    for e in panel:
        experts.declare(batch, e, conflict=False)
    return users, panel, batch, first, second


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_flag_query_revise_rank_and_paper(app):
    users, panel, batch, first, second = three_experts(app)
    # first: 80, 80, 60 → the third is 20 away from the others' 80 (> 15): flagged
    experts.score(batch, first.id, panel[0], sheet("20", "20", "20", "20"), "好")
    experts.score(batch, first.id, panel[1], sheet("20", "20", "20", "20"), "好")
    low = experts.score(batch, first.id, panel[2], sheet("15", "15", "15", "15"), "一般")
    # second: 80, 80, 80 → the same mean as first after the revision below; its median too
    for e in panel:
        experts.score(batch, second.id, e, sheet("20", "20", "20", "20"), "好")
    officer = as_user(app, users["officer"])
    page = f"/admin/batches/{batch.id}"
    html = officer.get(page).get_data(as_text=True)
    assert 'id="aggregates"' in html and f'data-expert="{panel[2].id}"' in html
    assert 'id="ranking"' not in html  # no ranking while the review is open
    # the expert sees neither the aggregates nor the others' scores
    expert_html = as_user(app, panel[0]).get(page).get_data(as_text=True)
    assert 'id="aggregates"' not in expert_html
    # only a flagged sheet may be queried
    refused = post(officer, page, f"{page}/query", {"record_id": str(experts.latest_scores(first)[panel[0].id].id)})
    assert refused.status_code == 400 and "未被标记" in refused.get_data(as_text=True) and count(ScoreQuery) == 0
    assert post(officer, page, f"{page}/query", {"record_id": str(low.id), "note": "请复核"}).status_code == 302
    refused = post(officer, page, f"{page}/query", {"record_id": str(low.id)})
    assert refused.status_code == 400 and count(ScoreQuery) == 1  # one open query per sheet
    query = db.session.scalars(select(ScoreQuery)).one()
    # another expert may not answer it
    assert post(as_user(app, panel[0]), page, f"{page}/query/{query.id}/confirm", {}).status_code == 400
    flagged = as_user(app, panel[2])
    assert f'id="my-query-{query.id}"' in flagged.get(page).get_data(as_text=True)
    score_page = flagged.get(f"{page}/score/{first.id}").get_data(as_text=True)
    assert 'id="open-query"' in score_page and f"/query/{query.id}/revise/{first.id}" in score_page
    # a wrong sheet writes nothing
    bad = post(flagged, f"{page}/score/{first.id}", f"{page}/query/{query.id}/revise/{first.id}",
               scores_form("99", "20", "20", "20"))
    assert bad.status_code == 400 and count(ReviewRecord) == 6
    ok = post(flagged, f"{page}/score/{first.id}", f"{page}/query/{query.id}/revise/{first.id}",
              scores_form("20", "20", "20", "19", notes="复核后调整"))
    assert ok.status_code == 302
    db.session.expire_all()
    assert query.answer == "revised" and query.revised_record_id == experts.latest_scores(first)[panel[2].id].id
    assert {"score.query_asked", "score.query_revised"} <= set(actions())
    # no ranking or paper before conclusion
    assert officer.get(f"{page}/meeting-paper.xlsx").status_code == 403
    assert post(officer, page, f"{page}/conclude", {"confirm": "yes"}).status_code == 302
    # the leader sees the ranking beside the verdicts: second (80) above first (79.67)
    leader = as_user(app, users["leader"])
    html = leader.get(page).get_data(as_text=True)
    assert 'id="ranking"' in html and html.index(f'id="rank-{second.id}"') < html.index(f'id="rank-{first.id}"')
    assert "zc-rank" in html and 'id="meeting-paper"' in html
    # the paper: xlsx (cells as text), PDF; each audited
    response = leader.get(f"{page}/meeting-paper.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][0] == "排名" and rows[1][0] == "1" and rows[2][0] == "2"
    assert "专家丙·总分" in rows[0] and "复核后调整" in rows[2]
    pdf = leader.get(f"/admin/documents/batch/{batch.id}/meeting-paper.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert actions().count("batch.meeting_paper_exported") == 2
    # experts may not export it
    assert as_user(app, panel[0]).get(f"{page}/meeting-paper.xlsx").status_code == 403
    assert as_user(app, panel[0]).get(f"/admin/documents/batch/{batch.id}/meeting-paper.pdf").status_code == 403


def test_confirm_and_no_query_after_conclusion(app):
    users, panel, batch, first, second = three_experts(app)
    for e, v in zip(panel, ("20", "20", "10")):
        experts.score(batch, first.id, e, sheet(v, v, v, v), "意见")
        experts.score(batch, second.id, e, sheet("20", "20", "20", "20"), "意见")
    low = experts.latest_scores(first)[panel[2].id]
    query = score_queries.ask(batch, low.id, users["officer"])
    page = f"/admin/batches/{batch.id}"
    assert post(as_user(app, panel[2]), page, f"{page}/query/{query.id}/confirm", {}).status_code == 302
    db.session.expire_all()
    assert query.answer == "confirmed" and "score.query_confirmed" in actions()
    officer = as_user(app, users["officer"])
    assert post(officer, page, f"{page}/conclude", {"confirm": "yes"}).status_code == 302
    refused = post(officer, page, f"{page}/query", {"record_id": str(low.id)})
    assert refused.status_code == 400 and count(ScoreQuery) == 1


def test_blind_batch_hides_the_applicant_from_experts(app):
    users = staff()
    application = at_step()
    batch = batch_with(users, [application], [users["expert"]])
    officer = as_user(app, users["officer"])
    page = f"/admin/batches/{batch.id}"
    assert post(officer, page, f"{page}/blind", {"blind": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Batch, batch.id).blind and "batch.blind_set" in actions()
    expert = as_user(app, users["expert"])
    experts.declare(batch, users["expert"], conflict=False)
    for url in (page, f"{page}/score/{application.id}"):
        html = expert.get(url).get_data(as_text=True)
        assert 'id="blind-note"' in html
        assert application.space.name not in html and application.organisation.name not in html
    # the officer still sees who applied
    assert application.space.name in officer.get(page).get_data(as_text=True)
    # once an expert has scored, the choice is fixed
    experts.score(batch, application.id, users["expert"], sheet("20", "20", "20", "20"), "意见")
    refused = post(officer, page, f"{page}/blind", {"blind": "no"})
    assert refused.status_code == 400 and "已有专家评分" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Batch, batch.id).blind
