"""The inbox through HTTP (core.notify.pages): the navbar's unread count follows an application
submitted on the portal and returned on the case page; /inbox lists, an opened notification is
read; another user's is absent; read-all needs the CSRF token; the mail preference form."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.platform.extensions import db
from core.platform.models import AuditEvent, Notification, User
from tests.factories import login, make_user
from tests.web import test_applicant_pages as portal
from tests.web.test_applicant_pages import act, token
from tests.web.test_case_page import hidden

applicant, today = portal.applicant, portal.today  # the portal's fixtures: a 昆明 draft ready to submit

UNREAD = re.compile(r'id="inbox-unread">(\d+)<')


def unread_in_navbar(client, url: str) -> int:
    html = client.get(url).get_data(as_text=True)
    assert 'id="inbox-link"' in html, url
    found = UNREAD.search(html)
    return int(found.group(1)) if found else 0


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def test_the_unread_count_follows_an_application_submitted_and_returned(app, applicant):
    client, user, draft, recommender = applicant
    staff = signed_in(app, recommender)
    assert unread_in_navbar(client, "/portal/") == 0 and unread_in_navbar(staff, "/admin/") == 0
    assert act(client, draft, "submit").status_code == 302
    assert unread_in_navbar(staff, "/admin/") == 1  # the admin layout's navbar
    assert unread_in_navbar(staff, "/inbox") == 1 and unread_in_navbar(client, "/portal/") == 0  # not the actor

    html = staff.get(f"/admin/case/{draft.id}").get_data(as_text=True)
    returned = staff.post(f"/admin/case/{draft.id}/act", data={
        "csrf_token": token(html), "action": "return", "opinion": "请补充场地产权证明",
        "expected_version": hidden(html, "expected_version"), "expected_step": hidden(html, "expected_step")})
    assert returned.status_code == 302
    assert unread_in_navbar(client, "/portal/") == 1
    page = client.get("/inbox").get_data(as_text=True)
    assert "滇池测试众创空间" in page and 'class="zc-unread"' in page and "application.return" not in page

    mine = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).one()
    opened = client.get(f"/inbox/{mine.id}/open")
    assert opened.status_code == 302 and opened.location.endswith(f"/portal/applications/{draft.id}")
    assert unread_in_navbar(client, "/portal/") == 0
    assert 'class="zc-read"' in client.get("/inbox").get_data(as_text=True)

    # the recommender's notification is not the applicant's to open: 404, and stays unread
    theirs = db.session.scalars(select(Notification).where(Notification.user_id == recommender.id)).one()
    assert client.get(f"/inbox/{theirs.id}/open").status_code == 404
    assert client.get("/inbox/2147483647/open").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_read_all_needs_the_token_and_marks_only_ones_own(app):
    user, other = make_user("officer", ("kunming",)), make_user("officer", ("kunming",))
    for who in (user, user, other):
        db.session.add(Notification(user_id=who.id, event="objection.filed", jurisdiction="kunming",
                                    params={"about": "公示", "receipt_number": "YY-20260925-0001"},
                                    link="/admin/notices/1", is_todo=True))
    db.session.commit()
    client = signed_in(app, user)
    assert unread_in_navbar(client, "/inbox") == 2
    assert client.post("/inbox/read-all").status_code == 400  # no CSRF token
    assert unread_in_navbar(client, "/inbox") == 2
    html = client.get("/inbox").get_data(as_text=True)
    assert "YY-20260925-0001" in html
    assert client.post("/inbox/read-all", data={"csrf_token": token(html)}).status_code == 302
    assert unread_in_navbar(client, "/inbox") == 0
    assert db.session.scalar(select(Notification.read_at).where(Notification.user_id == other.id)) is None


def test_only_a_path_of_this_site_is_followed(app):
    user = make_user("applicant")
    rows = [Notification(user_id=user.id, event="title.awarded", params={}, link=link)
            for link in ("https://evil.example/", "//evil.example/x", None, "/portal/titles/")]
    db.session.add_all(rows)
    db.session.commit()
    client = signed_in(app, user)
    targets = [client.get(f"/inbox/{n.id}/open").location for n in rows]
    assert [t.rsplit("localhost", 1)[-1] for t in targets] == ["/inbox", "/inbox", "/inbox", "/portal/titles/"]


def test_the_inbox_pages_by_twenty_newest_first(app):
    user = make_user("applicant")
    for n in range(21):
        db.session.add(Notification(user_id=user.id, event="statistics.window_opened",
                                    params={"year": 2000 + n, "deadline": "2026-03-31"}))
    db.session.commit()
    client = signed_in(app, user)
    first, second = client.get("/inbox").get_data(as_text=True), client.get("/inbox?page=2").get_data(as_text=True)
    assert first.count('id="notification-') == 20 and second.count('id="notification-') == 1
    assert "2020" in first and "2000" in second and "2000" not in first.replace("2000-", "")
    assert client.get("/inbox?page=99").status_code == 200 and client.get("/inbox?page=x").status_code == 200


def test_the_mail_preference_keeps_what_was_typed_and_is_audited(app):
    user = make_user("applicant", login="13700000000")
    client = signed_in(app, user)
    html = client.get("/account/notifications").get_data(as_text=True)
    assert html.count('type="radio"') == 3 and re.search(r'<input checked[^>]*value="all"', html)
    bad = client.post("/account/notifications", data={"csrf_token": token(html), "preference": "todos",
                                                        "email": "not-an-address"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="email-error"' in page and 'value="not-an-address"' in page
    assert client.post("/account/notifications", data={"csrf_token": token(html), "preference": "weekly",
                                                        "email": ""}).status_code == 400
    assert client.post("/account/notifications", data={"preference": "none"}).status_code == 400  # no CSRF
    db.session.expire_all()
    assert db.session.get(User, user.id).mail_preference == "all"
    good = client.post("/account/notifications", data={"csrf_token": token(html), "preference": "todos",
                                                         "email": " wang@example.cn "})
    assert good.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.mail_preference, saved.email) == ("todos", "wang@example.cn")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.mail_preference")).one()
    assert (event.from_state, event.to_state, event.actor_id) == ("all", "todos", user.id)
    assert client.get("/account/notifications").status_code == 200
    assert app.test_client().get("/inbox").status_code == 302  # anonymous: to the login page


def test_the_count_is_one_statement_per_page_and_none_for_a_visitor(app):
    from tests.conftest import sent_statements

    user = make_user("officer", ("kunming",))
    client = signed_in(app, user)
    with sent_statements() as sent:
        assert client.get("/admin/").status_code == 200
    assert len([s for s in sent if "notifications" in s]) == 1
    with sent_statements() as sent:
        assert app.test_client().get("/notices/").status_code == 200
    assert not [s for s in sent if "notifications" in s]
