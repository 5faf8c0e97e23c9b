"""The generic model views: organisations, spaces, applications, users, audit log.

Almost only class attributes (the Flask-Admin ``examples/sqla`` habit); access and
scoping live in :mod:`core.accounts.admin_access`.  Every label and choice that names a
jurisdiction or category is read from the plugin registry at request time.
"""
from __future__ import annotations

from flask import flash, has_request_context, url_for
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from sqlalchemy import inspect, select
from sqlalchemy.orm import load_only
from wtforms.validators import Email, Length, Optional, Regexp, ValidationError

from core.accounts import account_notices
from core.admin import application_list

from core.platform import audit

from core.accounts import roles

from core.accounts import scope_roles, two_factor
from core.platform import labels
from core.accounts.admin_access import ScopedModelView, scoped_query_factory
from core.intake.admin_verification import verification_label
from core.facts import is_valid_uscc
from core.platform.jurisdictions import enabled_codes
from flask_admin.helpers import get_form_data
from core.accounts import passwords
from core.platform.extensions import db
from core.platform.row_ids import row_ids
from core.platform.models import Application, Batch, Organisation, Recognition, User, UserScope
from core.accounts.scoping import (codes_as, concerned_jurisdictions, managed_organisation_criteria, managed_space_criteria,
                          visible_codes)

REGION = Regexp(r"^[0-9]{6}$", message=_l("A region code has six digits (GB/T 2260)."))


def field_error(field, message: str) -> ValidationError:
    """A refusal found while saving, printed beside ``field`` (and flashed by Flask-Admin)."""
    field.errors = [*(field.errors or ()), str(message)]
    return ValidationError(str(message))


def uscc_valid(form, field):
    if field.data and not is_valid_uscc(field.data.strip().upper()):
        raise ValidationError(gettext("This unified social credit code fails its check character (GB 32100-2015)."))


# --- formatters (view, context, model, name) ------------------------------------------


def fmt_jurisdiction(view, context, model, name):
    return labels.jurisdiction_label(model.jurisdiction)


def fmt_category(view, context, model, name):
    return labels.category_label(model.jurisdiction, model.category)


def fmt_status(view, context, model, name):
    return labels.status_label(model.status)


def fmt_step(view, context, model, name):
    return labels.step_name(model.jurisdiction, model.category, model.current_step)


def fmt_batch_text(view, context, model, name):
    return f"#{model.batch_id} {model.batch.name}" if model.batch is not None else ""


def fmt_batch(view, context, model, name):
    """A link to the application's review batch (core.review.admin_batches)."""
    if model.batch is None:
        return ""
    return Markup('<a href="{}">{}</a>').format(url_for("batches.show", batch_id=model.batch_id),
                                                fmt_batch_text(view, context, model, name))


def fmt_role(view, context, model, name):
    return labels.role_label(model.role)


def fmt_scopes(view, context, model, name):
    return "、".join(labels.jurisdiction_label(s.jurisdiction) for s in model.scopes)


def fmt_entity_type(view, context, model, name):
    return str(labels.ENTITY_TYPE_LABELS.get(model.entity_type, model.entity_type))


def fmt_verification(view, context, model, name):
    return Markup('<a href="{}" class="zc-verification">{}</a>').format(
        url_for("verification.show", organisation_id=model.id), verification_label(model))


def fmt_detail(view, context, model, name):
    items = labels.detail_text(model.detail, *_event_application(model))
    return Markup("<br>").join(escape(f"{k}: {v}") for k, v in items)


def fmt_detail_text(view, context, model, name):
    return "; ".join(f"{k}: {v}" for k, v in labels.detail_text(model.detail, *_event_application(model)))


def fmt_action(view, context, model, name):
    return labels.audit_action_label(model.action)


def fmt_object_type(view, context, model, name):
    return labels.object_type_label(model.object_type)


def _event_application(model):
    """(jurisdiction, category) of the application an event is about, for its step names."""
    if model.object_type != "Application" or not (model.object_id or "").isdigit():
        return model.jurisdiction, None
    application = db.session.get(Application, int(model.object_id))
    return (application.jurisdiction, application.category) if application else (model.jurisdiction, None)


def fmt_from_state(view, context, model, name):
    return labels.state_label(model.from_state, *_event_application(model))


def fmt_to_state(view, context, model, name):
    return labels.state_label(model.to_state, *_event_application(model))


def audit_action_options():
    return sorted(((code, str(label)) for code, label in labels.AUDIT_ACTION_LABELS.items()), key=lambda x: x[1])


def object_type_options():
    return [(code, str(label)) for code, label in labels.OBJECT_TYPE_LABELS.items() if code != "-"]


# Filter options are asked for at start-up too (no request, no user): none then.
def visible_jurisdiction_options():
    if not has_request_context():
        return []
    return labels.jurisdiction_choices(visible_codes(current_user))


def visible_category_options():
    if not has_request_context():
        return []
    return labels.category_choices(visible_codes(current_user))


def status_options():
    return [(code, str(label)) for code, label in labels.STATUS_LABELS.items()]


COMMON_LABELS = {
    "id": _l("ID"),
    "name": _l("Name"),
    "jurisdiction": _l("Jurisdiction"),
    "category": _l("Category"),
    "status": _l("Status"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
    "organisation": _l("Applicant organisation"),
    "space": _l("Maker space"),
    "region": _l("Region code"),
    "address": _l("Address"),
}


class OrganisationView(ScopedModelView):
    # Organisations register themselves with their applicant account (core.intake.registration);
    # an officer edits only one with an application in his jurisdictions.
    create_roles = ()
    edit_roles = (roles.OFFICER,)
    delete_roles = ()  # the admin only
    column_list = ("id", "name", "uscc", "verified_at", "entity_type", "registered_region", "contact_name",
                   "contact_phone")
    column_searchable_list = ("name", "uscc")
    column_sortable_list = ("id", "name", "registered_region")
    column_labels = {
        **COMMON_LABELS,
        "uscc": _l("Unified social credit code"),
        "entity_type": _l("Entity type"),
        "registered_region": _l("Registered region code"),
        "legal_representative": _l("Legal representative"),
        "contact_name": _l("Contact person"),
        "contact_phone": _l("Contact phone"),
        "contact_email": _l("Contact e-mail"),
        "verified_at": _l("Business licence check"),
    }
    column_formatters = {"entity_type": fmt_entity_type, "verified_at": fmt_verification}
    column_formatters_export = {"entity_type": fmt_entity_type,
                                "verified_at": lambda v, c, m, n: verification_label(m)}
    form_columns = (
        "name", "uscc", "entity_type", "registered_region", "legal_representative", "address",
        "contact_name", "contact_phone", "contact_email",
    )
    form_choices = {"entity_type": [(k, v) for k, v in labels.ENTITY_TYPE_LABELS.items()]}
    form_args = {
        "name": {"validators": [Length(min=2, max=200)]},
        "uscc": {"validators": [Regexp(r"^[0-9A-Za-z]{18}$", message=_l("18 letters or digits.")), uscc_valid]},
        "registered_region": {"validators": [REGION]},
        "contact_email": {"validators": [Optional(), Email()]},
    }

    def write_scope(self):
        return managed_organisation_criteria(current_user)

    def audit_jurisdictions(self, model):
        return concerned_jurisdictions(model.id)

    def on_model_change(self, form, model, is_created):
        model.uscc = model.uscc.strip().upper()
        super().on_model_change(form, model, is_created)


class SpaceView(ScopedModelView):
    create_roles = (roles.OFFICER,)
    edit_roles = (roles.OFFICER,)
    delete_roles = ()
    column_list = ("id", "name", "organisation", "region", "opened_on", "updated_at")
    column_searchable_list = ("name",)
    column_sortable_list = ("id", "name", "region", "opened_on")
    column_labels = {**COMMON_LABELS, "opened_on": _l("Opened on")}
    column_details_exclude_list = ("facts", "version")  # version: the optimistic lock's counter
    form_columns = ("organisation", "name", "region", "address", "opened_on")
    form_args = {
        "organisation": {"query_factory": scoped_query_factory(Organisation, Organisation.name,
                                                               managed_organisation_criteria)},
        "name": {"validators": [Length(min=2, max=200)]},
        "region": {"validators": [REGION]},
    }

    def write_scope(self):
        return managed_space_criteria(current_user)

    def audit_jurisdictions(self, model):
        # A space moved to another organisation concerns the bureaus of both.
        history = inspect(model).attrs.organisation.history
        organisations = (o.id for o in (*history.added, *history.unchanged, *history.deleted) if o is not None)
        return concerned_jurisdictions(model.organisation_id, *organisations)


class ApplicationView(application_list.BulkActions, ScopedModelView):
    # Applications are filed in the applicant portal and moved by the workflow;
    # here the bureau may only set its own reference number, and remove drafts.
    create_roles = None
    edit_roles = (roles.OFFICER,)
    delete_roles = (roles.OFFICER,)
    column_list = (
        "id", "jurisdiction", "category", "space", "organisation", "status", "current_step", "batch",
        "submitted_on", "official_number", "policy_document",
    )
    column_details_list = column_list + ("created_at", "updated_at")
    column_searchable_list = ("official_number", "space.name", "organisation.name")
    column_sortable_list = ("id", "jurisdiction", "category", "status", "submitted_on", "official_number")
    column_default_sort = ("id", True)
    column_labels = {
        **COMMON_LABELS,
        "current_step": _l("Current step"),
        "batch": _l("Review batch"),
        "submitted_on": _l("Submitted on"),
        "official_number": _l("Reference number"),
        "policy_document": _l("Policy applied"),
        "space.name": _l("Maker space"),
        "organisation.name": _l("Applicant organisation"),
    }

    def scope(self):
        """The list and its details leave out, for an expert, the applications of a blind batch in a
        jurisdiction where he is the expert (issue 22): he reaches them through his batch, which
        names no applicant."""
        found = super().scope()
        as_expert = codes_as(current_user, roles.EXPERT)
        if not as_expert:
            return found
        blind = select(Batch.id).where(Batch.blind.is_(True))
        return found & ~(Application.jurisdiction.in_(as_expert) & Application.batch_id.in_(blind))
    column_formatters = {
        "jurisdiction": fmt_jurisdiction,
        "category": fmt_category,
        "status": fmt_status,
        "current_step": fmt_step,
        "batch": fmt_batch,
    }
    column_formatters_export = {**column_formatters, "batch": fmt_batch_text}
    export_memo = {"jurisdiction": ("jurisdiction",), "category": ("jurisdiction", "category"),
                   "status": ("status",), "current_step": ("jurisdiction", "category", "current_step")}
    column_filters = (
        FilterEqual(column="jurisdiction", name=_l("Jurisdiction"), options=visible_jurisdiction_options),
        FilterEqual(column="category", name=_l("Category"), options=visible_category_options),
        FilterEqual(column="status", name=_l("Status"), options=status_options),
        *application_list.filters(),
    )
    form_columns = ("official_number",)
    form_args = {"official_number": {"validators": [Optional(), Length(max=64)]}}
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-folder-open", "case.show", title=_l("Case: steps, actions, timeline"),
                              id_arg="application_id"),
        EndpointLinkRowAction("fa fa-list", "checklist.show", title=_l("Criteria checklist"),
                              id_arg="application_id"),
    ]

    def on_model_delete(self, model):
        if model.status not in ("draft", "withdrawn"):
            raise ValidationError(gettext("Only draft or withdrawn applications may be deleted."))
        super().on_model_delete(model)


# issue 22 roles: per jurisdiction, the role and area held there (blank: the user's own),
# fields added per enabled jurisdiction and saved by core.accounts.scope_roles, not onto the User.
SCOPE_ROLE, SCOPE_PREFIX = "scope_role__", "scope_prefix__"


class _ScopeRoleField(SelectField):
    def populate_obj(self, obj, name):  # scope_roles.set_scope_roles saves it
        pass


class _ScopePrefixField(StringField):
    def populate_obj(self, obj, name):
        pass


def _with_scope_fields(form_class):
    fields = {}
    for code, name in labels.jurisdiction_choices():
        fields[SCOPE_ROLE + code] = _ScopeRoleField(
            _l("Role in %(jurisdiction)s", jurisdiction=name), choices=[], default="",
            validate_choice=False,  # checked by scope_roles, its message beside the field
            description=_l("Blank: the user's own role."))
        fields[SCOPE_PREFIX + code] = _ScopePrefixField(
            _l("Recommender's region code prefix in %(jurisdiction)s", jurisdiction=name), default="",
            description=_l("Only for a recommending body there; blank: the user's own."))
    return type(form_class.__name__, (form_class,), fields)


class UserView(ScopedModelView):
    allowed_roles = (roles.ADMIN,)
    create_roles = ()
    edit_roles = ()
    delete_roles = None  # deactivate instead: the audit log refers to users
    can_export = False
    column_list = ("id", "login", "name", "role", "scopes", "organisation", "active", "locked_until", "last_login_at",
                   "totp_enabled_at")
    column_details_exclude_list = ("password_hash", "totp_secret", "totp_last_step")
    column_searchable_list = ("login", "name")
    column_sortable_list = ("id", "login", "name", "role")
    column_labels = {
        **COMMON_LABELS,
        "login": _l("Login (e-mail or mobile phone)"),
        "role": _l("Role"),
        "scopes": _l("Jurisdictions"),
        "jurisdictions": _l("Jurisdictions"),
        "region_prefix": _l("Recommender's region code prefix"),
        "active": _l("Active"),
        "failed_logins": _l("Failed logins in a row"),
        "locked_until": _l("Locked until"),
        "last_login_at": _l("Last login"),
        "password": _l("Password"),
        "totp_enabled_at": _l("Two-factor sign-in since"),
    }
    column_formatters = {
        "role": fmt_role,
        "scopes": fmt_scopes,
    }
    column_filters = (FilterEqual(column="role", name=_l("Role"), options=lambda: [
        (r, labels.role_label(r)) for r in roles.ROLES]),)
    form_columns = ("login", "name", "role", "jurisdictions", "organisation", "region_prefix", "active", "password")
    form_extra_fields = {
        "password": PasswordField(_l("Password")),
        "jurisdictions": SelectMultipleField(_l("Jurisdictions"), choices=[], validate_choice=True),
    }
    form_overrides = {"role": SelectField}
    form_args = {
        "login": {"validators": [Length(min=3, max=200)]},
        "name": {"validators": [Length(min=1, max=100)]},
        "role": {"choices": [(r, r) for r in roles.ROLES]},
        "region_prefix": {"validators": [Optional(), Regexp(r"^[0-9]{2,6}$", message=_l("2 to 6 digits."))]},
        "organisation": {"query_factory": scoped_query_factory(Organisation, Organisation.name)},
    }

    def _prepare(self, form, obj=None):
        form.role.choices = [(r, labels.role_label(r)) for r in roles.ROLES]
        form.jurisdictions.choices = labels.jurisdiction_choices()
        if obj is not None and not form.is_submitted():
            form.jurisdictions.data = [s.jurisdiction for s in obj.scopes if s.jurisdiction in enabled_codes()]
        role_choices = [("", gettext("The user's own role"))] + [
            (r, labels.role_label(r)) for r in scope_roles.SCOPE_ROLES]
        for code, _ in labels.jurisdiction_choices():
            form[SCOPE_ROLE + code].choices = role_choices
        if obj is not None and not form.is_submitted():
            for scope in obj.scopes:
                if SCOPE_ROLE + scope.jurisdiction in form:
                    form[SCOPE_ROLE + scope.jurisdiction].data = scope.role or ""
                    form[SCOPE_PREFIX + scope.jurisdiction].data = scope.region_prefix or ""
        return form

    def create_form(self, obj=None):
        return self._prepare(_with_scope_fields(self._create_form_class)(get_form_data(), obj=obj))

    def edit_form(self, obj=None):
        return self._prepare(_with_scope_fields(self._edit_form_class)(get_form_data(), obj=obj), obj)

    def _save_scope_roles(self, form, model) -> None:
        wanted = {code: (form[SCOPE_ROLE + code].data, form[SCOPE_PREFIX + code].data)
                  for code, _ in labels.jurisdiction_choices() if SCOPE_ROLE + code in form}
        db.session.flush()  # a new user's id, for the audit events
        try:
            scope_roles.set_scope_roles(model, wanted, actor=current_user._get_current_object())
        except scope_roles.ScopeRoleRefused as refused:
            kind, _, code = refused.key.partition(":")
            raise field_error(form[(SCOPE_ROLE if kind == "role" else SCOPE_PREFIX) + code], refused.message) from None

    def on_model_change(self, form, model, is_created):
        password = form.password.data or ""
        if is_created and not password:
            raise field_error(form.password, gettext("A new user needs a password."))
        if password:
            reason = passwords.problem(password, model.login)
            if reason:
                raise field_error(form.password, reason)
            model.set_password(password)
            if not is_created:
                account_notices.password_reset(model, by=current_user.name)
            if not is_created and model.role == roles.APPLICANT:  # told to its bureaus and on its account page
                audit.record_for(concerned_jurisdictions(model.organisation_id), "user.password_reset", model,
                                 organisation=model.organisation_id, login=model.login)
        if model.role == roles.APPLICANT and model.organisation is None:
            raise field_error(form.organisation,
                              gettext("An applicant account belongs to an applicant organisation."))
        model.login = model.login.strip()
        # Scopes of disabled jurisdictions are not on the form: keep them untouched.
        wanted = set(form.jurisdictions.data or [])
        switchable = set(enabled_codes())
        model.scopes = [s for s in model.scopes if s.jurisdiction not in switchable or s.jurisdiction in wanted]
        have = {s.jurisdiction for s in model.scopes}
        model.scopes.extend(UserScope(jurisdiction=code) for code in sorted(wanted - have))
        self._save_scope_roles(form, model)
        super().on_model_change(form, model, is_created)

    @action("reset_two_factor", _l("Reset two-factor sign-in"),
            _l("Reset the two-factor sign-in of the selected users? Their sessions end and they enrol again."))
    def action_reset_two_factor(self, ids):
        """For a user who lost his phone and his recovery codes: audited, notified to him."""
        keys = row_ids(ids)
        users = [u for u in self.get_query().filter(User.id.in_(keys)) if two_factor.enabled(u)]
        for user in users:
            two_factor.reset(user, current_user._get_current_object())
        db.session.commit()
        flash(gettext("Two-factor sign-in reset for %(count)s users.", count=len(users)), "success")


class AuditEventView(ScopedModelView):
    """Append-only: nobody creates, edits or deletes here, not even the admin."""

    allowed_roles = (roles.ADMIN, roles.OFFICER, roles.LEADER)
    create_roles = None
    edit_roles = None
    delete_roles = None
    download_kind = "admin.auditevent"  # a long log's workbook is made for 我的下载 (core.admin.downloads)
    column_default_sort = ("id", True)
    column_list = ("occurred_at", "actor_name", "action", "object_type", "object_id", "jurisdiction",
                   "from_state", "to_state", "client_address")
    column_details_list = column_list + ("opinion", "detail")
    column_searchable_list = ("actor_name", "action", "object_id")
    column_sortable_list = ("occurred_at", "action", "object_type", "jurisdiction")
    column_labels = {
        **COMMON_LABELS,
        "occurred_at": _l("Time"),
        "actor_name": _l("Who"),
        "action": _l("Action"),
        "object_type": _l("Record type"),
        "object_id": _l("Record ID"),
        "from_state": _l("From"),
        "to_state": _l("To"),
        "client_address": _l("Client address"),
        "opinion": _l("Opinion"),
        "detail": _l("Detail"),
    }
    column_formatters = {"jurisdiction": fmt_jurisdiction, "detail": fmt_detail, "action": fmt_action,
                         "object_type": fmt_object_type, "from_state": fmt_from_state, "to_state": fmt_to_state}
    column_formatters_export = {**column_formatters, "detail": fmt_detail_text}
    export_memo = {"jurisdiction": ("jurisdiction",), "action": ("action",), "object_type": ("object_type",)}
    column_filters = (
        FilterEqual(column="jurisdiction", name=_l("Jurisdiction"), options=visible_jurisdiction_options),
        FilterEqual(column="action", name=_l("Action"), options=audit_action_options),
        FilterEqual(column="object_type", name=_l("Record type"), options=object_type_options),
    )

    def export_prefetch(self, rows):
        """The applications the events are about (their step names), one query per chunk."""
        ids = {int(e.object_id) for e in rows
               if e.object_type == "Application" and (e.object_id or "").isdigit() and len(e.object_id) < 10}
        return db.session.scalars(select(Application).where(Application.id.in_(ids)).options(
            load_only(Application.jurisdiction, Application.category))).all() if ids else []


class RecognitionView(ScopedModelView):
    """The titles awarded (by the award step, ``core.award.titles``): read-only here, so a
    title changes only through the workflow and its audit trail."""

    allowed_roles = (roles.ADMIN, roles.OFFICER, roles.LEADER)
    create_roles = None
    edit_roles = None
    delete_roles = None
    column_default_sort = ("granted_on", True)
    column_list = ("certificate_number", "title", "space", "jurisdiction", "level", "granted_on", "status")
    column_searchable_list = ("certificate_number", "title", "space.name")
    column_sortable_list = ("certificate_number", "jurisdiction", "granted_on", "status")
    column_labels = {
        **COMMON_LABELS,
        "certificate_number": _l("Certificate number"),
        "title": _l("Title awarded"),
        "level": _l("Level"),
        "granted_on": _l("Granted on"),
        "space.name": _l("Maker space"),
        "revoked_on": _l("Revoked on"),
        "revoked_reason": _l("Reason of the revocation"),
        "revocation_grounds": _l("Grounds of the revocation"),
        "revocation_citations": _l("Articles of the revocation"),
        "ban_until": _l("Barred from applying again through"),
    }
    column_formatters = {
        "revocation_grounds": lambda v, c, m, n: "、".join(
            labels.REVOCATION_GROUND_LABELS.get(g, g) for g in m.revocation_grounds or []),
        "revocation_citations": lambda v, c, m, n: "；".join(
            " ".join(x for x in (c.get("document"), c.get("article"), c.get("item")) if x)
            for c in m.revocation_citations or []),
        # the title's page: its standing, record and money (core.monitoring.admin_titles)
        "certificate_number": lambda v, c, m, n: Markup('<a href="{}">{}</a>').format(
            url_for("titles.show", title_id=m.id), m.certificate_number),
        "jurisdiction": fmt_jurisdiction,
        "level": lambda v, c, m, n: labels.recognition_level_label(m.level),
        "status": lambda v, c, m, n: labels.recognition_status_label(m.status),
    }
    column_formatters_export = {k: f for k, f in column_formatters.items() if k != "certificate_number"}
    export_memo = {"jurisdiction": ("jurisdiction",), "level": ("level",), "status": ("status",)}
    column_filters = (
        FilterEqual(column="jurisdiction", name=_l("Jurisdiction"), options=visible_jurisdiction_options),
        # the dashboard's titles per year and level link here (core.admin.glance)
        FilterEqual(column="level", name=_l("Level"), options=lambda: [
            (code, str(label)) for code, label in labels.RECOGNITION_LEVEL_LABELS.items()]),
        DateBetweenFilter(column="granted_on", name=_l("Granted on")),
    )


def fmt_title_record(view, context, model, name):
    """The title an entitlement belongs to, by its certificate number and title (not its row id)."""
    recognition = db.session.get(Recognition, model.recognition_id)
    return f"{recognition.certificate_number} {recognition.title}" if recognition else ""


class SubsidyEntitlementView(ScopedModelView):
    """What the award gave under the plugin's subsidy rules, each with its citation;
    read-only until payment is recorded by a later feature."""

    allowed_roles = (roles.ADMIN, roles.OFFICER, roles.LEADER)
    create_roles = None
    edit_roles = None
    delete_roles = None
    column_default_sort = ("id", True)
    column_list = ("recognition_id", "jurisdiction", "kind", "amount_cny", "citation", "status", "created_at")
    column_labels = {
        **COMMON_LABELS,
        "recognition_id": _l("Title record"),
        "kind": _l("Support"),
        "amount_cny": _l("Amount (yuan)"),
        "citation": _l("Citation"),
    }
    column_formatters = {
        "jurisdiction": fmt_jurisdiction,
        "amount_cny": lambda v, c, m, n: gettext("No fixed amount") if m.amount_cny is None else f"{m.amount_cny:,}",
        "citation": lambda v, c, m, n: " ".join(str(x) for x in (m.citation or {}).values() if x),
        "status": lambda v, c, m, n: labels.subsidy_status_label(m.status),
        "recognition_id": fmt_title_record,
    }
    column_formatters_export = column_formatters
    export_memo = {"jurisdiction": ("jurisdiction",), "status": ("status",)}
    column_details_exclude_list = ("rule_code",)  # the rule's name is the Support column
    column_filters = (
        FilterEqual(column="jurisdiction", name=_l("Jurisdiction"), options=visible_jurisdiction_options),
        FilterEqual(column="status", name=_l("Status"), options=lambda: [
            (code, str(label)) for code, label in labels.SUBSIDY_STATUS_LABELS.items()]),
    )

    def export_prefetch(self, rows):
        """The titles the entitlements belong to (fmt_title_record), one query per chunk."""
        ids = {e.recognition_id for e in rows if e.recognition_id is not None}
        return db.session.scalars(select(Recognition).where(Recognition.id.in_(ids))).all() if ids else []
