"""Display names for codes stored in the database.

Jurisdictions and categories come from the plugin registry (the core names no
city); statuses, roles and levels are the core's own, translated by Flask-Babel.
"""
from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from core import roles
from core.auth import utc
from core.jurisdictions import enabled, registry

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "in_review": _l("In review"),
    "returned": _l("Returned for revision"),
    "under_notice": _l("Under public notice"),
    "recognised": _l("Recognised"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

LEVEL_LABELS = {
    "county": _l("County level"),
    "city": _l("City level"),
    "province": _l("Provincial level"),
}

ENTITY_TYPE_LABELS = {
    "enterprise": _l("Enterprise"),
    "institution": _l("Public institution"),
    "other": _l("Other"),
}


def status_label(code: str | None) -> str:
    return str(STATUS_LABELS.get(code, code or ""))


def role_label(code: str | None) -> str:
    return str(roles.ROLE_LABELS.get(code, code or ""))


def jurisdiction_label(code: str | None) -> str:
    """The name a plugin gives; the bare code when the plugin is gone."""
    j = registry().installed().get(code or "")
    return j.name if j else (code or "")


def category_names(codes: list[str] | None = None) -> dict[tuple[str, str], str]:
    """(jurisdiction, category code) → name, over every policy version of each plugin."""
    reg = registry()
    names: dict[tuple[str, str], str] = {}
    for code in codes if codes is not None else list(reg.installed()):
        for version in reg.policies(code):
            for category in version.categories:
                names.setdefault((code, category.code), category.name)
    return names


def category_label(jurisdiction: str | None, category: str | None) -> str:
    if jurisdiction not in registry().installed():
        return category or ""
    return category_names([jurisdiction]).get((jurisdiction, category), category or "")


def jurisdiction_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    found = enabled()
    return [(c, j.name) for c, j in found.items() if codes is None or c in codes]


def category_choices(codes: list[str]) -> list[tuple[str, str]]:
    """Filter options: category codes shared by jurisdictions appear once, with every name."""
    merged: dict[str, list[str]] = {}
    for (j, code), name in category_names(codes).items():
        label = f"{jurisdiction_label(j)} · {name}"
        merged.setdefault(code, []).append(label)
    return [(code, " / ".join(labels)) for code, labels in merged.items()]


def local_datetime(value) -> str:
    """A stored UTC moment shown in Asia/Shanghai (BABEL_DEFAULT_TIMEZONE)."""
    if value is None:
        return ""
    return format_datetime(utc(value), "yyyy-MM-dd HH:mm:ss")
