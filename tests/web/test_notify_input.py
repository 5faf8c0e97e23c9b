"""Bad input on issue 19's pages, as an audit found it: a stored link with a tab or a line break
is not followed (a browser drops them: "/\\t/host" would become "//host"); a NUL in the objection
look-up is a receipt nobody has (PostgreSQL refuses NUL in text: it was an HTTP 500); a mail
address in Chinese characters is refused on the form (it needs SMTPUTF8 a bureau's server may not
offer); the preference page names the login as the fallback address, not the address given; the
outbox's 重发 of a held mail says it is still not sent."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.accounts import account_notices
from core.platform.extensions import db
from core.platform.models import Notification, OutboundMail, User
from tests.factories import login, make_user
from tests.web.test_applicant_pages import token
from tests.web.test_objection_lookup import filed, look_up


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def test_a_link_with_a_tab_a_line_break_or_a_space_is_not_followed(app):
    user = make_user("applicant")
    links = ("/\t/evil.example", "/\n/evil.example", "/ /evil.example", "/portal/\x07", "/portal/titles/")
    rows = [Notification(user_id=user.id, event="title.awarded", params={}, link=link) for link in links]
    db.session.add_all(rows)
    db.session.commit()
    client = signed_in(app, user)
    targets = [client.get(f"/inbox/{n.id}/open") for n in rows]
    assert [t.status_code for t in targets] == [302] * 5
    assert [t.location.rsplit("localhost", 1)[-1] for t in targets] == ["/inbox"] * 4 + ["/portal/titles/"]


def test_a_nul_in_the_look_up_is_a_receipt_nobody_has(app):
    _notice, objection, _user = filed()
    client = app.test_client()
    assert look_up(client, objection.receipt_number + "\x00", "13800001111").status_code == 404
    assert look_up(client, objection.receipt_number, "13800001111\x00").status_code == 404
    assert look_up(client, objection.receipt_number, "13800001111").status_code == 200


def test_an_address_in_chinese_characters_is_refused_next_to_the_field(app):
    user = make_user("applicant", login="applicant@example.cn")
    client = signed_in(app, user)
    html = client.get("/account/notifications").get_data(as_text=True)
    assert "applicant@example.cn" in html  # the login: where mail goes when no address is given
    refused = client.post("/account/notifications", data={"csrf_token": token(html), "preference": "all",
                                                          "email": "张三@例子.中国"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="email-error"' in page and "张三@例子.中国" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).email is None
    saved = client.post("/account/notifications", data={"csrf_token": token(html), "preference": "all",
                                                        "email": "zhang@example.cn"})
    assert saved.status_code == 302
    page = client.get("/account/notifications").get_data(as_text=True)
    fallback = re.search(r'<p class="zc-help">([^<]*)</p>', page.split('name="email"', 1)[1]).group(1)
    assert "applicant@example.cn" in fallback and "zhang@example.cn" not in fallback


def test_resending_a_held_mail_without_a_server_says_it_is_still_not_sent(app_factory):
    app = app_factory({"SMTP_HOST": None})
    with app.app_context():
        officer = make_user("officer", ("kunming",), email="li@example.cn")
        account_notices.notify(officer, account_notices.PASSWORD_CHANGED, "您的密码已修改。")
        db.session.commit()
        row = db.session.scalars(select(OutboundMail)).one()
        client = signed_in(app, make_user("admin"))
        html = client.get("/admin/outbox/").get_data(as_text=True)
        answer = client.post(f"/admin/outbox/{row.id}/resend", data={"csrf_token": token(html)},
                             follow_redirects=True)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "ZHONGCHUANG_SMTP_HOST" in page
        db.session.expire_all()
        assert db.session.get(OutboundMail, row.id).status == "held"
