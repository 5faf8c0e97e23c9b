"""The bureau's annual assessment desk: ``/admin/assessments`` (docs/assessment.md).

``/``                                the rounds the user may see; an officer opens one
``/round/<id>``                      a round: scheme and the bureau's settings, scorers and their
                                     declarations, each title's statistics, sheets, total, rank and
                                     grade; the actions of the user's role
``/round/<id>/score/<assessment>``   a scorer's sheet for one title
``/round/<id>/report``               the agency's report (徐州), downloaded

Officers, leaders and the admin of the jurisdiction see its rounds; an expert only those he
is assigned to (others are a 404); recommenders and applicants none (403).  An action the
user's role may not take is a 403.  The operations are in core.monitoring.assessments.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from core.accounts import roles, scoping
from core.accounts.admin_access import StaffAccessMixin
from core.monitoring import assessments
from core.platform import clock, labels, uploads
from core.platform.extensions import db
from core.platform.models import AssessmentRound, Attachment, AuditEvent, User
from core.platform.uploads import UploadError

READ_ROLES = (roles.OFFICER, roles.LEADER, roles.ADMIN, roles.EXPERT)


def _version() -> int | None:
    try:
        return int(request.form.get("expected_version", ""))
    except ValueError:
        return -1


def _role(*allowed: str) -> None:
    if not scoping.holds(current_user, *allowed):  # a page; its rows are narrowed per jurisdiction
        abort(403)


class AssessmentDeskView(StaffAccessMixin, BaseView):
    allowed_roles = READ_ROLES

    def _scoped(self, round_id: int) -> AssessmentRound:
        found = assessments.visible_round(round_id, current_user)
        if found is None:
            abort(404)
        return found

    # --- the list ----------------------------------------------------------------

    def _index(self, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        rounds = db.session.scalars(select(AssessmentRound).where(assessments.round_criteria(current_user))
                                    .order_by(AssessmentRound.year.desc(), AssessmentRound.jurisdiction)).all()
        year = clock.today().year - 1
        codes = scoping.codes_as(current_user, roles.OFFICER)  # where he is the officer (issue 22)
        modes = {c: assessments.mode_of(assessments.scheme_for(c, year)) for c in codes}
        return self.render("admin/assessments.html", rounds=rounds, labels=labels, modes=modes,
                           may_open=[c for c, m in modes.items() if m != "none"],
                           typed=typed or {"year": year}, errors=errors or {}), status

    @expose("/")
    def index(self):
        return self._index()

    @expose("/open", methods=["POST"])
    def open_round(self):
        _role(roles.OFFICER)
        typed = {k: request.form.get(k, "") for k in ("jurisdiction", "year", "note")}
        try:
            opened = assessments.open_round(typed["jurisdiction"], typed["year"], current_user, typed["note"])
        except assessments.AssessmentRefused as refused:
            db.session.rollback()
            return self._index(typed=typed, errors=refused.errors, status=400)
        flash(gettext("The annual assessment of %(year)s is open.", year=opened.year), "success")
        return redirect(url_for(".round_page", round_id=opened.id))

    # --- a round -----------------------------------------------------------------

    def _round(self, rnd: AssessmentRound, *, errors: dict | None = None, typed: dict | None = None,
               status: int = 200):
        conf = assessments.setup(rnd.jurisdiction, rnd.year)
        me = assessments.scorer_of(rnd, current_user)
        officer_like = scoping.role_in(current_user, rnd.jurisdiction) in (roles.OFFICER, roles.LEADER, roles.ADMIN)
        rows = []
        for a in sorted(rnd.assessments, key=lambda a: (a.rank or 10**6, a.id)):
            sheets = a.sheets if officer_like else [s for s in a.sheets if s.scorer_id == current_user.id]
            rows.append({"a": a, "sheets": sheets, "stats": assessments.statistics_of(a.recognition.space_id, rnd.year)})
        names = {u.id: u.name for u in db.session.scalars(select(User).where(
            User.id.in_([s.user_id for s in rnd.scorers] or [0])))}
        timeline = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "AssessmentRound", AuditEvent.object_id == str(rnd.id),
            scoping.audit_criteria(current_user)).order_by(AuditEvent.occurred_at, AuditEvent.id)).all() \
            if officer_like else []
        held = scoping.role_in(current_user, rnd.jurisdiction)  # the role held there (issue 22)
        is_officer = held == roles.OFFICER and rnd.jurisdiction in scoping.visible_codes(current_user)
        is_leader = held == roles.LEADER and rnd.jurisdiction in scoping.visible_codes(current_user)
        return self.render(
            "admin/assessment_round.html", rnd=rnd, conf=conf, rows=rows, me=me, names=names, labels=labels,
            timeline=timeline, is_officer=is_officer, is_leader=is_leader, officer_like=officer_like,
            may_score=assessments.may_score(rnd, current_user),
            figures=assessments.key_figures(rnd.jurisdiction, rnd.year),
            candidates=assessments.scorer_candidates(rnd) if is_officer and rnd.status == "open" else [],
            grades=labels.ASSESSMENT_GRADE_LABELS, errors=errors or {}, typed=typed or {},
        ), status

    @expose("/round/<int:round_id>")
    def round_page(self, round_id: int):
        return self._round(self._scoped(round_id))

    def _act(self, rnd: AssessmentRound, action, message: str, typed: dict | None = None):
        try:
            action()
        except assessments.AssessmentRefused as refused:
            db.session.rollback()
            return self._round(rnd, errors=refused.errors, typed=typed, status=409 if refused.key == "action" else 400)
        except UploadError as bad:
            db.session.rollback()
            return self._round(rnd, errors={bad.key: bad.message}, typed=typed, status=bad.status)
        flash(message, "success")
        return redirect(url_for(".round_page", round_id=rnd.id))

    @expose("/round/<int:round_id>/scorer", methods=["POST"])
    def assign(self, round_id: int):
        rnd = self._scoped(round_id)
        _role(roles.OFFICER)
        return self._act(rnd, lambda: assessments.assign_scorer(rnd, request.form.get("user_id"), current_user,
                                                                _version()),
                         gettext("The scorer has been assigned."))

    @expose("/round/<int:round_id>/declare", methods=["POST"])
    def declare(self, round_id: int):
        rnd = self._scoped(round_id)
        if assessments.scorer_of(rnd, current_user) is None:
            abort(403)
        conflict = request.form.get("conflict") == "yes"
        typed = {"note": request.form.get("note", "")}
        return self._act(rnd, lambda: assessments.declare(rnd, current_user, conflict=conflict, note=typed["note"]),
                         gettext("Your declaration has been recorded."), typed)

    @expose("/round/<int:round_id>/score/<int:assessment_id>", methods=["GET", "POST"])
    def score(self, round_id: int, assessment_id: int):
        rnd = self._scoped(round_id)
        if assessments.scorer_of(rnd, current_user) is None:
            abort(403)
        found = next((a for a in rnd.assessments if a.id == assessment_id), None)
        if found is None:
            abort(404)
        if not assessments.may_score(rnd, current_user):
            abort(403)
        scheme = assessments.scheme_for(rnd.jurisdiction, rnd.year)
        mine = next((s for s in found.sheets if s.scorer_id == current_user.id), None)
        typed = {d.code: str(mine.scores.get(d.code, "")) for d in scheme.dimensions} if mine else {}
        typed["opinion"] = (mine.opinion or "") if mine else ""
        errors, status = {}, 200
        if request.method == "POST":
            typed = {k: request.form.get(k, "") for k in [d.code for d in scheme.dimensions] + ["opinion"]}
            try:
                assessments.score(rnd, found.id, current_user, typed, typed["opinion"])
            except assessments.AssessmentRefused as refused:
                db.session.rollback()
                errors, status = refused.errors, 400
            else:
                flash(gettext("The score sheet has been saved."), "success")
                return redirect(url_for(".round_page", round_id=rnd.id))
        stats = assessments.statistics_of(found.recognition.space_id, rnd.year)
        return self.render("admin/assessment_score.html", rnd=rnd, found=found, scheme=scheme, typed=typed,
                           errors=errors, stats=stats, labels=labels,
                           figures=assessments.key_figures(rnd.jurisdiction, rnd.year)), status

    @expose("/round/<int:round_id>/agency", methods=["POST"])
    def agency(self, round_id: int):
        rnd = self._scoped(round_id)
        _role(roles.OFFICER)
        typed = dict(request.form)
        return self._act(rnd, lambda: assessments.record_agency(rnd, current_user, typed.get("agency"), typed,
                                                                request.files.get("report"), _version()),
                         gettext("The agency's report has been recorded."), typed)

    @expose("/round/<int:round_id>/report")
    def report(self, round_id: int):
        rnd = self._scoped(round_id)
        me = assessments.scorer_of(rnd, current_user)
        if scoping.role_in(current_user, rnd.jurisdiction) == roles.EXPERT and (me is None or me.no_conflict_declared_at is None
                                                   or me.conflict_declared_at is not None):
            abort(403)  # an expert reads the round only having declared no conflict, as for the review
        attachment = db.session.get(Attachment, rnd.report_attachment_id) if rnd.report_attachment_id else None
        if attachment is None:
            abort(404)
        return uploads.send(attachment)

    @expose("/round/<int:round_id>/submit", methods=["POST"])
    def submit(self, round_id: int):
        rnd = self._scoped(round_id)
        _role(roles.OFFICER)
        return self._act(rnd, lambda: assessments.submit(rnd, current_user, _version()),
                         gettext("The results have been submitted for approval."))

    @expose("/round/<int:round_id>/approve", methods=["POST"])
    def approve(self, round_id: int):
        rnd = self._scoped(round_id)
        _role(roles.LEADER)
        typed = {"opinion": request.form.get("opinion", "")}
        return self._act(rnd, lambda: assessments.approve(rnd, current_user, typed["opinion"], _version()),
                         gettext("The results have been approved."), typed)

    @expose("/round/<int:round_id>/send-back", methods=["POST"])
    def send_back(self, round_id: int):
        rnd = self._scoped(round_id)
        _role(roles.LEADER)
        typed = {"opinion": request.form.get("opinion", "")}
        return self._act(rnd, lambda: assessments.send_back(rnd, current_user, typed["opinion"], _version()),
                         gettext("The results have been sent back."), typed)

    @expose("/round/<int:round_id>/publish", methods=["POST"])
    def publish(self, round_id: int):
        rnd = self._scoped(round_id)
        _role(roles.OFFICER)
        return self._act(rnd, lambda: assessments.publish(rnd, current_user, _version()),
                         gettext("The results have been published."))
