"""``zhongchuang statistics check`` and ``statistics export`` (CONTRACTS §7), through Flask's CLI
runner on a real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set).

The default return's consistency rules are the platform's own (core.monitoring.default_form:
no policy prints a return), so every finding's citation is null; "不能超过" includes the
bound itself."""
from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook

from core.platform.models import Organisation
from tests.cli_helpers import assert_bad_input, run
from tests.factories import make_org, make_space, make_title
from tests.statistics_helpers import accepted_return, full_return


def _file(tmp_path, content, name="return.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _check(app, tmp_path, values, jurisdiction="yunnan", year="2025"):
    result = run(app, "statistics", "check", "--jurisdiction", jurisdiction, "--year", year, _file(tmp_path, values))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _rules(findings) -> set[str]:
    return {f["rule"] for f in findings}


def test_check_a_consistent_return_answers_no_errors_and_no_warnings(app, tmp_path):
    answer = _check(app, tmp_path, full_return())
    assert answer == {"jurisdiction": "yunnan", "year": 2025, "errors": [], "warnings": []}


@pytest.mark.parametrize("services, fails", [("900", False), ("900.01", True)])
def test_check_services_income_may_equal_total_income_but_not_exceed_it(app, tmp_path, services, fails):
    values = full_return(income_total=900, income_rent=0, income_investment=0, income_subsidies=0)
    values["income_services"] = float(services)
    answer = _check(app, tmp_path, values)
    assert ("services_within_total" in _rules(answer["errors"])) is fails
    if fails:
        finding = next(f for f in answer["errors"] if f["rule"] == "services_within_total")
        # a platform check, not a policy's article: no citation
        assert finding == {"rule": "services_within_total", "field": "income_services",
                           "message": "服务收入不能超过总收入", "citation": None}


@pytest.mark.parametrize("members, fails", [(12, False), (11, True)])
def test_check_team_members_at_least_the_teams_both_sides(app, tmp_path, members, fails):
    answer = _check(app, tmp_path, full_return(teams_served=12, team_members=members), jurisdiction="mile")
    assert ("team_members_at_least_teams" in _rules(answer["errors"])) is fails


def test_check_financing_total_exactly_when_something_was_financed(app, tmp_path):
    answer = _check(app, tmp_path, full_return(financed=0, financing_total=0.01), jurisdiction="kunming")
    assert _rules(answer["errors"]) == {"financing_with_financed"}
    assert _check(app, tmp_path, full_return(financed=0, financing_total=0), jurisdiction="kunming")["errors"] == []


def test_check_a_missing_figure_is_the_error_required_and_a_file_has_no_growth_warnings(app, tmp_path):
    values = full_return(teams_served=1000, team_members=1000)  # 5× any last year would warn: a file has none
    del values["mentors"]
    answer = _check(app, tmp_path, values, jurisdiction="xuzhou", year="2024")
    assert answer["errors"] == [{"rule": "required", "field": "mentors", "message": "请填写创业导师数",
                                 "citation": None}]
    assert answer["warnings"] == []


@pytest.mark.parametrize("content, named", [
    ({"mentors": -1}, "mentors"),
    ({"workstations": 2.5}, "workstations"),
    ({"financing_total": 1.001}, "financing_total"),
    ({"teams_served": "many"}, "teams_served"),
    ({"visitors": 3}, "visitors"),
    ([1, 2], "return"),
    ("{not json", "RETURN.json"),
    ("[" * 100000, "RETURN.json"),
])
def test_check_a_file_that_is_not_a_return_is_one_line_naming_the_key(app, tmp_path, content, named):
    result = run(app, "statistics", "check", "--jurisdiction", "yunnan", "--year", "2025", _file(tmp_path, content))
    assert_bad_input(result, named)


@pytest.mark.parametrize("args, named", [
    (("--jurisdiction", "atlantis", "--year", "2025"), "atlantis"),
    (("--jurisdiction", "yunnan", "--year", "25"), "--year"),
    (("--jurisdiction", "yunnan", "--year", "1999"), "--year"),
    (("--jurisdiction", "yunnan"), "--year"),
])
def test_check_bad_options_are_one_line_naming_them(app, tmp_path, args, named):
    assert_bad_input(run(app, "statistics", "check", *args, _file(tmp_path, full_return())), named)


def test_check_an_unreadable_file_is_one_line(app, tmp_path):
    result = run(app, "statistics", "check", "--jurisdiction", "yunnan", "--year", "2025", str(tmp_path / "none.json"))
    assert_bad_input(result, "RETURN.json")


def _export(app, tmp_path, jurisdiction="kunming", year="2025"):
    out = tmp_path / "out.xlsx"
    result = run(app, "statistics", "export", "--jurisdiction", jurisdiction, "--year", year, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), load_workbook(out)


def test_export_with_no_returns_writes_the_chinese_headers_only(app, tmp_path):
    answer, book = _export(app, tmp_path)
    assert answer == {"jurisdiction": "kunming", "year": 2025, "spaces": 0, "output": str(tmp_path / "out.xlsx")}
    data = book["统计数据"]
    assert data.max_row == 1
    headers = [c.value for c in data[1]]
    assert headers[:6] == ["序号", "众创空间名称", "运营主体", "统一社会信用代码", "所在地行政区划代码", "认定辖区"]
    assert "投融资总额（千元）" in headers and "使用面积（平方米）" in headers and "工位数（个）" in headers
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert summary["填报空间数（已受理）"] == 0 and summary["统计年度"] == "2025" and summary["总收入"] == 0


def test_export_one_row_per_space_in_the_returns_order_totals_and_no_formula(app, tmp_path):
    org = make_org("=HYPERLINK(\"http://evil.example\")", region="530102")
    space = make_space(org, "@滇池众创空间", region="530102")
    make_title("kunming", space, granted_on=date(2024, 5, 1))
    make_title("yunnan", space, granted_on=date(2024, 5, 1))
    accepted_return(space, 2025, financing_total=1500.5)
    other = make_title("kunming", granted_on=date(2025, 12, 31))
    accepted_return(other.space, 2025, financing_total=0.25)
    accepted_return(make_title("mile", granted_on=date(2024, 1, 1)).space, 2025)  # another jurisdiction's
    answer, book = _export(app, tmp_path)
    assert answer["spaces"] == 2
    rows = list(book["统计数据"].iter_rows(values_only=True))
    headers, body = rows[0], rows[1:]
    assert len(body) == 2
    mine = next(r for r in body if r[1] == "'@滇池众创空间")
    assert mine[2] == "'=HYPERLINK(\"http://evil.example\")"  # text, not a formula
    assert mine[5] == "昆明市"  # the roll-up's jurisdictions it holds a title of
    assert mine[headers.index("投融资总额（千元）")] == 1500.5
    assert mine[headers.index("工位数（个）")] == 80
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert summary["投融资总额"] == 1500.75 and summary["填报空间数（已受理）"] == 2
    assert Organisation.query.filter_by(id=org.id).one().name.startswith("=")  # the data itself unchanged


def test_export_bad_input_is_one_line(app, tmp_path):
    assert_bad_input(run(app, "statistics", "export", "--jurisdiction", "atlantis", "--year", "2025",
                         "-o", str(tmp_path / "x.xlsx")), "atlantis")
    assert_bad_input(run(app, "statistics", "export", "--jurisdiction", "mile", "--year", "two",
                         "-o", str(tmp_path / "x.xlsx")), "--year")
    assert_bad_input(run(app, "statistics", "export", "--jurisdiction", "mile", "--year", "2025",
                         "-o", str(tmp_path / "no-such-dir" / "x.xlsx")), "--output")


def test_export_onto_a_folder_fails_in_one_line_and_leaves_no_partial_file(app, tmp_path):
    """-o naming a folder: the workbook is written beside it first, so nothing half-written stays."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "a-folder.xlsx"
    target.mkdir()
    assert_bad_input(run(app, "statistics", "export", "--jurisdiction", "mile", "--year", "2025",
                         "-o", str(target)), "--output")
    assert sorted(p.name for p in out.iterdir()) == ["a-folder.xlsx"]
