"""Issue 13: pathological facts through ``zhongchuang evaluate`` and ``zhongchuang
render application`` (CONTRACTS §2, §5) are one line on standard error naming the key,
exit 2, nothing on standard output — never a traceback.

The limits are ours (docs/limits.md): integers of at most 15 digits and quantities
of at most a billion (``core.facts.MAX_QUANTITY``), JSON nested at most 32 deep, text
that is valid Unicode, and at most 300 residents printed on the 申报书."""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from core.documents import cli as cli_documents
from core.cli import cli
from core.facts.facts_file import MAX_JSON_DEPTH, facts_from_text as _facts_from_text
from core.platform.cli_input import BadInput
from core.facts import MAX_QUANTITY, FactsError, parse_facts

FACTS = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
ARGS = ["--jurisdiction", "kunming", "--category", "comprehensive_service"]


def write(tmp_path, text: str, name: str = "facts.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return str(path)


def evaluate(app, path):
    return app.test_cli_runner().invoke(cli, ["evaluate", *ARGS, path])


def render(app, path, tmp_path):
    return app.test_cli_runner().invoke(cli, ["render", "application", *ARGS, "-o", str(tmp_path / "out.pdf"), path])


def one_line_exit_2(result, *named: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for word in named:
        assert word in lines[0], lines[0]
    return lines[0]


def with_value(key: str, raw: str) -> str:
    """The example facts with ``key`` set to the JSON text ``raw`` (as typed in a file)."""
    facts = dict(FACTS, **{key: "@@"})
    return json.dumps(facts, ensure_ascii=False).replace('"@@"', raw)


@pytest.mark.parametrize("command", ["evaluate", "render"])
def test_a_5000_digit_integer_names_its_key(app, tmp_path, command):
    path = write(tmp_path, with_value("workstations", "9" * 5000))
    result = evaluate(app, path) if command == "evaluate" else render(app, path, tmp_path)
    line = one_line_exit_2(result, "workstations", "5000 位")
    assert len(line) < 200


@pytest.mark.parametrize("digits,accepted", [(10, False), (9, True)])
def test_quantity_boundary_a_billion(app, tmp_path, digits, accepted):
    """MAX_QUANTITY = 10**9 (ours): 1 000 000 000 is taken, 1 000 000 001 refused."""
    value = MAX_QUANTITY if accepted else MAX_QUANTITY + 1
    result = evaluate(app, write(tmp_path, with_value("workstations", str(value))))
    if accepted:
        assert result.exit_code == 0, result.stderr
    else:
        one_line_exit_2(result, "workstations", "数值过大")


@pytest.mark.parametrize("raw", ["1e5000", "1e309", "-1e5000"])
def test_an_infinite_area_names_its_key(app, tmp_path, raw):
    one_line_exit_2(evaluate(app, write(tmp_path, with_value("total_area_m2", raw))), "total_area_m2")


@pytest.mark.parametrize("command", ["evaluate", "render"])
def test_json_nested_20000_deep_names_its_key(app, tmp_path, command):
    path = write(tmp_path, with_value("services", "[" * 20000 + "]" * 20000))
    result = evaluate(app, path) if command == "evaluate" else render(app, path, tmp_path)
    one_line_exit_2(result, "services", "嵌套")


def test_nesting_depth_boundary(tmp_path):
    """A value nested to the limit is parsed (and refused as a wrong type), one deeper is
    refused as too deep."""
    at_limit = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)  # inside the top object: depth 32
    with pytest.raises(FactsError) as wrong:
        _facts_from_text("f.json", with_value("services", at_limit))
    assert wrong.value.key.startswith("services")
    with pytest.raises(BadInput) as deep:
        _facts_from_text("f.json", with_value("services", "[" + at_limit + "]"))
    assert str(deep.value).startswith("services: JSON 嵌套超过 32 层")


@pytest.mark.parametrize("command", ["evaluate", "render"])
@pytest.mark.parametrize("where", ["resident", "applicant"])
def test_a_lone_surrogate_in_a_name_names_its_key(app, tmp_path, command, where):
    facts = copy.deepcopy(FACTS)
    if where == "resident":
        facts["residents"][1]["name"] = "星火\ud800团队"
        key = "residents[1].name"
    else:
        facts["applicant_name"] = "\ud800"
        key = "applicant_name"
    path = write(tmp_path, json.dumps(facts))  # written escaped, as "\ud800"
    result = evaluate(app, path) if command == "evaluate" else render(app, path, tmp_path)
    one_line_exit_2(result, key, "U+D800")


def test_a_surrogate_in_an_unknown_value_is_shown_escaped(app, tmp_path):
    path = write(tmp_path, with_value("entity_type", '"\\udfff"'))
    line = one_line_exit_2(evaluate(app, path), "entity_type")
    assert "\\udfff" in line


def test_names_of_only_spaces_are_refused(app, tmp_path):
    one_line_exit_2(evaluate(app, write(tmp_path, with_value("space_name", '"\u3000  "'))), "space_name", "不能为空")


def test_10000_residents_render_is_refused_at_once_and_evaluate_answers(app, tmp_path):
    facts = copy.deepcopy(FACTS)
    facts["residents"] = [dict(facts["residents"][0], name=f"企业{i}") for i in range(10000)]
    path = write(tmp_path, json.dumps(facts, ensure_ascii=False))
    one_line_exit_2(render(app, path, tmp_path), "residents", "10000", "300")
    assert not (tmp_path / "out.pdf").exists()
    result = evaluate(app, path)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["category"] == "comprehensive_service"


def test_residents_render_limit_boundary(app, tmp_path, monkeypatch):
    """At the limit the PDF is written, one above it is refused (limit lowered to 3 so
    that the test renders a short form)."""
    monkeypatch.setattr(cli_documents, "MAX_RENDER_RESIDENTS", 3)
    facts = copy.deepcopy(FACTS)
    facts["residents"] = [dict(FACTS["residents"][0], name=f"企业{i}") for i in range(4)]
    one_line_exit_2(render(app, write(tmp_path, json.dumps(facts, ensure_ascii=False)), tmp_path),
                    "residents", "上限 3 家")
    facts["residents"] = facts["residents"][:3]
    result = render(app, write(tmp_path, json.dumps(facts, ensure_ascii=False)), tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")


# --- a small fuzz: random damage to the example, never anything but a typed answer or one line


NASTY = [
    "9" * 5000, "-" + "9" * 400, "1e5000", "-1e309", "NaN", "Infinity", "1.5", "-0", "0", "true", "null",
    '""', '"   "', '"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"０１２３４５"', '"2099-02-30"', '"2026-13-01"',
    "[]", "{}", "[" * 40 + "]" * 40, "{\"a\":" * 40 + "1" + "}" * 40, '["\\ud800"]', "[1, 2]", '{"name": 1}',
    str(MAX_QUANTITY), str(MAX_QUANTITY + 1), "1e9", "1.0000000001e9",
]


def damaged(rng: random.Random) -> str:
    """The example with one value (of the facts or of a resident) replaced by a nasty one."""
    facts = copy.deepcopy(FACTS)
    if rng.random() < 0.3:
        resident = rng.choice(facts["residents"])
        resident[rng.choice(list(resident))] = "@@"
    else:
        facts[rng.choice(list(facts))] = "@@"
    return json.dumps(facts, ensure_ascii=False).replace('"@@"', rng.choice(NASTY), 1)


def test_random_damage_gives_facts_or_one_named_line():
    rng = random.Random(13)
    outcomes = {"facts": 0, "refused": 0}
    for _ in range(600):
        text = damaged(rng)
        try:
            _facts_from_text("f.json", text)
            outcomes["facts"] += 1
        except (BadInput, FactsError) as exc:
            line = str(exc)
            assert "\n" not in line and line.split(":")[0], (text[:200], line)
            line.encode("utf-8")  # printable on a UTF-8 terminal
            outcomes["refused"] += 1
    assert outcomes["refused"] > 300 and outcomes["facts"] > 0, outcomes


def test_parse_facts_from_python_with_a_huge_int_names_the_key():
    """The web forms hand Python values over: an int Python cannot print is still named."""
    with pytest.raises(FactsError) as refused:
        parse_facts(dict(FACTS, mentors=10**5000))
    assert refused.value.key == "mentors" and "位的整数" in refused.value.message
