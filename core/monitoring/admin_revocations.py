"""撤销称号 desk (core.monitoring.revocations).

``/admin/revocations/?list=proposed|decided|all``   the proposals the user may see
``/admin/revocations/new?recognition_id=N``         officers: the title's evidence (findings, failed
                                                    rectifications, unqualified assessments, years not
                                                    filed) and the proposal form; POST proposes
``/admin/revocations/<id>``                         one proposal: grounds with articles, evidence, the
                                                    leader's decision form; after it, the title's money
``/admin/revocations/<id>/decide``                  POST the leader's decision (meeting date, minutes)

Officers, leaders and the admin of the jurisdiction read (others 403); outside the scope 404; only
officers propose and only leaders decide (403).  Bad input: the page again, what was typed kept,
each message beside its field (400); decided meanwhile by another: 409.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.accounts import roles
from core.accounts import scoping
from core.accounts.admin_access import StaffAccessMixin
from core.monitoring import findings, revocations
from core.monitoring.title_scope import STAFF_READERS, is_leader_of, visible
from core.platform import clock, labels
from core.platform.extensions import db
from core.platform.models import AuditEvent, Recognition, Revocation, SubsidyEntitlement

LIST_LABELS = {"proposed": _l("Awaiting the leader"), "decided": _l("Decided"), "all": _l("All")}


def _ground_words(code: str) -> dict[str, str]:
    """Each §6 ground with what the title's document says of it (or that it says nothing)."""
    day = clock.today()
    words = {}
    for ground, label in labels.REVOCATION_GROUND_LABELS.items():
        try:
            entry, = revocations.grounds_for(code, [ground], day)
            words[ground] = f"{label}（{findings.cite(entry['citation'])}）"
        except revocations.RevocationRefused as exc:
            words[ground] = exc.message
    return words


class RevocationsView(StaffAccessMixin, BaseView):
    allowed_roles = STAFF_READERS

    @expose("/")
    def index(self):
        which = request.args.get("list", "proposed")
        if which not in revocations.LISTS:
            which = "proposed"
        return self.render("admin/revocations.html", rows=revocations.listing(current_user, which), which=which,
                           lists=LIST_LABELS, labels=labels, titles=revocations.proposable_titles(current_user))

    def _proposal_page(self, title: Recognition, *, typed: dict | None = None, errors: dict | None = None,
                       status: int = 200):
        # the standing's grounds are proposed first: when it is 应予撤销, its codes come ticked
        suggested, standing_grounds = revocations.from_standing(title, clock.today())
        return self.render("admin/revocation_new.html", title=title, evidence=revocations.evidence(title),
                           grounds=_ground_words(title.jurisdiction), labels=labels, cite=findings.cite,
                           standing_grounds=standing_grounds,
                           typed=typed or {"ground_codes": suggested}, errors=errors or {}), status

    def _proposable(self) -> Recognition:
        if not scoping.holds(current_user, roles.OFFICER):  # proposable_titles: where he is the officer
            abort(403)
        chosen = request.values.get("recognition_id", "")
        title = db.session.get(Recognition, int(chosen)) if chosen.isascii() and chosen.isdigit() and len(chosen) < 10 else None
        if title is None or title not in revocations.proposable_titles(current_user):
            abort(404)
        return title

    @expose("/new", methods=["GET", "POST"])
    def new(self):
        title = self._proposable()
        if request.method == "GET":
            return self._proposal_page(title)
        typed = {"ground_codes": request.form.getlist("ground_codes"), "proposal": request.form.get("proposal", "")}
        try:
            stated = revocations.standing_grounds(title, typed["ground_codes"], clock.today())
            revocation = revocations.propose(title, typed["ground_codes"], stated, typed["proposal"], current_user)
        except revocations.RevocationRefused as exc:
            return self._proposal_page(title, typed=typed, errors=exc.errors, status=400)
        flash(gettext("The revocation has been proposed to the leader."), "success")
        return redirect(url_for(".show", revocation_id=revocation.id))

    def _revocation(self, revocation_id: int) -> Revocation:
        found = visible(Revocation, revocation_id, current_user)
        if found is None:
            abort(404)
        return found

    def _show(self, revocation: Revocation, *, typed: dict | None = None, errors: dict | None = None,
              status: int = 200):
        title = revocation.recognition
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "Revocation", AuditEvent.object_id == str(revocation.id))
            .order_by(AuditEvent.id)).all()
        money = db.session.scalars(select(SubsidyEntitlement).where(SubsidyEntitlement.recognition_id == title.id)
                                   .order_by(SubsidyEntitlement.id)).all()
        may_decide = revocation.status == "proposed" and is_leader_of(current_user, revocation.jurisdiction)
        return self.render("admin/revocation.html", revocation=revocation, title=title, events=events, money=money,
                           evidence=revocations.evidence(title), may_decide=may_decide, labels=labels,
                           cite=findings.cite, typed=typed or {}, errors=errors or {}), status

    @expose("/<int:revocation_id>")
    def show(self, revocation_id: int):
        return self._show(self._revocation(revocation_id))

    @expose("/<int:revocation_id>/decide", methods=["POST"])
    def decide(self, revocation_id: int):
        revocation = self._revocation(revocation_id)
        if scoping.role_in(current_user, revocation.jurisdiction) != roles.LEADER:
            abort(403)
        typed = {k: request.form.get(k, "") for k in ("decision", "meeting_on", "minutes_ref", "opinion")}
        try:
            revocations.decide(revocation, current_user, typed["decision"], meeting_on=typed["meeting_on"],
                               minutes_ref=typed["minutes_ref"], opinion=typed["opinion"])
        except revocations.RevocationRefused as exc:
            db.session.rollback()
            status = 409 if exc.key == "action" else 400
            return self._show(self._revocation(revocation_id), typed=typed, errors=exc.errors, status=status)
        flash(gettext("The leader's decision has been recorded."), "success")
        return redirect(url_for(".show", revocation_id=revocation.id))
