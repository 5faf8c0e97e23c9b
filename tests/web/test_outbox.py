"""发件箱 (/admin/outbox, core.notify.admin_outbox): the admin's only; every mail with its
status in words, tries and error; filters; 重发 of a failed or held mail (audited, CSRF)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.platform import queue
from core.platform.extensions import db
from core.platform.models import AuditEvent, OutboundMail
from tests.factories import login, make_user
from tests.notice_helpers import plain, token_of

URL = "/admin/outbox/"


def mail(status: str, recipient: str = "li@example.cn", **fields) -> OutboundMail:
    user = make_user("officer", ("kunming",), email=recipient or None, login=f"u{status}{recipient}x")
    row = OutboundMail(user_id=user.id, recipient=recipient, subject=f"主题-{status}", body="正文", status=status,
                       **fields)
    db.session.add(row)
    db.session.commit()
    return row


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


@pytest.mark.parametrize("role", ["officer", "leader", "recommender", "expert", "applicant"])
def test_only_the_admin_opens_the_outbox(app, role):
    row = mail("failed", attempts=5, last_error="ConnectionRefusedError")
    client = signed_in(app, make_user(role, ("kunming",) if role != "applicant" else ()))
    assert client.get(URL).status_code in (302, 403)
    assert client.get(URL).status_code != 200
    assert client.post(f"/admin/outbox/{row.id}/resend", data={"csrf_token": "x"}).status_code in (302, 400, 403)
    db.session.expire_all()
    assert db.session.get(OutboundMail, row.id).status == "failed"
    anonymous = app.test_client().get(URL)
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_the_admin_sees_each_mail_in_words_and_filters_by_status(app):
    rows = [mail("sent", attempts=1), mail("failed", attempts=5, last_error="SMTPServerDisconnected: gone"),
            mail("queued"), mail("held", recipient="", last_error="no_address")]
    client = signed_in(app, make_user("admin"))
    html = client.get(URL).get_data(as_text=True)
    for row in rows:
        assert f'id="mail-{row.id}"' in html and row.subject in html
    text = plain(html)
    assert "SMTPServerDisconnected: gone" in text and "no_address" not in text
    for code in ("sent", "failed", "queued", "held"):
        assert f">{code}<" not in html  # statuses in words
    failed = client.get(f"{URL}?status=failed").get_data(as_text=True)
    assert f'id="mail-{rows[1].id}"' in failed and f'id="mail-{rows[0].id}"' not in failed
    assert client.get(f"{URL}?status=bogus").status_code == 200 and client.get(f"{URL}?page=0").status_code == 200
    assert html.count("/resend") == 2  # the failed and the held one


def test_resend_needs_the_token_and_is_audited(app_factory, smtp_sink):
    app = app_factory({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.port})
    with app.app_context():
        failed = mail("failed", attempts=5, last_error="ConnectionRefusedError")
        sent = mail("sent", attempts=1)
        admin = make_user("admin")
        client = signed_in(app, admin)
        assert client.post(f"/admin/outbox/{failed.id}/resend").status_code == 400  # no CSRF token
        token = token_of(client, URL)
        assert client.post(f"/admin/outbox/{failed.id}/resend", data={"csrf_token": token}).status_code == 302
        queue.drain()
        db.session.expire_all()
        row = db.session.get(OutboundMail, failed.id)
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
        assert smtp_sink.wait_for(1)[0]["Subject"] == "主题-failed"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.resend")).one()
        assert (event.from_state, event.to_state, event.actor_id) == ("failed", "queued", admin.id)
        # a sent mail is not sent again; an unknown one is 404
        assert client.post(f"/admin/outbox/{sent.id}/resend", data={"csrf_token": token}).status_code == 302
        assert len(smtp_sink.messages) == 1
        assert client.post("/admin/outbox/2147483647/resend", data={"csrf_token": token}).status_code == 404
