"""The marshmallow schemas of the API: what each resource answers and the filters it takes.  The
OpenAPI document (/api/v1/openapi.json) is built from them by flask-smorest and apispec, so the
answers and the document cannot drift apart (tests/api checks the answers against it).

Codes stay codes (``status``, ``level``, ``kind``) for the systems that read them; each has its
words beside it (``status_label``) in the language of the request (Chinese unless Accept-Language
asks for English).  A value the record may lack is ``null``, never left out."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from core.platform import clock
from core.platform.models import APPLICATION_STATUSES

__all__ = ["ErrorSchema", "JurisdictionSchema", "ApplicationSchema", "TitleSchema", "TitleDetailSchema",
           "EntitlementSchema", "StatisticsReturnSchema", "ApplicationFilters", "TitleFilters",
           "EntitlementFilters", "StatisticsReturnFilters"]

#: the statuses an application shows here (a draft is never read through the API)
SUBMITTED_STATUSES = tuple(s for s in APPLICATION_STATUSES if s != "draft")


def _text(**kwargs):
    return fields.String(allow_none=True, **kwargs)


class Moment(fields.DateTime):
    """A stored timestamp as ISO 8601 in Asia/Shanghai with its offset (SQLite hands back naive UTC)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else clock.local(value).isoformat()


class ErrorSchema(Schema):
    code = fields.Integer(required=True, metadata={"description": "The HTTP status"})
    status = fields.String(required=True, metadata={"description": "Its name, e.g. UNAUTHORIZED"})
    message = fields.String(required=True, metadata={"description": "What went wrong, in words"})
    request_id = fields.String(required=True, metadata={"description": "To quote to the administrator"})
    errors = fields.Dict(metadata={"description": "The query parameters refused, with why (422)"})


class CitationSchema(Schema):
    document = fields.String(required=True)
    article = _text()
    item = _text()


class RevocationCitationSchema(CitationSchema):
    ground = _text()


class StepSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": "The role acting on the step"})
    days = fields.Integer(allow_none=True, required=True, metadata={"description": "The period the policy sets"})
    citation = fields.Nested(CitationSchema, allow_none=True, required=True)


class ApplicationStepSchema(StepSchema):
    passed = fields.Boolean(required=True)
    current = fields.Boolean(required=True)


class CriterionSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "auto: checked on the facts; manual: judged"})
    citation = fields.Nested(CitationSchema, allow_none=True, required=True)


class CategorySchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    citation = fields.Nested(CitationSchema, allow_none=True, required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)
    review_steps = fields.List(fields.Nested(StepSchema), required=True)


class ParameterSchema(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Raw(allow_none=True, required=True, metadata={"description": "null: left to the bureau, unset"})
    unit = _text(required=True)
    source = fields.String(required=True, validate=validate.OneOf(("policy", "bureau", "unset")))
    citation = fields.Nested(CitationSchema, allow_none=True, required=True)


class SupportRuleSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    event = fields.String(required=True, metadata={"description": "recognized | evaluated"})
    levels = fields.List(fields.String(), allow_none=True, required=True)
    grades = fields.List(fields.String(), allow_none=True, required=True)
    amount_cny = fields.Integer(allow_none=True, required=True, metadata={"description": "null: no fixed amount"})
    citation = fields.Nested(CitationSchema, allow_none=True, required=True)
    document = _text(required=True, metadata={"description": "The support document with its own window, if any"})


class NoticePeriodSchema(Schema):
    days = fields.Integer(allow_none=True, required=True)
    source = fields.String(required=True, validate=validate.OneOf(("policy", "bureau", "unset")))
    citation = fields.Nested(CitationSchema, allow_none=True, required=True)


class PolicyVersionSchema(Schema):
    document = fields.String(required=True)
    title = fields.String(required=True)
    effective_from = fields.Date(required=True)
    effective_to = fields.Date(allow_none=True, required=True)
    in_force = fields.Boolean(required=True)
    replaces = _text(required=True)
    note = _text(required=True)
    notice_period = fields.Nested(NoticePeriodSchema, required=True)
    categories = fields.List(fields.Nested(CategorySchema), required=True)
    parameters = fields.List(fields.Nested(ParameterSchema), required=True)
    support = fields.List(fields.Nested(SupportRuleSchema), required=True)


class JurisdictionSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, metadata={"description": "county | city | province"})
    authority = fields.String(required=True)
    parent = _text(required=True)
    policy_versions = fields.List(fields.Nested(PolicyVersionSchema), required=True,
                                  metadata={"description": "In force and earlier, by start date"})


class ApplicationSchema(Schema):
    id = fields.Integer(required=True)
    jurisdiction = fields.String(required=True)
    category = fields.String(required=True)
    category_name = _text(required=True)
    policy_document = _text(required=True)
    status = fields.String(required=True, validate=validate.OneOf(SUBMITTED_STATUSES))
    status_label = fields.String(required=True)
    current_step = _text(required=True)
    submitted_on = fields.Date(allow_none=True, required=True)
    official_number = _text(required=True)
    space_name = _text(required=True)
    organisation_name = _text(required=True)
    steps = fields.List(fields.Nested(ApplicationStepSchema), required=True)


class TitleSchema(Schema):
    id = fields.Integer(required=True)
    jurisdiction = fields.String(required=True)
    certificate_number = fields.String(required=True)
    title = fields.String(required=True)
    level = fields.String(required=True)
    level_label = fields.String(required=True)
    granted_on = fields.Date(required=True)
    status = fields.String(required=True, metadata={"description": "active | rectification | revoked"})
    status_label = fields.String(required=True)
    revoked_on = fields.Date(allow_none=True, required=True)
    revocation_grounds = fields.List(fields.String(), required=True)
    revocation_citations = fields.List(fields.Nested(RevocationCitationSchema), required=True)
    ban_until = fields.Date(allow_none=True, required=True)
    application_id = fields.Integer(allow_none=True, required=True)


class StandingSchema(Schema):
    as_of = fields.Date(required=True)
    standing = fields.String(required=True)
    standing_label = fields.String(required=True)
    grounds = fields.List(fields.Raw(), required=True)


class TitleDetailSchema(TitleSchema):
    standing = fields.Nested(StandingSchema, required=True,
                             metadata={"description": "CONTRACTS §6 on today's date (the single title only)"})


class FundSchema(Schema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    name = fields.String(required=True)
    amount_cny = fields.Integer(required=True)
    source = fields.String(required=True, metadata={"description": "policy | bureau"})
    citation = fields.Nested(CitationSchema, allow_none=True, required=True)


class EntitlementSchema(Schema):
    id = fields.Integer(required=True)
    jurisdiction = fields.String(required=True)
    title_id = fields.Integer(allow_none=True, required=True)
    year = fields.Integer(allow_none=True, required=True)
    rule = fields.String(required=True)
    kind = fields.String(required=True)
    amount_cny = fields.Integer(allow_none=True, required=True)
    citation = fields.Nested(CitationSchema, allow_none=True, required=True)
    status = fields.String(required=True, metadata={"description": "pending | approved | paid | cancelled"})
    status_label = fields.String(required=True)
    approved_amount_cny = fields.Integer(allow_none=True, required=True)
    approved_on = fields.Date(allow_none=True, required=True)
    paid_on = fields.Date(allow_none=True, required=True)
    paid_amount_cny = fields.Integer(allow_none=True, required=True)
    voucher_number = _text(required=True)
    paying_body = _text(required=True)
    cancelled_on = fields.Date(allow_none=True, required=True)
    fund = fields.Nested(FundSchema, allow_none=True, required=True)


class ReturnTitleSchema(Schema):
    id = fields.Integer(required=True)
    jurisdiction = fields.String(required=True)
    certificate_number = fields.String(required=True)
    title = fields.String(required=True)


class StatisticsReturnSchema(Schema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    space_name = _text(required=True)
    titles = fields.List(fields.Nested(ReturnTitleSchema), required=True)
    status = fields.String(required=True, metadata={"description": "submitted | returned | accepted"})
    status_label = fields.String(required=True)
    checking_jurisdiction = _text(required=True)
    submitted_at = Moment(allow_none=True, required=True)
    accepted_at = Moment(allow_none=True, required=True)
    figures = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), allow_none=True, required=True,
                          metadata={"description": "The return's figures by field key; null until accepted"})


# --- filters ---------------------------------------------------------------------------------


class _Filters(Schema):
    class Meta:
        unknown = EXCLUDE  # stacked with the pagination parameters in the same query string

    jurisdiction = fields.String(validate=validate.Length(max=32),
                                 metadata={"description": "One of the token's jurisdictions (others: nothing)"})


class ApplicationFilters(_Filters):
    status = fields.String(validate=validate.OneOf(SUBMITTED_STATUSES))
    submitted_since = fields.Date(metadata={"description": "Submitted on or after this day"})


class TitleFilters(_Filters):
    status = fields.String(validate=validate.OneOf(("active", "rectification", "revoked")))


class EntitlementFilters(_Filters):
    status = fields.String(validate=validate.OneOf(("pending", "approved", "paid", "cancelled")))
    year = fields.Integer(validate=validate.Range(min=1900, max=9999))


class StatisticsReturnFilters(Schema):
    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(validate=validate.Range(min=1900, max=9999))
    status = fields.String(validate=validate.OneOf(("submitted", "returned", "accepted")))
