"""Policy-version resolution: the plugin's versions and those the bureau registers, the
version in force on a day, and the parameters with the bureau's settings applied."""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

from core.bureau.data import BureauData, _data, _VersionRow, load_bureau_data
from core.bureau.setting_checks import out_of_bound
from core.platform import request_memo
from core.platform.jurisdictions import registry
from core.policy import Citation, PolicyVersion


# --- policy versions ------------------------------------------------------------------


def _bureau_version(base: PolicyVersion, row: _VersionRow) -> PolicyVersion:
    """A bureau-registered version: the base version's categories and parameters under
    the bureau's document, dates and (when given) notice period."""
    changes: dict[str, Any] = dict(
        document=row.document,
        title=row.title,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        replaces=base.document,
        note=row.note or f"由主管部门登记，沿用 {base.document} 的认定类别、参数和条件",
    )
    if row.notice_days is not None:
        changes.update(notice_days=row.notice_days, notice_citation=Citation(row.document))
    return dataclasses.replace(base, **changes)


def _bases(code: str, data: BureauData) -> dict[str, str]:
    """document of each bureau version → document of the plugin version it reuses."""
    plugin_docs = {v.document for v in registry().policies(code)}
    bases: dict[str, str] = {}
    for row in data.versions:
        base = row.based_on
        # A version based on another bureau version reuses what that one reuses.
        while base is not None and base not in plugin_docs:
            base = bases.get(base)
        if base is not None:
            bases[row.document] = base
    return bases


def policies(code: str, data: BureauData | None = None) -> list[PolicyVersion]:
    """The versions of ``code``'s policy, the plugin's and the bureau's, by start date;
    once per request from the request's bureau data (core.platform.request_memo)."""
    if data is None or data.code != code:
        return list(request_memo.remember(("policies", code), lambda: _policies(code, load_bureau_data(code))))
    return _policies(code, data)


def _policies(code: str, data: BureauData) -> list[PolicyVersion]:
    plugin_versions = registry().policies(code)
    if not data.versions:
        return plugin_versions
    by_doc = {v.document: v for v in plugin_versions}
    bases = _bases(code, data)
    versions = list(plugin_versions)
    for row in data.versions:
        base_doc = bases.get(row.document)
        if base_doc is None:
            continue  # based on nothing known (plugin removed): cannot be applied
        versions.append(_bureau_version(by_doc[base_doc], row))
    versions.sort(key=lambda v: v.effective_from)
    # A version registered after an open-ended one ends it: the day before the new
    # one starts is the old one's last day.
    for i, (old, new) in enumerate(zip(versions, versions[1:])):
        if old.effective_to is None:
            versions[i] = dataclasses.replace(old, effective_to=new.effective_from - timedelta(days=1))
    return versions


def policy_in_force(code: str, day: date, data: BureauData | None = None) -> PolicyVersion | None:
    return next((v for v in policies(code, data) if v.in_force_on(day)), None)


def nearest_policy(code: str, day: date, data: BureauData | None = None) -> PolicyVersion | None:
    """The version in force on ``day``, else the one whose window is closest to it
    (to say which one has lapsed or is still to come)."""

    def distance(v: PolicyVersion) -> int:
        if v.in_force_on(day):
            return 0
        if day < v.effective_from:
            return (v.effective_from - day).days
        return (day - v.effective_to).days  # type: ignore[operator]

    return min(policies(code, data), key=distance, default=None)


def base_policy(code: str, policy: PolicyVersion, data: BureauData | None = None) -> PolicyVersion:
    """The plugin version whose criteria ``policy`` applies (itself for a plugin version)."""
    data = _data(code, data)
    base_doc = _bases(code, data).get(policy.document)
    if base_doc is None:
        return policy
    return next(v for v in registry().policies(code) if v.document == base_doc)


# --- parameters -----------------------------------------------------------------------


def parameters(code: str, policy: PolicyVersion, data: BureauData | None = None) -> dict[str, Any]:
    """``key → value``: the policy's parameters, overridden by the bureau's settings of
    the same key.  A parameter the policy leaves to the bureau and the bureau has not
    set is None."""
    data = _data(code, data)
    values = {p.key: p.value for p in policy.parameters}
    for key, setting in data.settings.items():
        if key in values and out_of_bound(code, key, setting.value) is None:
            values[key] = setting.value  # a value stored before the ranges and outside them is not used
    return values


def parameter_rows(code: str, policy: PolicyVersion, data: BureauData | None = None) -> list[dict[str, Any]]:
    """The parameters for display, each saying where its value comes from:
    ``source`` "政策规定" with the citation, or "局设置" with the bureau's document and
    note (``policy_value`` keeps what the policy says); "待局设置" when the policy
    leaves it to the bureau and nothing is set yet."""
    data = _data(code, data)
    rows = []
    for p in policy.parameters:
        setting = data.settings.get(p.key)
        row = {
            "key": p.key, "label": p.label, "unit": p.unit, "policy_value": p.value,
            "citation": p.citation.to_dict() if p.citation else None, "reading": p.reading,
        }
        refused = out_of_bound(code, p.key, setting.value) if setting is not None else None
        if refused:
            row.update(value=p.value, source="政策规定" if p.value is not None else "待局设置", document=None,
                       article=None, note=refused)
        elif setting is not None:
            row.update(value=setting.value, source="局设置", document=setting.document,
                       article=setting.article, note=setting.note)
        elif p.bureau_setting and p.value is None:
            row.update(value=None, source="待局设置", document=None, article=None, note=None)
        else:
            row.update(value=p.value, source="政策规定", document=None, article=None, note=None)
        rows.append(row)
    return rows
