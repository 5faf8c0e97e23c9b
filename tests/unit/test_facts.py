"""core.facts: the application facts of CONTRACTS §1, parsed and validated."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from core.facts import (
    FACT_KEYS,
    OPTIONAL_FACT_KEYS,
    Facts,
    FactsError,
    Resident,
    is_valid_org_code,
    is_valid_uscc,
    make_uscc,
    org_code_check_char,
    parse_facts,
    uscc_check_char,
)

EXAMPLES = Path("/work/shared/examples")
EXAMPLE_USCC = "91530112AY4CL12T2Q"


def _example_path() -> Path:
    path = EXAMPLES / "kunming-comprehensive-service.json"
    if not path.exists():  # the repository's own copy, if the shared one is gone
        path = Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json"
    return path


@pytest.fixture
def example() -> dict:
    return json.loads(_example_path().read_text(encoding="utf-8"))


# --- the example and the round trip ---------------------------------------


def test_example_parses(example):
    facts = parse_facts(example)
    assert isinstance(facts, Facts)
    assert facts.uscc == EXAMPLE_USCC
    assert facts.space_opened_on == date(2023, 3, 15)
    assert facts.total_area_m2 == 620 and facts.public_area_m2 == 90
    assert facts.rent_ratio_year2 == 0.3
    assert facts.management_rules == ("admission", "finance", "operations")
    assert isinstance(facts.services, tuple)
    assert len(facts.residents) == 12
    first = facts.residents[0]
    assert first == Resident(
        name="云岭智造",
        kind="enterprise",
        qualifying_field=True,
        entered_on=date(2025, 3, 1),
        established_on=date(2025, 1, 15),
        registered_in_space=True,
    )
    assert facts.warnings == ()


def test_round_trip(example):
    facts = parse_facts(example)
    data = facts.to_json_dict()
    assert list(data) == list(FACT_KEYS + OPTIONAL_FACT_KEYS)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data  # JSON-ready
    assert data["space_opened_on"] == "2023-03-15"
    assert parse_facts(data) == facts


def test_round_trip_keeps_null_established_on_and_warnings(example):
    example["residents"][0]["established_on"] = None
    example["registered_region"] = "530102"
    facts = parse_facts(example)
    assert facts.residents[0].established_on is None
    assert facts.to_json_dict()["residents"][0]["established_on"] is None
    assert parse_facts(facts.to_json_dict()) == facts


def test_hosted_by_operating_unit_is_optional_and_absent_means_false(example):
    """CONTRACTS §1 hosted_by_operating_unit (昆科发〔2017〕55号 第五条（六）): optional, absent = false."""
    assert "hosted_by_operating_unit" not in example
    assert parse_facts(example).hosted_by_operating_unit is False
    assert parse_facts(example | {"hosted_by_operating_unit": True}).hosted_by_operating_unit is True
    assert parse_facts(example | {"hosted_by_operating_unit": False}).hosted_by_operating_unit is False
    hosted = parse_facts(example | {"hosted_by_operating_unit": True})
    assert parse_facts(hosted.to_json_dict()) == hosted


def test_absent_optional_key_reads_as_its_default():
    """hosted_by_operating_unit (昆科发〔2017〕55号 第五条（六）): absent and false are the same fact."""
    from core.facts import fact_value
    assert fact_value({}, "hosted_by_operating_unit") is False
    assert fact_value({"hosted_by_operating_unit": True}, "hosted_by_operating_unit") is True
    assert fact_value({}, "total_area_m2") is None  # a required key has no default


def test_facts_are_frozen(example):
    facts = parse_facts(example)
    with pytest.raises(AttributeError):
        facts.total_area_m2 = 1  # type: ignore[misc]


def test_unknown_keys_are_ignored(example):
    example["team_members"] = [{"name": "张三"}]
    example["residents"][0]["contact"] = "李四"
    assert parse_facts(example) == parse_facts({k: v for k, v in example.items() if k != "team_members"})


def test_integral_float_is_an_int(example):
    example["workstations"] = 48.0
    facts = parse_facts(example)
    assert facts.workstations == 48 and type(facts.workstations) is int


def test_lease_years_is_required_even_for_owned_premises(example):
    example["premises_tenure"] = "owned"
    del example["lease_years"]
    with pytest.raises(FactsError) as err:
        parse_facts(example)
    assert err.value.key == "lease_years"
    example["lease_years"] = 0
    assert parse_facts(example).premises_tenure == "owned"


def test_ratio_bounds_are_inclusive(example):
    example["rent_ratio_year1"] = 0
    example["rent_ratio_year3"] = 1
    facts = parse_facts(example)
    assert (facts.rent_ratio_year1, facts.rent_ratio_year3) == (0, 1)


def test_public_area_equal_to_total_is_allowed(example):
    example["public_area_m2"] = example["total_area_m2"]
    assert parse_facts(example).public_area_m2 == 620


# --- bad input: each refused with the right key ----------------------------


def _set(path: str, value):
    """A mutation of the example: set the value at ``path`` (``a`` or ``residents[0].b``)."""

    def mutate(data: dict) -> None:
        if path.startswith("residents["):
            index, name = path[len("residents["):].split("].")
            data["residents"][int(index)][name] = value
        else:
            data[path] = value

    return mutate


def _delete(path: str):
    def mutate(data: dict) -> None:
        if path.startswith("residents["):
            index, name = path[len("residents["):].split("].")
            del data["residents"][int(index)][name]
        else:
            del data[path]

    return mutate


BAD_INPUT = [
    # (case id, mutation, expected key)
    ("missing key", _delete("total_area_m2"), "total_area_m2"),
    ("missing uscc", _delete("uscc"), "uscc"),
    ("missing resident key", _delete("residents[2].kind"), "residents[2].kind"),
    ("string for number", _set("total_area_m2", "620"), "total_area_m2"),
    ("null for number", _set("public_area_m2", None), "public_area_m2"),
    ("number for string", _set("applicant_name", 42), "applicant_name"),
    ("blank name", _set("space_name", "  "), "space_name"),
    ("string for list", _set("services", "registration"), "services"),
    ("number in list", _set("management_rules", ["admission", 3]), "management_rules[1]"),
    ("list for residents item", _set("residents", [["云岭智造"]]), "residents[0]"),
    ("bool for number", _set("total_area_m2", True), "total_area_m2"),
    ("bool for int", _set("workstations", False), "workstations"),
    ("bool for ratio", _set("rent_ratio_year1", True), "rent_ratio_year1"),
    ("number for bool", _set("seed_fund", 1), "seed_fund"),
    ("string for optional bool", _set("hosted_by_operating_unit", "是"), "hosted_by_operating_unit"),
    ("null for optional bool", _set("hosted_by_operating_unit", None), "hosted_by_operating_unit"),
    ("string for bool", _set("independent_legal_person", "true"), "independent_legal_person"),
    ("fractional int", _set("mentors", 4.5), "mentors"),
    ("negative area", _set("total_area_m2", -1), "total_area_m2"),
    ("negative count", _set("events_last_year", -3), "events_last_year"),
    ("negative lease", _set("lease_years", -0.5), "lease_years"),
    ("nan area", _set("total_area_m2", float("nan")), "total_area_m2"),
    ("infinite area", _set("total_area_m2", float("inf")), "total_area_m2"),
    ("ratio above 1", _set("rent_ratio_year2", 30), "rent_ratio_year2"),
    ("ratio below 0", _set("rent_ratio_year3", -0.1), "rent_ratio_year3"),
    ("public above total", _set("public_area_m2", 700), "public_area_m2"),
    ("date that does not exist", _set("space_opened_on", "2026-02-30"), "space_opened_on"),
    ("date not ISO", _set("space_opened_on", "2023/03/15"), "space_opened_on"),
    ("date basic format", _set("space_opened_on", "20230315"), "space_opened_on"),
    ("date with time", _set("space_opened_on", "2023-03-15T00:00"), "space_opened_on"),
    ("date full-width digits", _set("space_opened_on", "２０２３-03-15"), "space_opened_on"),
    ("date as number", _set("space_opened_on", 20230315), "space_opened_on"),
    ("region five digits", _set("registered_region", "53250"), "registered_region"),
    ("region not a province", _set("space_region", "992504"), "space_region"),
    ("region as number", _set("space_region", 532504), "space_region"),
    ("uscc bad check char", _set("uscc", "91530112AY4CL12T2R"), "uscc"),
    ("uscc bad org code", _set("uscc", "91530112AY4CL12T3U"), "uscc"),  # GB 32100 ok, GB 11714 not
    ("uscc too short", _set("uscc", "91530112AY4CL12T2"), "uscc"),
    ("uscc lower case", _set("uscc", "91530112ay4cl12t2q"), "uscc"),
    ("uscc letter O", _set("uscc", "91530112OY4CL12T2Q"), "uscc"),
    ("bad entity type", _set("entity_type", "company"), "entity_type"),
    ("bad tenure", _set("premises_tenure", "rented"), "premises_tenure"),
    ("bad resident kind", _set("residents[5].kind", "startup"), "residents[5].kind"),
    ("bad resident date", _set("residents[0].entered_on", "2025-02-29"), "residents[0].entered_on"),
    ("bad resident established", _set("residents[1].established_on", "2025-1-15"), "residents[1].established_on"),
    ("number for resident bool", _set("residents[0].qualifying_field", 1), "residents[0].qualifying_field"),
]


@pytest.mark.parametrize(
    ("mutate", "key"), [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT]
)
def test_bad_input_is_refused_naming_the_key(example, mutate, key):
    mutate(example)
    with pytest.raises(FactsError) as err:
        parse_facts(example)
    assert err.value.key == key
    text = str(err.value)
    assert text.startswith(f"{key}: ") and "\n" not in text
    assert err.value.message and text == f"{key}: {err.value.message}"
    assert isinstance(err.value, ValueError)


def test_public_area_message(example):
    example["total_area_m2"] = 100
    example["public_area_m2"] = 120
    with pytest.raises(FactsError) as err:
        parse_facts(example)
    assert str(err.value) == "public_area_m2: 公共办公场所面积 120 大于总面积 100"


def test_first_bad_key_in_contract_order_is_reported(example):
    example["events_last_year"] = -1
    example["uscc"] = "X"
    with pytest.raises(FactsError) as err:
        parse_facts(example)
    assert err.value.key == "uscc"


def test_not_an_object_is_refused():
    with pytest.raises(FactsError) as err:
        parse_facts([1, 2])  # type: ignore[arg-type]
    assert "\n" not in str(err.value)


def test_uscc_region_mismatch_is_a_warning_not_an_error(example):
    example["registered_region"] = "532504"  # USCC registered in 530112
    facts = parse_facts(example)
    assert len(facts.warnings) == 1
    assert "530112" in facts.warnings[0] and "532504" in facts.warnings[0]


# --- USCC (GB 32100-2015) and organisation code (GB 11714-1997) ------------


def test_example_uscc_passes_both_checks():
    assert uscc_check_char(EXAMPLE_USCC[:17]) == "Q"  # GB 32100-2015
    assert org_code_check_char("AY4CL12T") == "2"  # GB 11714-1997, letters valued 10..35
    assert is_valid_org_code(EXAMPLE_USCC[8:17])
    assert is_valid_uscc(EXAMPLE_USCC)


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("D2143569", "X"),  # the worked example of GB 11714-1997: D2143569-X
        ("00000000", "0"),  # sum 0 → 11 - 0 = 11 → "0"
        ("00000001", "9"),
        ("00000005", "1"),  # sum 10 → 11 - 10 = 1
        ("00000006", "X"),  # sum 12 → 11 - 1 = 10 → "X"
    ],
)
def test_org_code_check_char(body, check):
    assert org_code_check_char(body) == check
    assert is_valid_org_code(body + check)


def test_is_valid_rejects_non_codes():
    assert not is_valid_uscc("")
    assert not is_valid_uscc(None)  # type: ignore[arg-type]
    assert not is_valid_uscc(EXAMPLE_USCC + "0")
    assert not is_valid_org_code("AY4CL12T3")
    assert not is_valid_org_code("ay4cl12t2")


@pytest.mark.parametrize("region", ["532504", "530112", "320311", "110101"])
@pytest.mark.parametrize("org", ["MA6X0001", "AY4CL12T", "00000006", "L1234567"])
def test_make_uscc_validates(region, org):
    code = make_uscc(region, org_code_first8=org)
    assert len(code) == 18 and code[2:8] == region and code[8:16] == org
    assert is_valid_uscc(code)


def test_make_uscc_reproduces_the_example():
    assert make_uscc("530112", org_code_first8="AY4CL12T") == EXAMPLE_USCC


def test_make_uscc_output_parses(example):
    example["uscc"] = make_uscc("532504", prefix="52")
    example["registered_region"] = "532504"
    facts = parse_facts(example)
    assert facts.uscc.startswith("52532504") and facts.warnings == ()


def test_every_single_character_change_of_the_uscc_is_caught():
    # GB 32100-2015's mod-31 check detects every single substitution.
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for i in range(18):
        for c in alphabet:
            if c != EXAMPLE_USCC[i]:
                assert not is_valid_uscc(EXAMPLE_USCC[:i] + c + EXAMPLE_USCC[i + 1:])


def test_example_copy_unchanged_by_parsing(example):
    before = copy.deepcopy(example)
    parse_facts(example)
    assert example == before


def test_residents_from_any_mapping_parse_alike(example):
    """A form may hand over non-dict mappings; they take the field-by-field path, same result."""
    from types import MappingProxyType

    expected = parse_facts(example)
    example["residents"] = [MappingProxyType(r) for r in example["residents"]]
    assert parse_facts(MappingProxyType(example)) == expected


def test_date_objects_from_python_callers_are_accepted(example):
    expected = parse_facts(example)
    example["space_opened_on"] = date(2023, 3, 15)
    example["residents"][0]["entered_on"] = date(2025, 3, 1)
    assert parse_facts(example) == expected
