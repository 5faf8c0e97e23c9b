"""The annual return of a jurisdiction, assembled from the core's default and the
plugins' answers to ``zc_statistics_form`` (docs/statistics.md).

* a plugin's answer with ``replaces=True`` is the whole form (the latest registered wins);
* otherwise the default return, with each answer's sections added (a section of the same
  code gets the new fields appended) and its rules added;
* the citation (the article that asks for statistics) and who checks a return come from
  the plugin's answer; a jurisdiction no plugin answers for has neither.

A space holding titles of several jurisdictions files one return: its fields are the union
of those jurisdictions' forms (:func:`form_for_codes`), in the order of the first.
"""
from __future__ import annotations

from dataclasses import replace

from core.monitoring import default_form
from core.platform.jurisdictions import registry
from core.plugins import PluginError
from core.policy import StatisticsField, StatisticsForm, StatisticsRule, StatisticsSection

__all__ = ["form_for", "form_for_codes", "fields_of", "field_map", "DEFAULT"]

DEFAULT = StatisticsForm(jurisdiction="", sections=default_form.SECTIONS, rules=default_form.RULES)


def _merge(sections: tuple[StatisticsSection, ...], extra: tuple[StatisticsSection, ...]) -> tuple[StatisticsSection, ...]:
    merged = list(sections)
    for section in extra:
        at = next((i for i, s in enumerate(merged) if s.code == section.code), None)
        if at is None:
            merged.append(section)
            continue
        known = {f.key for f in merged[at].fields}
        added = tuple(f for f in section.fields if f.key not in known)
        merged[at] = replace(merged[at], fields=merged[at].fields + added)
    return tuple(merged)


def _checked(form: StatisticsForm) -> StatisticsForm:
    keys = [f.key for s in form.sections for f in s.fields]
    if len(keys) != len(set(keys)):
        raise PluginError(f"{form.jurisdiction} 的统计报表字段编号重复")
    ids = [r.id for r in form.rules]
    if len(ids) != len(set(ids)):
        raise PluginError(f"{form.jurisdiction} 的统计报表校验规则编号重复")
    known = set(keys)
    for rule in form.rules:
        named = {rule.field, *(rule.parts or ()), *((rule.other,) if rule.other else ())}
        if not named <= known:
            raise PluginError(f"{form.jurisdiction} 的统计报表校验规则 {rule.id} 引用了不存在的字段")
    return form


def form_for(code: str, year: int) -> StatisticsForm:
    """The return of jurisdiction ``code`` for ``year``."""
    answers = registry().statistics_forms(code, year)
    replacing = next((a for a in answers if a.replaces), None)
    if replacing is not None:
        return _checked(replace(replacing, jurisdiction=code))
    form = replace(DEFAULT, jurisdiction=code)
    # pluggy answers latest-registered first: apply the built-in plugin before add-ons
    for answer in reversed(answers):
        form = replace(
            form,
            sections=_merge(form.sections, answer.sections),
            rules=form.rules + tuple(r for r in answer.rules if r.id not in {x.id for x in form.rules}),
            citation=answer.citation or form.citation,
            # an add-on that only adds fields leaves who checks as it was
            checked_by=answer.checked_by if answer.citation or answer.checked_by != DEFAULT.checked_by
            else form.checked_by,
            checked_by_citation=answer.checked_by_citation or form.checked_by_citation,
            note=answer.note or form.note,
        )
    return _checked(form)


def form_for_codes(codes: list[str], year: int) -> StatisticsForm:
    """One return for a space holding titles of ``codes``: the union of their forms."""
    if not codes:
        return replace(DEFAULT)
    forms = [form_for(c, year) for c in codes]
    union = forms[0]
    for other in forms[1:]:
        union = replace(union, sections=_merge(union.sections, other.sections),
                        rules=union.rules + tuple(r for r in other.rules if r.id not in {x.id for x in union.rules}))
    return union


def fields_of(form: StatisticsForm) -> list[StatisticsField]:
    return [f for s in form.sections for f in s.fields]


def field_map(form: StatisticsForm) -> dict[str, StatisticsField]:
    return {f.key: f for f in fields_of(form)}


def rules_of(form: StatisticsForm) -> tuple[StatisticsRule, ...]:
    return form.rules
