"""``zhongchuang standing`` (CONTRACTS §6) through Flask's CLI runner on a real database (SQLite,
and PostgreSQL when TEST_DATABASE_URL is set): the bureau's settings and registered versions
are read from it; bad input is one line naming the key, exit 2."""
from __future__ import annotations

import json
from datetime import date

import pytest

from core.bureau import operations as bureau_operations
from tests.cli_helpers import assert_bad_input, run

FRAUD = {"recognized_on": "2022-05-10", "revoked_on": "2026-01-05", "revocation_grounds": ["fraud"]}


def _file(tmp_path, content, name="history.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
                    encoding="utf-8")
    return str(path)


def _standing(app, tmp_path, history, jurisdiction="yunnan", as_of="2026-03-01"):
    result = run(app, "standing", "--jurisdiction", jurisdiction, "--history", _file(tmp_path, history),
                 "--as-of", as_of)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_mile_article_15_two_failed_years_through_the_command(app, tmp_path):
    answer = _standing(app, tmp_path, {"recognized_on": "2022-05-10", "assessments": [
        {"year": 2024, "grade": "unqualified"}, {"year": 2025, "grade": "unqualified"}]}, "mile", "2026-12-01")
    assert answer["standing"] == "revocation_due"
    assert answer["grounds"] == [{"id": "mile.two_failed_years",
                                  "citation": {"document": "弥政办发〔2017〕5号", "article": "第十五条", "item": None},
                                  "message": "2024、2025 年度连续两年考核不合格"}]
    assert list(answer) == ["jurisdiction", "as_of", "policy", "standing", "grounds", "duties", "ban_until",
                            "warnings"]


def test_yunnan_management_fraud_ban_through_the_command_in_chinese(app, tmp_path):
    result = run(app, "standing", "--jurisdiction", "yunnan", "--history", _file(tmp_path, FRAUD),
                 "--as-of", "2026-03-01")
    assert result.exit_code == 0 and "虚报、瞒报、造假" in result.stdout  # ensure_ascii=False
    answer = json.loads(result.stdout)
    assert answer["standing"] == "revoked" and answer["ban_until"] == "2028-01-05"


def test_yunnan_management_a_bureau_override_of_the_ban_years_applies(app, tmp_path):
    bureau_operations.set_bureau_setting("yunnan", "fraud_ban_years", 3, document="云科发〔2026〕1号")
    assert _standing(app, tmp_path, FRAUD)["ban_until"] == "2029-01-05"


def test_kunming_article_18_rectification_period_set_by_the_bureau_is_shown_as_its_own(app, tmp_path):
    bureau_operations.set_bureau_setting("kunming", "rectification_months", 6, document="昆科通〔2026〕2号")
    answer = _standing(app, tmp_path, {"recognized_on": "2022-05-10",
                                       "assessments": [{"year": 2025, "grade": "unqualified"}]}, "kunming")
    assert answer["standing"] == "rectification"
    assert answer["grounds"][0]["message"].endswith("（整改期限 6 个月，本局设定，非政策规定）")


def test_mile_change_report_period_set_by_the_bureau_makes_a_duty(app, tmp_path):
    history = {"recognized_on": "2022-05-10", "changes": [{"kind": "area", "changed_on": "2025-11-30",
                                                           "reported_on": None}]}
    assert _standing(app, tmp_path, history, "mile")["duties"] == []
    bureau_operations.set_bureau_setting("mile", "change_report_months", 3)
    duties = _standing(app, tmp_path, history, "mile")["duties"]
    assert [(d["due_on"], d["overdue"], d["citation"]) for d in duties] == [("2026-02-28", True, None)]


def test_xuzhou_good_with_the_warning(app, tmp_path):
    answer = _standing(app, tmp_path, {"recognized_on": "2022-05-10", "assessments": [
        {"year": 2024, "grade": "unqualified"}, {"year": 2025, "grade": "unqualified"}]}, "xuzhou")
    assert answer["standing"] == "good" and answer["grounds"] == []
    assert answer["warnings"] and "不设定任何后果" in answer["warnings"][0]


def test_yunnan_after_2026_04_03_then_a_bureau_successor_applies_the_rules_again(app, tmp_path):
    history = {"recognized_on": "2022-05-10", "statistics": [
        {"year": 2024, "filed": False, "excused": False}, {"year": 2025, "filed": False, "excused": False}]}
    lapsed = _standing(app, tmp_path, history, as_of="2026-11-23")
    assert lapsed["standing"] == "no_policy_in_force" and lapsed["grounds"] == []
    assert lapsed["policy"]["document"] == "云科规〔2021〕1号"
    bureau_operations.add_bureau_policy_version(
        "yunnan", document="云科规〔2026〕5号", title="云南省众创空间认定管理办法（2026年修订）",
        effective_from=date(2026, 6, 1), based_on="云科规〔2021〕1号")
    gap = _standing(app, tmp_path, history, as_of="2026-05-31")
    assert gap["standing"] == "no_policy_in_force" and gap["policy"]["document"] == "云科规〔2026〕5号"
    answer = _standing(app, tmp_path, history, as_of="2026-11-23")
    assert answer["policy"]["document"] == "云科规〔2026〕5号"
    assert answer["standing"] == "revocation_due"
    assert [g["id"] for g in answer["grounds"]] == ["yunnan.unfiled_statistics"]
    assert answer["grounds"][0]["citation"]["document"] == "云科规〔2021〕1号"  # the text it comes from


def test_a_revocation_under_the_lapsed_measures_keeps_its_ban(app, tmp_path):
    answer = _standing(app, tmp_path, FRAUD, as_of="2026-12-01")
    assert answer["standing"] == "revoked" and answer["ban_until"] == "2028-01-05"
    assert answer["policy"]["document"] == "云科规〔2021〕1号" and answer["warnings"]


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("history, key", [
    ({"recognized_on": "2022-05-10", "assessments": [{"year": 2025, "grade": "good"},
                                                      {"year": 2024, "grade": "so-so"}]}, "assessments[1].grade"),
    ({"recognized_on": "2022-05-10", "changes": [{"kind": "area", "changed_on": "2025-02-30"}]},
     "changes[0].changed_on"),
    ({"recognized_on": "2022-05-10", "findings": [{"kind": "arson", "found_on": "2025-01-01"}]}, "findings[0].kind"),
    ({"recognized_on": "2022-05-10", "revoked_on": "2026-01-05", "revocation_grounds": ["lazy"]},
     "revocation_grounds[0]"),
    ({"assessments": []}, "recognized_on"),
    ({"recognized_on": "2022-05-10", "statistics": "none"}, "statistics"),
    ([], "HISTORY.json"),
])
def test_bad_history_is_one_line_naming_the_key(app, tmp_path, history, key):
    result = run(app, "standing", "--jurisdiction", "yunnan", "--history", _file(tmp_path, history),
                 "--as-of", "2026-03-01")
    assert_bad_input(result, key)


@pytest.mark.parametrize("args, named", [
    (["--jurisdiction", "atlantis"], "jurisdiction"),
    (["--jurisdiction", "yunnan", "--as-of", "2026-02-30"], "--as-of"),
])
def test_bad_options_are_one_line(app, tmp_path, args, named):
    path = _file(tmp_path, {"recognized_on": "2022-05-10"})
    assert_bad_input(run(app, "standing", "--history", path, *args), named)


@pytest.mark.parametrize("content", ["{not json", "[" * 100000, '{"recognized_on": 1' + "0" * 5000 + "}"])
def test_unreadable_history_is_one_line(app, tmp_path, content):
    result = run(app, "standing", "--jurisdiction", "yunnan", "--history", _file(tmp_path, content))
    assert_bad_input(result, "HISTORY.json")


def test_a_missing_file_and_a_missing_option_are_one_line(app, tmp_path):
    assert_bad_input(run(app, "standing", "--jurisdiction", "yunnan", "--history", str(tmp_path / "no.json")),
                     "HISTORY.json")
    assert_bad_input(run(app, "standing", "--jurisdiction", "yunnan"), "--history")
