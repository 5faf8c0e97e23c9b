"""The applicant's titles and their standing: ``/portal/titles``.

``/``        the organisation's titles, each with its standing today (CONTRACTS §6), and the titles
             won elsewhere a bureau recorded for its spaces (core.award.ladder)
``/<id>``    one title: the standing's grounds with their articles, the open duties and
             their due dates, any ban, the record since recognition, and the space's other titles

Applicants only; a title of another organisation is a 404
(core.monitoring.title_standing.title_criteria).
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from core.award import ladder
from core.intake.access import applicant_only
from core.monitoring import record, title_standing
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import Recognition, Space

bp = Blueprint("portal_titles", __name__, url_prefix="/portal/titles")


@bp.route("/")
@applicant_only
def index():
    today = clock.today()
    titles = db.session.scalars(select(Recognition).where(title_standing.title_criteria(current_user))
                                .order_by(Recognition.granted_on.desc(), Recognition.id.desc())).all()
    rows = [title_standing.TitleStanding(t, title_standing.standing_of(t, today)) for t in titles]
    return render_template("portal/titles.html", rows=rows, labels=labels, today=today, **_recorded_titles())


def _recorded_titles() -> dict:
    """The titles won elsewhere that a bureau recorded for the organisation's spaces (core.award.ladder)."""
    spaces = db.session.execute(select(Space.id, Space.name).where(
        Space.organisation_id == current_user.organisation_id)).all() if current_user.organisation_id else []
    recorded = [t for space_id, _name in spaces for t in ladder.titles_held(space_id, include_ended=True) if t.recorded]
    return {"other_titles": recorded, "space_names": {space_id: name for space_id, name in spaces},
            "other_titles_heading": gettext("Titles won elsewhere, recorded by the bureau")}


@bp.route("/<int:title_id>")
@applicant_only
def show(title_id: int):
    title = title_standing.visible_title(title_id, current_user)
    if title is None:
        abort(404)
    today = clock.today()
    history = record.history_of(title)
    return render_template("portal/title.html", title=title, answer=title_standing.standing_of(title, today, history),
                           history=history, labels=labels, today=today,
                           other_titles=ladder.titles_held(title.space_id, include_ended=True,
                                                           exclude=(ladder.DEPLOYMENT, title.id)))
