"""The expert pool (专家库) in the admin.

``ExpertPoolView`` (``/admin/experts``): the officer (his jurisdictions' experts) and the admin
(every expert) list the pool, filtered by jurisdiction, field and status and searched by name;
open an expert's page (his profile, pause or resume, declared relationships, review history);
import experts from an xlsx workbook.  The leader reads the same pages without their forms.  An
expert serving none of the viewer's jurisdictions is a 404.

``MyExpertProfileView`` (``/admin/my-expert-profile``): the expert's own page, where he keeps his
fields, organisation, region and declared relationships (his to declare); not his status.

Every change is ``core.review.expert_pool``'s or ``core.review.expert_import``'s, which check the
actor and write nothing on refusal; a refused form is shown again with what was typed and each
message next to its field.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user

from core.accounts import roles
from core.accounts.admin_access import StaffAccessMixin
from core.accounts.scoping import holds
from core.bureau.admin_settings import jurisdiction_choices
from core.platform import labels, uploads
from core.platform.extensions import db
from core.review import expert_import, expert_pool

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROFILE_KEYS = ("fields", "organisation_name", "organisation_uscc", "region", "status", "note")
RELATIONSHIP_KEYS = ("organisation_uscc", "organisation_name", "relation")


def _profile_typed(profile) -> dict[str, str]:
    return {"fields": "、".join(profile.fields or []), "organisation_name": profile.organisation_name or "",
            "organisation_uscc": profile.organisation_uscc or "", "region": profile.region or "",
            "status": profile.status or expert_pool.ACTIVE, "note": profile.note or ""}


class _ExpertPages:
    """The expert's page, shared by the pool's keepers and the expert himself."""

    own = False

    def _render_expert(self, expert, *, profile_error=None, relationship_error=None, status_error=None,
                       typed=None, relationship_typed=None, code=200):
        profile = expert_pool.profile_of(expert)
        keeper = not self.own and expert_pool.may_keep_pool(current_user)
        return self.render(
            "admin/expert_pool_show.html", expert=expert, profile=profile, labels=labels,
            status_labels=expert_pool.STATUS_LABELS, own=self.own, may_edit=self.own or keeper, keeper=keeper,
            typed=typed or _profile_typed(profile), relationship_typed=relationship_typed or {},
            profile_error=profile_error, profile_errors=profile_error.errors if profile_error else {},
            relationship_error=relationship_error,
            relationship_errors=relationship_error.errors if relationship_error else {},
            status_error=status_error, relationships=expert_pool.relationships_of(expert),
            history=expert_pool.review_history(expert, current_user),
            served=[labels.jurisdiction_label(c) for c in expert_pool.served_codes(expert)],
            field_limit=expert_pool.FIELD_LIMIT), code

    def _back(self, expert):
        raise NotImplementedError

    def _save_profile(self, expert):
        typed = {key: request.form.get(key, "") for key in PROFILE_KEYS}
        try:
            expert_pool.save_profile(expert, current_user, fields=typed["fields"],
                                     organisation_name=typed["organisation_name"],
                                     organisation_uscc=typed["organisation_uscc"], region=typed["region"],
                                     status=None if self.own else typed["status"],
                                     note=None if self.own else typed["note"])
        except expert_pool.PoolError as exc:
            db.session.rollback()
            return self._render_expert(expert, profile_error=exc, typed=typed, code=400)
        flash(gettext("Profile saved."), "success")
        return self._back(expert)

    def _add_relationship(self, expert):
        typed = {key: request.form.get(key, "") for key in RELATIONSHIP_KEYS}
        try:
            expert_pool.add_relationship(expert, current_user, **typed)
        except expert_pool.PoolError as exc:
            db.session.rollback()
            return self._render_expert(expert, relationship_error=exc, relationship_typed=typed, code=400)
        flash(gettext("Relationship declared."), "success")
        return self._back(expert)

    def _remove_relationship(self, expert, relationship_id: int):
        try:
            expert_pool.remove_relationship(expert, current_user, relationship_id)
        except expert_pool.PoolError:
            db.session.rollback()
            abort(404)
        flash(gettext("Relationship removed."), "success")
        return self._back(expert)


class ExpertPoolView(_ExpertPages, StaffAccessMixin, BaseView):
    allowed_roles = (roles.ADMIN, roles.OFFICER, roles.LEADER)

    def _expert(self, expert_id: int):
        expert = expert_pool.visible_expert(expert_id, current_user)
        if expert is None:
            abort(404)
        return expert

    def _keeper_only(self):
        if not expert_pool.may_keep_pool(current_user):
            abort(403)

    def _back(self, expert):
        return redirect(url_for(".show", expert_id=expert.id))

    @expose("/")
    def index(self):
        code = request.args.get("jurisdiction", "")
        choices = jurisdiction_choices()
        if code not in {c for c, _ in choices}:
            code = ""
        status = request.args.get("status", "")
        field = request.args.get("field", "").strip()
        search = request.args.get("search", "")
        everyone = expert_pool.pool_list(current_user, code=code or None)
        rows = expert_pool.pool_list(current_user, code=code or None, field=field or None,
                                     status=status or None, search=search)
        return self.render("admin/expert_pool_list.html", rows=rows, fields=expert_pool.known_fields(everyone),
                           jurisdictions=choices, labels=labels, status_labels=expert_pool.STATUS_LABELS,
                           chosen={"jurisdiction": code, "status": status, "field": field, "search": search},
                           served=lambda user: "、".join(labels.jurisdiction_label(c)
                                                        for c in expert_pool.served_codes(user)),
                           keeper=expert_pool.may_keep_pool(current_user))

    @expose("/<int:expert_id>")
    def show(self, expert_id: int):
        return self._render_expert(self._expert(expert_id))

    @expose("/<int:expert_id>/profile", methods=["POST"])
    def profile(self, expert_id: int):
        expert = self._expert(expert_id)
        self._keeper_only()
        return self._save_profile(expert)

    @expose("/<int:expert_id>/status", methods=["POST"])
    def status(self, expert_id: int):
        expert = self._expert(expert_id)
        self._keeper_only()
        try:
            expert_pool.set_status(expert, current_user, request.form.get("status", ""), request.form.get("note"))
        except expert_pool.PoolError as exc:
            db.session.rollback()
            return self._render_expert(expert, status_error=exc, code=400)
        flash(gettext("Expert paused.") if request.form.get("status") == expert_pool.PAUSED
              else gettext("Expert back in the pool."), "success")
        return self._back(expert)

    @expose("/<int:expert_id>/relationships", methods=["POST"])
    def add_relationship(self, expert_id: int):
        expert = self._expert(expert_id)
        self._keeper_only()
        return self._add_relationship(expert)

    @expose("/<int:expert_id>/relationships/<int:relationship_id>/remove", methods=["POST"])
    def remove_relationship(self, expert_id: int, relationship_id: int):
        expert = self._expert(expert_id)
        self._keeper_only()
        return self._remove_relationship(expert, relationship_id)

    # --- the import ---

    @expose("/import/template.xlsx")
    def template(self):
        self._keeper_only()
        return expert_import.template_bytes(), 200, {
            "Content-Type": XLSX_TYPE, "Content-Disposition": "attachment; filename=experts-template.xlsx"}

    @expose("/import", methods=["GET", "POST"])
    def import_page(self):
        self._keeper_only()
        errors: list[str] = []
        done = []
        code = request.form.get("jurisdiction", "")
        if request.method == "POST":
            # CSRFProtect has checked the token before we get here.
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                errors = ["请选择要上传的 Excel（.xlsx）文件"]
            else:
                data = upload.stream.read(uploads.max_bytes() + 1)
                try:
                    done = expert_import.import_workbook(data, code, current_user, upload.filename)
                except expert_import.ImportRefused as exc:
                    db.session.rollback()
                    errors = exc.errors
        return self.render("admin/expert_pool_import.html", errors=errors, done=done, chosen=code,
                           jurisdictions=jurisdiction_choices(), headers=expert_import.HEADERS,
                           labels=labels), 400 if errors else 200


class MyExpertProfileView(_ExpertPages, StaffAccessMixin, BaseView):
    """The expert's own page: nobody else's id is in its URLs."""

    allowed_roles = (roles.EXPERT,)
    own = True

    def _me(self):
        if not holds(current_user, roles.EXPERT):  # an expert in any of his jurisdictions
            abort(403)
        return current_user._get_current_object()

    def _back(self, expert):
        return redirect(url_for(".index"))

    @expose("/")
    def index(self):
        return self._render_expert(self._me())

    @expose("/profile", methods=["POST"])
    def profile(self):
        return self._save_profile(self._me())

    @expose("/relationships", methods=["POST"])
    def add_relationship(self):
        return self._add_relationship(self._me())

    @expose("/relationships/<int:relationship_id>/remove", methods=["POST"])
    def remove_relationship(self, relationship_id: int):
        return self._remove_relationship(self._me(), relationship_id)
