"""The pre-check: for each enabled jurisdiction covering the space, each category of
the policy in force today, with every criterion's result and citation — real HTTP."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from core.bureau import operations as bureau_operations
from core.platform import clock
from core.cli import cli
from core.platform.extensions import db
from core.platform.models import JurisdictionSetting, Resident
from core.intake.spaces import ORGANISATION_KEYS, SPACE_KEYS, facts_of
from factories import login, make_org, make_space, make_user
from tests.domain.test_forms import FACTS

TODAY = date(2026, 11, 23)  # after 云科规〔2021〕1号 lapsed (2026-04-03)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    clock.freeze(TODAY)


def described_space(region: str, space_region: str | None = None, **changes):
    """A space whose operator described it (the facts of FACTS, with ``changes``), of an
    organisation registered in ``region``; the space lies in ``space_region`` (default: the same)."""
    org = make_org(region=region)
    facts = {k: v for k, v in {**FACTS, **changes}.items()
             if k not in ORGANISATION_KEYS + SPACE_KEYS + ("residents",)}
    space = make_space(org, region=space_region or region, opened_on=date(2023, 3, 15), facts=facts)
    for r in FACTS["residents"]:
        space.residents.append(Resident(
            name=r["name"], kind=r["kind"], qualifying_field=r["qualifying_field"],
            entered_on=date.fromisoformat(r["entered_on"]),
            established_on=date.fromisoformat(r["established_on"]) if r["established_on"] else None,
            registered_in_space=r["registered_in_space"]))
    db.session.commit()
    return space


def page_of(client, space) -> str:
    login(client, make_user(role="applicant", organisation=space.organisation))
    response = client.get(f"/portal/precheck?space={space.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def row(html: str, criterion_id: str) -> str:
    match = re.search(rf'<tr id="criterion-{re.escape(criterion_id)}".*?</tr>', html, re.S)
    assert match, criterion_id
    return match.group(0)


def test_kunming_space_sees_kunming_categories_and_yunnan_without_policy(client):
    html = page_of(client, described_space("530112"))
    assert 'id="jurisdiction-kunming"' in html and 'id="jurisdiction-yunnan"' in html
    assert 'id="jurisdiction-mile"' not in html and 'id="jurisdiction-xuzhou"' not in html
    assert "昆科发〔2017〕55号" in html
    assert 'id="category-kunming-comprehensive_service"' in html and 'id="category-kunming-tech_support"' in html
    # 云南: the policy lapsed on 2026-04-03, none is in force today — said so, nothing applied
    assert 'id="no-policy-yunnan"' in html and "云科规〔2021〕1号" in html and "2026-04-03" in html
    assert "apply-yunnan" not in html
    # a manual criterion is left to the experts; each row cites its article
    assert "由评审专家判断" in html
    assert "第七条（一）" in row(html, "kunming.area")
    # the apply button goes to the new-application page for this space and category
    assert re.search(r'href="/portal/applications/new\?[^"]*jurisdiction=kunming[^"]*"', html)


@pytest.mark.parametrize(("area", "result"), [(300, "符合"), (299, "不符合")])
def test_kunming_area_boundary(client, area, result):
    html = page_of(client, described_space("530112", total_area_m2=area))
    cell = row(html, "kunming.area")
    assert f'<td class="zc-result">{result}</td>' in cell
    assert f"场地面积 {area}㎡" in cell


def test_mile_space_sees_mile(client):
    html = page_of(client, described_space("532504"))
    assert 'id="jurisdiction-mile"' in html and 'id="jurisdiction-kunming"' not in html
    assert 'id="category-mile-comprehensive"' in html and 'id="category-mile-specialized"' in html
    assert "mile.area" in html


def test_disabled_jurisdiction_is_not_shown(client):
    db.session.add(JurisdictionSetting(code="kunming", enabled=False))
    db.session.commit()
    html = page_of(client, described_space("530112"))
    assert 'id="jurisdiction-kunming"' not in html and 'id="jurisdiction-yunnan"' in html


def test_incomplete_space_says_what_is_missing(client):
    space = make_space(make_org(region="530112"), region="530112")  # nothing described yet
    html = page_of(client, space)
    assert 'id="facts-error"' in html and "缺少必填项" in html
    assert 'id="jurisdiction-kunming"' in html  # the categories are still listed


def test_no_space_yet(client):
    login(client, make_user(role="applicant", organisation=make_org()))
    assert 'id="no-space"' in client.get("/portal/precheck").get_data(as_text=True)


def test_another_applicants_space_is_404_and_staff_403(client):
    mine = described_space("530112")
    foreign = described_space("532504")
    login(client, make_user(role="applicant", organisation=mine.organisation))
    assert client.get(f"/portal/precheck?space={foreign.id}").status_code == 404
    staff = client.application.test_client()
    login(staff, make_user(role="officer", jurisdictions=("kunming",)))
    assert staff.get(f"/portal/precheck?space={mine.id}").status_code == 403
    anonymous = client.application.test_client()
    assert "/login" in anonymous.get("/portal/precheck").headers["Location"]


def evaluate_cli(app, tmp_path, code: str, category: str, facts: dict) -> dict:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(cli, ["evaluate", "--jurisdiction", code, "--category", category,
                                                "--as-of", TODAY.isoformat(), str(path)])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("code", "category", "registered", "space_region", "inside", "article"),
    [
        # 弥政办发〔2017〕5号 附件1 第二条: 弥勒 532504; a space in 个旧 (532501) is outside
        ("mile", "comprehensive", "532504", "532504", True, "第二条"),
        ("mile", "comprehensive", "532504", "532501", False, "第二条"),
        # 昆科发〔2017〕55号 第五条: 昆明 5301xx; a space in 曲靖 (530302) is outside
        ("kunming", "comprehensive_service", "530112", "530102", True, "第五条"),
        ("kunming", "comprehensive_service", "530112", "530302", False, "第五条"),
    ],
)
def test_space_location_mile_art2_kunming_art5_cli_and_precheck_agree(app, client, tmp_path, code, category,
                                                                     registered, space_region, inside, article):
    """Where the space is, not where its operator is registered: the pre-check offers the
    jurisdiction only for a space inside it, and ``evaluate`` fails the location criterion
    for a space outside it — one rule (core.location.space_within) on both sides."""
    space = described_space(registered, space_region=space_region)
    html = page_of(client, space)
    answer = evaluate_cli(app, tmp_path, code, category, facts_of(space))
    crit = next(c for c in answer["criteria"] if c["id"] == f"{code}.space_location")
    assert crit["citation"]["article"] == article and crit["kind"] == "auto"
    if inside:
        assert crit["result"] == "pass" and answer["verdict"] == "eligible_pending_review"
        assert f'id="jurisdiction-{code}"' in html
        assert '<td class="zc-result">符合</td>' in row(html, f"{code}.space_location")
    else:
        assert crit["result"] == "fail" and answer["verdict"] == "ineligible"
        assert f"众创空间所在地 {space_region} 不在" in crit["message"]
        assert f'id="jurisdiction-{code}"' not in html


def test_xuzhou_wu_5_without_bureau_criteria_warns_on_the_page_and_in_the_cli(app, client, tmp_path):
    """徐政发〔2016〕12号 五（五）: criteria in 徐政发〔2015〕73号, not in the platform — the page
    does not say "自动判断的条件均已满足" but warns, as ``evaluate`` does; once the bureau
    has entered a criterion both stop warning."""
    space = described_space("320302")
    html = page_of(client, space)
    warning = re.search(r'id="criteria-warning-xuzhou-key">([^<]+)<', html)
    assert warning and "主管部门也尚未录入认定条件" in warning.group(1)
    section = html.split('id="category-xuzhou-key"', 1)[1]
    assert "自动判断的条件均已满足" not in section
    assert '<td class="zc-result">符合</td>' in row(html, "xuzhou.space_location")
    answer = evaluate_cli(app, tmp_path, "xuzhou", "key", facts_of(space))
    assert answer["verdict"] == "eligible_pending_review" and warning.group(1) in answer["warnings"]

    bureau_operations.add_bureau_criterion("xuzhou", category="key", crit_code="area", title="众创空间面积",
                                           fact_key="total_area_m2", operator=">=", threshold=500,
                                           document="徐政发〔2015〕73号", article="第五条", item="（一）")
    html = client.get(f"/portal/precheck?space={space.id}").get_data(as_text=True)
    assert 'id="criteria-warning-xuzhou-key"' not in html
    assert "自动判断的条件均已满足" in html.split('id="category-xuzhou-key"', 1)[1]
    assert evaluate_cli(app, tmp_path, "xuzhou", "key", facts_of(space))["warnings"] == []


def test_xuzhou_wu_5_a_kunming_space_is_not_offered_xuzhou_and_the_cli_says_ineligible(app, client, tmp_path):
    """五（五）: a 昆明 space evaluated as 徐州 fails where it is; the portal never offers 徐州 to it."""
    space = described_space("530112")
    assert 'id="jurisdiction-xuzhou"' not in page_of(client, space)
    answer = evaluate_cli(app, tmp_path, "xuzhou", "key", facts_of(space))
    assert answer["verdict"] == "ineligible"
    assert next(c for c in answer["criteria"] if c["id"] == "xuzhou.space_location")["result"] == "fail"
