"""``zhongchuang policy-test`` through Flask's CLI runner: a passing file exits 0 with the table,
a deliberately broken case exits 1 naming what it expected and what it got, and a malformed
file exits 2 with one line naming the file, the case and the key — nothing run, no traceback.

The cases here are written for the test (in tmp_path), over the built-in plugins' policy: the
shipped cases themselves run in test_shipped_cases.py."""
from __future__ import annotations

import re
import textwrap

import pytest

from tests.cli_helpers import assert_bad_input, run

# 昆科发〔2017〕55号 第七条（一）: 300㎡ passes (以上 includes 300), 299㎡ fails.
AREA_CASES = """\
- name: 场地面积恰为 300㎡
  article: 第七条（一）
  check: eligibility
  as_of: 2026-11-23
  given:
    category: comprehensive_service
    base: 综合服务类达标
    facts: {total_area_m2: 300, public_area_m2: 30}
  expect:
    verdict: eligible_pending_review
    criteria: {kunming.area: pass}

- name: 场地面积 299㎡
  article: 第七条（一）
  check: eligibility
  as_of: 2026-11-23
  given:
    category: comprehensive_service
    base: 综合服务类达标
    facts: {total_area_m2: 299, public_area_m2: 30}
  expect:
    verdict: ineligible
    fails: [第七条（一）]
    criteria:
      kunming.area: {result: fail, message: 低于 300}
"""

# 昆科发〔2017〕55号 第十一条: 公示期 7 天; published Friday 2026-09-25, the 7th day is Friday 10-02,
# inside the 2026 国庆 holiday, so the period runs to the first working day after it, 10-08 (民法典 第203条).
NOTICE_CASE = """\
- name: 国庆假期中期满
  article: 第十一条
  check: notice_period
  as_of: 2026-09-25
  expect: {days: 7, first_day: 2026-09-26, last_day: 2026-10-08, warnings: []}
"""


def write(tmp_path, text: str, name: str = "cases.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def policy_test(app, *args):
    return run(app, "policy-test", *args)


def test_passing_cases_exit_0_with_the_table_in_chinese(app, tmp_path):
    result = policy_test(app, "--jurisdiction", "kunming", write(tmp_path, AREA_CASES + "\n" + NOTICE_CASE))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["结果", "辖区", "用例", "条文", "项目", "预期", "实际"]
    assert re.search(r"^通过\s+昆明市\s+场地面积恰为 300㎡\s+第七条（一）\s+结论\s+待评审\s+待评审$", result.stdout, re.M)
    assert "公示期满日" in result.stdout and "2026-10-08" in result.stdout
    assert lines[-1] == "共 3 个用例：通过 3 个，未通过 0 个"
    assert "✗" not in result.stdout


def test_a_deliberately_broken_case_fails_loudly_exit_1(app, tmp_path):
    """第七条（一）: a case claiming 299㎡ passes is wrong, and the table says what came instead."""
    broken = AREA_CASES.replace("verdict: ineligible", "verdict: eligible_pending_review")
    result = policy_test(app, "--jurisdiction", "kunming", write(tmp_path, broken))
    assert result.exit_code == 1, result.output
    failed = [line for line in result.stdout.splitlines() if line.startswith("未通过")]
    assert len(failed) == 1 and "场地面积 299㎡" in failed[0]
    assert "待评审" in failed[0] and "✗ 不符合认定条件" in failed[0]
    assert result.stdout.splitlines()[-1] == "共 2 个用例：通过 1 个，未通过 1 个"


@pytest.mark.parametrize(("change", "shown"), [
    # 第十一条: a 7-day notice published 09-25 does not end on 10-07.
    (("last_day: 2026-10-08", "last_day: 2026-10-07"), "✗ 2026-10-08"),
    (("days: 7", "days: 6"), "✗ 7"),
    (("warnings: []", "warnings: [调休安排未知]"), "✗ 无"),
])
def test_each_expected_value_of_a_notice_case_can_fail(app, tmp_path, change, shown):
    result = policy_test(app, "--jurisdiction", "kunming", write(tmp_path, NOTICE_CASE.replace(*change)))
    assert result.exit_code == 1 and shown in result.stdout, result.output


def test_a_criterion_the_policy_does_not_have_is_a_failure_not_a_pass(app, tmp_path):
    text = AREA_CASES.replace("criteria: {kunming.area: pass}", "criteria: {kunming.rooftop_garden: pass}")
    result = policy_test(app, "--jurisdiction", "kunming", write(tmp_path, text))
    assert result.exit_code == 1 and "kunming.rooftop_garden" in result.stdout and "（无此项）" in result.stdout


def test_a_message_that_does_not_match_fails(app, tmp_path):
    text = AREA_CASES.replace("message: 低于 300", "message: 高于 300")
    result = policy_test(app, "--jurisdiction", "kunming", write(tmp_path, text))
    assert result.exit_code == 1 and "场地面积 299㎡，低于 300㎡" in result.stdout


def test_subsidies_and_standing_cases(app, tmp_path):
    """昆科发〔2017〕55号 第十三条: 10 万元 guidance fund on recognition; 弥政办发〔2017〕5号 第十五条:
    two failed assessments in a row make the title due for revocation."""
    text = """\
    - name: 认定给予建设引导资金
      article: 第十三条
      check: subsidies
      jurisdiction: kunming
      as_of: 2026-06-01
      given: {event: recognized, level: municipal}
      expect:
        total_cny: 100000
    - name: 连续两年考核不合格
      article: 第十五条
      check: standing
      jurisdiction: mile
      as_of: 2026-12-01
      given:
        history:
          recognized_on: 2022-05-10
          assessments: [{year: 2024, grade: unqualified}, {year: 2025, grade: unqualified}]
      expect: {standing: revocation_due, grounds: [mile.two_failed_years], ban_until: null}
    """
    result = policy_test(app, write(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert "共 2 个用例：通过 2 个" in result.stdout
    wrong = text.replace("total_cny: 100000", "total_cny: 200000").replace("[mile.two_failed_years]", "[]")
    result = policy_test(app, write(tmp_path, wrong))
    assert result.exit_code == 1 and len(re.findall(r"^未通过 ", result.stdout, re.M)) == 2


def test_a_setting_the_case_does_not_assume_is_a_failure_saying_why(app, tmp_path):
    """徐政发〔2016〕12号 sets no public-notice period: without `settings: {notice_days: …}` the
    command cannot answer, and the case fails (exit 1) saying so — it never reads this
    deployment's own setting."""
    text = """\
    - name: 公示期未设置
      article: 五、（三）
      check: notice_period
      jurisdiction: xuzhou
      as_of: 2026-06-01
      expect: {days: 7}
    """
    result = policy_test(app, write(tmp_path, text))
    assert result.exit_code == 1 and "无法判断" in result.stdout and "notice_days" in result.stdout
    assumed = text.replace("      expect:", "      settings: {notice_days: 7}\n      expect:")
    result = policy_test(app, write(tmp_path, assumed, "assumed.yaml"))
    assert result.exit_code == 0, result.output


MALFORMED = [
    # (what replaces what in AREA_CASES, the words the one line must hold)
    (("check: eligibility", "check: eligibilty"), ["cases.yaml", "用例「场地面积恰为 300㎡」", "check"]),
    (("article: 第七条（一）\n  check: eligibility\n  as_of: 2026-11-23\n  given:\n    category: comprehensive_service\n"
      "    base: 综合服务类达标\n    facts: {total_area_m2: 300",
      "check: eligibility\n  as_of: 2026-11-23\n  given:\n    category: comprehensive_service\n"
      "    base: 综合服务类达标\n    facts: {total_area_m2: 300"), ["用例「场地面积恰为 300㎡」", "article", "缺少"]),
    (("as_of: 2026-11-23", "as_of: 2026-02-30"), ["as_of", "日期"]),
    (("verdict: eligible_pending_review", "verdict: fine"), ["expect.verdict", "fine"]),
    (("criteria: {kunming.area: pass}", "criteria: {kunming.area: passed}"), ["expect.criteria.kunming.area"]),
    (("base: 综合服务类达标", "base: 不存在的基准"), ["given.base", "不存在的基准"]),
    (("category: comprehensive_service", "category: rooftop"), ["given.category", "rooftop"]),
    (("facts: {total_area_m2: 300, public_area_m2: 30}", "facts: {total_area_m2: 300, public_area_m2: 301}"),
     ["given.facts.public_area_m2"]),
    (("facts: {total_area_m2: 300, public_area_m2: 30}", "facts: {total_area_m2: 300, total_area_m2: 301}"),
     ["total_area_m2", "两次"]),
    (("  expect:\n    verdict: eligible", "  expekt: 1\n  expect:\n    verdict: eligible"), ["expekt"]),
    (("  expect:\n    verdict: eligible", "  settings: {min_area_m2: -5}\n  expect:\n    verdict: eligible"),
     ["settings.min_area_m2"]),
    (("  expect:\n    verdict: eligible", "  settings: {rooftop: 1}\n  expect:\n    verdict: eligible"),
     ["settings.rooftop"]),
    (("  expect:\n    verdict: eligible", "  calendar: fallback\n  expect:\n    verdict: eligible"), ["calendar"]),
    (("  expect:\n    verdict: eligible_pending_review\n    criteria: {kunming.area: pass}", "  expect: {}"),
     ["expect", "至少"]),
]


@pytest.mark.parametrize(("change", "named"), MALFORMED)
def test_a_malformed_case_file_is_one_line_naming_file_case_and_key_exit_2(app, tmp_path, change, named):
    assert change[0] in AREA_CASES, change[0]
    result = policy_test(app, "--jurisdiction", "kunming", write(tmp_path, AREA_CASES.replace(*change, 1)))
    line = assert_bad_input(result, *named)
    assert "cases.yaml" in line


@pytest.mark.parametrize(("text", "named"), [
    ("name: 不是列表\n", ["cases.yaml", "列表"]),
    ("- name: [未闭合\n", ["cases.yaml", "第 ", "YAML"]),
    ("- just text\n", ["cases.yaml", "第 1 个", "映射"]),
    # A hundred bytes of nested aliases would mean a billion values: aliases are refused.
    ("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n",
     ["cases.yaml", "第 2 行", "别名"]),
])
def test_a_file_that_is_not_a_list_of_cases_exit_2(app, tmp_path, text, named):
    assert_bad_input(policy_test(app, "--jurisdiction", "kunming", write(tmp_path, text)), *named)


def test_two_cases_of_one_name_exit_2(app, tmp_path):
    assert_bad_input(policy_test(app, "--jurisdiction", "kunming", write(tmp_path, AREA_CASES + AREA_CASES)),
                     "场地面积恰为 300㎡", "name", "重复")


def test_a_file_not_in_utf8_or_missing_exit_2(app, tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("- name: 面积\n".encode("gb18030"))
    assert_bad_input(policy_test(app, "--jurisdiction", "kunming", str(latin)), "latin.yaml", "UTF-8")
    assert_bad_input(policy_test(app, "--jurisdiction", "kunming", str(tmp_path / "nowhere.yaml")), "nowhere.yaml")


def test_the_jurisdiction_must_be_known(app, tmp_path):
    assert_bad_input(policy_test(app, "--jurisdiction", "atlantis"), "--jurisdiction", "atlantis")
    # A file given without --jurisdiction whose cases name none.
    assert_bad_input(policy_test(app, write(tmp_path, AREA_CASES)), "jurisdiction", "场地面积恰为 300㎡")
    named = AREA_CASES.replace("  check: eligibility", "  jurisdiction: atlantis\n  check: eligibility", 1)
    assert_bad_input(policy_test(app, write(tmp_path, named)), "jurisdiction", "atlantis")


def test_a_malformed_file_runs_nothing_even_after_good_files(app, tmp_path):
    good = write(tmp_path, AREA_CASES, "a.yaml")
    bad = write(tmp_path, AREA_CASES.replace("as_of: 2026-11-23", "as_of: someday", 1), "b.yaml")
    result = policy_test(app, "--jurisdiction", "kunming", good, bad)
    assert_bad_input(result, "b.yaml", "as_of")


def test_a_folder_of_cases_with_its_own_bases(app, tmp_path):
    """A folder: its case files in name order and its bases.yaml, found before the plugin's own."""
    folder = tmp_path / "mine"
    folder.mkdir()
    write(folder, "小场地:\n  facts:\n    total_area_m2: 120\n    public_area_m2: 20\n", "bases.yaml")
    # The base here is only a part: the case still needs complete facts, so it fails as malformed.
    write(folder, AREA_CASES.replace("base: 综合服务类达标", "base: 小场地"))
    assert_bad_input(policy_test(app, "--jurisdiction", "kunming", str(folder)), "given.facts")
    write(folder, AREA_CASES)  # the plugin's base, found when the folder has none of that name
    result = policy_test(app, "--jurisdiction", "kunming", str(folder))
    assert result.exit_code == 0, result.output


def test_disabled_jurisdictions_are_skipped_and_said(app, tmp_path):
    from core.platform.jurisdictions import switch
    from tests.factories import make_user

    admin = make_user("admin", login="admin-switch@test")
    switch("kunming", False, admin.id)
    result = policy_test(app, write(tmp_path, AREA_CASES.replace("  check:", "  jurisdiction: kunming\n  check:")))
    assert result.exit_code == 0 and "跳过 昆明市（kunming）的用例" in result.stdout, result.output
    assert_bad_input(policy_test(app, "--jurisdiction", "kunming"), "--jurisdiction", "未启用")


# --- what the audit of issue 21 found: each is a clear line and exit 2, never a traceback ------------

@pytest.mark.parametrize(("change", "named"), [
    (("criteria: {kunming.area: pass}", "criteria: {[kunming.area]: pass}"), ["第 ", "键应为文字"]),
    (("  check: eligibility", "  jurisdiction: [kunming]\n  check: eligibility"), ["jurisdiction", "文字"]),
    (("category: comprehensive_service", "category: [comprehensive_service]"), ["given.category", "文字"]),
    (("as_of: 2026-11-23", "as_of: 9999-12-31"), ["as_of", "2200-12-31"]),
    # A case that compares nothing cannot fail: refused.
    (("    verdict: eligible_pending_review\n    criteria: {kunming.area: pass}", "    criteria: {}"),
     ["expect.criteria", "至少一个"]),
    # A misspelt fact would leave the base's value in place and the case testing the base: refused.
    (("facts: {total_area_m2: 300, public_area_m2: 30}", "facts: {total_area_m3: 300, public_area_m2: 30}"),
     ["given.facts.total_area_m3", "CONTRACTS §1"]),
    (("  expect:\n    verdict: eligible", "  settings: {min_area_m2: [1]}\n  expect:\n    verdict: eligible"),
     ["settings.min_area_m2"]),
    (("- name: 场地面积恰为 300㎡", "- name: !!python/object/apply:os.system [echo]"), ["不支持的 YAML 标签"]),
])
def test_hostile_case_files_are_one_line_exit_2(app, tmp_path, change, named):
    assert change[0] in AREA_CASES, change[0]
    result = policy_test(app, "--jurisdiction", "kunming", write(tmp_path, AREA_CASES.replace(*change, 1)))
    assert_bad_input(result, *named)


def test_nesting_too_deep_for_a_case_file_exit_2(app, tmp_path):
    assert_bad_input(policy_test(app, "--jurisdiction", "kunming", write(tmp_path, "[" * 5000 + "]" * 5000)),
                     "嵌套层次过深")


def test_paths_that_hold_no_case_of_the_jurisdiction_exit_2(app, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "sub").mkdir()
    write(empty / "sub", AREA_CASES)
    assert_bad_input(policy_test(app, "--jurisdiction", "kunming", str(empty)), "未找到用例", "子文件夹")
    assert_bad_input(policy_test(app, "--jurisdiction", "kunming", write(tmp_path, "", "blank.yaml")), "未找到用例")
    named = write(tmp_path, AREA_CASES.replace("  check:", "  jurisdiction: kunming\n  check:"), "named.yaml")
    assert_bad_input(policy_test(app, "--jurisdiction", "yunnan", named), "没有辖区 yunnan 的用例", "2 个用例属于其他辖区")


def test_a_case_name_cannot_break_or_overwrite_the_table(app, tmp_path):
    """An exported case's name holds the space's name, typed by the applicant: a carriage return
    there would let it overwrite the 未通过 column on a terminal."""
    hostile = AREA_CASES.replace("- name: 场地面积 299㎡", '- name: "空间\\r通过  \\n第二行"').replace(
        "verdict: ineligible", "verdict: eligible_pending_review")
    result = policy_test(app, "--jurisdiction", "kunming", write(tmp_path, hostile))
    assert result.exit_code == 1
    assert "\r" not in result.stdout and re.search(r"^未通过\s+昆明市\s+空间 通过   第二行", result.stdout, re.M)
