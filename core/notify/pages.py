"""The inbox and the mail preference, for every signed-in user (staff and applicants alike):

* ``/inbox``: his notifications, the newest first, unread ones marked; each opens through
  ``/inbox/<id>/open``, which marks it read and goes to the thing (only a path of this site);
* ``POST /inbox/read-all``: all marked read (CSRF);
* ``/account/notifications``: how much mail he wants (all, to-dos only, none) and where to.

Also the navbar's unread count (``inbox_unread()`` in every template: one COUNT per page that
shows it, none for a visitor).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from core.accounts.auth import safe_next
from core.notify import inbox, mail, messages
from core.platform import audit, request_memo
from core.platform.extensions import db
from core.platform.labels import local_datetime

bp = Blueprint("inbox", __name__)

PREFERENCE_LABELS = {mail.ALL: _l("Mail me about everything"), mail.TODOS: _l("Mail me only about my tasks"),
                     mail.NONE: _l("No mail (the inbox keeps everything)")}


def ascii_address(form, field) -> None:
    """An address in ASCII: a name in Chinese characters needs SMTPUTF8, which a bureau's mail
    server may not offer, so such an address would fail at every try."""
    if field.data and not field.data.isascii():
        raise ValidationError(_l("Enter the address in Latin letters, digits and symbols (e.g. name@example.com)"))


class PreferenceForm(FlaskForm):
    preference = RadioField(_l("Mail"), choices=[SelectChoice(code, label) for code, label in PREFERENCE_LABELS.items()],
                            validators=[InputRequired(_l("Choose how much mail you want"))])
    email = StringField(_l("Mail address"), filters=[lambda v: (v or "").strip() or None],
                        validators=[Optional(), Length(max=200, message=_l("At most 200 characters")),
                                    Email(message=_l("Enter a valid mail address, like name@example.com")), ascii_address])


@bp.app_context_processor
def unread_badge():
    def inbox_unread() -> int:
        if not current_user.is_authenticated:
            return 0
        return request_memo.remember(("inbox_unread", current_user.id), lambda: inbox.unread_count(current_user))
    return {"inbox_unread": inbox_unread}


@bp.route("/inbox")
@login_required
def index():
    number = request.args.get("page", 1, type=int) or 1
    found = inbox.page(current_user, number)
    rows = [(n, messages.text(n.event, n.params)) for n in found.rows]
    return render_template("notify/inbox.html", page=found, rows=rows, local_datetime=local_datetime)


@bp.route("/inbox/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    row = inbox.mark_read(current_user, notification_id)
    if row is None:
        abort(404)
    db.session.commit()
    # a stored link is followed only when it is a path of this site, as every ``next`` is
    return redirect(safe_next(row.link, url_for(".index")))


@bp.route("/inbox/read-all", methods=["POST"])
@login_required
def read_all():
    count = inbox.mark_all_read(current_user)
    db.session.commit()
    flash(gettext("%(count)s notifications marked as read.", count=count), "success")
    return redirect(url_for(".index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    user = current_user._get_current_object()
    form = PreferenceForm(data={"preference": user.mail_preference or mail.ALL, "email": user.email})
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("notify/preferences.html", form=form, login_address=mail.login_address(user)), 400
        before = {"preference": user.mail_preference, "email": user.email}
        user.mail_preference, user.email = form.preference.data, form.email.data
        audit.record("user.mail_preference", user, actor=user, from_state=before["preference"],
                     to_state=user.mail_preference, email_changed=before["email"] != user.email)
        db.session.commit()
        flash(gettext("Your mail preference has been saved."), "success")
        return redirect(url_for(".preferences"))
    return render_template("notify/preferences.html", form=form, login_address=mail.login_address(user))
