"""``zhongchuang evaluate`` (CONTRACTS §2): the answer, the verdicts, and bad input as
one line on standard error with exit 2 — through the command group with Flask's CLI
runner on both databases, and through the installed console script as a real process."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from core import hookimpl

from core.bureau import bureau_criteria
from core.bureau import operations as bureau_operations
from core.eligibility.engine import EvaluationError, evaluate, prepare
from core.facts import parse_facts
from core.platform import clock
from core.policy import Category, Citation, Criterion, Jurisdiction, Parameter, PolicyVersion
from tests.cli_helpers import assert_bad_input, run
from tests.conftest import app_with_only

DATA = Path(__file__).parent.parent / "data"
EXAMPLE = DATA / "kunming-comprehensive-service.json"
SCRIPT = Path(sys.executable).parent / "zhongchuang"


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def write(tmp_path, data, name="facts.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


# --- the example of the contract ---------------------------------------------------------


def test_kunming_example_is_eligible_pending_review(app):
    result = run(app, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service",
                 "--as-of", "2026-11-23", str(EXAMPLE))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    answer = json.loads(result.stdout)
    assert list(answer)[:6] == ["jurisdiction", "category", "as_of", "policy", "verdict", "criteria"]
    assert answer["jurisdiction"] == "kunming" and answer["category"] == "comprehensive_service"
    assert answer["as_of"] == "2026-11-23"
    assert answer["policy"] == {"document": "昆科发〔2017〕55号", "title": "昆明市众创空间认定管理办法",
                                "effective_from": "2017-06-06", "effective_to": None}
    assert answer["verdict"] == "eligible_pending_review"
    kinds = {c["kind"] for c in answer["criteria"]}
    assert kinds == {"auto", "manual"}
    for c in answer["criteria"]:
        assert set(c) == {"id", "kind", "result", "citation", "message"}
        assert c["result"] in (("pass",) if c["kind"] == "auto" else ("manual",))
        assert c["citation"]["document"] == "昆科发〔2017〕55号"
        assert c["citation"]["article"].startswith("第") and c["message"]
    area = next(c for c in answer["criteria"] if c["id"] == "kunming.area")
    assert area["citation"] == {"document": "昆科发〔2017〕55号", "article": "第七条", "item": "（一）"}


def test_kunming_area_below_300_is_ineligible_citing_article_7(app, tmp_path):
    """昆科发〔2017〕55号 第七条（一）: 300㎡ passes, 299㎡ fails (the contract's example)."""
    facts = example() | {"public_area_m2": 30}
    for area, result, verdict in ((300, "pass", "eligible_pending_review"), (299, "fail", "ineligible")):
        out = run(app, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service",
                  "--as-of", "2026-11-23", write(tmp_path, facts | {"total_area_m2": area}))
        answer = json.loads(out.stdout)
        crit = next(c for c in answer["criteria"] if c["id"] == "kunming.area")
        assert (crit["result"], answer["verdict"]) == (result, verdict)
        assert "㎡" in crit["message"]


@pytest.mark.parametrize("category", ["comprehensive_service", "tech_support"])
def test_kunming_art5_6_separate_accounting_only_for_hosted_spaces(app, tmp_path, category):
    """昆科发〔2017〕55号 第五条（六）: hosted and not hosted × separate accounting true / false."""
    for hosted, separate, result, verdict in ((True, True, "pass", "eligible_pending_review"),
                                              (True, False, "fail", "ineligible"),
                                              (False, False, "pass", "eligible_pending_review"),
                                              (None, False, "pass", "eligible_pending_review")):
        facts = example() | {"separate_accounting": separate}
        if hosted is not None:  # None: the key left out (absent = false)
            facts["hosted_by_operating_unit"] = hosted
        out = run(app, "evaluate", "--jurisdiction", "kunming", "--category", category,
                  "--as-of", "2026-11-23", write(tmp_path, facts))
        assert out.exit_code == 0, out.stderr
        answer = json.loads(out.stdout)
        crit = next(c for c in answer["criteria"] if c["id"] == "kunming.separate_accounting")
        assert (crit["result"], answer["verdict"]) == (result, verdict), (hosted, separate)
        assert crit["citation"] == {"document": "昆科发〔2017〕55号", "article": "第五条", "item": "（六）"}
        finance = next(c for c in answer["criteria"] if c["id"] == "kunming.finance_management")
        assert finance["result"] == "manual"


def test_tech_support_is_not_held_to_article_7(app):
    result = run(app, "evaluate", "--jurisdiction", "kunming", "--category", "tech_support",
                 "--as-of", "2026-11-23", str(EXAMPLE))
    answer = json.loads(result.stdout)
    assert not [c for c in answer["criteria"] if c["citation"]["article"] == "第七条"]


def test_as_of_defaults_to_today(app):
    result = run(app, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service", str(EXAMPLE))
    assert json.loads(result.stdout)["as_of"] == clock.today().isoformat()


def test_uscc_region_mismatch_is_a_warning_not_an_error(app, tmp_path):
    facts = example() | {"registered_region": "530102"}  # the USCC says 530112
    result = run(app, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service",
                 "--as-of", "2026-11-23", write(tmp_path, facts))
    assert result.exit_code == 0
    warnings = json.loads(result.stdout)["warnings"]
    assert len(warnings) == 1 and "530112" in warnings[0] and "530102" in warnings[0]


# --- Yunnan: the expired policy and a successor ----------------------------------------------


def test_yunnan_applies_its_policy_on_its_last_day(app):
    """云科规〔2021〕1号 附则: 有效期至2026年4月3日止."""
    answer = json.loads(run(app, "evaluate", "--jurisdiction", "yunnan", "--category", "provincial",
                            "--as-of", "2026-04-03", str(EXAMPLE)).stdout)
    assert answer["policy"]["document"] == "云科规〔2021〕1号"
    assert answer["verdict"] in ("eligible_pending_review", "ineligible") and answer["criteria"]


def test_yunnan_after_2026_04_03_has_no_policy_in_force(app):
    result = run(app, "evaluate", "--jurisdiction", "yunnan", "--category", "provincial",
                 "--as-of", "2026-04-04", str(EXAMPLE))
    assert result.exit_code == 0
    answer = json.loads(result.stdout)
    assert answer["verdict"] == "no_policy_in_force"
    assert answer["criteria"] == []
    assert answer["policy"] == {"document": "云科规〔2021〕1号", "title": "云南省众创空间认定管理办法",
                                "effective_from": "2021-04-04", "effective_to": "2026-04-03"}
    assert any("云科规〔2021〕1号" in w for w in answer["warnings"])


def test_yunnan_successor_registered_by_the_bureau_applies(app):
    bureau_operations.add_bureau_policy_version(
        "yunnan", document="云科规〔2026〕5号", title="云南省众创空间认定管理办法（2026年修订）",
        effective_from=date(2026, 6, 1), based_on="云科规〔2021〕1号")
    gap = json.loads(run(app, "evaluate", "--jurisdiction", "yunnan", "--category", "provincial",
                         "--as-of", "2026-05-31", str(EXAMPLE)).stdout)
    assert gap["verdict"] == "no_policy_in_force"
    assert gap["policy"]["document"] == "云科规〔2026〕5号"  # the nearest one, still to come
    answer = json.loads(run(app, "evaluate", "--jurisdiction", "yunnan", "--category", "provincial",
                            "--as-of", "2026-11-23", str(EXAMPLE)).stdout)
    assert answer["policy"] == {"document": "云科规〔2026〕5号", "title": "云南省众创空间认定管理办法（2026年修订）",
                                "effective_from": "2026-06-01", "effective_to": None}
    assert answer["verdict"] != "no_policy_in_force"
    ids = [c["id"] for c in answer["criteria"]]
    assert "yunnan.area" in ids
    # The conditions keep citing the document whose text they come from.
    assert {c["citation"]["document"] for c in answer["criteria"]} == {"云科规〔2021〕1号"}


# --- bad input (CONTRACTS §1) ----------------------------------------------------------------


def _evaluate(app, path, *extra):
    return run(app, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service",
               "--as-of", "2026-11-23", *extra, path)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda f: f.pop("workstations"), "workstations"),                      # a missing key
        (lambda f: f.update(total_area_m2="620"), "total_area_m2"),             # a wrong type
        (lambda f: f.update(independent_legal_person=1), "independent_legal_person"),
        (lambda f: f.update(total_area_m2=-1), "total_area_m2"),                # a negative area
        (lambda f: f.update(public_area_m2=621), "public_area_m2"),             # public above total
        (lambda f: f.update(space_opened_on="2023-02-29"), "space_opened_on"),  # a date that does not exist
        (lambda f: f.update(registered_region="53011"), "registered_region"),   # not six digits
        (lambda f: f.update(uscc="91530112AY4CL12T2R"), "uscc"),                # a wrong check character
        (lambda f: f["residents"][3].update(entered_on="2025-13-01"), "residents[3].entered_on"),
        (lambda f: f.update(workstations=4.5), "workstations"),
        (lambda f: f.update(rent_ratio_year2=1.5), "rent_ratio_year2"),
        (lambda f: f.update(entity_type="company"), "entity_type"),
        (lambda f: f.update(hosted_by_operating_unit="是"), "hosted_by_operating_unit"),  # optional, still typed
    ],
)
def test_bad_facts_are_refused_naming_the_key(app, tmp_path, change, key):
    facts = example()
    change(facts)
    line = assert_bad_input(_evaluate(app, write(tmp_path, facts)), key)
    assert line.startswith(key)


def test_public_area_equal_to_total_is_accepted(app, tmp_path):
    result = _evaluate(app, write(tmp_path, example() | {"public_area_m2": 620}))
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("{not json", "facts.json"),
        ("", "facts.json"),
        ("[1, 2]", "facts.json: 申报事实应为 JSON 对象"),
    ],
)
def test_unreadable_facts_file(app, tmp_path, content, named):
    assert_bad_input(_evaluate(app, write(tmp_path, content)), named)


def test_missing_file_and_directory(app, tmp_path):
    assert_bad_input(_evaluate(app, str(tmp_path / "nope.json")), "nope.json")
    assert_bad_input(_evaluate(app, str(tmp_path)), str(tmp_path))


def test_non_utf8_file(app, tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps(example(), ensure_ascii=False).encode("gbk"))
    assert_bad_input(_evaluate(app, str(path)), "gbk.json", "UTF-8")


@pytest.mark.parametrize("as_of", ["2026-02-30", "2026/11/23", "today", "2026-1-5"])
def test_bad_as_of(app, as_of):
    assert_bad_input(_evaluate(app, str(EXAMPLE), "--as-of", as_of), "--as-of", as_of)


def test_unknown_jurisdiction(app):
    result = run(app, "evaluate", "--jurisdiction", "atlantis", "--category", "x", str(EXAMPLE))
    assert_bad_input(result, "jurisdiction", "atlantis")


def test_unknown_category(app):
    result = run(app, "evaluate", "--jurisdiction", "kunming", "--category", "provincial", str(EXAMPLE))
    assert_bad_input(result, "category", "provincial")


def test_unknown_category_of_a_lapsed_policy_is_still_bad_input(app):
    result = run(app, "evaluate", "--jurisdiction", "yunnan", "--category", "key", "--as-of", "2026-11-23",
                 str(EXAMPLE))
    assert_bad_input(result, "category", "key")


def test_disabled_jurisdiction(app_factory):
    app = app_factory({"ZHONGCHUANG_JURISDICTIONS": "mile"})
    with app.app_context():
        result = run(app, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service",
                     str(EXAMPLE))
        assert_bad_input(result, "jurisdiction", "kunming")
        ok = run(app, "evaluate", "--jurisdiction", "mile", "--category", "comprehensive", str(EXAMPLE))
        assert ok.exit_code == 0


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--category", "tech_support", str(EXAMPLE)], "--jurisdiction"),
        (["--jurisdiction", "kunming", str(EXAMPLE)], "--category"),
        (["--jurisdiction", "kunming", "--category", "tech_support"], "FACTS.json"),
        (["--jurisdiction", "kunming", "--category", "tech_support", "--colour", "red", str(EXAMPLE)], "--colour"),
        (["--jurisdiction", "kunming", "--category", "tech_support", str(EXAMPLE), "extra.json"], "extra.json"),
    ],
)
def test_usage_errors_are_one_line(app, args, named):
    assert_bad_input(run(app, "evaluate", *args), named)


# --- the engine with a plugin registered in a fixture ---------------------------------------


DOC = "测科发〔2020〕1号"


def _mentors(facts, ctx):
    need = ctx.params["min_mentors"]
    return facts.mentors >= need, f"创业导师 {facts.mentors} 名，门槛 {need} 名"


class Testland:
    POLICY = PolicyVersion(
        jurisdiction="testland", document=DOC, title="测试办法", effective_from=date(2020, 1, 1),
        effective_to=None, categories=(Category("basic", "基础类"),),
        parameters=(Parameter("min_mentors", "导师下限", 3, Citation(DOC, "第五条", "（三）"), "名"),
                    Parameter("bonus_cny", "待定", None, Citation(DOC, "第九条"), "元", bureau_setting=True)),
    )

    @hookimpl
    def zc_jurisdiction(self):
        return Jurisdiction("testland", "测试市", "city", ("9901",), "测试市科学技术局")

    @hookimpl
    def zc_policies(self, jurisdiction):
        if jurisdiction == "testland":
            return [self.POLICY]

    @hookimpl
    def zc_criteria(self, jurisdiction, category, policy):
        if jurisdiction == "testland":
            return [Criterion("testland.mentors", "创业导师", Citation(DOC, "第五条", "（三）"), "auto", _mentors),
                    Criterion("testland.plan", "发展规划合理", Citation(DOC, "第五条", "（四）"), "manual")]


@pytest.fixture
def testland(app_factory):
    with app_with_only(app_factory, Testland(), "testland") as app:
        yield app


def test_engine_boundary_and_manual_criterion(testland):
    """第五条（三）“不少于3名”: 3 passes, 2 fails; the manual item is for the experts."""
    base = example()
    at = evaluate("testland", "basic", parse_facts(base | {"mentors": 3}), date(2026, 11, 23))
    below = evaluate("testland", "basic", parse_facts(base | {"mentors": 2}), date(2026, 11, 23))
    assert (at["verdict"], below["verdict"]) == ("eligible_pending_review", "ineligible")
    assert [c["result"] for c in at["criteria"]] == ["pass", "manual"]
    assert [c["result"] for c in below["criteria"]] == ["fail", "manual"]
    assert below["criteria"][1]["message"] == "由评审专家判断：发展规划合理"
    assert below["criteria"][0]["citation"] == {"document": DOC, "article": "第五条", "item": "（三）"}


def test_bureau_override_changes_the_threshold(testland):
    bureau_operations.set_bureau_setting("testland", "min_mentors", 4, document="测科局〔2024〕1号")
    answer = evaluate("testland", "basic", parse_facts(example() | {"mentors": 3}), date(2026, 11, 23))
    assert answer["verdict"] == "ineligible" and "门槛 4 名" in answer["criteria"][0]["message"]


def test_prepared_fast_path_gives_the_same_answers(testland):
    prepared = prepare("testland", "basic", date(2026, 11, 23))
    for mentors in (0, 2, 3, 9):
        facts = parse_facts(example() | {"mentors": mentors})
        full = evaluate("testland", "basic", facts, date(2026, 11, 23))
        assert prepared.evaluate(facts) == full
        assert prepared.verdict(facts) == full["verdict"]


def test_given_policy_params_and_criteria_are_used(testland):
    facts = parse_facts(example() | {"mentors": 3})
    answer = evaluate("testland", "basic", facts, date(2026, 11, 23), params={"min_mentors": 5})
    assert answer["verdict"] == "ineligible"
    only_manual = [c for c in bureau_criteria.criteria("testland", "basic", Testland.POLICY) if c.kind == "manual"]
    answer = evaluate("testland", "basic", parse_facts(example() | {"mentors": 0}), date(2026, 11, 23),
                      criteria=only_manual)
    assert answer["verdict"] == "eligible_pending_review"


def test_before_the_first_version_no_policy_is_in_force(testland):
    answer = evaluate("testland", "basic", parse_facts(example()), date(2019, 12, 31))
    assert answer["verdict"] == "no_policy_in_force" and answer["policy"]["document"] == DOC


def test_engine_errors_name_the_key(testland):
    with pytest.raises(EvaluationError) as err:
        evaluate("kunming", "basic", parse_facts(example()), date(2026, 11, 23))  # not installed here
    assert err.value.key == "jurisdiction"
    with pytest.raises(EvaluationError) as err:
        evaluate("testland", "pro", parse_facts(example()), date(2026, 11, 23))
    assert err.value.key == "category"


# --- the installed console script, as a real process -----------------------------------------


@pytest.fixture
def script_env(sqlite_template, tmp_path):
    db_file = tmp_path / "cli.sqlite"
    shutil.copy(sqlite_template, db_file)
    env = {k: v for k, v in os.environ.items() if k not in ("ZHONGCHUANG_JURISDICTIONS", "FLASK_APP")}
    env.update(DATABASE_URL=f"sqlite:///{db_file}", ZHONGCHUANG_INSTANCE=str(tmp_path / "instance"))
    return env


def _script(env, *args):
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60)


def test_console_script_evaluates_the_example(script_env):
    proc = _script(script_env, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service",
                   "--as-of", "2026-11-23", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    answer = json.loads(proc.stdout)
    assert answer["verdict"] == "eligible_pending_review" and answer["as_of"] == "2026-11-23"
    assert "昆科发〔2017〕55号" in proc.stdout  # ensure_ascii=False: Chinese as such


def test_console_script_bad_input_is_one_line_exit_2(script_env, tmp_path):
    facts = example()
    facts["uscc"] = facts["uscc"][:-1] + "0"
    proc = _script(script_env, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service",
                   write(tmp_path, facts))
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("uscc")
    proc = _script(script_env, "evaluate", "--jurisdiction", "kunming", str(EXAMPLE))
    assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.splitlines()) == 1
    assert "--category" in proc.stderr


def test_console_script_disabled_jurisdiction(script_env):
    proc = _script(script_env | {"ZHONGCHUANG_JURISDICTIONS": "mile"}, "evaluate", "--jurisdiction", "kunming",
                   "--category", "comprehensive_service", str(EXAMPLE))
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "kunming" in proc.stderr


def test_console_script_answers_before_the_database_is_set_up(script_env, tmp_path):
    """A fresh install that has not run `zhongchuang db upgrade`: no bureau data has been
    entered, so the plugins' policies answer alone — evaluate, notice-period and
    subsidies all exit 0 (CONTRACTS §2–§4), and nothing is created but the empty file."""
    env = script_env | {"DATABASE_URL": f"sqlite:///{tmp_path / 'never-upgraded.sqlite'}"}
    proc = _script(env, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service",
                   "--as-of", "2026-11-23", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "eligible_pending_review"
    proc = _script(env, "notice-period", "--jurisdiction", "mile", "--published-on", "2026-09-28")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["last_day"] == "2026-10-13"  # 15 日, 第七条
