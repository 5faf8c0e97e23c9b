"""core.policy_cases.results: a jurisdiction's shipped cases run once per process, filed by what
they test, for the policy page.  They read none of the bureau's data, so one SQLite app in memory
serves (the registry needs an app context)."""
from __future__ import annotations

import threading
from datetime import datetime
from importlib.resources import files
from pathlib import Path

import pytest
from sqlalchemy import event

from core import hookimpl
from core.app import create_app
from core.platform import clock
from core.platform.extensions import db
from core.plugins import Registry, make_plugin_manager
from core.policy_cases import results

BASE = "页面测试基准"  # a name of its own: the shipped bases of 昆明 and these are looked up together

CASES = f"""
- name: 场地面积恰为 300㎡（“以上”含本数）
  article: 第七条（一）
  check: eligibility
  as_of: 2026-11-23
  note: 民法典 第1259条：“以上”包括本数（kunming.area）
  given:
    category: comprehensive_service
    base: {BASE}
    facts: {{total_area_m2: 300}}
  expect:
    criteria:
      kunming.area: pass

- name: 故意写错：299㎡ 预期符合
  article: 第七条（一）
  check: eligibility
  as_of: 2026-11-23
  given:
    category: comprehensive_service
    base: {BASE}
    facts: {{total_area_m2: 299}}
  expect:
    criteria:
      kunming.area: pass

- name: 公示 7 天
  article: 第十一条
  check: notice_period
  as_of: 2026-06-01
  expect:
    days: 7
    last_day: 2026-06-08

- name: 市级认定的奖补合计
  article: 第十三条
  check: subsidies
  as_of: 2026-06-01
  given: {{event: recognized, level: municipal}}
  expect:
    total_cny: 100000
"""


def case_folder(root: Path, text: str) -> Path:
    root.mkdir()
    shipped = files("plugins.kunming").joinpath("cases", "bases.yaml").read_text(encoding="utf-8")
    (root / "bases.yaml").write_text(shipped.replace("综合服务类达标:", f"{BASE}:"), encoding="utf-8")
    (root / "page.yaml").write_text(text, encoding="utf-8")
    return root


def with_cases(folder: Path) -> Registry:
    """The installed plugins and an add-on shipping ``folder`` as cases of 昆明."""

    class AddOn:
        @hookimpl
        def zc_policy_cases(self, jurisdiction):
            return [folder] if jurisdiction == "kunming" else None

    pm, broken = make_plugin_manager()
    pm.register(AddOn(), name="page_cases")
    return Registry(pm, broken)


STANDING = """
- name: 2025 年度考核不合格，限期整改
  article: 第十八条
  check: standing
  as_of: 2026-03-01
  settings: {rectification_months: 3}
  given:
    history: {recognized_on: '2024-06-01', assessments: [{year: 2025, grade: unqualified}]}
  expect:
    standing: rectification
    grounds: [kunming.failed_assessment]

- name: 认定后无记录，状态正常
  article: 第十八条
  check: standing
  as_of: 2026-03-01
  given:
    history: {recognized_on: '2024-06-01'}
  expect:
    standing: good

- name: 施行期内适用昆科发〔2017〕55号
  article: 第十九条
  check: eligibility
  as_of: 2026-11-23
  given: {category: comprehensive_service, base: 页面测试基准}
  expect:
    policy: 昆科发〔2017〕55号

- name: 299㎡ 不符合第七条（一）
  article: 第七条（一）
  check: eligibility
  as_of: 2026-11-23
  given:
    category: comprehensive_service
    base: 页面测试基准
    facts: {total_area_m2: 299}
  expect:
    fails: [第七条（一）]
"""

SWITCHES = "SELECT jurisdiction_settings.code, jurisdiction_settings.enabled FROM jurisdiction_settings".split()
MOMENT = datetime(2026, 11, 23, 9, 30, tzinfo=clock.ZONE)


def app_with(folder):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, registry=with_cases(folder))


@pytest.fixture
def ran(tmp_path):
    clock.freeze(MOMENT)
    app = app_with(case_folder(tmp_path / "cases", CASES + STANDING))
    with app.app_context():
        yield results.case_results("kunming")
    clock.freeze(None)


def names(runs) -> list[str]:
    """Our cases among them (the jurisdiction ships its own beside them)."""
    return [r.case.name for r in runs if r.case.source.endswith("page.yaml")]


def test_cases_are_filed_by_what_they_test(ran):
    assert ran.error is None and ran.ran_at == MOMENT
    assert names(ran.of("kunming.area")) == ["场地面积恰为 300㎡（“以上”含本数）", "故意写错：299㎡ 预期符合",
                                             "299㎡ 不符合第七条（一）"]
    assert names(ran.of(results.NOTICE)) == ["公示 7 天"]
    # a total alone: under every rule of a municipal recognition, not under an assessment's
    assert names(ran.of("kunming.guidance_fund")) == ["市级认定的奖补合计"]
    assert not any("市级认定的奖补合计" in names(runs) for subject, runs in ran.by_subject.items()
                   if subject.startswith("kunming.") and "evaluat" in subject)
    assert names(ran.of("kunming.failed_assessment")) == ["2025 年度考核不合格，限期整改"]
    assert names(ran.of(results.STANDING)) == ["认定后无记录，状态正常"]
    assert names(ran.of("kunming.failed_rectification")) == []
    # about no criterion or rule: shown apart
    assert names(ran.of(results.OTHER)) == ["施行期内适用昆科发〔2017〕55号"]


def test_a_case_expecting_articles_to_fail_is_filed_under_the_criteria_citing_them(ran):
    filed = {s for s, runs in ran.by_subject.items() if "299㎡ 不符合第七条（一）" in names(runs)}
    assert "kunming.area" in filed and "kunming.mentors" not in filed
    # every one of them cites 第七条（一） (of 综合服务类)
    assert filed <= {s for s, runs in ran.by_subject.items() if s.startswith("kunming.")}


def test_outcomes_and_what_the_page_shows(ran):
    assert [o.case for o in ran.outcomes] == [r.case for r in ran.runs]
    by_name = {r.case.name: r for r in ran.runs if r.case.source.endswith("page.yaml")}
    passing, failing = by_name["场地面积恰为 300㎡（“以上”含本数）"], by_name["故意写错：299㎡ 预期符合"]
    assert passing.passed and not failing.passed
    assert [(v.kind, v.name, v.value) for v in failing.varies] == [
        ("base", None, "页面测试基准"), ("fact", "众创空间总面积", "299")]
    row = failing.rows[0]
    assert (row.key, row.title, row.expected, row.ok) == ("kunming.area", "场地面积原则上在300平方米以上", "符合", False)
    assert row.got.startswith("不符合（场地面积 299㎡，低于 300㎡")
    subsidy = by_name["市级认定的奖补合计"]
    assert [(v.kind, v.value) for v in subsidy.varies] == [("event", "认定"), ("level", "市级")]
    standing = by_name["2025 年度考核不合格，限期整改"]
    assert standing.passed, standing.outcome
    assert [(v.kind, v.value) for v in standing.varies] == [("setting", "3")]
    assert standing.record == ("认定于 2024-06-01", "2025 年度考核：不合格")  # the record in words, no code
    grounds = next(r for r in standing.rows if r.key == "grounds")
    assert grounds.expected == grounds.got == "考核不合格，限期整改"  # the rule's title, not its id


def test_run_once_per_process_and_without_the_database(tmp_path, monkeypatch):
    runs = []
    real = results._run
    monkeypatch.setattr(results, "_run", lambda code: runs.append(code) or real(code))
    app = app_with(case_folder(tmp_path / "cases", CASES))
    with app.app_context():
        sent = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
        found = []
        threads = [threading.Thread(target=lambda: found.append(_in(app))) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert runs == ["kunming"] and len({id(f) for f in found}) == 1
        assert results.case_results("kunming") is found[0]
        # the one thing the engines ask the database: whether the jurisdiction is enabled (a
        # request reads it once for the whole page); no bureau setting, version or criterion
        assert sent and all(s.split() == SWITCHES for s in sent)
    # other plugins (a new registry of other objects): run anew
    with app_with(tmp_path / "cases").app_context():
        results.case_results("kunming")
    assert runs == ["kunming", "kunming"]


def _in(app):
    with app.app_context():
        return results.case_results("kunming")


def test_a_malformed_file_is_kept_as_its_one_line(tmp_path):
    with app_with(case_folder(tmp_path / "cases", CASES.replace("days: 7", "days: -7"))).app_context():
        found = results.case_results("kunming")
    assert found.runs == () and found.by_subject == {}
    assert "\n" not in found.error and "page.yaml" in found.error and "expect.days" in found.error


def test_facts_and_records_are_shown_in_words_never_codes(app):
    """The policy page shows what a case varies as an officer reads it: 事业单位, not institution; the
    residents counted and each listed, not JSON; a record's entries by their names (CONTRACTS §1, §6)."""
    from core.policy_cases.results import _fact, _record_lines_of

    assert _fact("entity_type", "institution").value == "事业单位"
    assert _fact("services", []).value == "无"
    assert _fact("services", ["registration", "legal"]).value == "工商注册、法律法务"
    residents = _fact("residents", [
        {"name": "甲", "kind": "team", "qualifying_field": True, "entered_on": "2025-03-01", "established_on": None,
         "registered_in_space": True},
        {"name": "乙", "kind": "enterprise", "qualifying_field": False, "entered_on": "2025-03-01",
         "established_on": "2025-01-15", "registered_in_space": False}])
    assert residents.value == "2 个（团队 1、企业 1；属重点支持领域 1 个）"
    assert residents.detail[0] == "甲（团队，属重点支持领域，入驻 2025-03-01，成立 未注册，在空间注册）"
    lines = _record_lines_of({"findings": [{"kind": "serious_violation", "found_on": "2026-02-01"}],
                              "statistics": [{"year": 2025, "filed": False, "excused": True}],
                              "revocation_grounds": ["operator_deregistered"]})
    assert lines == ("2026-02-01 查实：严重违法违规", "2025 年度统计：未填报（特殊原因）", "撤销理由：运营主体注销")
    assert not any(code in "".join(lines) for code in ("serious_violation", "operator_deregistered", "filed"))
