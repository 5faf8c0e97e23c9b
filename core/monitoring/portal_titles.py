"""The applicant's titles and their standing: ``/portal/titles``.

``/``        the organisation's titles, each with its standing today (CONTRACTS §6), the money
             of each, and the money of the titles won elsewhere the bureau recorded for its spaces
``/<id>``    one title: the standing's grounds with their articles, the open duties and
             their due dates, any ban, the record since recognition, its money, and the space's other titles
             (core.award.ladder: of any jurisdiction of this platform, and won elsewhere)

The money as the holder reads it (issue 18): each entitlement's state, the approved amount and day,
the amount paid, the day, the paying body and why the amount differs, the cancellation and its
reason.  The overlap flags and their justification, a budget override and the voucher number are
the bureau's internal file, not shown.

Applicants only; a title of another organisation is a 404
(core.monitoring.title_standing.title_criteria).
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from core.award import ladder
from core.intake.access import applicant_only
from core.monitoring import record, title_standing
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import Recognition, SubsidyEntitlement

bp = Blueprint("portal_titles", __name__, url_prefix="/portal/titles")


@bp.route("/")
@applicant_only
def index():
    today = clock.today()
    titles = db.session.scalars(select(Recognition).where(title_standing.title_criteria(current_user))
                                .order_by(Recognition.granted_on.desc(), Recognition.id.desc())).all()
    rows = [title_standing.TitleStanding(t, title_standing.standing_of(t, today)) for t in titles]
    money = _money_by_title([t.id for t in titles])
    external_rows, external_titles = title_standing.applicant_support(current_user)
    return render_template("portal/titles.html", rows=rows, labels=labels, today=today, money=money, cite=title_standing.cite,
                           external_rows=external_rows, external_titles=external_titles)


def _money_by_title(title_ids: list[int]) -> dict[int, list[SubsidyEntitlement]]:
    found: dict[int, list[SubsidyEntitlement]] = {}
    if title_ids:
        for row in db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.recognition_id.in_(title_ids))
                                      .order_by(SubsidyEntitlement.id)):
            found.setdefault(row.recognition_id, []).append(row)
    return found


@bp.route("/<int:title_id>")
@applicant_only
def show(title_id: int):
    title = title_standing.visible_title(title_id, current_user)
    if title is None:
        abort(404)
    today = clock.today()
    history = record.history_of(title)
    return render_template("portal/title.html", title=title, answer=title_standing.standing_of(title, today, history),
                           history=history, labels=labels, today=today, cite=title_standing.cite,
                           entitlements=title_standing.entitlements_of(title),
                           other_titles=ladder.titles_held(title.space_id, include_ended=True,
                                                           exclude=(ladder.DEPLOYMENT, title.id)))
