"""The plugin manager and the registry of installed jurisdictions.

Built-in jurisdictions are found through the entry-point group
``zhongchuang.jurisdictions`` exactly like third-party ones.  Each app builds its own
manager (kept in ``app.extensions["zhongchuang"]``) so test apps do not share state.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import logging
import pkgutil
import sys
from dataclasses import dataclass, field
from datetime import date

import pluggy

from core import hookspecs
from core.policy import (
    AssessmentScheme,
    OverlapRule,
    SupportFundRule,
    TitlePrerequisite,
    Criterion,
    Jurisdiction,
    Material,
    PolicyVersion,
    ReviewStep,
    StatisticsForm,
    SubsidyRule,
)

ENTRY_POINT_GROUP = "zhongchuang.jurisdictions"
log = logging.getLogger(__name__)


class PluginError(RuntimeError):
    """A plugin answered something the core cannot accept (duplicate code or id…)."""


def gather_hookimpls(package: str) -> list[str]:
    """Import every submodule of ``package`` and set their hook implementations on it.

    For a plugin laid out one module per hook (``plugins/kunming/criteria.py`` …): its
    ``__init__`` is ``__all__ = gather_hookimpls(__name__)``.  The package module stays
    what the entry point names and what pluggy registers; pluggy finds the hooks among
    its attributes exactly as if they had been imported by hand, which a plugin may
    still do.  Only functions marked ``@hookimpl`` and defined in the submodule itself
    are taken (not ones it imports); two submodules defining the same hook is a
    ``PluginError``, since pluggy would see only one of them.  Returns the names set,
    sorted.
    """
    module = sys.modules[package]
    marker = hookspecs.PROJECT + "_impl"
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(module.__path__):
        sub = importlib.import_module(f"{package}.{info.name}")
        for name, value in vars(sub).items():
            if not hasattr(value, marker) or getattr(value, "__module__", None) != sub.__name__:
                continue
            if name in found:
                raise PluginError(f"{package}: {found[name]} 与 {sub.__name__} 都实现了 {name}")
            found[name] = sub.__name__
            setattr(module, name, value)
    return sorted(found)


def make_plugin_manager(*, load_entry_points: bool = True) -> tuple[pluggy.PluginManager, dict[str, str]]:
    """A manager with the hook specs added and every installed plugin registered.

    Returns the manager and the plugins that failed to load (name → error), so one
    broken package does not take the others down (pluggy's own loader stops at the
    first failure).
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    broken: dict[str, str] = {}
    if load_entry_points:
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if pm.get_plugin(ep.name) is not None:
                continue
            try:
                pm.register(ep.load(), name=ep.name)
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                log.error("jurisdiction plugin %s failed to load: %s", ep.name, exc)
                broken[ep.name] = f"{type(exc).__name__}: {exc}"
    pm.check_pending()
    return pm, broken


@dataclass
class Registry:
    """What the installed plugins declare, asked through the hooks.

    Knows nothing of enabling (see ``core.platform.jurisdictions``) nor of the database.
    """

    pm: pluggy.PluginManager
    broken: dict[str, str] = field(default_factory=dict)

    def installed(self) -> dict[str, Jurisdiction]:
        found: dict[str, Jurisdiction] = {}
        for j in self.pm.hook.zc_jurisdiction():
            if j.code in found:
                raise PluginError(f"两个插件声明了同一辖区代码 {j.code}")
            found[j.code] = j
        return dict(sorted(found.items(), key=lambda kv: (_LEVEL_ORDER[kv[1].level], kv[0])))

    def policies(self, code: str) -> list[PolicyVersion]:
        versions = [v for answer in self.pm.hook.zc_policies(jurisdiction=code) for v in answer]
        versions.sort(key=lambda v: v.effective_from)
        for a, b in zip(versions, versions[1:]):
            if a.effective_to is None or a.effective_to >= b.effective_from:
                raise PluginError(f"{code} 的政策版本 {a.document} 与 {b.document} 有效期重叠")
        return versions

    def policy_in_force(self, code: str, day: date) -> PolicyVersion | None:
        return next((v for v in self.policies(code) if v.in_force_on(day)), None)

    def nearest_policy(self, code: str, day: date) -> PolicyVersion | None:
        """The version closest to ``day`` (for saying which one has lapsed)."""
        versions = self.policies(code)
        if not versions:
            return None

        def distance(v: PolicyVersion) -> int:
            if v.in_force_on(day):
                return 0
            if day < v.effective_from:
                return (v.effective_from - day).days
            return (day - v.effective_to).days  # type: ignore[operator]

        return min(versions, key=distance)

    def criteria(self, code: str, category: str, policy: PolicyVersion) -> list[Criterion]:
        found = [
            c
            for answer in self.pm.hook.zc_criteria(jurisdiction=code, category=category, policy=policy)
            for c in answer
            if c.applies_to(category, policy)
        ]
        seen: set[str] = set()
        for c in found:
            if c.id in seen:
                raise PluginError(f"准入条件编号重复：{c.id}")
            seen.add(c.id)
        return found

    def required_materials(self, code: str, category: str) -> list[Material]:
        found = [
            m
            for answer in self.pm.hook.zc_required_materials(jurisdiction=code, category=category)
            for m in answer
        ]
        seen: set[str] = set()
        for m in found:
            if m.code in seen:
                raise PluginError(f"申报材料编号重复：{m.code}")
            seen.add(m.code)
        return found

    def review_steps(self, code: str, category: str, policy: PolicyVersion) -> list[ReviewStep]:
        return list(self.pm.hook.zc_review_steps(jurisdiction=code, category=category, policy=policy) or [])

    def subsidy_rules(self, code: str, policy: PolicyVersion) -> list[SubsidyRule]:
        return [r for answer in self.pm.hook.zc_subsidy_rules(jurisdiction=code, policy=policy) for r in answer]

    def overlap_rules(self, code: str) -> list[OverlapRule]:
        return [r for answer in self.pm.hook.zc_overlap_rules(jurisdiction=code) for r in answer or ()]

    def support_funds(self, code: str, policy: PolicyVersion) -> list[SupportFundRule]:
        return [f for answer in self.pm.hook.zc_support_funds(jurisdiction=code, policy=policy) for f in answer or ()]

    def title_prerequisites(self, code: str, policy: PolicyVersion) -> list[TitlePrerequisite]:
        return [p for answer in self.pm.hook.zc_title_prerequisites(jurisdiction=code, policy=policy)
                for p in answer or ()]

    def assessment_scheme(self, code: str, policy: PolicyVersion) -> AssessmentScheme | None:
        return self.pm.hook.zc_assessment_scheme(jurisdiction=code, policy=policy)

    def statistics_forms(self, code: str, year: int) -> list[StatisticsForm]:
        """Every answer to ``zc_statistics_form``, the latest registered first (the core
        assembles the return from them: core.monitoring.forms)."""
        return [f for f in self.pm.hook.zc_statistics_form(jurisdiction=code, year=year) if f is not None]

    def policy_case_sources(self, code: str) -> list:
        """The folders (or files) of policy cases the plugins ship for ``code``."""
        return [s for answer in self.pm.hook.zc_policy_cases(jurisdiction=code) for s in answer or ()]

    def application_form(self, code: str, category: str):
        return self.pm.hook.zc_application_form(jurisdiction=code, category=category)

    def document_templates(self, code: str) -> dict[str, str]:
        merged: dict[str, str] = {}
        for answer in reversed(self.pm.hook.zc_document_templates(jurisdiction=code)):
            merged.update(answer)
        return merged


_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}
