"""The annual return of each jurisdiction (hook zc_statistics_form, issue 16), as the plugins
declare it: the article that asks for statistics and who checks a return."""
from __future__ import annotations

import pytest

from core.monitoring import forms
from core.monitoring.default_form import RULES, SECTIONS


@pytest.mark.parametrize("year, cited", [(2021, True), (2025, True), (2026, True), (2027, False)])
def test_yunnan_认定与管理_asks_for_the_years_its_measures_covered(app, year, cited):
    """云科规〔2021〕1号 in force 2021-04-04 to 2026-04-03: the years 2021–2026 carry its citation."""
    form = forms.form_for("yunnan", year)
    assert (form.citation is not None and form.citation.document == "云科规〔2021〕1号") == cited
    assert form.checked_by == "region"
    assert ("失效" in form.note) == (not cited)


@pytest.mark.parametrize("code, article", [("kunming", "第四条"), ("mile", "三"), ("xuzhou", "五、保障措施")])
def test_each_city_cites_the_article_and_checks_itself(app, code, article):
    form = forms.form_for(code, 2025)
    assert form.citation.article == article and form.checked_by == "officer"
    assert [s.code for s in form.sections] == [s.code for s in SECTIONS] and form.rules == RULES


def test_one_return_for_two_titles_is_the_union(app):
    union = forms.form_for_codes(["kunming", "yunnan"], 2025)
    keys = [f.key for f in forms.fields_of(union)]
    assert len(keys) == len(set(keys)) == sum(len(s.fields) for s in SECTIONS)
