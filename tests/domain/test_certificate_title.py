"""The title printed on the certificate (issue 13, PDFs): built from each policy's
formula without doubling, reviewed and corrected by the officer at the award step
(scoped, validated, audited), and printed as confirmed.

The formulas: 弥政办发〔2017〕5号 第七条 “弥科 xxx众创空间”; 昆科发〔2017〕55号 第十二条
“昆明市众创空间”; 云科规〔2021〕1号 and 徐政发〔2016〕12号 name one title each.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from core.award import titles as awards

from core.documents import render as documents
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import Application, AuditEvent, Recognition
from tests.factories import make_space
from tests.notice_helpers import at_step, logged_in, officer, set_today, token_of

TODAY = date(2026, 10, 9)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def title_events(application) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "application.certificate_title",
        AuditEvent.object_id == str(application.id))).all()


def flat_pdf(pdf: bytes) -> str:
    return "".join("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


def formula(code: str) -> str:
    titles = {p.award_title for p in registry().policies(code)}
    assert len(titles) == 1, titles
    return titles.pop()


# --- the formula, per plugin ------------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("大学城众创空间", "弥科大学城众创空间"),     # ends in the formula's tail: the tail once
    ("湖泉创客空间", "弥科湖泉创客空间"),         # ends in 空间: not “…创客空间众创空间”
    ("红河孵化基地", "弥科红河孵化基地众创空间"),  # any other name: the formula's tail appended
    ("弥科大学城众创空间", "弥科大学城众创空间"),  # already carries the bureau's 弥科
    ("  湖泉   创客空间 ", "弥科湖泉 创客空间"),   # spaces as typed are collapsed
])
def test_mile_article_7_title_names_the_space_once(app, name, expected):
    """弥政办发〔2017〕5号 第七条: 颁发“弥科 xxx众创空间”牌匾 — xxx is the space's name."""
    assert formula("mile") == "弥科xxx众创空间"
    assert awards.title_from_formula(name, formula("mile")) == expected


@pytest.mark.parametrize("code, expected", [
    ("kunming", "昆明市众创空间"),      # 昆科发〔2017〕55号 第十二条
    ("yunnan", "云南省省级众创空间"),   # 云科规〔2021〕1号
    ("xuzhou", "徐州市重点众创空间"),   # 徐政发〔2016〕12号
])
def test_fixed_titles_are_the_same_for_every_space(app, code, expected):
    for name in ("湖泉创客空间", "大学城众创空间", "红河孵化基地"):
        assert awards.title_from_formula(name, formula(code)) == expected


def test_mile_award_and_certificate_print_the_title_once(app):
    """The 弥勒 award of 湖泉创客空间 (第七条) prints 弥科湖泉创客空间, not …空间众创空间."""
    application = at_step("mile", step="award", space=make_space(name="湖泉创客空间", region="532504"))
    recognition = awards.grant(application, officer("mile"), TODAY)
    assert recognition.title == "弥科湖泉创客空间"
    text = flat_pdf(documents.certificate_pdf(recognition))
    assert "“弥科湖泉创客空间”" in text and "空间众创空间" not in text
    assert "弥政办发〔2017〕5号）第七条" in text  # the article the title comes from


# --- the officer's review on the case page ------------------------------------------------


def _post(client, application, **data):
    token = token_of(client, f"/admin/case/{application.id}")
    return client.post(f"/admin/case/{application.id}/act", data={
        "csrf_token": token, "expected_version": str(application.version),
        "expected_step": application.current_step or "",
        **({"confirm": "yes"} if data.get("action") == "award" else {}),  # the award's confirmation box
        **data})


def test_officer_reviews_and_corrects_the_title_then_awards_it(app, monkeypatch):
    set_today(monkeypatch, TODAY)
    user = officer("mile")
    application = at_step("mile", step="award", space=make_space(name="湖泉创客空间", region="532504"))
    client = logged_in(app, user)
    page = client.get(f"/admin/case/{application.id}").get_data(as_text=True)
    assert 'id="certificate_title"' in page and 'value="弥科湖泉创客空间"' in page
    assert "第七条" in page  # where the proposal comes from

    response = _post(client, application, action="certificate_title", certificate_title=" 弥科湖泉众创空间 ")
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.certificate_title == "弥科湖泉众创空间" and application.status == "in_review"
    [event] = title_events(application)
    assert (event.from_state, event.to_state, event.actor_id) == ("弥科湖泉创客空间", "弥科湖泉众创空间", user.id)
    assert event.detail["proposed"] == "弥科湖泉创客空间" and event.jurisdiction == "mile"
    page = client.get(f"/admin/case/{application.id}").get_data(as_text=True)
    assert 'value="弥科湖泉众创空间"' in page
    # The timeline names the change in words, never by its code.
    assert "<td>修改证书称号</td>" in page and ">application.certificate_title<" not in page

    # The award form carries the title as last reviewed; awarding with it prints it.
    response = _post(client, application, action="award", certificate_title="弥科湖泉众创空间")
    assert response.status_code == 302
    recognition = db.session.scalars(select(Recognition)).one()
    assert recognition.title == "弥科湖泉众创空间"
    assert len(title_events(application)) == 1  # confirmed unchanged: no second event
    grant = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "recognition.grant")).one()
    assert grant.detail["title"] == "弥科湖泉众创空间" and grant.detail["proposed_title"] == "弥科湖泉创客空间"
    assert "“弥科湖泉众创空间”" in flat_pdf(documents.certificate_pdf(recognition))


def test_title_changed_on_the_award_form_itself_is_audited(app, monkeypatch):
    set_today(monkeypatch, TODAY)
    application = at_step("kunming", step="award")
    client = logged_in(app, officer("kunming"))
    assert _post(client, application, action="award", certificate_title="昆明市众创空间（示范）").status_code == 302
    assert db.session.scalars(select(Recognition)).one().title == "昆明市众创空间（示范）"
    [event] = title_events(application)
    assert (event.from_state, event.to_state) == ("昆明市众创空间", "昆明市众创空间（示范）")


@pytest.mark.parametrize("typed, message", [
    ("", "不能为空"),
    ("　 \t ", "不能为空"),                      # only spaces (full-width too)
    ("众" * (awards.TITLE_MAX_LENGTH + 1), f"不能超过 {awards.TITLE_MAX_LENGTH} 字"),
    ("弥科<b>湖泉</b>", "不能打印的字符"),
    ("弥科\x07湖泉", "不能打印的字符"),
])
def test_bad_title_is_refused_next_to_the_field_and_nothing_is_written(app, monkeypatch, typed, message):
    set_today(monkeypatch, TODAY)
    application = at_step("mile", step="award")
    client = logged_in(app, officer("mile"))
    for action in ("certificate_title", "award"):
        response = _post(client, application, action=action, certificate_title=typed)
        assert response.status_code == 400, action
        html = response.get_data(as_text=True)
        assert 'id="certificate_title-error"' in html and message in html
        assert "is-invalid" in html
        if typed.strip() and "\x07" not in typed:
            assert "&lt;b&gt;" in html or typed in html  # what was typed is kept
        db.session.expire_all()
        assert db.session.get(Application, application.id).certificate_title is None
        assert count(Recognition) == 0 and not title_events(application)


def test_title_length_boundary(app, monkeypatch):
    """Our bound (TITLE_MAX_LENGTH, 60): 60 characters are accepted, 61 refused."""
    set_today(monkeypatch, TODAY)
    application = at_step("mile", step="award")
    client = logged_in(app, officer("mile"))
    longest = "弥" * awards.TITLE_MAX_LENGTH
    assert _post(client, application, action="certificate_title", certificate_title=longest + "弥").status_code == 400
    assert _post(client, application, action="certificate_title", certificate_title=longest).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).certificate_title == longest


def test_title_edit_is_scoped_to_who_may_award(app, monkeypatch):
    set_today(monkeypatch, TODAY)
    application = at_step("mile", step="award")
    # Another jurisdiction's officer: the application does not exist for him.
    stranger = logged_in(app, officer("kunming"))
    token = token_of(stranger, "/admin/")
    response = stranger.post(f"/admin/case/{application.id}/act", data={
        "csrf_token": token, "expected_version": str(application.version), "expected_step": "award",
        "action": "certificate_title", "certificate_title": "别人的称号"})
    assert response.status_code == 404
    # A leader of the same bureau sees the case but does not award: refused, no field.
    leader = logged_in(app, officer("mile", role="leader"))
    page = leader.get(f"/admin/case/{application.id}").get_data(as_text=True)
    assert 'id="certificate_title"' not in page
    response = _post(leader, application, action="certificate_title", certificate_title="领导改的称号")
    assert response.status_code == 400 and "只有授予称号环节的办理人" in response.get_data(as_text=True)
    # Not yet at the award step: the officer may not set it either.
    earlier = at_step("mile", step="public_notice", status="under_notice")
    own = logged_in(app, officer("mile"))
    assert _post(own, earlier, action="certificate_title", certificate_title="提前改的称号").status_code == 400
    # Without the CSRF token nothing happens.
    assert own.post(f"/admin/case/{application.id}/act", data={
        "expected_version": str(application.version), "expected_step": "award",
        "action": "certificate_title", "certificate_title": "无令牌"}).status_code == 400
    db.session.expire_all()
    for a in (application, earlier):
        assert db.session.get(Application, a.id).certificate_title is None and not title_events(a)


def test_stale_title_edit_gets_the_conflict_answer(app, monkeypatch):
    set_today(monkeypatch, TODAY)
    application = at_step("mile", step="award")
    client = logged_in(app, officer("mile"))
    token = token_of(client, f"/admin/case/{application.id}")
    response = client.post(f"/admin/case/{application.id}/act", data={
        "csrf_token": token, "expected_version": str(application.version - 1), "expected_step": "award",
        "action": "certificate_title", "certificate_title": "弥科旧页面"})
    assert response.status_code == 409 and "已被他人办理" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, application.id).certificate_title is None
