"""The admin list reads and renders what it shows, no more (issue 15), through real HTTP
on SQLite and PostgreSQL:

- the row actions, rendered once per page (core.platform.list_rows), are exactly the
  markup Flask-Admin's macros give each row — also when the stand-in key occurs elsewhere
  on the page and the rows fall back to the macros;
- the list query leaves out the JSON documents no column shows, and its number of
  statements does not grow with the rows;
- the search matches each searchable column, a word in each, within the officer's scope;
- the list pages to ``max_list_offset`` rows and says so past it.
"""
from __future__ import annotations

import re

import pytest
from flask_admin.model.template import BaseListRowAction
from markupsafe import Markup

from core.accounts.admin_access import ScopedModelView
from core.platform import list_rows
from core.platform.extensions import db
from tests.conftest import sent_statements
from tests.factories import login, make_application, make_org, make_space, make_user


@pytest.fixture
def officer(app):
    return make_user("officer", ["kunming"], login="km-list@example.cn")


@pytest.fixture
def client(app, officer):
    client = app.test_client()
    assert login(client, officer).status_code == 302
    return client


def kunming_applications(n: int, first: int = 0) -> list[int]:
    ids = []
    for i in range(first, first + n):
        space = make_space(make_org(f"昆明运营单位{i:03d}", region="530102"), f"昆明众创空间{i:03d}")
        ids.append(make_application("kunming", "comprehensive_service", space, status="submitted",
                                    official_number=f"KM-{i:03d}").id)
    db.session.commit()
    return ids


def rows_markup(html: str) -> list[str]:
    return re.findall(r'<td class="list-buttons-column">(.*?)</td>', html, re.S)


def macro_rendered(client, url: str) -> str:
    """The page as Flask-Admin's own list template renders it, one row at a time."""
    ScopedModelView.list_template = "admin/model/list.html"
    try:
        return client.get(url).get_data(as_text=True)
    finally:
        del ScopedModelView.list_template  # back to the class attribute of admin_access


def normalised(markup: str) -> str:
    # The CSRF token differs between two pages; nothing else may.
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "csrf", " ".join(markup.split()))


@pytest.mark.parametrize("url", [
    "/admin/application/",
    "/admin/application/?search=昆明",
    # the stand-in key in the return address: the page falls back to the macros, row by row
    f"/admin/application/?note={list_rows._STAND_IN}",
])
def test_row_actions_are_the_macros_markup(client, url):
    ids = kunming_applications(3)
    ours = rows_markup(client.get(url).get_data(as_text=True))
    theirs = rows_markup(macro_rendered(client, url))
    assert len(ours) == len(theirs) == 3
    assert [normalised(m) for m in ours] == [normalised(m) for m in theirs]
    for key, markup in zip(sorted(ids, reverse=True), ours):
        assert f'href="/admin/case/{key}"' in markup and f'href="/admin/checklist/{key}"' in markup
        assert f'name="id" type="hidden" value="{key}"' in markup
        assert f"details/?id={key}&amp;" in markup
        assert list_rows._CHECK not in markup
        assert (list_rows._STAND_IN in markup) == (list_rows._STAND_IN in url)  # only in the return address


@pytest.mark.parametrize("url", ["/admin/application/", "/admin/organisation/", "/admin/space/"])
def test_cells_are_the_macros_cells(client, url):
    ids = kunming_applications(3)
    make_space(make_org("<b>不转义就出错</b>", region="530102"), "=HYPERLINK(1)")
    cells = re.compile(r'<td class="col-([a-z_.]+)">\s*(.*?)\s*</td>', re.S)
    ours = cells.findall(client.get(url).get_data(as_text=True))
    theirs = cells.findall(macro_rendered(client, url))
    assert len(ours) == len(theirs) >= 3
    assert ours == theirs
    if url == "/admin/application/":
        assert ("id", str(max(ids))) in ours and ("status", "已提交") in ours


def test_rows_fall_back_when_an_action_reads_more_than_the_key(app, client, monkeypatch):
    kunming_applications(2)
    calls = []

    def reads_status(context, key, row):
        calls.append(key)
        return Markup('<i data-status="{}"></i>').format(row.status)

    class StatusAction(BaseListRowAction):
        def render(self, context, row_id, row):
            return reads_status(context, row_id, row)

    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "application")
    monkeypatch.setattr(view, "column_extra_row_actions", [*view.column_extra_row_actions, StatusAction()])
    html = client.get("/admin/application/").get_data(as_text=True)
    assert html.count('data-status="submitted"') == 2  # each row its own, from its own record


def test_an_action_answering_plain_text_is_escaped_as_jinja_would(app, client, monkeypatch):
    kunming_applications(1)

    class PlainText(BaseListRowAction):
        def render(self, context, row_id, row):
            return f"<b>{row_id}</b>"

    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "application")
    monkeypatch.setattr(view, "column_extra_row_actions", [PlainText()])
    (markup,) = rows_markup(client.get("/admin/application/").get_data(as_text=True))
    assert "&lt;b&gt;" in markup and "<b>" not in markup


def statements_of(client, url: str) -> list[str]:
    with sent_statements() as seen:
        assert client.get(url).status_code == 200
    return seen


def test_list_query_leaves_out_unshown_documents_and_does_not_grow_with_rows(client):
    kunming_applications(2)
    few = statements_of(client, "/admin/application/")
    kunming_applications(30, first=2)
    many = statements_of(client, "/admin/application/")
    assert len(many) == len(few)
    (listing,) = [s for s in many if "FROM applications LEFT OUTER JOIN spaces" in s]
    assert "applications.facts" not in listing and "applications.form_data" not in listing
    assert "spaces_1.facts" not in listing
    assert "spaces_1.name" in listing and "organisations_1.name" in listing  # what the columns show


def listed(client, url: str) -> list[str]:
    html = client.get(url).get_data(as_text=True)
    return re.findall(r'<td class="col-official_number">\s*(\S*?)\s*</td>', html)


def test_search_matches_each_column_and_every_word_within_scope(client):
    kunming_applications(3)
    mile_space = make_space(make_org("昆明同名弥勒单位", region="532504"), "昆明众创空间弥勒")
    make_application("mile", "comprehensive", mile_space, status="submitted", official_number="KM-001-MILE")
    db.session.commit()
    assert listed(client, "/admin/application/?search=KM-001") == ["KM-001"]           # reference number
    assert listed(client, "/admin/application/?search=众创空间002") == ["KM-002"]        # space's name
    assert listed(client, "/admin/application/?search=运营单位000") == ["KM-000"]        # organisation's name
    assert listed(client, "/admin/application/?search=昆明+KM-001") == ["KM-001"]       # every word
    assert listed(client, "/admin/application/?search=弥勒") == []                      # not his
    assert listed(client, "/admin/application/?search=nothing-like-it") == []
    page = client.get("/admin/application/?search=众创空间00").get_data(as_text=True)
    assert "列表 (3)" in page  # the count takes the same search


def test_list_pages_to_the_offset_cap_and_says_so_past_it(client, monkeypatch):
    kunming_applications(7)
    monkeypatch.setattr(ScopedModelView, "max_list_offset", 4)
    monkeypatch.setattr(ScopedModelView, "page_size", 2)
    # pages 0 and 1 reach rows 1–4: the last page within the cap
    within = client.get("/admin/application/?page=1").get_data(as_text=True)
    assert "KM-004" in within and "KM-003" in within and "只能翻到" not in within
    past = client.get("/admin/application/?page=2").get_data(as_text=True)
    assert "只能翻到前 4 条（第 2 页）" in past
    assert "KM-004" in past and "KM-003" in past and "KM-002" not in past  # the last page within the cap
    assert "只能翻到" not in client.get("/admin/application/export/csv/?page=9").get_data(as_text=True)
