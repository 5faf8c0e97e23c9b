"""The bureau's own policy data in the admin: settings, registered policy versions and
criteria entered as data (the working-day calendar is ``core.bureau.admin_calendar``).

Flask-Admin list views over the models (scoped to the user's jurisdictions by
:class:`ScopedModelView`), with create and edit going through the audited
operations of ``core.bureau.operations`` — the same ones the CLI uses — so a value is checked
the same way everywhere and nothing is written half: a refused value re-renders the
form with what was typed and the reason in Chinese, and rolls back.

Who: officers of the jurisdiction and the admin.  Registered versions and criteria are not edited
or deleted here: ``core.bureau.operations`` has no such operation, and what was applied to an
application must stay traceable.
"""
from __future__ import annotations

import json
from typing import Any

from flask import flash
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, StopValidation

from core.accounts import roles

from core.bureau import data, fact_catalogue, operations, setting_checks, versions
from core.platform import labels
from core.accounts.admin_access import AdminForm, ScopedModelView
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.accounts.scoping import visible_codes
from core.bureau.setting_checks import SettingsError

BAD_DATE = _l("Enter a date as YYYY-MM-DD.")


def required(message):
    """InputRequired with a message in the user's language as a plain ``str`` (Flask-Admin
    shows only ``str`` errors; a lazy string would be silently dropped)."""

    def check(form, field):
        if not field.raw_data or not str(field.raw_data[0]).strip():
            field.errors[:] = []
            raise StopValidation(str(message))

    check.field_flags = {"required": True}
    return check


def replace_parse_errors(field, message) -> None:
    """Our message for a value that does not parse (WTForms' own comes from its
    catalogue, set when the form is built, and says only "Not a valid date value")."""
    if field.process_errors:
        field.process_errors = [str(message)]


REQUIRED = required(_l("This field is required."))
DOCUMENT_REQUIRED = required(_l("Name the document the bureau's decision is based on."))


def parse_value(text: str | None, key: str = "value") -> Any:
    """What an officer types for a setting or threshold → a JSON value: a number,
    true/false (or 是/否), or a JSON list such as ["a", "b"]."""
    raw = (text or "").strip()
    if raw in ("是", "否"):
        return raw == "是"
    try:
        return json.loads(raw)
    except ValueError:
        raise SettingsError(key, f"无法识别的取值 {raw!r}：请填写数字（如 15）、true/false 或列表（如 [\"a\", \"b\"]）") from None


def show_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def refuse(form, exc: SettingsError, fields: dict[str, str] | None = None) -> bool:
    """Roll back, put the reason on the field it concerns (and in a flash), keep the form."""
    db.session.rollback()
    name = (fields or {}).get(exc.key, exc.key)
    field = getattr(form, name, None)
    if field is not None:
        field.errors = list(field.errors or []) + [exc.message]
    flash(exc.message, "error")
    return False


def check_visible(code: str, key: str = "jurisdiction") -> None:
    if code not in visible_codes(current_user):
        raise SettingsError(key, f"无权设置辖区 {code or '（未选择）'} 的数据")


def jurisdiction_choices() -> list[tuple[str, str]]:
    return labels.jurisdiction_choices(visible_codes(current_user))


def fmt_jurisdiction(view, context, model, name):
    return labels.jurisdiction_label(model.jurisdiction)


def fmt_json(view, context, model, name):
    return show_json(getattr(model, name))


def fmt_setting_key(view, context, model, name):
    known = data.known_setting_keys(model.jurisdiction) if model.jurisdiction in registry().installed() else {}
    label = known.get(model.key)
    return f"{label}（{model.key}）" if label else model.key


class BureauView(ScopedModelView):
    allowed_roles = (roles.ADMIN, roles.OFFICER)
    create_roles = (roles.OFFICER,)
    edit_roles = None
    delete_roles = None
    can_export = False
    can_view_details = False
    column_default_sort = ("id", True)
    column_formatters = {"jurisdiction": fmt_jurisdiction}


# --- settings ----------------------------------------------------------------------------


class BureauSettingForm(AdminForm):
    target = SelectField(_l("Setting"), choices=[], validate_choice=False)
    value = StringField(_l("Value"), validators=[REQUIRED],
                        description=_l("A number (15), true/false, or a list such as [\"a\", \"b\"]."))
    document = StringField(_l("Bureau document"), validators=[DOCUMENT_REQUIRED, Length(max=200)])
    article = StringField(_l("Article"), validators=[Optional(), Length(max=100)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


def _range_note(code: str, key: str) -> str:
    """The allowed range of a numeric setting, shown beside it (issue 13)."""
    bound = setting_checks.setting_bound(code, key)
    return gettext("; allowed %(range)s", range=bound.text()) if bound is not None else ""


def setting_choices() -> list[tuple[str, str]]:
    return [
        (f"{code}:{key}", f"{name} · {label}（{key}{_range_note(code, key)}）")
        for code, name in jurisdiction_choices()
        for key, label in data.known_setting_keys(code).items()
    ]


SETTING_FIELDS = {"key": "target", "jurisdiction": "target"}


class BureauSettingView(BureauView):
    edit_roles = (roles.OFFICER,)
    form = BureauSettingForm
    column_list = ("jurisdiction", "key", "value", "document", "article", "note", "updated_at")
    column_labels = {
        "jurisdiction": _l("Jurisdiction"), "key": _l("Setting"), "value": _l("Value"),
        "document": _l("Bureau document"), "article": _l("Article"), "note": _l("Note"),
        "updated_at": _l("Updated at"),
    }
    column_formatters = {"jurisdiction": fmt_jurisdiction, "key": fmt_setting_key, "value": fmt_json}
    column_filters = ("jurisdiction", "key")

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.target.choices = setting_choices()
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        target = f"{obj.jurisdiction}:{obj.key}"
        form.target.choices = [c for c in setting_choices() if c[0] == target] or [(target, obj.key)]
        form.target.data = target  # the key of a setting is not changed: set another one instead
        if not form.is_submitted():
            form.value.data = show_json(obj.value)
        return form

    def _save(self, form, code: str, key: str):
        try:
            check_visible(code, "key")
            value = parse_value(form.value.data)
            return operations.set_bureau_setting(
                code, key, value, document=form.document.data.strip(), article=form.article.data or None,
                note=form.note.data or None, actor=current_user)
        except SettingsError as exc:
            return refuse(form, exc, SETTING_FIELDS)

    def create_model(self, form):
        code, _, key = (form.target.data or "").partition(":")
        return self._save(form, code, key)

    def update_model(self, form, model):
        return bool(self._save(form, model.jurisdiction, model.key))


# --- policy versions ---------------------------------------------------------------------


class BureauPolicyVersionForm(AdminForm):
    jurisdiction = SelectField(_l("Jurisdiction"), choices=[], validate_choice=False)
    document = StringField(_l("Document number"), validators=[REQUIRED, Length(max=100)])
    title = StringField(_l("Title"), validators=[REQUIRED, Length(max=300)])
    effective_from = DateField(_l("In force from"), validators=[required(BAD_DATE)])
    effective_to = DateField(_l("In force until"), validators=[Optional()],
                             description=_l("Leave empty for an open-ended version."))
    based_on = SelectField(_l("Reuses the criteria of"), choices=[], validate_choice=False)
    notice_days = IntegerField(_l("Public notice period (days)"), validators=[Optional()],
                               description=_l("Leave empty when the document sets none."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        replace_parse_errors(self.effective_from, BAD_DATE)
        replace_parse_errors(self.effective_to, BAD_DATE)
        replace_parse_errors(self.notice_days, _l("Enter a whole number of days."))


class BureauPolicyVersionView(BureauView):
    form = BureauPolicyVersionForm
    column_list = ("jurisdiction", "document", "title", "effective_from", "effective_to", "based_on",
                   "notice_days", "note", "created_at")
    column_labels = {
        "jurisdiction": _l("Jurisdiction"), "document": _l("Document number"), "title": _l("Title"),
        "effective_from": _l("In force from"), "effective_to": _l("In force until"),
        "based_on": _l("Reuses the criteria of"), "notice_days": _l("Public notice period (days)"),
        "note": _l("Note"), "created_at": _l("Created at"),
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.jurisdiction.choices = jurisdiction_choices()
        form.based_on.choices = [
            (v.document, f"{name} · {v.document}《{v.title}》")
            for code, name in form.jurisdiction.choices for v in versions.policies(code)
        ]
        return form

    def create_model(self, form):
        try:
            code = form.jurisdiction.data or ""
            check_visible(code)
            return operations.add_bureau_policy_version(
                code, document=form.document.data, title=form.title.data,
                effective_from=form.effective_from.data, effective_to=form.effective_to.data,
                based_on=form.based_on.data, notice_days=form.notice_days.data, note=form.note.data or None,
                actor=current_user)
        except SettingsError as exc:
            return refuse(form, exc)


# --- criteria ----------------------------------------------------------------------------


class BureauCriterionForm(AdminForm):
    jurisdiction = SelectField(_l("Jurisdiction"), choices=[], validate_choice=False)
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    code = StringField(_l("Criterion code"), validators=[REQUIRED, Length(max=64)],
                       description=_l("Letters, digits and underscores, e.g. min_area."))
    title = StringField(_l("Title"), validators=[REQUIRED, Length(max=200)])
    fact_key = SelectField(_l("Fact checked"), choices=[], validate_choice=False)
    operator = SelectField(_l("Comparison"), choices=[], validate_choice=False)
    threshold = StringField(_l("Threshold"), validators=[Optional()],
                            description=_l("A number; for a yes/no fact leave empty with the comparison 'must be yes'."))
    document = StringField(_l("Document number"), validators=[DOCUMENT_REQUIRED, Length(max=200)])
    article = StringField(_l("Article"), validators=[Optional(), Length(max=100)])
    item = StringField(_l("Item"), validators=[Optional(), Length(max=100)])


class BureauCriterionView(BureauView):
    form = BureauCriterionForm
    column_list = ("jurisdiction", "category", "code", "title", "fact_key", "operator", "threshold",
                   "document", "article", "item", "active")
    column_labels = {
        "jurisdiction": _l("Jurisdiction"), "category": _l("Category"), "code": _l("Criterion code"),
        "title": _l("Title"), "fact_key": _l("Fact checked"), "operator": _l("Comparison"),
        "threshold": _l("Threshold"), "document": _l("Document number"), "article": _l("Article"),
        "item": _l("Item"), "active": _l("Active"),
    }
    column_formatters = {
        "jurisdiction": fmt_jurisdiction,
        "category": lambda v, c, m, n: labels.category_label(m.jurisdiction, m.category) if m.category else gettext(
            "Every category"),
        "threshold": fmt_json,
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.jurisdiction.choices = jurisdiction_choices()
        codes = [c for c, _ in form.jurisdiction.choices]
        form.category.choices = [("", gettext("Every category"))] + labels.category_choices(codes)
        form.fact_key.choices = (
            [(k, f"{label}（{unit}） {k}" if unit else f"{label} {k}") for k, (label, unit) in fact_catalogue.NUMERIC_FACTS.items()]
            + [(k, f"{label}（{gettext('yes/no')}） {k}") for k, label in fact_catalogue.BOOL_FACTS.items()]
        )
        form.operator.choices = [(k, f"{k} {word}") for k, word in fact_catalogue.OPERATORS.items()]
        return form

    def create_model(self, form):
        try:
            code = form.jurisdiction.data or ""
            check_visible(code)
            raw = (form.threshold.data or "").strip()
            threshold = None if form.operator.data == "true" or not raw else parse_value(raw, "threshold")
            return operations.add_bureau_criterion(
                code, category=form.category.data or None, crit_code=(form.code.data or "").strip(),
                title=form.title.data, fact_key=form.fact_key.data, operator=form.operator.data,
                threshold=threshold, document=form.document.data, article=form.article.data or None,
                item=form.item.data or None, actor=current_user)
        except SettingsError as exc:
            return refuse(form, exc)
