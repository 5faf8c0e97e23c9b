"""The shared checks of ``core.eligibility.checks`` and the hook gathering of
``core.plugins.gather_hookimpls``.

The helpers are tested on their own (plain objects stand for the facts: a check only
reads attributes) and through the plugin criteria built with them, at the boundary —
the threshold itself and the nearest value on the other side — each test naming the
article of the plugin criterion it exercises.  The plugins' own tests assert every
message too; these pin the helpers' wording pieces.
"""
from __future__ import annotations

import json
import sys
import textwrap
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.eligibility.checks import at_least, at_least_one, legal_entity, public_area_share, qualifying_residents
from core.facts import parse_facts
from core.numbers import number_text
from core.plugins import PluginError, Registry, gather_hookimpls, make_plugin_manager
from core.policy import CheckContext, Jurisdiction
from plugins.kunming import criteria as kunming
from plugins.kunming.policy import POLICY_2017 as KUNMING_POLICY
from plugins.mile import criteria as mile
from plugins.mile.policy import POLICY_2017 as MILE_POLICY
from plugins.yunnan import criteria as yunnan
from plugins.yunnan.policy import POLICY_2021 as YUNNAN_POLICY

BASE = json.loads((Path(__file__).parent.parent / "data" / "kunming-comprehensive-service.json").read_text("utf-8"))
AS_OF = date(2025, 12, 1)


def ctx(**params):
    return CheckContext(as_of=AS_OF, params=params)


def facts(**changes):
    data = json.loads(json.dumps(BASE))
    data.update(changes)
    return parse_facts(data)


def criterion_check(module, policy, criterion_id, f, as_of=AS_OF):
    params = {p.key: p.value for p in policy.parameters}
    c = next(c for c in module.CRITERIA if c.id == criterion_id)
    return c.check(f, CheckContext(as_of=as_of, params=params))


# --- at_least ----------------------------------------------------------------------------


def test_at_least_the_threshold_itself_passes_one_below_fails():
    check = at_least("min_workstations", "workstations", "创业工位", " 个")
    assert check(SimpleNamespace(workstations=20), ctx(min_workstations=20)) == (True, "创业工位 20 个，不少于 20 个")
    assert check(SimpleNamespace(workstations=19), ctx(min_workstations=20)) == (False, "创业工位 19 个，少于 20 个")


def test_at_least_takes_the_policys_phrases_and_a_number_writer():
    check = at_least("min_area", "area", "面积", "㎡", met="在 {}以上", short="不足 {}", number=number_text)
    assert check(SimpleNamespace(area=200.0), ctx(min_area=200)) == (True, "面积 200㎡，在 200㎡以上")
    assert check(SimpleNamespace(area=199.5), ctx(min_area=200.0)) == (False, "面积 199.5㎡，不足 200㎡")


def test_at_least_reads_the_threshold_at_check_time_so_bureau_overrides_apply():
    check = at_least("min_mentors", "mentors", "导师", " 名")
    assert check(SimpleNamespace(mentors=3), ctx(min_mentors=3))[0]
    assert not check(SimpleNamespace(mentors=3), ctx(min_mentors=4))[0]


def test_at_least_with_a_measure_uses_its_value_and_text():
    def measure(f, c):
        return f.n * 2, f"两倍 {f.n * 2}"

    check = at_least("least", measure, unit=" 个", short="不满 {}")
    assert check(SimpleNamespace(n=3), ctx(least=6)) == (True, "两倍 6，不少于 6 个")
    assert check(SimpleNamespace(n=2), ctx(least=6)) == (False, "两倍 4，不满 6 个")


def test_at_least_refuses_a_phrase_without_a_place_for_the_number():
    with pytest.raises(ValueError):
        at_least("p", "f", "n", " 个", met="不少于")


def test_at_least_one_has_the_policys_words_for_none():
    check = at_least_one("mentors", "有专兼职创业导师 {} 名", "没有创业导师")
    assert check(SimpleNamespace(mentors=1), ctx()) == (True, "有专兼职创业导师 1 名")
    assert check(SimpleNamespace(mentors=0), ctx()) == (False, "没有创业导师")


def test_qualifying_residents_counts_only_those_meeting_the_field_requirement():
    residents = [SimpleNamespace(qualifying_field=q) for q in (True, False, True)]
    assert qualifying_residents(SimpleNamespace(residents=residents), ctx()) == (
        2, "入驻小微企业或创业团队 3 个，其中经营项目符合要求的 2 个")


def test_public_area_share_10_percent_itself_passes():
    check = public_area_share()
    assert check(SimpleNamespace(public_area_m2=30, total_area_m2=300), ctx(min_public_area_percent=10)) == (
        True, "公共办公场所 30㎡，占众创空间面积 10%，不低于 10%")
    assert check(SimpleNamespace(public_area_m2=29.97, total_area_m2=300), ctx(min_public_area_percent=10)) == (
        False, "公共办公场所 29.97㎡，占众创空间面积 9.99%，低于 10%")


def test_legal_entity_names_every_failing_condition():
    j = Jurisdiction(code="dali", name="大理州", level="city", region_prefixes=("5329",), authority="大理州科学技术局")
    check = legal_entity(j, "境内")
    ok = SimpleNamespace(registered_region="532901", independent_legal_person=True, entity_type="institution")
    assert check(ok, ctx()) == (True, "注册地 532901 在大理州境内，具有独立法人资格的事业单位")
    bad = SimpleNamespace(registered_region="530102", independent_legal_person=False, entity_type="other")
    assert check(bad, ctx()) == (False, "注册地 530102 不在大理州（5329）境内；不具有独立法人资格；单位性质为其他，不是企事业单位")


# --- the plugin criteria built with them --------------------------------------------------


def test_kunming_art5_item1_legal_entity_in_kunming_5301():
    assert criterion_check(kunming, KUNMING_POLICY, "kunming.legal_entity", facts(registered_region="530112")) == (
        True, "注册地 530112 在昆明市区域内，具有独立法人资格的企业")
    assert criterion_check(kunming, KUNMING_POLICY, "kunming.legal_entity", facts(registered_region="532504")) == (
        False, "注册地 532504 不在昆明市（5301）区域内")


def test_mile_art5_item1_legal_entity_in_mile_532504():
    assert criterion_check(mile, MILE_POLICY, "mile.legal_entity", facts(registered_region="532504")) == (
        True, "注册地 532504 在弥勒市境内，具有独立法人资格的企业")
    assert criterion_check(mile, MILE_POLICY, "mile.legal_entity", facts(registered_region="532501")) == (
        False, "注册地 532501 不在弥勒市（532504）境内")


def test_kunming_art5_item3_six_months_open_passes_one_day_short_fails():
    f = facts(space_opened_on="2025-06-01")
    assert criterion_check(kunming, KUNMING_POLICY, "kunming.operating_time", f) == (
        True, "众创空间 2025-06-01 成立，至 2025-12-01 满 6 个月，不少于 6 个月")
    f = facts(space_opened_on="2025-06-02")
    assert criterion_check(kunming, KUNMING_POLICY, "kunming.operating_time", f) == (
        False, "众创空间 2025-06-02 成立，至 2025-12-01 满 5 个月，不满 6 个月")


def test_kunming_art7_item1_area_300_as_a_rule():
    assert criterion_check(kunming, KUNMING_POLICY, "kunming.area", facts(total_area_m2=300)) == (
        True, "场地面积 300㎡，不低于 300㎡（原则上）")
    assert criterion_check(kunming, KUNMING_POLICY, "kunming.area", facts(total_area_m2=299.5)) == (
        False, "场地面积 299.5㎡，低于 300㎡（原则上；专家可记录例外及理由）")


def test_kunming_art7_item1_lease_3_years_owned_premises_pass():
    lease = {"premises_tenure": "leased"}
    assert criterion_check(kunming, KUNMING_POLICY, "kunming.lease", facts(**lease, lease_years=3)) == (
        True, "场地租赁，租赁期 3 年，不少于 3 年")
    assert criterion_check(kunming, KUNMING_POLICY, "kunming.lease", facts(**lease, lease_years=2.5)) == (
        False, "场地租赁，租赁期 2.5 年，少于 3 年")
    assert criterion_check(kunming, KUNMING_POLICY, "kunming.lease", facts(premises_tenure="owned")) == (
        True, "场地自有")


def test_mile_art5_item4_five_management_staff():
    assert criterion_check(mile, MILE_POLICY, "mile.management_staff", facts(management_staff=5)) == (
        True, "管理服务人员 5 名，不少于 5 名")
    assert criterion_check(mile, MILE_POLICY, "mile.management_staff", facts(management_staff=4)) == (
        False, "管理服务人员 4 名，少于 5 名")


def test_mile_art5_item7_and_kunming_art7_item4_at_least_one_investor():
    for module, policy, cid in ((mile, MILE_POLICY, "mile.investors"), (kunming, KUNMING_POLICY, "kunming.investors")):
        assert criterion_check(module, policy, cid, facts(investor_partners=1)) == (True, "与 1 家投资及担保机构有合作关系")
        assert criterion_check(module, policy, cid, facts(investor_partners=0)) == (
            False, "与天使投资、风险投资、私募基金、投资及担保机构等无合作关系")


def test_yunnan_conditions_item5_contracted_residents_in_its_own_words():
    assert criterion_check(yunnan, YUNNAN_POLICY, "yunnan.contracted_residents",
                           facts(contracted_residents_last_year=15)) == (True, "近一年协议入驻创业团队和企业 15 家，在 15 家以上")
    assert criterion_check(yunnan, YUNNAN_POLICY, "yunnan.contracted_residents",
                           facts(contracted_residents_last_year=14)) == (False, "近一年协议入驻创业团队和企业 14 家，不足 15 家")


def test_yunnan_conditions_item2_area_500():
    assert criterion_check(yunnan, YUNNAN_POLICY, "yunnan.area", facts(total_area_m2=500)) == (
        True, "使用总面积 500㎡，不低于 500㎡")
    assert criterion_check(yunnan, YUNNAN_POLICY, "yunnan.area", facts(total_area_m2=499.9)) == (
        False, "使用总面积 499.9㎡，低于 500㎡")


# --- gather_hookimpls ----------------------------------------------------------------------


def _package(tmp_path, name, files):
    root = tmp_path / name
    root.mkdir()
    for filename, text in files.items():
        (root / filename).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def on_path(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("zc_gather_")]:
        del sys.modules[name]


def test_gathered_package_registers_with_pluggy_as_the_package_module(on_path):
    _package(on_path, "zc_gather_ok", {
        "__init__.py": "from core.plugins import gather_hookimpls\n\n__all__ = gather_hookimpls(__name__)\n",
        "who.py": """
            from core import hookimpl
            from core.policy import Jurisdiction

            @hookimpl
            def zc_jurisdiction():
                return Jurisdiction(code="zz", name="测试州", level="city", region_prefixes=("5399",),
                                    authority="测试州科学技术局")
        """,
        "materials.py": """
            from core import hookimpl
            from zc_gather_ok.who import zc_jurisdiction  # imported, not defined here: not gathered twice

            @hookimpl
            def zc_required_materials(jurisdiction, category):
                return None
        """,
    })
    import zc_gather_ok

    assert zc_gather_ok.__all__ == ["zc_jurisdiction", "zc_required_materials"]
    pm, _ = make_plugin_manager(load_entry_points=False)
    pm.register(zc_gather_ok, name="zz")
    assert "zz" in Registry(pm).installed()


def test_two_submodules_with_the_same_hook_are_refused(on_path):
    hook = "from core import hookimpl\n\n@hookimpl\ndef zc_jurisdiction():\n    return None\n"
    _package(on_path, "zc_gather_twice", {
        "__init__.py": "from core.plugins import gather_hookimpls\n\n__all__ = gather_hookimpls(__name__)\n",
        "a.py": hook,
        "b.py": hook,
    })
    with pytest.raises(PluginError, match="zc_jurisdiction"):
        import zc_gather_twice  # noqa: F401


def test_gather_hookimpls_is_what_the_built_ins_use():
    import plugins.kunming

    assert "zc_criteria" in plugins.kunming.__all__ and plugins.kunming.zc_criteria is kunming.zc_criteria
    assert gather_hookimpls("plugins.kunming") == plugins.kunming.__all__
