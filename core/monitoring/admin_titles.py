"""The titles after recognition, as the bureau reads them: ``/admin/titles``.

``/?standing=…``   the live titles that need the bureau: due for revocation, to rectify,
                   under no policy version, or with an overdue duty (most serious first)
``/<id>``          one title: its standing on today (CONTRACTS §6: grounds with their
                   articles, open duties, the ban), its record since recognition, the
                   money attached to it (each entitlement's life, linked to the money desk) and
                   the other support the same space or organisation received anywhere in the
                   deployment, overlaps flagged (云政办发〔2016〕65号 (十五)), the space's other titles
                   (core.award.ladder: of any jurisdiction of this platform, and won elsewhere), and its
                   audit trail

Reads are scoped (core.monitoring.title_standing.title_criteria); a title the user may not
see is a 404.  The actions on a title (assessment, rectification, revocation) have their
own desks, linked from the page.
"""
from __future__ import annotations

from flask import abort, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select

from core.accounts import roles
from core.accounts.admin_access import StaffAccessMixin
from core.award import ladder
from core.monitoring import record, title_standing
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import AuditEvent

# the bureau's own record (findings, money, audit trail): not a recommender's
READ_ROLES = (roles.OFFICER, roles.LEADER, roles.ADMIN)


class TitlesView(StaffAccessMixin, BaseView):
    allowed_roles = READ_ROLES

    @expose("/")
    def index(self):
        chosen = request.args.get("standing") or None
        if chosen not in title_standing.SEVERITY:
            chosen = None
        today = clock.today()
        rows = title_standing.needing_attention(current_user, today, only=chosen)
        return self.render("admin/titles.html", rows=rows, chosen=chosen, today=today, labels=labels,
                           choices=[s for s in title_standing.SEVERITY if s != "good"])

    @expose("/<int:title_id>")
    def show(self, title_id: int):
        title = title_standing.visible_title(title_id, current_user)
        if title is None:
            abort(404)
        today = clock.today()
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "Recognition", AuditEvent.object_id == str(title.id))
            .order_by(AuditEvent.id)).all()
        history = record.history_of(title)
        return self.render("admin/title.html", title=title, answer=title_standing.standing_of(title, today, history),
                           history=history, support=title_standing.support_of(title),
                           events=events, today=today, labels=labels, cite=title_standing.cite, money_url=money_url,
                           other_titles=ladder.titles_held(title.space_id, include_ended=True,
                                                           exclude=(ladder.DEPLOYMENT, title.id)))


def money_url(entitlement_id: int) -> str:
    """The entitlement's page on the money desk (core.money, above this layer: linked by endpoint)."""
    return url_for("money.show", entitlement_id=entitlement_id)
