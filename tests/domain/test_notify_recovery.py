"""What an audit of issue 19 found, kept fixed: the admin's 重试 of a mail's failed task sends the
mail again (it used to end "done" with the mail still failed); a step nobody of its role covers
(无人可办理) is heard by the officers who must assign it; a mail server that comes back delivers."""
from __future__ import annotations

from sqlalchemy import select

from core.accounts import account_notices
from core.notify import mail
from core.platform import queue
from core.platform.extensions import db
from core.platform.models import Notification, OutboundMail, TaskRun
from core.review import workflow
from tests.domain.test_notify_routes import TODAY
from tests.domain.test_notify_mail import kunming_draft
from tests.factories import make_user
from tests.smtp_sink import free_port


def test_the_admins_retry_of_a_failed_mail_task_sends_the_mail(app_factory, smtp_sink):
    down = app_factory({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": free_port(), "SMTP_TIMEOUT": 5})
    with down.app_context():
        user = make_user("officer", ("kunming",), email="li@example.cn")
        account_notices.notify(user, account_notices.PASSWORD_CHANGED, "您的密码已修改。")
        db.session.commit()
        queue.drain()
        task = db.session.scalars(select(TaskRun).where(TaskRun.name == "notify.send_mail")).one()
        while queue.run(task.id) == queue.RETRYING:
            pass
        row = db.session.scalars(select(OutboundMail)).one()
        assert (row.status, row.attempts, db.session.get(TaskRun, task.id).status) == ("failed", 5, "failed")
    up = app_factory({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.port})
    with up.app_context():
        assert queue.retry_now(task.id) is not None
        db.session.commit()
        assert queue.drain() == 1
        db.session.expire_all()
        row = db.session.scalars(select(OutboundMail)).one()
        assert (row.status, row.attempts) == ("sent", 1)
        assert [m["To"] for m in smtp_sink.wait_for(1)] == ["li@example.cn"]
        # run once more (a lost message resent): a sent mail is never sent twice
        task_row = db.session.get(TaskRun, task.id)
        task_row.status = queue.QUEUED
        db.session.commit()
        queue.run(task.id)
        assert len(smtp_sink.messages) == 1


def test_a_step_nobody_of_its_role_covers_is_heard_by_the_officers(app):
    draft, applicant = kunming_draft()  # a space in 530112 (西山区)
    make_user("recommender", ("kunming",), region_prefix="5303")  # another area: nobody covers 530112
    officer = make_user("officer", ("kunming",))
    xuzhou_officer = make_user("officer", ("xuzhou",))
    workflow.act(draft, "submit", applicant, today=TODAY)
    heard = {n.user_id: n for n in db.session.scalars(select(Notification))}
    assert set(heard) == {officer.id}  # not 徐州's, not the recommender of another area
    assert heard[officer.id].is_todo and heard[officer.id].link == f"/admin/case/{draft.id}"
    assert xuzhou_officer.id not in heard


def test_when_a_recommender_covers_the_step_the_officers_are_not_told(app):
    draft, applicant = kunming_draft()
    recommender = make_user("recommender", ("kunming",), region_prefix="530112")
    officer = make_user("officer", ("kunming",))
    workflow.act(draft, "submit", applicant, today=TODAY)
    heard = set(db.session.scalars(select(Notification.user_id)))
    assert recommender.id in heard and officer.id not in heard


def test_a_held_mail_is_sent_once_a_server_is_configured_and_the_admin_resends(app_factory, smtp_sink):
    bare = app_factory({"SMTP_HOST": None})
    with bare.app_context():
        user = make_user("officer", ("kunming",), email="wang@example.cn")
        account_notices.notify(user, account_notices.PASSWORD_CHANGED, "您的密码已修改。")
        db.session.commit()
        row = db.session.scalars(select(OutboundMail)).one()
        assert (row.status, row.last_error) == (mail.HELD, mail.NO_SERVER)
        assert mail.resend(row) and row.status == mail.HELD  # still no server: still held, said so
        db.session.commit()
    configured = app_factory({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.port})
    with configured.app_context():
        row = db.session.scalars(select(OutboundMail)).one()
        assert mail.resend(row) and row.status == mail.QUEUED
        db.session.commit()
        queue.drain()
        assert [m["To"] for m in smtp_sink.wait_for(1)] == ["wang@example.cn"]
