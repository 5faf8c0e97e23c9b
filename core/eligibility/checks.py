"""Shared checks for the criteria of jurisdiction plugins.

Each helper builds a criterion check ``(facts, ctx) -> (passed, message)`` — the same
kind of pure function a plugin writes by hand (see ``core.location.space_location_check``
for one more) — so that a rule several plugins state is written once.  The wording of a
message stays the plugin's: the helper takes its pieces (the noun, the unit, the phrase
the policy uses for "not less than"), so a message reads as the policy does.  The
article stays with the plugin too: it is the ``Citation`` of the ``Criterion`` built
around the check.

Checks run for 100 000 applications at a time (``benchmarks/eligibility.py``): each
builder does its work once, and the check it returns is an attribute read, one
comparison and one f-string.

Dependency-light on purpose (a plugin imports it): only ``core.policy`` and
``core.numbers``.
"""
from __future__ import annotations

from typing import Any, Callable

from core.numbers import number_text, percent_text
from core.policy import CriterionCheck, Jurisdiction

__all__ = ["at_least", "at_least_one", "legal_entity", "public_area_share", "qualifying_residents"]

Measure = Callable[[Any, Any], tuple[Any, str]]  # (facts, ctx) -> (value, what was measured, in words)


def at_least(param: str, fact: str | Measure, noun: str = "", unit: str = "", *,
             met: str = "不少于 {}", short: str = "少于 {}",
             number: Callable[[Any], str] = str) -> CriterionCheck:
    """The check "``fact`` ≥ ``ctx.params[param]``" (the threshold itself passes).

    The message is ``"<noun> <value><unit>，<met>"`` when met and with ``short`` when
    not, where ``{}`` in ``met`` / ``short`` stands for the threshold and its unit:
    ``at_least("min_workstations", "workstations", "创业工位", " 个")`` answers
    ``"创业工位 20 个，不少于 20 个"`` or ``"创业工位 19 个，少于 20 个"``.

    - ``unit`` is written as it follows a number: ``" 个"`` with its space, ``"㎡"``
      without one.
    - ``met`` / ``short`` are the policy's words, e.g. ``"在 {}以上"`` / ``"不足 {}"``,
      or ``"不低于 {}（原则上）"`` for a 原则上 condition.
    - ``number`` writes the value and the threshold: ``str`` for counts,
      ``core.numbers.number_text`` for measures that may be fractional (areas, years).
    - ``fact`` is a fact's attribute name, or a function ``(facts, ctx) -> (value,
      text)`` for a value that is worked out (a count of qualifying residents, months
      since opening); its ``text`` replaces ``"<noun> <value><unit>"`` and ``noun`` is
      not used.
    """
    met_before, met_after = _split(met)
    short_before, short_after = _split(short)

    # Four closures rather than one with branches: a check runs for every application,
    # and an f-string writes an int without the call ``number=str`` would cost.
    if callable(fact):
        measure = fact
        if number is str:
            def check(facts, ctx):
                least = ctx.params[param]
                value, text = measure(facts, ctx)
                if value >= least:
                    return True, f"{text}，{met_before}{least}{unit}{met_after}"
                return False, f"{text}，{short_before}{least}{unit}{short_after}"
        else:
            def check(facts, ctx):
                least = ctx.params[param]
                value, text = measure(facts, ctx)
                if value >= least:
                    return True, f"{text}，{met_before}{number(least)}{unit}{met_after}"
                return False, f"{text}，{short_before}{number(least)}{unit}{short_after}"
    else:
        name = fact
        if number is str:
            def check(facts, ctx):
                least = ctx.params[param]
                value = getattr(facts, name)
                if value >= least:
                    return True, f"{noun} {value}{unit}，{met_before}{least}{unit}{met_after}"
                return False, f"{noun} {value}{unit}，{short_before}{least}{unit}{short_after}"
        else:
            def check(facts, ctx):
                least = ctx.params[param]
                value = getattr(facts, name)
                if value >= least:
                    return True, f"{noun} {number(value)}{unit}，{met_before}{number(least)}{unit}{met_after}"
                return False, f"{noun} {number(value)}{unit}，{short_before}{number(least)}{unit}{short_after}"

    check.__qualname__ = check.__name__ = f"at_least({param!r})"
    return check


def at_least_one(fact: str, present: str, absent: str) -> CriterionCheck:
    """The check "there is at least one" where the policy says only "有" (no number).

    ``present`` is the message with ``{}`` for the count (``"有专兼职创业导师 {} 名"``),
    ``absent`` the message when there is none (``"没有创业导师"``).
    """
    before, after = _split(present)
    name = fact

    def check(facts, ctx):
        n = getattr(facts, name)
        if n >= 1:
            return True, f"{before}{n}{after}"
        return False, absent

    check.__qualname__ = check.__name__ = f"at_least_one({fact!r})"
    return check


def legal_entity(jurisdiction: Jurisdiction, within: str = "区域内") -> CriterionCheck:
    """The check "registered in ``jurisdiction``, an independent legal person, an
    enterprise or public institution (企事业单位)".

    ``within`` is the policy's word for the area: ``"区域内"`` (在昆明市区域内注册) or
    ``"境内"`` (弥勒市境内注册).  Every failing condition is named, joined by "；".
    """
    place = f"{jurisdiction.name}{within}"
    outside = f"不在{jurisdiction.name}（{'、'.join(jurisdiction.region_prefixes)}）{within}"

    def check(facts, ctx):
        problems = []
        if not jurisdiction.covers(facts.registered_region):
            problems.append(f"注册地 {facts.registered_region} {outside}")
        if not facts.independent_legal_person:
            problems.append("不具有独立法人资格")
        if facts.entity_type not in ("enterprise", "institution"):
            problems.append("单位性质为其他，不是企事业单位")
        if problems:
            return False, "；".join(problems)
        kind = "企业" if facts.entity_type == "enterprise" else "事业单位"
        return True, f"注册地 {facts.registered_region} 在{place}，具有独立法人资格的{kind}"

    check.__qualname__ = check.__name__ = f"legal_entity({jurisdiction.code!r})"
    return check


def public_area_share(param: str = "min_public_area_percent") -> CriterionCheck:
    """The check "公共办公场所面积不得低于众创空间面积的 N%" (N% itself passes), N being
    ``ctx.params[param]`` in percent."""

    def check(facts, ctx):
        percent = ctx.params[param]
        public, total = facts.public_area_m2, facts.total_area_m2
        share = public / total if total else 0.0
        text = f"公共办公场所 {number_text(public)}㎡，占众创空间面积 {percent_text(share, apart_from=percent / 100)}"
        # Compared in whole percent so that 30㎡ of 300㎡ is exactly 10% (300 * 0.1 is not 30.0).
        if round(public * 100 - total * percent, 6) >= 0:
            return True, f"{text}，不低于 {number_text(percent)}%"
        return False, f"{text}，低于 {number_text(percent)}%"

    check.__qualname__ = check.__name__ = f"public_area_share({param!r})"
    return check


def qualifying_residents(facts, ctx) -> tuple[int, str]:
    """A measure for ``at_least``: the residents whose business meets the policy's field
    requirement (``Resident.qualifying_field``) — the only ones that count towards the
    number — with all residents named in the text."""
    qualifying = sum(1 for r in facts.residents if r.qualifying_field)
    return qualifying, f"入驻小微企业或创业团队 {len(facts.residents)} 个，其中经营项目符合要求的 {qualifying} 个"


def _split(phrase: str) -> tuple[str, str]:
    """``"在 {}以上"`` → ``("在 ", "以上")``: the words before and after the number."""
    before, sep, after = phrase.partition("{}")
    if not sep:
        raise ValueError(f"{phrase!r} has no {{}} for the number")
    return before, after
