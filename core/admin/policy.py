"""The policy page: the single place where a bureau checks the system against its
document (read-only).

``/admin/policy/`` lists the enabled jurisdictions the user may see;
``/admin/policy/<code>`` shows one: every policy version (the plugin's and the
bureau's), its categories, parameters with where each value comes from, criteria,
review steps, 公示期, subsidy rules, assessment scheme and required materials, each
with its citation — and under each criterion, the notice period, each subsidy and standing rule,
the policy cases it is tested with and their result on the installed code
(core.policy_cases.results: run once per process, no database).  Everything is read from the
plugin registry and ``core.bureau`` (so a bureau's setting shows up at once); no city is named here.
Any staff role may read it, within its jurisdictions; another jurisdiction is 404.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.bureau import bureau_criteria
from core.monitoring import standing_policy
from core.bureau import data as bureau_data
from core.bureau import versions as policy_versions

from core.award import entitlements as subsidies
from core.award import overlaps

from core.monitoring import forms as statistics_forms
from core.review import meetings
from core.review.steps import STEP_KIND_LABELS
from core.platform import clock
from core.platform import labels
from core.accounts.admin_access import StaffAccessMixin
from core.platform.jurisdictions import enabled, registry
from core.numbers import number_text
from core.policy_cases import results as policy_cases
from core.policy import Category, Criterion, PolicyVersion, ReviewStep, SupportDocument
from core.accounts.scoping import visible_codes

SOURCE_LABELS = {
    "政策规定": _l("Set by the policy"),
    "局设置": _l("Bureau setting"),
    "待局设置": _l("Not set by the policy; awaiting the bureau's setting"),
}


# The expected values of a case (core.policy_cases.runner.KEY_WORDS), for the page in either language.
CASE_KEY_LABELS = {
    "policy": _l("Policy applied"), "verdict": _l("Verdict"), "fails": _l("Articles not met"),
    "days": _l("Notice days"), "first_day": _l("First day of notice"), "last_day": _l("Last day of notice"),
    "warnings": _l("Warnings"), "total_cny": _l("Total (yuan)"), "entitlements": _l("Support granted"),
    "standing": _l("Standing"), "grounds": _l("Grounds found"), "duties": _l("Duties to fulfil"),
    "ban_until": _l("Barred from applying until"),
}
# What a case sets, by kind (core.policy_cases.results.Varied); facts and settings carry their own names.
CASE_VARIES_LABELS = {
    "base": _l("Based on"), "event": _l("Event"), "level": _l("Recognition level"),
    "grade": _l("Assessment grade"),
    "fallback_calendar": _l("Working calendar: statutory holidays only, as if the year's arrangement were unknown"),
}


def show_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, (int, float)):
        return number_text(value)
    return str(value)


def show_amount(amount: int | None) -> str:
    if amount is None:
        return gettext("No amount fixed by the policy")
    wan = amount / 10_000
    return gettext("%(cny)s yuan (%(wan)s ten-thousand yuan)", cny=amount, wan=show_value(wan))


@dataclass
class CategoryPage:
    category: Category
    criteria: list[Criterion]
    bureau_ids: set[str]
    steps: list[ReviewStep]
    materials: list


@dataclass
class VersionPage:
    version: PolicyVersion
    base: PolicyVersion
    is_bureau: bool
    status: str  # in_force | lapsed | future
    parameters: list[dict]
    notice: dict
    categories: list[CategoryPage] = field(default_factory=list)
    subsidies: list[dict] = field(default_factory=list)
    assessment: Any = None
    standing: Any = None  # StandingRules: what the policy makes of a title's record (CONTRACTS §6)


def version_status(v: PolicyVersion | SupportDocument, today: date) -> str:
    if v.in_force_on(today):
        return "in_force"
    return "future" if today < v.effective_from else "lapsed"


def notice_row(code: str, v: PolicyVersion, data: bureau_data.BureauData) -> dict:
    """公示期 of a version: the policy's own, else the bureau's setting, else unset."""
    if v.notice_days is not None:
        return {"days": v.notice_days, "source": "政策规定", "citation": v.notice_citation or None}
    setting = data.settings.get(bureau_data.NOTICE_DAYS)
    if setting is not None:
        return {"days": setting.value, "source": "局设置", "setting": setting}
    return {"days": None, "source": "待局设置"}


def subsidy_row(rule, data: bureau_data.BureauData) -> dict:
    found = subsidies.entitlement(rule, data)
    when = [subsidies.EVENTS.get(rule.event, rule.event)]
    when += [subsidies.LEVELS.get(x, x) for x in rule.levels or ()]
    when += [subsidies.GRADES.get(x, x) for x in rule.grades or ()]
    setting = data.settings.get(rule.setting_key) if rule.setting_key else None
    return {"rule": rule, "when": " · ".join(when), "amount": found["amount_cny"], "note": found["note"],
            "setting": setting}


@dataclass
class SupportPage:
    """A support document with its own window (``SubsidyRule.support``) and its rules."""

    document: SupportDocument
    status: str  # in_force | lapsed | future
    subsidies: list[dict]


def support_pages(code: str, data: bureau_data.BureauData, today: date) -> list[SupportPage]:
    by_document: dict[SupportDocument, list] = {}
    for rule in subsidies.own_document_rules(code, data):
        by_document.setdefault(rule.support, []).append(subsidy_row(rule, data))
    return [SupportPage(d, version_status(d, today), rows) for d, rows in by_document.items()]


def version_page(code: str, v: PolicyVersion, data: bureau_data.BureauData, today: date) -> VersionPage:
    reg = registry()
    base = policy_versions.base_policy(code, v, data)
    page = VersionPage(
        version=v, base=base, is_bureau=any(r.document == v.document for r in data.versions),
        status=version_status(v, today), parameters=policy_versions.parameter_rows(code, v, data),
        notice=notice_row(code, v, data),
    )
    bureau_ids = {f"{code}.bureau.{r.code}" for r in data.criteria}
    for category in v.categories:
        page.categories.append(CategoryPage(
            category=category,
            criteria=bureau_criteria.criteria(code, category.code, v, data),
            bureau_ids=bureau_ids,
            steps=reg.review_steps(code, category.code, base),
            materials=reg.required_materials(code, category.code),
        ))
    # Rules bound to their own document are shown with that document (support_pages).
    page.subsidies = [subsidy_row(r, data) for r in reg.subsidy_rules(code, base) if r.support is None]
    page.assessment = reg.assessment_scheme(code, base)
    page.standing = standing_policy.standing_rules(code, v, data)
    return page


@dataclass
class MoneyPage:
    """What the documents say about the money after the award (docs/money.md): the kinds of
    support compared across jurisdictions, the duplicate-support rules that govern this
    jurisdiction (its own and those declared above it), the funds, the support owed only to a
    space holding another title, and who approves (a bureau setting)."""

    kinds: list[tuple[str, str]]            # (support, kind compared)
    overlap_rules: list[dict]
    funds: list
    prerequisites: list[tuple[Any, str]]    # (prerequisite, the support's name)
    approver: str
    approver_set: bool


def money_page(code: str, data: bureau_data.BureauData, today: date) -> MoneyPage:
    reg = registry()
    version = policy_versions.policy_in_force(code, today, data) or policy_versions.nearest_policy(code, today, data)
    base = policy_versions.base_policy(code, version, data) if version is not None else None
    rules = {r.code: r for r in (reg.subsidy_rules(code, base) if base is not None else [])}
    rules.update({r.code: r for r in subsidies.own_document_rules(code, data)})
    overlap_rules = [{"rule": rule, "owner": owner, "years": years}  # its own and those declared above it
                     for owner, rule, years in overlaps.rules_governing(code)]
    approver = bureau_data.bureau_setting(code, bureau_data.SUPPORT_APPROVER, data)
    return MoneyPage(
        kinds=[(r.name, labels.support_category_label(r.category)) for r in rules.values() if r.category],
        overlap_rules=overlap_rules,
        funds=reg.support_funds(code, base) if base is not None else [],
        prerequisites=[(p, rules[p.applies_to].name if p.applies_to in rules else p.applies_to)
                       for p in (reg.title_prerequisites(code, base) if base is not None else [])],
        approver="officer" if approver is not None and approver.value is True else "leader",
        approver_set=approver is not None,
    )


def jurisdiction_page(code: str, today: date) -> dict:
    j = enabled()[code]
    data = bureau_data.load_bureau_data(code)
    versions = [version_page(code, v, data, today) for v in policy_versions.policies(code, data)]
    in_force = next((p for p in versions if p.status == "in_force"), None)
    supports = support_pages(code, data, today)
    return {
        "supports": supports,
        "j": j,
        "level": str(labels.LEVEL_LABELS.get(j.level, j.level)),
        "parent": labels.jurisdiction_label(j.parent) if j.parent else None,
        "versions": versions,
        "in_force": in_force,
        "lapsed": in_force is None and any(p.status == "lapsed" for p in versions),
        "unused_settings": [s for k, s in data.settings.items()
                            if all(k != p["key"] for vp in versions for p in vp.parameters)
                            and k != bureau_data.NOTICE_DAYS
                            and all(s is not r["setting"] for vp in versions for r in vp.subsidies)
                            and all(s is not r["setting"] for sp in supports for r in sp.subsidies)],
        "setting_labels": bureau_data.known_setting_keys(code),
        "statistics": statistics_forms.form_for(code, today.year - 1),
        "money": money_page(code, data, today),
    }


class PolicyView(StaffAccessMixin, BaseView):
    @expose("/")
    def index(self):
        today = clock.today()
        rows = []
        for code in visible_codes(current_user):
            j = enabled()[code]
            data = bureau_data.load_bureau_data(code)
            rows.append({
                "j": j, "level": str(labels.LEVEL_LABELS.get(j.level, j.level)),
                "in_force": policy_versions.policy_in_force(code, today, data),
                "nearest": policy_versions.nearest_policy(code, today, data),
            })
        return self.render("admin/policy_index.html", rows=rows, today=today)

    @expose("/<code>")
    def show(self, code: str):
        if code not in visible_codes(current_user):
            abort(404)
        today = clock.today()
        return self.render(
            "admin/policy.html", today=today, show_value=show_value, show_amount=show_amount,
            step_kinds=STEP_KIND_LABELS, sources=SOURCE_LABELS, labels=labels, **jurisdiction_page(code, today),
            meeting_requirement=lambda step: meetings.meeting_requirement(code, step),
            cases=policy_cases.case_results(code), case_keys=CASE_KEY_LABELS, case_varies=CASE_VARIES_LABELS,
            notice_subject=policy_cases.NOTICE, standing_subject=policy_cases.STANDING,
            other_subject=policy_cases.OTHER,
        )
