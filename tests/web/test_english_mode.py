"""Issue 13: in English mode the chrome (navigation, buttons, headings, messages) is English.

Every GET page as every role, after switching to English, with the sweep's ``world`` and
records in every state (tests/web/test_no_internal_codes.py).  What may stay Chinese, and only
that (docs/labels.md, "English mode"):

* what the policies say, quoted as the bureaus publish them: jurisdiction, category,
  criterion, step and material names, citations, document titles — every string the
  plugins declare;
* what people typed: names, addresses, opinions — every string stored in the database;
* the policy's own forms, marked in the page with ``lang="zh"``: the application forms, the
  我的众创空间 form, the pre-check, and the decision documents.  The language switch says so.

Any other Chinese character in the visible text of a page fails the test.
"""
from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import String, Text, select

from core.platform.extensions import db
from core.platform.jurisdictions import registry
from tests.web.test_every_url import ROLES, client_as, urls_of, world  # noqa: F401  (the sweep's fixture)
from tests.web.test_no_internal_codes import every_state, own_urls  # noqa: F401

CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
CJK = re.compile(r"[\u3400-\u9fff]")


class EnglishText(HTMLParser):
    """Visible text outside ``lang="zh"`` elements (and outside scripts, styles and
    Flask-Admin's hidden filter data)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        hidden = (tag in ("script", "style", "template") or (a.get("lang") or "").startswith("zh")
                  or a.get("id") in ("filter-groups-data", "active-filters-data"))
        self.stack.append(hidden)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)


def english_text(html: str) -> str:
    parser = EnglishText()
    parser.feed(html)
    return " ".join(parser.parts)


def _strings(value, found: set[str], seen: dict[int, object]):
    if isinstance(value, str):
        if CJK.search(value):
            found.add(value)
            found.update(p for p in re.split(r"[\s{}%()]+", value) if CJK.search(p))
        return
    if id(value) in seen:
        return
    seen[id(value)] = value  # held, so no later object is given the same id and skipped
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _strings(getattr(value, f.name, None), found, seen)
    elif isinstance(value, dict):
        for k, v in value.items():
            _strings(k, found, seen)
            _strings(v, found, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            _strings(v, found, seen)


def policy_strings() -> set[str]:
    """Every Chinese string the plugins declare (the policies' own words)."""
    found: set[str] = set()
    seen: dict[int, object] = {}
    reg = registry()
    for code, jurisdiction in reg.installed().items():
        _strings(jurisdiction, found, seen)
        for version in reg.policies(code):
            _strings(version, found, seen)
            _strings(reg.subsidy_rules(code, version), found, seen)
            _strings(reg.assessment_scheme(code, version), found, seen)
            for category in version.categories:
                _strings(reg.criteria(code, category.code, version), found, seen)
                _strings(reg.review_steps(code, category.code, version), found, seen)
                _strings(reg.required_materials(code, category.code), found, seen)
                forms = reg.application_form(code, category.code)  # the policy's own form: its title
                for form in forms if isinstance(forms, list) else [forms]:
                    if form is not None:
                        for text in (getattr(form, "title", ""), getattr(form, "note", "")):
                            _strings(text, found, seen)
                        _strings(dict(getattr(form, "labels", {})), found, {})
    return found


def vocabulary_strings() -> set[str]:
    """The policies' vocabulary that the bureau's admin forms offer as choices (a Flask-Admin
    select cannot carry lang="zh" per option): the facts by their policy terms (CONTRACTS §1),
    the comparisons of a registered criterion, the names of the bureau settings."""
    from core import facts
    from core.bureau import fact_catalogue, setting_checks
    from core.bureau import data as bureau_data

    found: set[str] = set()
    seen: dict[int, object] = {}
    _strings(facts._LABELS, found, seen)
    _strings(fact_catalogue.OPERATORS, found, seen)
    _strings(fact_catalogue.NUMERIC_FACTS, found, seen)
    _strings(fact_catalogue.BOOL_FACTS, found, seen)
    for code in registry().installed():
        _strings(bureau_data.known_setting_keys(code), found, seen)
        for key in bureau_data.known_setting_keys(code):  # a numeric setting's range: numbers and the unit
            bound = setting_checks.setting_bound(code, key)
            if bound is not None:
                found.add(bound.text())
    return found


def stored_strings() -> set[str]:
    """Every Chinese string in the database (what people typed, what the platform recorded)."""
    found: set[str] = set()
    seen: dict[int, object] = {}
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            for value in row:
                if isinstance(value, (str, dict, list)):
                    _strings(value, found, seen)
    return found


def leftover_chinese(text: str, allowed: list[str]) -> list[str]:
    for s in allowed:
        text = text.replace(s, " ")
    return [m.group(0) for m in CJK_RUN.finditer(text) if CJK.search(m.group(0))]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_in_english_has_no_chinese_chrome(app, every_state, role):
    allowed = sorted(policy_strings() | vocabulary_strings() | stored_strings(), key=len, reverse=True)
    client = client_as(app, every_state, role)
    assert client.get("/lang/en").status_code == 302
    failures = []
    pages = [url for endpoint, url in urls_of(app, every_state, "GET")
             if endpoint not in ("auth.logout", "auth.set_language")]
    for url in pages + own_urls(app, every_state["own"]):
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        left = leftover_chinese(english_text(response.get_data(as_text=True)), allowed)
        if left:
            failures.append(f"{url}: {sorted(set(left))[:12]}")
    assert failures == [], "\n".join(failures)


def test_the_language_switch_says_policy_texts_stay_chinese(client):
    client.get("/lang/en")
    html = client.get("/login").get_data(as_text=True)
    assert "Policy texts, the pre-check and the forms of the applicant portal stay in Chinese" in html
    client.get("/lang/zh_Hans_CN")
    assert "Policy texts" not in client.get("/login").get_data(as_text=True)


def test_the_check_finds_chinese_chrome_and_spares_marked_and_allowed_text():
    assert leftover_chinese(english_text("<h1>申报</h1>"), []) == ["申报"]
    assert leftover_chinese(english_text('<div lang="zh"><label>众创空间名称</label></div>'), []) == []
    assert leftover_chinese(english_text("<td>昆明市 · Submitted</td>"), ["昆明市"]) == []
    assert leftover_chinese(english_text("<script>var a='申报';</script>"), []) == []
