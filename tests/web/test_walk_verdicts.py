"""The checklist follows the judges, and the verdict is flagged where the officer works
(issue 13, "The walk") — real HTTP with CSRF on, real database.

- 昆科发〔2017〕55号 第十一条 (专家现场调研、实地审核): once every expert awaited has marked
  every manual criterion 符合, the rows say so (who and how many) and the checklist's
  verdict becomes 符合认定条件; one 不符合 makes it 不符合; before that it stays 待审核.
- The case page and the batch pages show the verdict in words with a link to the
  checklist: a failing application (第七条（一）租赁期不少于3年, lease 2 years) is flagged, a
  passing one is not.
"""
from __future__ import annotations

import re
from datetime import date

from core.review import batches
from core.eligibility.checklist import compute
from core.platform.models import Application
from tests.web.test_admin_checklist import (EXAMPLE, checklist_row, judge, kunming_application, logged_in, plain,
                                        two_expert_review)
from tests.factories import make_application

MANUAL = ("kunming.service_theme", "kunming.investors_stable")


def manual_criteria(application: Application, viewer) -> list[str]:
    return [r.id for r in compute(application, date(2026, 3, 20), viewer=viewer).manual_rows]


def verdict_code(client, application) -> str:
    html = client.get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    return re.search(r'id="verdict" data-verdict="([^"]+)"', html).group(1)


def test_every_manual_criterion_found_met_makes_the_verdict_eligible_article_11(app):
    """第十一条: two experts mark every manual criterion 符合 — each row says 符合 with
    "2 met of 2", and the verdict is 符合认定条件 for the officer and the leader."""
    application, _, clients, users = two_expert_review(app)
    manual = manual_criteria(application, users["officer"])
    assert len(manual) >= 2 and set(MANUAL) <= set(manual)
    assert verdict_code(clients["officer"], application) == "eligible_pending_review"
    for cid in manual:
        assert judge(clients["first"], application, cid, "pass", "").status_code == 302
    # one expert of two: still awaited, nothing settled, the tally says who is missing
    row = plain(checklist_row(clients["officer"], application, manual[0]))
    assert "待人工审核" in row and "1 人符合" in row and "1 人尚未判断" in row and "共 2 人" in row
    assert verdict_code(clients["officer"], application) == "eligible_pending_review"
    for cid in manual[:-1]:
        assert judge(clients["second"], application, cid, "pass", "").status_code == 302
    # the last criterion still awaits the second expert: no verdict yet
    assert verdict_code(clients["officer"], application) == "eligible_pending_review"
    assert judge(clients["second"], application, manual[-1], "pass", "").status_code == 302
    for cid in manual:
        row = checklist_row(clients["officer"], application, cid)
        text = plain(row)
        assert "table-success" in row and "待人工审核" not in text, cid
        assert "2 人符合" in text and "0 人不符合" in text and "0 人尚未判断" in text, cid
    for role in ("officer", "leader"):
        assert verdict_code(clients[role], application) == "eligible", role
        html = clients[role].get(f"/admin/checklist/{application.id}").get_data(as_text=True)
        verdict = plain(re.search(r'id="verdict"[^>]*>(.*?)</div>\s*</div>', html, re.S).group(1))
        assert "符合认定条件" in verdict and "eligible" not in verdict, role
    # an expert during the review sees his own judgement, not the settled verdict
    first = plain(checklist_row(clients["first"], application, manual[0]))
    assert "您的判断：符合" in first
    assert verdict_code(clients["first"], application) == "eligible_pending_review"


def test_one_manual_criterion_found_not_met_makes_the_verdict_ineligible_article_11(app):
    """第十一条: both experts find 第五条（二） (主题) not met — the row says 不通过 with
    "2 not met", the verdict 不符合 names the reviewers' finding; split stays pending."""
    application, _, clients, users = two_expert_review(app)
    manual = manual_criteria(application, users["officer"])
    for cid in manual:
        if cid != "kunming.service_theme":
            for expert in ("first", "second"):
                assert judge(clients[expert], application, cid, "pass", "").status_code == 302
    assert judge(clients["first"], application, "kunming.service_theme", "fail", "甲：主题不明确").status_code == 302
    assert judge(clients["second"], application, "kunming.service_theme", "pass", "").status_code == 302
    assert verdict_code(clients["officer"], application) == "eligible_pending_review"  # 意见不一
    assert "1 人符合" in plain(checklist_row(clients["officer"], application))
    assert judge(clients["second"], application, "kunming.service_theme", "fail", "乙：主题泛化").status_code == 302
    row = checklist_row(clients["officer"], application)
    assert "table-danger" in row and "2 人不符合" in plain(row)
    assert verdict_code(clients["officer"], application) == "ineligible"
    html = clients["officer"].get(f"/admin/checklist/{application.id}").get_data(as_text=True)
    assert "评审人员认定有人工审核条件不符合" in plain(html)


def test_case_page_flags_a_failing_application_and_not_a_passing_one_article_7(app):
    """第七条（一）租赁期不少于3年: lease 2 years fails; the case page says 不符合 in words and
    links to the checklist; a passing application is shown 待专家审核, not flagged."""
    failing = kunming_application(lease_years=2)
    passing = kunming_application()
    client, _ = logged_in(app, "officer")
    html = client.get(f"/admin/case/{failing.id}").get_data(as_text=True)
    cell = re.search(r'<td id="case-verdict">.*?</td>', html, re.S).group(0)
    assert f'href="/admin/checklist/{failing.id}"' in cell and 'data-verdict="ineligible"' in cell
    assert "不符合条件" in plain(cell) and "badge-danger" in cell and 'id="case-verdict-flag"' in cell
    assert "ineligible" not in plain(cell)
    html = client.get(f"/admin/case/{passing.id}").get_data(as_text=True)
    cell = re.search(r'<td id="case-verdict">.*?</td>', html, re.S).group(0)
    assert 'data-verdict="eligible_pending_review"' in cell and "badge-danger" not in cell
    assert "待专家审核" in plain(cell) and 'id="case-verdict-flag"' not in cell


def test_batch_pages_flag_the_failing_application_in_expert_review_article_7(app):
    """第七条（一）: a failing application sits in expert review beside a passing one — the
    batch list names it flagged, the batch page shows each verdict with its link."""
    _, users = None, None
    client, officer = logged_in(app, "officer")
    failing = make_application("kunming", "comprehensive_service", facts=dict(EXAMPLE, lease_years=2),
                               status="in_review", current_step="expert_review", policy_document="昆科发〔2017〕55号")
    passing = make_application("kunming", "comprehensive_service", facts=dict(EXAMPLE),
                               status="in_review", current_step="expert_review", policy_document="昆科发〔2017〕55号")
    batch = batches.create_batch("kunming", "2026年第一批", officer)
    for application in (failing, passing):
        batches.add_application(batch, application.id, officer)
    listing = client.get("/admin/batches/").get_data(as_text=True)
    cell = re.search(rf'<tr id="batch-{batch.id}">.*?</tr>', listing, re.S).group(0)
    assert f'href="/admin/checklist/{failing.id}"' in cell and f"#{failing.id}" in plain(cell)
    assert f'/admin/checklist/{passing.id}"' not in cell and "不符合条件" in plain(cell)
    page = client.get(f"/admin/batches/{batch.id}").get_data(as_text=True)
    for application, code, css in ((failing, "ineligible", "badge-danger"),
                                   (passing, "eligible_pending_review", "badge-warning")):
        badge = re.search(rf'<a href="/admin/checklist/{application.id}"[^>]*>', page).group(0)
        assert f'data-verdict="{code}"' in badge and css in badge
    # an empty batch: nothing flagged, no error
    empty = batches.create_batch("kunming", "2026年第二批", officer)
    listing = client.get("/admin/batches/").get_data(as_text=True)
    assert re.search(rf'<tr id="batch-{empty.id}">.*?</tr>', listing, re.S).group(0).count("zc-verdict") == 0
