"""The policy page shows, under each criterion, the notice period and each subsidy rule, the
policy cases it is tested with and their result on the installed code (issue 21) — through real
HTTP, with an add-on plugin shipping a small case folder of its own for 昆明 (one passing and one
deliberately failing case for 第七条（一）, a notice case, a subsidy case expecting only a total)."""
from __future__ import annotations

import re

import pytest
from flask_babel import gettext

from core.admin.policy import CASE_KEY_LABELS
from core.platform import clock
from core.policy_cases import results
from core.policy_cases.runner import KEY_WORDS
from tests.conftest import sent_statements
from tests.factories import make_user
from tests.notice_helpers import logged_in
from tests.unit.test_policy_case_results import BASE, CASES, case_folder, with_cases
from tests.web.test_english_mode import english_text, leftover_chinese, policy_strings, vocabulary_strings


@pytest.fixture
def cases_app(app_factory, tmp_path):
    clock.freeze(clock.today())
    app = app_factory(registry=with_cases(case_folder(tmp_path / "cases", CASES)))
    with app.app_context():
        yield app


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def cases_of(html: str, subject: str) -> str:
    """The <details> of one subject's cases."""
    start = html.index(f'<details class="zc-cases" data-subject="{subject}"')
    return html[start:html.index("</details>", start)]


def case_table(html: str, details: str, name: str) -> str:
    """The full table of the case named ``name``, listed in ``details`` (a subject's cases): the
    line there links to the one table of that case in the page's section of all cases."""
    line = details[details.rindex("<li", 0, details.index(name)):details.index("</li>", details.index(name))]
    anchor = re.search(r'href="#([\w-]+)"', line).group(1)
    start = html.index(f'id="{anchor}"')
    return html[html.rindex("<table", 0, start):html.index("</table>", start)]


def words(app, msgid: str, **values) -> str:
    with app.test_request_context():
        return gettext(msgid, **values)


def test_a_criterion_shows_its_cases_and_their_result(cases_app):
    html = logged_in(cases_app, make_user("admin")).get("/admin/policy/kunming").get_data(as_text=True)
    area = cases_of(html, "kunming.area")
    assert "<details class=\"zc-cases\" data-subject=\"kunming.area\" open>" in html  # a failure is open
    summary = plain(area[:area.index("</summary>")])
    passed, failed = map(int, re.findall(r"\d+", summary))
    assert passed >= 1 and failed >= 1 and "badge-danger" in area
    assert summary.strip().endswith(words(cases_app, "%(passed)s passed, %(failed)s failed", passed=passed, failed=failed))
    passing = case_table(html, area, "场地面积恰为 300㎡（“以上”含本数）")
    failing = case_table(html, area, "故意写错：299㎡ 预期符合")
    text = plain(passing)
    assert words(cases_app, "Case passed") in text and words(cases_app, "Case not passed") not in text
    assert "众创空间总面积: 300" in text and BASE in text and "2026-11-23" in text and "第七条（一）" in text
    assert "“以上”包括本数（场地面积原则上在300平方米以上）" in text  # an id in the note, by its name
    assert "zc-case-failed" not in passing and "table-danger" not in passing
    # the failing one: not passed, with what the policy actually gave
    text = plain(failing)
    assert words(cases_app, "Case not passed") in text and "众创空间总面积: 299" in text
    assert "不符合（场地面积 299㎡，低于 300㎡" in text
    assert "zc-case-failed" in failing and '<tr class="table-danger">' in failing
    # the criterion by its title, never its id
    assert "场地面积原则上在300平方米以上" in text and "kunming.area" not in plain(area)


def test_the_notice_period_and_the_subsidy_rules_show_their_cases(cases_app):
    html = logged_in(cases_app, make_user("admin")).get("/admin/policy/kunming").get_data(as_text=True)
    notice = plain(case_table(html, cases_of(html, results.NOTICE), "公示 7 天"))
    assert "公示 7 天" in notice and "2026-06-08" in notice and "2026-06-01" in notice
    assert words(cases_app, "Case passed") in notice
    # a case expecting only a total is under every rule of its event
    fund = plain(case_table(html, cases_of(html, "kunming.guidance_fund"), "市级认定的奖补合计"))
    assert "市级认定的奖补合计" in fund and "100000" in fund and "市级" in fund
    ran = plain(re.search(r'id="policy-cases-ran">(.*?)</p>', html, re.S).group(1))
    assert clock.today().isoformat() in ran


def test_running_the_cases_adds_no_statement_to_the_page(cases_app):
    """The first request runs the cases (they read none of the bureau's data; the switches
    they check are read once per request anyway); the next reuses them."""
    client = logged_in(cases_app, make_user("admin"))
    client.get("/admin/policy/xuzhou")  # the signed-in user is loaded once in a test's session
    with sent_statements() as first:
        assert 'data-subject="kunming.area"' in client.get("/admin/policy/kunming").get_data(as_text=True)
    with sent_statements() as again:
        client.get("/admin/policy/kunming")
    assert len(first) == len(again), "\n".join(first)


def test_the_page_in_english(cases_app):
    client = logged_in(cases_app, make_user("admin"))
    assert client.get("/lang/en").status_code == 302
    html = client.get("/admin/policy/kunming").get_data(as_text=True)
    area = cases_of(html, "kunming.area")
    assert re.search(r"\d+ passed, [1-9]\d* failed", area) and "Case passed" in area and "Case not passed" in area
    assert "Policy cases" in area and "What it varies" in html and "Based on" in html
    assert "were run at" in html
    allowed = sorted(policy_strings() | vocabulary_strings(), key=len, reverse=True)
    start = html.index('id="policy-cases-ran"')
    assert leftover_chinese(english_text(html[start:]), allowed) == []


def test_an_officer_of_another_jurisdiction_gets_404(cases_app):
    client = logged_in(cases_app, make_user("officer", ["xuzhou"]))
    assert client.get("/admin/policy/kunming").status_code == 404
    assert client.get("/admin/policy/xuzhou").status_code == 200


def test_a_malformed_shipped_file_shows_its_error_not_a_500(app_factory, tmp_path):
    broken = CASES.replace("check: notice_period", "check: notice")
    app = app_factory(registry=with_cases(case_folder(tmp_path / "cases", broken)))
    with app.app_context():
        response = logged_in(app, make_user("admin")).get("/admin/policy/kunming")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        error = plain(re.search(r'id="policy-cases-error">(.*?)</div>', html, re.S).group(1))
        assert "page.yaml" in error and "用例「公示 7 天」" in error and "check" in error
        assert 'data-subject="kunming.area"' not in html  # nothing is run


def test_a_jurisdiction_shipping_no_cases_says_so(app_factory, tmp_path, monkeypatch):
    monkeypatch.setattr(results, "shipped_cases", lambda code: [])
    app = app_factory(registry=with_cases(tmp_path / "none"))  # a plugin set of its own: run anew
    with app.app_context():
        html = logged_in(app, make_user("admin")).get("/admin/policy/kunming").get_data(as_text=True)
        assert 'id="policy-cases-none"' in html and "data-subject" not in html


def test_every_expected_key_has_a_label_in_either_language():
    """The page names what a case expects as policy-test does (KEY_WORDS), through gettext."""
    assert set(CASE_KEY_LABELS) == set(KEY_WORDS)


@pytest.mark.parametrize("code", ["mile", "kunming", "yunnan", "xuzhou"])
def test_the_shipped_cases_each_in_full_once_in_words(app, code):
    """Each shipped case's table is on the page once (the lines under each criterion link to it), and
    what a case varies or records is in words: no fact, finding or ground code shows bare."""
    html = logged_in(app, make_user("admin")).get(f"/admin/policy/{code}").get_data(as_text=True)
    runs = results.case_results(code).runs
    assert runs and html.count('class="table table-sm table-bordered small zc-case') == len(runs)
    assert all(html.count(f'id="{r.anchor}"') == 1 for r in runs)
    text = plain(html[html.index('id="all-policy-cases"'):])
    for code_word in ("qualifying_field", "institution", "serious_violation", "operator_deregistered",
                      "unqualified", "recognized_on", "registration", '{"'):
        assert code_word not in text, code_word
