"""The calls' admin pages that print the public page (``/admin/call/…``): ``CallView`` of
core.review with the preview and the documents, here on the site because the preview renders
``core.public``'s page and the blank 申报书 of core.documents, both above review.

* **预览** — two ways, as officers expect them: the edit (and create) form's 预览 button posts what
  is typed, with the form's CSRF token, to ``/admin/call/preview/`` (a new tab), which prints the
  call as the public page will, saving nothing and publishing nothing; and a saved call, draft or
  not, has its own preview ``/admin/call/<id>/preview`` (linked beside the form).
* **附件** — ``/admin/call/<id>/attachments``: the call's documents, uploaded (checked by content
  and size as applications' uploads are, ``core.intake.calls.add_attachment``) and removed, each
  audited; an upload refused says why beside the file field.

Only officers (and the admin) of the call's jurisdiction: a call outside the user's jurisdictions
is 404 (``core.intake.calls.staff_call``), a preview typed for a jurisdiction not his is 403.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user

from core.accounts.scoping import visible_codes
from core.intake import calls
from core.platform import uploads
from core.platform.extensions import db
from core.platform.row_ids import row_id
from core.public.calls_pages import blank_form_response, call_context
from core.review.admin_batches import CallView


def _private(html: str, status: int = 200):
    response = make_response(html, status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _typed_day(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


class CallAdminView(CallView):
    create_template = "admin/call_create.html"
    edit_template = "admin/call_edit.html"

    def _writable_call(self, call_id: int):
        if not (self.can_edit or self.can_create):
            abort(403)
        call = calls.staff_call(call_id, current_user)
        if call is None:
            abort(404)
        return call

    def _attachment_url(self, call, attachment) -> str:
        return url_for(".attachment", call_id=call.id, attachment_id=attachment.id)

    def _form_url(self, call, category: str) -> str | None:
        if call.id is None or category not in (call.saved_categories or []):
            return None  # an unsaved category: its blank form is offered once the call is saved
        return url_for(".blank_form", call_id=call.id, category=category)

    def _preview(self, call, *, status: int = 200, errors: list[str] | None = None):
        html = render_template("public/calls_show.html", preview=True, preview_errors=errors or [],
                               **call_context(call, attachment_url=self._attachment_url, form_url=self._form_url))
        return _private(html, status)

    @expose("/<int:call_id>/preview")
    def preview_saved(self, call_id: int):
        call = self._writable_call(call_id)
        shown = SimpleNamespace(id=call.id, jurisdiction=call.jurisdiction, title=call.title, body=call.body,
                                opens_on=call.opens_on, closes_on=call.closes_on, categories=list(call.categories or []),
                                saved_categories=list(call.categories or []), published=call.published,
                                attachments=list(call.attachments))
        return self._preview(shown)

    @expose("/preview/", methods=["POST"])
    def preview_typed(self):
        """What is typed in the form, printed as the public page: nothing saved.  The call is a
        plain namespace, never a model, so nothing can be flushed by accident."""
        if not (self.can_edit or self.can_create):
            abort(403)
        form = request.form
        jurisdiction = form.get("jurisdiction", "")
        saved = None
        if "id" in request.args:
            key = row_id(request.args["id"])
            saved = calls.staff_call(key, current_user) if key else None
            if saved is None:
                abort(404)
        if jurisdiction not in visible_codes(current_user):
            abort(403)  # a call may be written only for the user's own jurisdictions
        errors = []
        opens_on, closes_on = _typed_day(form.get("opens_on")), _typed_day(form.get("closes_on"))
        if opens_on is None or closes_on is None:
            errors.append("请填写有效的受理开始和截止日期（如 2027-03-01）后再预览")
        try:
            body = calls.clean_body(form.get("body"))
        except calls.CallError as exc:
            errors.append(exc.message)
            body = form.get("body")
        shown = SimpleNamespace(
            id=saved.id if saved else None, jurisdiction=jurisdiction, title=form.get("title", ""), body=body,
            opens_on=opens_on or date.min, closes_on=closes_on or date.max,
            categories=form.getlist("categories"), saved_categories=list(saved.categories or []) if saved else [],
            published=form.get("published") in ("y", "on", "1", "true"),
            attachments=list(saved.attachments) if saved else [])
        db.session.rollback()  # a preview writes nothing, whatever was read
        return self._preview(shown, status=400 if errors else 200, errors=errors)

    @expose("/<int:call_id>/form/<category>.pdf")
    def blank_form(self, call_id: int, category: str):
        return blank_form_response(self._writable_call(call_id), category)

    # --- the call's documents ---

    def _attachments_page(self, call, *, errors=None, status=200):
        return _private(self.render("admin/call_attachments.html", call=call, errors=errors or {},
                                    max_mb=uploads.max_bytes() // (1024 * 1024)), status)

    @expose("/<int:call_id>/attachments", methods=["GET", "POST"])
    def attachments(self, call_id: int):
        call = self._writable_call(call_id)
        if request.method == "GET":
            return self._attachments_page(call)
        try:
            saved = calls.add_attachment(call, request.files.get("attachment"), actor=current_user)
        except (calls.CallError, uploads.UploadError) as exc:
            db.session.rollback()
            return self._attachments_page(call, errors={"attachment": exc.message}, status=getattr(exc, "status", 400))
        flash(gettext("Document %(name)s added.", name=saved.original_name), "success")
        return redirect(url_for(".attachments", call_id=call.id))

    @expose("/<int:call_id>/attachments/<int:attachment_id>")
    def attachment(self, call_id: int, attachment_id: int):
        found = calls.attachment_of(self._writable_call(call_id), attachment_id)
        if found is None:
            abort(404)
        return uploads.send(found)

    @expose("/<int:call_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
    def remove_attachment(self, call_id: int, attachment_id: int):
        call = self._writable_call(call_id)
        try:
            calls.remove_attachment(call, attachment_id, actor=current_user)
        except calls.CallError as exc:
            db.session.rollback()
            return self._attachments_page(call, errors={"attachment": exc.message}, status=404)
        flash(gettext("Document removed."), "success")
        return redirect(url_for(".attachments", call_id=call.id))
