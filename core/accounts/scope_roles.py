"""Roles per jurisdiction (issue 22): the role and area a staff user holds in one of his
jurisdictions, when they differ from his own (``User.role`` / ``region_prefix``).

昆明市科技局's officer is the officer of 昆明's recognition and, for 云南's, the 州（市）body
that checks and recommends the spaces of its area (云科规〔2021〕1号: 州（市）科技局负责辖区内
众创空间的…认定推荐工作): one account, officer in 昆明, recommender in 云南 for 5301.

One operation, :func:`set_scope_roles`, used by the admin's user form, the ``create-user``
command and the demo data: it checks every value first (a ``ScopeRoleRefused`` naming the
field, nothing changed), then changes the scopes and writes one audit event per
jurisdiction changed, so each bureau sees who was given a role in it.  Committing is the
caller's (the form's transaction, the command's).
"""
from __future__ import annotations

from core.accounts import roles
from core.accounts.scoping import SCOPE_ROLES, UNSCOPED_ROLES
from core.platform import audit, labels
from core.platform.errors import Refused
from core.platform.jurisdictions import enabled

MIN_PREFIX, MAX_PREFIX = 2, 6  # a region code's province (2) to county (6) digits, as User.region_prefix


class ScopeRoleRefused(Refused):
    """``key``: ``role:<code>`` or ``prefix:<code>``, the field of that jurisdiction."""


def problem(user_role: str, code: str, role: str | None, prefix: str | None) -> tuple[str, str] | None:
    """(field key, why in Chinese) when ``role`` / ``prefix`` cannot be held in ``code`` by a
    user whose own role is ``user_role``; None when they can (both None: his own)."""
    name = labels.jurisdiction_label(code)
    if role is not None and role not in SCOPE_ROLES:
        return f"role:{code}", f"“{role}”不是可在辖区担任的角色"
    if (role or prefix) and user_role in UNSCOPED_ROLES:
        return f"role:{code}", f"{labels.role_label(user_role)}不分辖区担任角色，请留空"
    if prefix is None:
        return None
    if not (prefix.isascii() and prefix.isdigit() and MIN_PREFIX <= len(prefix) <= MAX_PREFIX):
        return f"prefix:{code}", "地区代码前缀应为 2 至 6 位数字"
    if (role or user_role) != roles.RECOMMENDER:
        return f"prefix:{code}", f"只有在{name}担任推荐单位时才按地区代码前缀限定范围"
    jurisdiction = enabled().get(code)
    if jurisdiction is None or not jurisdiction.covers(prefix):
        return f"prefix:{code}", f"{prefix} 不在{name}的地区范围内"
    return None


def set_scope_roles(user, wanted: dict[str, tuple[str | None, str | None]], actor=None) -> dict[str, dict]:
    """Set, for each jurisdiction ``code`` of ``wanted`` the user is scoped to, the role and
    region prefix held there (None: his own).  Returns what changed, code → {role, region_prefix,
    role_before, region_prefix_before}; raises ScopeRoleRefused, having changed nothing, on the first wrong value
    or for a jurisdiction he is not scoped to."""
    scopes = {s.jurisdiction: s for s in user.scopes}
    cleaned = {}
    for code, (role, prefix) in wanted.items():
        role, prefix = (role or "").strip() or None, (prefix or "").strip() or None
        if code not in scopes and (role or prefix):
            raise ScopeRoleRefused(f"role:{code}", f"请先将{labels.jurisdiction_label(code)}加入该用户的辖区")
        found = problem(user.role, code, role, prefix)
        if found:
            raise ScopeRoleRefused(*found)
        cleaned[code] = (role, prefix)
    changes = {}
    for code, (role, prefix) in cleaned.items():
        scope = scopes.get(code)
        if scope is None or (scope.role, scope.region_prefix) == (role, prefix):
            continue
        changes[code] = {"role": role, "region_prefix": prefix,  # None: his own
                         "role_before": scope.role, "region_prefix_before": scope.region_prefix}
        scope.role, scope.region_prefix = role, prefix
    for code, change in sorted(changes.items()):
        audit.record("user.scope_role", user, jurisdiction=code, actor=actor, login=user.login, **change)
    return changes
