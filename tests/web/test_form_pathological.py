"""Issue 13: pathological input in the portal forms (我的众创空间 on ``core.facts.forms.FactsForm``)
is refused with a Chinese message next to the field, what was typed kept, nothing
written — never accepted, never an HTTP 500.

Our limits (docs/limits.md), the same as the command line's (``core.facts``): numbers
finite and at most a billion (``MAX_QUANTITY``), region codes of six ASCII digits
(GB/T 2260), names with a visible character, an opening day not after today (the site
clock, ``core.platform.clock``)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import CSRF_RE
from core.platform import clock
from core.platform.extensions import db
from core.facts import MAX_QUANTITY
from core.platform.models import AuditEvent, Space
from factories import login, make_org, make_user
from tests.web.test_portal_space import space_form

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def site_today(monkeypatch):
    clock.freeze(TODAY)


@pytest.fixture
def applicant(app):
    org = make_org(name="滇池创新科技有限公司", region="530112")
    return make_user(role="applicant", organisation=org)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def error_beside(html: str, field: str) -> str:
    """The text of the error block right after the input named ``field``."""
    at = html.find(f'name="{field}"')
    assert at >= 0, field
    at = html.find(">", at)  # after the input itself (its value may be 5000 digits long)
    return re.sub(r"<[^>]+>", " ", html[at:at + 3000])


def post_new(client, intent: str | None = None, **changes):
    data = space_form(client, "/portal/space/new", **changes)
    if intent:
        data["intent"] = intent
    return client.post("/portal/space/new", data=data)


@pytest.mark.parametrize("typed", ["1e309", "1e5000", "-1e5000", "Infinity", "NaN", "1000000001", "9" * 5000])
def test_absurd_area_refused_beside_the_field_typing_kept(client, applicant, typed):
    login(client, applicant)
    events = count(AuditEvent)
    response = post_new(client, total_area_m2=typed, public_area_m2="50")
    assert response.status_code == 400, response.status_code
    html = response.get_data(as_text=True)
    assert f'value="{typed}"' in html
    assert re.search("数值过大|请填写数字|有限", error_beside(html, "total_area_m2")), error_beside(html, "total_area_m2")[:300]
    assert count(Space) == 0 and count(AuditEvent) == events


def test_area_of_a_billion_is_the_last_accepted(client, applicant):
    login(client, applicant)
    assert post_new(client, total_area_m2=str(MAX_QUANTITY), public_area_m2="50").status_code == 302


@pytest.mark.parametrize("typed", ["1e5000", "9" * 5000, "10000000000"])
def test_absurd_count_refused_beside_the_field(client, applicant, typed):
    login(client, applicant)
    response = post_new(client, workstations=typed)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'value="{typed}"' in html
    assert re.search("数值过大|请填写整数", error_beside(html, "workstations"))
    assert count(Space) == 0


@pytest.mark.parametrize("field", ["registered_region", "space_region"])
@pytest.mark.parametrize("typed", ["５３０１１２", "53011２", "٥٣٠١١٢"])
def test_full_width_digits_are_not_a_region_code(client, applicant, field, typed):
    login(client, applicant)
    response = post_new(client, **{field: typed})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'value="{typed}"' in html and "六位数字" in error_beside(html, field)
    assert count(Space) == 0


@pytest.mark.parametrize("field", ["space_name", "applicant_name", "residents-0-name"])
@pytest.mark.parametrize("typed", ["   ", "\u3000\u3000", "\u200b", "\u00a0 "])
def test_names_of_only_spaces_are_refused(client, applicant, field, typed):
    login(client, applicant)
    response = post_new(client, **{field: typed})
    assert response.status_code == 400
    assert "请填写此项" in error_beside(response.get_data(as_text=True), field)
    assert count(Space) == 0


def test_a_space_opened_after_today_is_refused(client, applicant):
    login(client, applicant)
    for typed in ("2099-01-01", "2026-11-24"):
        response = post_new(client, space_opened_on=typed)
        assert response.status_code == 400, typed
        html = response.get_data(as_text=True)
        assert f'value="{typed}"' in html and "晚于今天" in error_beside(html, "space_opened_on")
    assert count(Space) == 0
    assert post_new(client, space_opened_on="2026-11-23").status_code == 302  # today itself


# --- the application form (the same FactsForm fields), 保存 with 1e5000 -----------------


@pytest.mark.parametrize("typed", ["1e5000", "1e309"])
def test_application_draft_saved_with_1e5000_keeps_the_typing_and_says_why(app, typed, monkeypatch):
    """Before issue 13: HTTP 500 on 保存 (an int of 5001 digits could not be stored) and
    the typing lost; 1e309 was accepted though the command line refuses it."""
    from core.platform.models import Application
    from tests.portal_helpers import TODAY as IN_THE_CALL
    from tests.portal_helpers import NEW_URL, kunming_operator, open_call, page_form, with_extra

    clock.freeze(IN_THE_CALL)  # 昆科发〔2017〕55号 第八条: within the call
    open_call()
    client, _, space = kunming_operator(app)
    response = client.post(NEW_URL.format(space=space.id), data=with_extra(page_form(client, NEW_URL.format(space=space.id))))
    assert response.status_code == 302
    draft = db.session.get(Application, int(response.location.split("/")[-2]))
    url = f"/portal/applications/{draft.id}/draft"
    data = page_form(client, url)
    data.setlist("total_area_m2", [typed])
    data.setlist("intent", ["save"])
    assert client.post(url, data=data).status_code == 302  # saved as typed, as every invalid draft
    db.session.refresh(draft)
    assert draft.form_data["_typed"]["total_area_m2"] == [typed]
    assert draft.facts["total_area_m2"] != float("inf") and draft.facts["total_area_m2"] < MAX_QUANTITY
    html = client.get(url).get_data(as_text=True)
    assert f'value="{typed}"' in html
    assert "数值过大" in html.split('id="total_area_m2-errors"', 1)[1][:300]


# --- a small fuzz through the space form: never a 500, never a half-written space ---------------

# (No lone surrogate: a browser cannot send one — it encodes the form as UTF-8 and sends U+FFFD.)
NASTY_TYPING = ["1e309", "1e5000", "-1e5000", "9" * 5000, "NaN", "inf", "0x10", "1_000", "１２", "٣", "\ufffd",
                "\u200b", "\x00", "<script>", "2099-01-01", "0000-00-00", "-0", "1e-400", "'; drop table spaces; --"]
FUZZ_FIELDS = ["total_area_m2", "public_area_m2", "workstations", "lease_years", "rent_ratio_year1", "mentors",
               "space_name", "space_region", "registered_region", "space_opened_on", "residents-0-name",
               "residents-0-entered_on", "events_last_year"]


@pytest.mark.parametrize("seed", [13, 14, 15])
def test_random_nasty_typing_never_fails_the_server(client, applicant, seed):
    import random

    login(client, applicant)
    rng = random.Random(seed)
    for _ in range(25):
        changes = {rng.choice(FUZZ_FIELDS): rng.choice(NASTY_TYPING) for _ in range(rng.randint(1, 3))}
        response = post_new(client, **changes)
        assert response.status_code in (302, 400), (changes, response.status_code)
        if response.status_code == 400:
            assert count(Space) == 0, changes
        else:  # accepted: only what a person could mean (1_000, 全角 １２ as 12…), stored whole
            space = db.session.scalars(select(Space)).one()
            assert space.facts["total_area_m2"] <= MAX_QUANTITY
            db.session.delete(space)
            db.session.commit()
