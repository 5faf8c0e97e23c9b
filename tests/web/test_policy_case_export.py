"""An application kept as a policy case (/admin/case/<id>/policy-case.yaml, core.policy_cases.export):
the file an officer downloads is run by ``zhongchuang policy-test`` and reproduces the judgment —
under the bureau's settings in force, without the bureau's own criteria — and fails once its
expectation is edited.  Real HTTP, real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set).

昆科发〔2017〕55号 第七条（一）: 场地面积不低于 300 ㎡ — 299 fails, 300 passes.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import quote

import yaml
from sqlalchemy import select

from core.eligibility import checklist
from core.facts import FACT_KEYS, OPTIONAL_FACT_KEYS, parse_facts
from core.platform.extensions import db
from core.platform.models import AuditEvent, BureauCriterion, BureauPolicyVersion, BureauSetting
from tests.cli_helpers import run
from tests.factories import login, make_application, make_org, make_space, make_user

EXAMPLE = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
HOSTILE = "恶意单位\n- name: x\n  #: 'quoted' \"double\" : # end"


def kunming_application(space=None, **facts_changes):
    facts = dict(EXAMPLE, **facts_changes)
    return make_application("kunming", "comprehensive_service", space, facts=facts, submitted_on=date(2026, 3, 2))


def signed_in(app, role, jurisdictions=("kunming",), **fields):
    client = app.test_client()
    user = make_user(role, jurisdictions, **fields)
    assert login(client, user).status_code == 302
    return client, user


def url(application_id) -> str:
    return f"/admin/case/{application_id}/policy-case.yaml"


def exported(app, client, application, tmp_path, headers=None) -> tuple[dict, Path]:
    response = client.get(url(application.id))
    if headers is not None:
        headers.update(response.headers)
    assert response.status_code == 200, response.location
    saved = tmp_path / f"case-{application.id}.yaml"
    saved.write_bytes(response.data)
    cases = yaml.safe_load(response.get_data(as_text=True))
    assert isinstance(cases, list) and len(cases) == 1
    return cases[0], saved


def policy_test(app, path: Path):
    return run(app, "policy-test", "--jurisdiction", "kunming", str(path))


def test_an_ineligible_judgment_exported_passes_and_an_edited_one_fails(app, tmp_path):
    application = kunming_application(total_area_m2=299, public_area_m2=30)
    client, officer = signed_in(app, "officer")
    headers = {}
    case, saved = exported(app, client, application, tmp_path, headers)
    assert headers["Content-Type"] == "text/yaml; charset=utf-8"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith(f"attachment; filename=application-{application.id}-policy-case.yaml; ")
    assert f"filename*=UTF-8''{quote(f'政策用例_申报{application.id}_')}" in disposition
    assert case["check"] == "eligibility" and case["jurisdiction"] == "kunming"
    assert case["as_of"] == date(2026, 3, 2)  # the submission date, the day it was judged on
    assert case["article"] == "第七条（一）"
    assert case["name"] == f"申报 #{application.id} {application.space.name}：不符合认定条件（2026-03-02）"
    assert "settings" not in case  # nothing the bureau set
    assert case["given"]["category"] == "comprehensive_service"
    facts = case["given"]["facts"]
    assert set(facts) == set(FACT_KEYS + OPTIONAL_FACT_KEYS)
    assert facts["space_opened_on"] == "2023-03-15" and facts["total_area_m2"] == 299
    assert parse_facts(facts) == parse_facts(application.facts)
    expect = case["expect"]
    assert expect["verdict"] == "ineligible" and expect["fails"] == ["第七条（一）"]
    assert expect["policy"] == "昆科发〔2017〕55号"
    assert expect["criteria"]["kunming.area"] == "fail"
    assert [k for k, v in expect["criteria"].items() if v != "pass"] == ["kunming.area"]
    assert "kunming.service_theme" not in expect["criteria"]  # a manual criterion: for the experts
    # no personal data beyond the application's own: the officer is not named in the file
    assert officer.name not in saved.read_text("utf-8")

    result = policy_test(app, saved)
    assert result.exit_code == 0, result.output
    assert "1 个用例" in result.output or "通过" in result.output

    edited = saved.read_text("utf-8").replace("verdict: ineligible", "verdict: eligible_pending_review")
    assert edited != saved.read_text("utf-8")
    saved.write_text(edited, "utf-8")
    assert policy_test(app, saved).exit_code == 1

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.case_exported",
                                                         AuditEvent.object_id == str(application.id))).all()
    assert len(events) == 1 and events[0].actor_id == officer.id
    assert events[0].detail["file"].startswith(f"政策用例_申报{application.id}_")


def test_at_the_threshold_the_case_expects_every_criterion_met(app, tmp_path):
    """300 ㎡ is 不低于 300 ㎡: the case names the articles the judgment applied (昆科发〔2017〕55号 第五条
    for every category, 第七条 for 综合服务类) and expects no failure."""
    application = kunming_application(total_area_m2=300, public_area_m2=30)
    client, _ = signed_in(app, "leader")
    case, saved = exported(app, client, application, tmp_path)
    assert case["expect"]["verdict"] == "eligible_pending_review" and case["expect"]["fails"] == []
    assert set(case["expect"]["criteria"].values()) == {"pass"}
    assert case["article"] == "第五条、第七条"
    assert "待评审" in case["name"]
    assert policy_test(app, saved).exit_code == 0


def test_a_bureau_setting_in_force_is_stated_and_reproduces_the_judgment(app, tmp_path):
    """The bureau raised 第七条（一）'s 300 ㎡ to 400 ㎡: 399 fails under it and passes under the
    plugin's number, so the case holds only with the setting it states; 400 passes."""
    db.session.add(BureauSetting(jurisdiction="kunming", key="min_area_m2", value=400, document="本局通知"))
    db.session.commit()
    below = kunming_application(total_area_m2=399, public_area_m2=40)
    at = kunming_application(total_area_m2=400, public_area_m2=40)
    client, _ = signed_in(app, "officer")
    case, saved = exported(app, client, below, tmp_path)
    assert case["settings"] == {"min_area_m2": 400}
    assert case["expect"]["verdict"] == "ineligible" and case["expect"]["fails"] == ["第七条（一）"]
    assert policy_test(app, saved).exit_code == 0
    without = [dict(case)]
    del without[0]["settings"]
    saved.write_text(yaml.safe_dump(without, allow_unicode=True, sort_keys=False), "utf-8")
    assert policy_test(app, saved).exit_code == 1  # under the plugin's 300 ㎡, 399 passes

    case_at, saved_at = exported(app, client, at, tmp_path)
    assert case_at["settings"] == {"min_area_m2": 400} and case_at["expect"]["verdict"] == "eligible_pending_review"
    assert policy_test(app, saved_at).exit_code == 0


def test_a_bureau_criterion_is_left_out_and_its_failure_drops_the_verdict(app, tmp_path):
    db.session.add(BureauCriterion(jurisdiction="kunming", category=None, code="seats", title="工位\n- name: 伪造",
                                   fact_key="workstations", operator=">=", threshold=100, document="本局文件"))
    db.session.commit()
    application = kunming_application()  # 48 workstations: the bureau's criterion fails, the plugin's pass
    client, _ = signed_in(app, "officer")
    case, saved = exported(app, client, application, tmp_path)
    text = saved.read_text("utf-8")
    assert "verdict" not in case["expect"]
    assert "kunming.bureau.seats" not in case["expect"]["criteria"] and case["expect"]["fails"] == []
    assert "# 本局自设的条件不是插件的，未列入 expect：kunming.bureau.seats（工位 - name: 伪造，不符合）" in text
    assert "故不写 verdict" in text
    assert policy_test(app, saved).exit_code == 0


def test_a_version_the_bureau_registered_is_not_named_as_the_policy(app, tmp_path):
    """The bureau's version reuses 昆科发〔2017〕55号's criteria under its own document, which
    policy-test does not know: the case names the articles as the plugin cites them, and no policy."""
    db.session.add(BureauPolicyVersion(jurisdiction="kunming", document="昆科发〔2026〕1号", title="本局续行版本",
                                       effective_from=date(2026, 1, 1), based_on="昆科发〔2017〕55号"))
    db.session.commit()
    application = kunming_application(total_area_m2=299, public_area_m2=30)
    client, _ = signed_in(app, "officer")
    case, saved = exported(app, client, application, tmp_path)
    assert "policy" not in case["expect"] and case["expect"]["fails"] == ["第七条（一）"]
    assert case["article"] == "第七条（一）" and case["expect"]["verdict"] == "ineligible"
    assert "# 判断适用主管部门登记的版本 昆科发〔2026〕1号" in saved.read_text("utf-8")
    assert policy_test(app, saved).exit_code == 0


def test_the_reviewers_findings_are_not_the_engines_verdict(app, tmp_path):
    """An officer found the manual 第五条（二） not met: the checklist says ineligible, the case
    keeps what the engine answers (pending review) and says why in a comment."""
    application = kunming_application()
    client, officer = signed_in(app, "officer")
    checklist.record_judgements(application, {"kunming.service_theme": {"result": "fail", "note": "不符合"}},
                                actor=officer, today=date(2026, 3, 3))
    case, saved = exported(app, client, application, tmp_path)
    assert case["expect"]["verdict"] == "eligible_pending_review"
    assert "# 核查表的结论计入了人工审核的判断（不符合认定条件）" in saved.read_text("utf-8")
    assert policy_test(app, saved).exit_code == 0


def test_a_day_with_no_policy_in_force_is_kept_as_such(app, tmp_path):
    """昆科发〔2017〕55号 is in force from 2017-06-06: an application of the day before is judged under none."""
    application = make_application("kunming", "comprehensive_service", facts=dict(EXAMPLE),
                                   submitted_on=date(2017, 6, 5))
    client, _ = signed_in(app, "officer")
    case, saved = exported(app, client, application, tmp_path)
    assert case["as_of"] == date(2017, 6, 5) and case["expect"] == {"verdict": "no_policy_in_force"}
    assert case["article"] == "昆科发〔2017〕55号" and "无有效政策" in case["name"]
    assert policy_test(app, saved).exit_code == 0


def test_hostile_text_round_trips(app, tmp_path):
    space = make_space(make_org(region="530102"), HOSTILE)
    application = kunming_application(space, applicant_name=HOSTILE, space_name=HOSTILE)
    client, _ = signed_in(app, "officer")
    case, saved = exported(app, client, application, tmp_path)
    assert case["given"]["facts"]["applicant_name"] == HOSTILE and case["given"]["facts"]["space_name"] == HOSTILE
    assert HOSTILE in case["name"]
    assert set(case) == {"name", "article", "check", "jurisdiction", "as_of", "given", "expect"}
    assert policy_test(app, saved).exit_code == 0


def test_who_may_download(app):
    application = kunming_application(total_area_m2=299, public_area_m2=30)
    anonymous = app.test_client().get(url(application.id))
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    other, _ = signed_in(app, "officer", ("mile",))
    assert other.get(url(application.id)).status_code == 404
    applicant = app.test_client()
    assert login(applicant, make_user("applicant", organisation=application.organisation)).status_code == 302
    assert applicant.get(url(application.id)).status_code == 403
    recommender, _ = signed_in(app, "recommender", region_prefix=application.space.region)
    assert recommender.get(f"/admin/case/{application.id}").status_code == 200
    assert recommender.get(url(application.id)).status_code == 403
    admin, _ = signed_in(app, "admin", ())
    assert admin.get(url(application.id)).status_code == 200
    officer, _ = signed_in(app, "officer")
    draft = make_application("kunming", "comprehensive_service", status="draft", facts=dict(EXAMPLE))
    for odd in (draft.id, 0, 999999, 2**31, "abc", "1.0", "%C2%B2"):
        assert officer.get(url(odd)).status_code == 404, odd
    # only the admin's download is in the audit log: nothing refused was exported
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.case_exported")).all()) == 1


def test_the_link_is_shown_to_those_who_may_use_it(app):
    application = kunming_application()
    link = f'href="{url(application.id)}"'
    officer, _ = signed_in(app, "officer")
    for page in (f"/admin/case/{application.id}", f"/admin/checklist/{application.id}"):
        html = officer.get(page).get_data(as_text=True)
        assert link in html and ("导出为政策用例" in html or "Export as a policy case" in html), page
    recommender, _ = signed_in(app, "recommender", region_prefix=application.space.region)
    for page in (f"/admin/case/{application.id}", f"/admin/checklist/{application.id}"):
        response = recommender.get(page)
        assert response.status_code == 200 and link not in response.get_data(as_text=True), page


def test_an_application_that_cannot_be_judged_is_not_exported(app):
    application = kunming_application(total_area_m2="很大")
    client, _ = signed_in(app, "officer")
    response = client.get(url(application.id))
    assert response.status_code == 302 and response.location.endswith(f"/admin/case/{application.id}")
    assert "不能导出为政策用例" in client.get(response.location).get_data(as_text=True)
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.case_exported")).all()
