"""Every installed plugin's policy cases run in the suite, and they cover their policy.

The cases are the plugins' own YAML (plugins/<code>/cases/), found through the hook
``zc_policy_cases`` as an installed third-party jurisdiction's are (the fifth one, tests/
fifth_jurisdiction, runs in tests/domain/test_plugin_discovery.py, installed as a package).
A failure prints the table of ``policy-test`` for the failing cases.

Coverage is checked, not hoped for (issue 21, "Done when"): every auto criterion of every
category of every version has a case where it passes and one where it fails; the notice
period has a case that ends on a working day, one extended past a rest day (民法典 第203条)
and one in a year whose arrangement is unknown (CONTRACTS §3); every subsidy rule is named by
a case; every standing rule (CONTRACTS §6) is the ground of a case, the ban and the change
report's duty each have one.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest

from core.platform.jurisdictions import registry
from core.policy_cases.casefile import Case
from core.policy_cases.report import table
from core.policy_cases.runner import run_cases
from core.policy_cases.sources import shipped_cases

BUILT_INS = ("mile", "kunming", "yunnan", "xuzhou")


def cases_of(code: str, check: str | None = None) -> list[Case]:
    return [c for c in shipped_cases(code) if check is None or c.check == check]


@pytest.mark.parametrize("code", BUILT_INS)
def test_every_shipped_case_passes(app, code):
    cases = cases_of(code)
    assert cases, f"{code} ships no policy cases"
    failed = [o for o in run_cases(cases) if not o.passed]
    names = {c: j.name for c, j in registry().installed().items()}
    assert not failed, "\n" + table(failed, names)


@pytest.mark.parametrize("code", BUILT_INS)
def test_every_auto_criterion_has_a_case_on_each_side(app, code):
    results: dict[str, set[str]] = defaultdict(set)
    for case in cases_of(code, "eligibility"):
        for cid, want in (case.expect.get("criteria") or {}).items():
            results[cid].add(want["result"] if isinstance(want, dict) else want)
    reg = registry()
    missing = []
    for version in reg.policies(code):
        for category in version.categories:
            for criterion in reg.criteria(code, category.code, version):
                if criterion.kind == "auto" and {"pass", "fail"} - results[criterion.id]:
                    missing.append(f"{criterion.id}（{criterion.citation}）缺少"
                                   + "、".join(sorted({"pass", "fail"} - results[criterion.id])))
    assert not missing, "\n".join(sorted(set(missing)))


@pytest.mark.parametrize("code", BUILT_INS)
def test_the_notice_period_has_its_cases(app, code):
    """民法典 第201、203条 and CONTRACTS §3: a period ending on a working day, one moved past a rest
    day, and one in a year whose holiday arrangement is unknown (calendar: fallback, with its warning)."""
    notice = cases_of(code, "notice_period")
    ends = [c for c in notice if "last_day" in c.expect and "days" in c.expect]
    on_time = [c for c in ends if c.expect["last_day"] == c.as_of + timedelta(days=c.expect["days"])]
    moved = [c for c in ends if c.expect["last_day"] > c.as_of + timedelta(days=c.expect["days"])]
    fallback = [c for c in notice if c.calendar == "fallback" and c.expect.get("warnings")]
    assert on_time and moved and fallback, (len(on_time), len(moved), len(fallback))


@pytest.mark.parametrize("code", BUILT_INS)
def test_every_subsidy_rule_is_named_by_a_case(app, code):
    named = {rule for c in cases_of(code, "subsidies") for rule in (c.expect.get("entitlements") or {})}
    reg = registry()
    rules = {r.code for v in reg.policies(code) for r in reg.subsidy_rules(code, v)}
    assert rules - named == set()


@pytest.mark.parametrize("code", BUILT_INS)
def test_every_standing_rule_has_its_case(app, code):
    standing = cases_of(code, "standing")
    assert standing, f"{code} ships no standing cases"
    grounds = {g for c in standing for g in c.expect.get("grounds", [])}
    reg = registry()
    for version in reg.policies(code):
        rules = reg.pm.hook.zc_standing_rules(jurisdiction=code, policy=version)
        if rules is None:
            continue
        assert {r.id for r in rules.rules} - grounds == set(), version.document
        if rules.ban is not None:
            assert any(c.expect.get("ban_until") for c in standing), "the ban after a revocation"
        if rules.change_report is not None:
            assert any(c.expect.get("duties") for c in standing), "the change report's duty"
        if not rules.rules:  # a document that sets no consequence says so (CONTRACTS §6, 徐州)
            assert any(c.expect.get("warnings") for c in standing), "the warning of a policy silent on it"
