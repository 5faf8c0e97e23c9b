"""The admin's page of API tokens (admin role only; core.api.clients does the work).

``/admin/api-clients/``                     the tokens: name, prefix, scope, created, last used, revoked;
                                            the form to issue one
``/admin/api-clients/issue``                POST issue: the page shows the new token once (never again)
``/admin/api-clients/<client_id>``          one token: its scope form, revocation, its audit trail
``/admin/api-clients/<client_id>/scope``    POST change its jurisdictions
``/admin/api-clients/<client_id>/revoke``   POST revoke it (confirmed by a box the server checks)

A refused form comes back with the Chinese reason next to the field and what was typed.  The page
that shows a new token is sent with ``Cache-Control: no-store``.
"""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from core.accounts import roles
from core.accounts.admin_access import StaffAccessMixin
from core.api import clients
from core.platform import labels
from core.platform.extensions import db
from core.platform.jurisdictions import enabled_codes
from core.platform.models import ApiClient, AuditEvent, User

ISSUE_FIELDS = ("name", "note")
CONFIRM_REQUIRED = "吊销前请勾选确认"


class ApiClientsView(StaffAccessMixin, BaseView):
    allowed_roles = (roles.ADMIN,)

    def _names(self, rows) -> dict[int, str]:
        ids = {i for r in rows for i in (r.created_by_id, r.revoked_by_id) if i}
        return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}

    def _index(self, *, typed: dict | None = None, errors: dict | None = None, new_token: str | None = None,
               new_client: ApiClient | None = None, status: int = 200):
        rows = clients.listing()
        response = make_response(self.render(
            "admin/api_clients.html", rows=rows, names=self._names(rows), codes=enabled_codes(), labels=labels,
            typed=typed or {"jurisdictions": []}, errors=errors or {}, new_token=new_token,
            new_client=new_client), status)
        if new_token:
            response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/")
    def index(self):
        return self._index()

    @expose("/issue", methods=["POST"])
    def issue(self):
        typed = {k: request.form.get(k, "") for k in ISSUE_FIELDS}
        typed["jurisdictions"] = request.form.getlist("jurisdictions")
        try:
            client, token = clients.issue(typed["name"], typed["jurisdictions"], typed["note"], current_user)
        except clients.ClientRefused as exc:
            db.session.rollback()
            return self._index(typed=typed, errors={exc.key: exc.message}, status=400)
        return self._index(new_token=token, new_client=client)

    def _client(self, client_id: int) -> ApiClient:
        client = clients.get(client_id)
        if client is None:
            abort(404)
        return client

    def _show(self, client: ApiClient, *, typed: dict | None = None, errors: dict | None = None, status: int = 200):
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "ApiClient", AuditEvent.object_id == str(client.id)).order_by(AuditEvent.id)).all()
        # record_for writes one event per jurisdiction concerned: the trail shows each change once
        events = list({(e.action, e.occurred_at, e.actor_id): e for e in reversed(events)}.values())[::-1]
        return self.render("admin/api_client.html", client=client, names=self._names([client]), codes=enabled_codes(),
                           labels=labels, events=events, errors=errors or {},
                           typed=typed or {"jurisdictions": list(client.jurisdictions or [])}), status

    @expose("/<int:client_id>")
    def show(self, client_id: int):
        return self._show(self._client(client_id))

    @expose("/<int:client_id>/scope", methods=["POST"])
    def scope(self, client_id: int):
        client = self._client(client_id)
        typed = {"jurisdictions": request.form.getlist("jurisdictions")}
        try:
            clients.change_scope(client, typed["jurisdictions"], current_user)
        except clients.ClientRefused as exc:
            db.session.rollback()
            return self._show(self._client(client_id), typed=typed, errors={exc.key: exc.message}, status=400)
        flash(gettext("The token's jurisdictions have been changed."), "success")
        return redirect(url_for(".show", client_id=client_id))

    @expose("/<int:client_id>/revoke", methods=["POST"])
    def revoke(self, client_id: int):
        client = self._client(client_id)
        if request.form.get("confirm") != "yes":
            return self._show(client, errors={"confirm": CONFIRM_REQUIRED}, status=400)
        try:
            clients.revoke(client, current_user)
        except clients.ClientRefused as exc:
            db.session.rollback()
            return self._show(self._client(client_id), errors={exc.key: exc.message}, status=409)
        flash(gettext("The token has been revoked: it is no longer valid."), "success")
        return redirect(url_for(".show", client_id=client_id))
