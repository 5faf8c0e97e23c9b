"""Mail (core.notify.mail) delivered to a real SMTP server (tests/smtp_sink.py, aiosmtpd over
TCP) through the real queue (core.platform.queue, inline): the preference, the address, a
mail server that is down, the admin's resend."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.accounts import account_notices
from core.notify import mail
from core.platform import queue
from core.platform.extensions import db
from core.platform.models import Call, OutboundMail, TaskRun
from core.review import workflow
from tests.domain.test_notify_routes import FACTS, TODAY
from tests.factories import make_application, make_org, make_space, make_user
from tests.smtp_sink import free_port


def mails() -> list[OutboundMail]:
    db.session.expire_all()
    return db.session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()


def kunming_draft():
    org = make_org(region="530112")
    draft = make_application("kunming", "comprehensive_service", space=make_space(org), status="draft",
                             facts=dict(FACTS))
    db.session.add(Call(jurisdiction="kunming", title="2026年度申报通知", opens_on=date(2026, 10, 1),
                        closes_on=date(2026, 10, 31), categories=["comprehensive_service"]))
    db.session.commit()
    return draft, make_user("applicant", organisation=org)


@pytest.fixture
def mailing_app(app_factory, smtp_sink):
    app = app_factory({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.port, "SMTP_FROM": "平台 <noreply@zc.example>"})
    with app.app_context():
        yield app


def test_a_submission_reaches_the_smtp_server_in_chinese_with_proper_headers(mailing_app, smtp_sink):
    draft, applicant = kunming_draft()
    recommender = make_user("recommender", ("kunming",), login="tuijian@example.cn")
    workflow.act(draft, "submit", applicant, today=TODAY)
    assert [m.status for m in mails()] == ["queued"]  # composed and queued in the transaction
    assert queue.drain() == 2  # the mail, and the application's PDF rendered at submission
    received = smtp_sink.wait_for(1)
    message = received[0]
    assert message["To"] == "tuijian@example.cn" and "noreply@zc.example" in message["From"]
    assert draft.space.name in message["Subject"]  # a Chinese name in a UTF-8 header, decoded intact
    assert message["Message-ID"].startswith("<") and "@zc.example>" in message["Message-ID"]
    body = message.get_content()
    assert draft.space.name in body and f"/admin/case/{draft.id}" in body and "/inbox" in body
    row = mails()[0]
    assert (row.status, row.attempts, row.last_error, row.user_id) == ("sent", 1, None, recommender.id)
    assert row.sent_at is not None


@pytest.mark.parametrize("preference, to_do, not_to_do", [("all", 1, 1), ("todos", 1, 0), ("none", 0, 0)])
def test_the_preference_decides_which_notifications_are_mailed(mailing_app, smtp_sink, preference, to_do, not_to_do):
    draft, applicant = kunming_draft()
    applicant.mail_preference = preference
    recommender = make_user("recommender", ("kunming",))
    workflow.act(draft, "submit", applicant, today=TODAY)
    workflow.act(draft, "approve", recommender, opinion="材料齐全", today=TODAY)   # to the applicant: not a to-do
    workflow.act(draft, "return", make_user("recommender", ("kunming",)), opinion="请补充", today=TODAY)  # a to-do
    queue.drain()
    mine = [m for m in mails() if m.user_id == applicant.id]
    assert len(mine) == to_do + not_to_do
    assert len(smtp_sink.messages) == len([m for m in mails() if m.status == "sent"])
    assert {m.status for m in mine} <= {"sent"}


def test_without_an_address_or_a_server_mail_is_held_with_the_reason(app_factory, smtp_sink):
    app = app_factory({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.port})
    with app.app_context():
        phone = make_user("officer", ("kunming",), login="13800000000")
        address = make_user("officer", ("kunming",), login="13900000000", email="li@example.cn")
        for user in (phone, address):
            account_notices.notify(user, account_notices.PASSWORD_CHANGED, "您的密码已修改。")
        db.session.commit()
        queue.drain()
        rows = {m.user_id: m for m in mails()}
        assert (rows[phone.id].status, rows[phone.id].last_error, rows[phone.id].recipient) == ("held", "no_address", "")
        assert (rows[address.id].status, rows[address.id].recipient) == ("sent", "li@example.cn")
        assert [m["To"] for m in smtp_sink.wait_for(1)] == ["li@example.cn"]
        # the user gives an address; the admin sends the held mail again
        phone.email = "wang@example.cn"
        assert mail.resend(rows[phone.id]) is True
        db.session.commit()
        queue.drain()
        assert mails()[0].status == "sent" and smtp_sink.wait_for(2)[1]["To"] == "wang@example.cn"
        assert mail.resend(mails()[0]) is False  # a sent mail is not sent twice
    unconfigured = app_factory({"SMTP_HOST": None})
    with unconfigured.app_context():
        user = make_user("officer", ("kunming",))
        account_notices.notify(user, account_notices.PASSWORD_CHANGED, "您的密码已修改。")
        db.session.commit()
        assert queue.drain() == 0
        held = [m for m in mails() if m.user_id == user.id][0]
        assert (held.status, held.last_error) == ("held", "no_server")


def test_a_server_that_is_down_is_tried_again_then_the_mail_fails_with_its_error(app_factory):
    app = app_factory({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": free_port(), "SMTP_TIMEOUT": 5})
    with app.app_context():
        user = make_user("officer", ("kunming",))
        account_notices.notify(user, account_notices.PASSWORD_CHANGED, "您的密码已修改。")
        db.session.commit()
        assert queue.drain() == 1
        task = db.session.scalars(select(TaskRun).where(TaskRun.name == "notify.send_mail")).one()
        row = mails()[0]
        assert (task.status, task.attempts) == ("retrying", 1)
        assert (row.status, row.attempts) == ("queued", 1) and "ConnectionRefusedError" in row.last_error
        for attempt in range(2, mail.MAX_ATTEMPTS + 1):
            assert queue.run(task.id) == ("failed" if attempt == mail.MAX_ATTEMPTS else "retrying")
            assert mails()[0].attempts == attempt
        row = mails()[0]
        assert (row.status, row.attempts) == ("failed", 5) and "ConnectionRefusedError" in row.last_error
        assert db.session.get(TaskRun, task.id).status == "failed"
        assert queue.run(task.id) is None  # nothing more


def test_a_line_break_in_a_header_is_refused_not_sent(mailing_app, smtp_sink):
    user = make_user("officer", ("kunming",), email="a@example.cn\r\nBcc: victim@example.cn")
    account_notices.notify(user, account_notices.PASSWORD_CHANGED, "您的密码已修改。")
    db.session.commit()
    queue.drain()
    row = mails()[0]
    assert row.status == "failed" and "line break" in row.last_error and smtp_sink.messages == []


def test_the_words_of_every_mail_template_are_extracted_for_translation():
    """core/translations/babel.cfg maps each mail template (.txt) to the jinja2 extractor, as
    ``pybabel extract`` reads it: the first pattern a file's path matches decides."""
    from babel.messages.extract import extract_from_file
    from babel.messages.frontend import parse_mapping_cfg
    from babel.util import pathmatch

    root = Path(__file__).resolve().parents[2]
    with open(root / "core" / "translations" / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    templates = sorted((root / "core" / "notify" / "templates" / "notify" / "mail").glob("*.txt"))
    assert len(templates) >= 6
    found = set()
    for template in templates:
        path = template.relative_to(root).as_posix()
        pattern, method = next(((p, m) for p, m in method_map if pathmatch(p, path)), (None, None))
        assert method == "jinja2", path
        found |= {message for _line, message, _comments, _context in
                  extract_from_file(method, str(template), options=options_map.get(pattern, {}))}
    assert {"Hello,", "Open it here:", "This is a task for you.", "All your notifications are in your inbox:",
            "The reasons are on the application page. Revise the application and submit it again."} <= found


def test_a_mails_lines_are_laid_out_as_written(mailing_app):
    """The detail of an event's own template stands on its line after the headline; the link
    and the footer follow, one line each."""
    from flask_babel import force_locale, gettext

    from core.platform.models import Notification

    note = Notification(user_id=None, event="application.return", params={"about": "滇池创客空间", "step_name": "初审"},
                        link="/portal/applications/7", is_todo=True)
    _subject, body = mail.compose(note)
    with force_locale(mail.MAIL_LOCALE):
        from core.notify import messages

        said = [gettext("Hello,"), "", messages.text(note.event, note.params),
                gettext("The reasons are on the application page. Revise the application and submit it again."), "",
                f"{gettext('Open it here:')} /portal/applications/7", gettext("This is a task for you."), "", "--",
                f"{gettext('All your notifications are in your inbox:')} /inbox",
                gettext("You receive this mail because of your mail preference; change it under My notifications."),
                gettext("Maker Space Recognition Platform")]
    assert body.split("\n") == said + [""]
