"""A title's standing as the installed policy and the bureau see it (CONTRACTS §6).

``standing_of(code, history, as_of)`` finds the policy version in force on ``as_of`` (the
plugin's or one the bureau registered, core.bureau.versions), its rules (hook
``zc_standing_rules``, asked as the plugin version a bureau version is based on), the values of
the parameters and bureau settings those rules read, and calls the pure judge
(core.monitoring.standing).  It reads the bureau's rows and writes nothing; the command
``standing`` and the title pages call it alike.
"""
from __future__ import annotations

from datetime import date

from core.bureau import versions
from core.bureau.data import BureauData, load_bureau_data
from core.bureau.setting_checks import out_of_bound
from core.monitoring.standing import History, Regime, judge, parse_history
from core.platform.jurisdictions import registry
from core.policy import PolicyVersion, StandingRules

__all__ = ["standing_of", "standing_rules", "regime"]


def standing_rules(code: str, policy: PolicyVersion, data: BureauData | None = None) -> StandingRules | None:
    """The rules of ``policy``: a bureau-registered version has those of the version it is based on."""
    base = versions.base_policy(code, policy, data)
    return registry().pm.hook.zc_standing_rules(jurisdiction=code, policy=base)


def _keys(rules: StandingRules | None) -> set[str]:
    if rules is None:
        return set()
    keys = {p.key for p in (rules.change_report, rules.rectification_period) if p is not None}
    keys |= {r.count_parameter for r in rules.rules if r.count_parameter}
    if rules.ban is not None:
        keys.add(rules.ban.parameter)
    return keys


def regime(code: str, policy: PolicyVersion, data: BureauData | None = None) -> Regime:
    """``policy`` with its rules and the values they read: the policy's parameters after the
    bureau's overrides, and the bureau's settings of the keys the document leaves to it.  A
    value is the bureau's (shown as 本局设定) where the policy sets none or the bureau changed it;
    a stored value outside its range is not used (core.bureau.setting_checks)."""
    data = data if data is not None and data.code == code else load_bureau_data(code)
    rules = standing_rules(code, policy, data)
    values = versions.parameters(code, policy, data)
    declared = {p.key: p.value for p in policy.parameters}
    bureau: set[str] = set()
    for key in _keys(rules):
        setting = data.settings.get(key)
        if setting is None or out_of_bound(code, key, setting.value) is not None:
            continue
        values[key] = setting.value
        if declared.get(key) is None or declared[key] != setting.value:
            bureau.add(key)
    return Regime(policy, rules, values, frozenset(bureau))


def standing_of(code: str, history: dict | History, as_of: date, data: BureauData | None = None) -> dict:
    """The CONTRACTS §6 answer for ``code`` and a title's record (the HISTORY.json dict, dates as
    ISO strings, or a parsed :class:`History`); a bad record raises
    ``core.monitoring.standing.BadHistory`` naming the key.  ``data`` replaces the bureau's rows
    (a policy case states the settings it assumes)."""
    record = history if isinstance(history, History) else parse_history(history)
    data = data if data is not None and data.code == code else load_bureau_data(code)
    in_force = versions.policy_in_force(code, as_of, data)
    nearest = None if in_force is not None else versions.nearest_policy(code, as_of, data)
    at_revocation = None
    if record.revoked_on is not None and record.revoked_on <= as_of:
        then = versions.policy_in_force(code, record.revoked_on, data)
        at_revocation = regime(code, then, data) if then is not None else None
    current = regime(code, in_force, data) if in_force is not None else None
    return judge(code, record, as_of, current, nearest, at_revocation)
