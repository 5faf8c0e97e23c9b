"""发件箱 (/admin/outbox), the admin's only: every mail with its recipient, subject, status in
words, tries and last error; filtered by status, paged; a failed or held mail can be sent again
(重发, audited)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from core.accounts import roles
from core.accounts.admin_access import StaffAccessMixin
from core.notify import mail
from core.platform import audit
from core.platform.extensions import db
from core.platform.labels import local_datetime
from core.platform.models import OutboundMail

PAGE_SIZE = 50
STATUS_LABELS = {mail.QUEUED: _l("Waiting to be sent"), mail.SENT: _l("Delivered to the mail server"),
                 mail.FAILED: _l("Could not be sent"), mail.HELD: _l("Not sent")}
HELD_REASONS = {mail.NO_SERVER: _l("No mail server is configured (ZHONGCHUANG_SMTP_HOST)"),
                mail.NO_ADDRESS: _l("The user has no mail address")}


def error_text(row: OutboundMail) -> str:
    return str(HELD_REASONS.get(row.last_error, row.last_error or ""))


class OutboxView(StaffAccessMixin, BaseView):
    allowed_roles = (roles.ADMIN,)

    @expose("/")
    def index(self):
        status = request.args.get("status", "")
        status = status if status in mail.STATUSES else ""
        number = max(1, request.args.get("page", 1, type=int) or 1)
        where = [OutboundMail.status == status] if status else []
        total = db.session.scalar(select(func.count(OutboundMail.id)).where(*where)) or 0
        pages = max(1, -(-total // PAGE_SIZE))
        number = min(number, pages)
        rows = db.session.scalars(select(OutboundMail).where(*where).order_by(OutboundMail.id.desc())
                                  .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
        counts = dict(db.session.execute(select(OutboundMail.status, func.count()).group_by(OutboundMail.status)).all())
        return self.render("admin/outbox.html", rows=rows, status=status, number=number, pages=pages, total=total,
                           counts=counts, status_labels=STATUS_LABELS, error_text=error_text,
                           local_datetime=local_datetime, resendable=(mail.FAILED, mail.HELD))

    @expose("/<int:mail_id>/resend", methods=["POST"])
    def resend(self, mail_id: int):
        row = db.session.get(OutboundMail, mail_id)
        if row is None:
            abort(404)
        before = row.status
        if not mail.resend(row):
            flash(gettext("Only a mail that could not be sent or was not sent can be sent again."), "error")
            return redirect(url_for(".index"))
        audit.record("mail.resend", row, actor=current_user, from_state=before, to_state=row.status,
                     recipient=row.recipient)
        db.session.commit()
        if row.status == mail.HELD:  # no server, or no address: said, not pretended
            flash(gettext("The mail is still not sent: %(reason)s", reason=error_text(row)), "error")
        else:
            flash(gettext("The mail will be sent again."), "success")
        return redirect(url_for(".index", status=request.args.get("status", "")))
