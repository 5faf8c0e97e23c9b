"""The resources of /api/v1: thin views over :mod:`core.api.reading`, each a paginated list and,
where a record has an id, the record.  Every one needs the Bearer token (core.api.bearer) and counts
against the token's rate limit (``API_RATE_LIMIT``, our choice 600 per minute).

Pagination is flask-smorest's: ``page`` (from 1) and ``page_size`` (1 to :data:`MAX_PAGE_SIZE`), the
``X-Pagination`` header (total, pages, first/last/previous/next page), plus a ``Link`` header
(RFC 8288: first, prev, next, last) that we add.  Lists are ordered by id, so a page holds the same
records from one request to the next unless records are added.
"""
from __future__ import annotations

import math
from functools import wraps
from http import HTTPStatus

from flask import abort, current_app, request, url_for
from flask_smorest import Blueprint
from werkzeug.exceptions import UnprocessableEntity

from core.api import bearer, reading
from core.api.errors import error_response
from core.api.schemas import (ApplicationFilters, ApplicationSchema, EntitlementFilters, EntitlementSchema,
                              JurisdictionSchema, StatisticsReturnFilters, StatisticsReturnSchema, TitleDetailSchema,
                              TitleFilters, TitleSchema)
from core.platform import clock
from core.platform.security import limiter

__all__ = ["blp", "MAX_PAGE_SIZE"]

#: the largest page (our choice): a page of 100 applications with their steps stays well under a second
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class ApiBlueprint(Blueprint):
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": DEFAULT_PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}

    def _set_pagination_metadata(self, page_params, result, headers):
        result, headers = super()._set_pagination_metadata(page_params, result, headers)
        meta = self._make_pagination_metadata(page_params.page, page_params.page_size, page_params.item_count)
        links = [(rel, meta.get(key)) for rel, key in (("first", "first_page"), ("prev", "previous_page"),
                                                       ("next", "next_page"), ("last", "last_page"))]
        args = request.args.to_dict()
        link = ", ".join(
            f'<{url_for(request.endpoint, **(request.view_args or {}), **{**args, "page": page})}>; rel="{rel}"'
            for rel, page in links if page is not None)
        if link:  # an empty list has no page to link to: no header rather than an empty one
            headers["Link"] = link
        return result, headers

    def _document_pagination_metadata(self, spec, resp_doc):
        """X-Pagination holds JSON: in OpenAPI 3 a header whose value is a serialised object is
        described by ``content``, not ``schema`` (flask-smorest's ``schema: object`` makes a
        conforming header look wrong to a validator)."""
        resp_doc.setdefault("headers", {}).update({
            self.PAGINATION_HEADER_NAME: {
                "description": "Pagination metadata: total, total_pages, first_page, last_page, page, "
                               "previous_page, next_page",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}}},
            "Link": {"description": "first, prev, next and last pages (RFC 8288)", "schema": {"type": "string"}},
        })


blp = ApiBlueprint("api_v1", __name__, url_prefix="/api/v1",
                   description="Read-only, scoped to the jurisdictions of the token (docs/api.md)")
blp.before_request(bearer.authenticate)


def _too_many(request_limit):
    seconds = max(1, math.ceil(request_limit.reset_at - clock.instant().timestamp()))
    return error_response(429, headers={"Retry-After": str(seconds)})


limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api_v1", key_func=bearer.rate_limit_key,
                     on_breach=_too_many)(blp)


def _refusals(*codes: int):
    """Document the error answers of an operation (the schema of each: ErrorSchema)."""
    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorate


LIST_REFUSALS = _refusals(401, 429)
ITEM_REFUSALS = _refusals(401, 404, 422, 429)  # 422: a query parameter (an item takes none)


def _query(filters=None, *, paginated: bool = True):
    """Only the documented query parameters: a misspelt filter (``stauts=paid``) is refused with 422
    rather than ignored, which would answer the whole list as if it were the filtered one."""
    names = set(filters().fields if filters is not None else ()) | ({"page", "page_size"} if paginated else set())

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            unknown = sorted(set(request.args) - names)
            if unknown:
                refused = UnprocessableEntity()
                refused.data = {"messages": {"query": {name[:100]: ["Unknown parameter."] for name in unknown[:20]}}}
                raise refused
            return view(*args, **kwargs)
        return checked
    return decorate


def _found(item):
    if item is None:
        abort(404)
    return item


def _listed(page: reading.Page, pagination_parameters):
    pagination_parameters.item_count = page.total
    return page.rows


def _first(p) -> int:
    return p.first_item


@blp.route("/jurisdictions")
@blp.response(200, JurisdictionSchema(many=True))
@LIST_REFUSALS
@blp.paginate()
@_query()
def jurisdictions(pagination_parameters):
    """The token's jurisdictions and their policy versions in force and earlier"""
    return _listed(reading.jurisdictions(bearer.readable_codes(), _first(pagination_parameters),
                                         pagination_parameters.page_size), pagination_parameters)


@blp.route("/jurisdictions/<code>", parameters=[{
    "in": "path", "name": "code", "description": "A jurisdiction's code, e.g. kunming",
    "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 32}}])
@blp.response(200, JurisdictionSchema)
@ITEM_REFUSALS
@_query(paginated=False)
def jurisdiction(code):
    """One jurisdiction of the token"""
    return _found(reading.jurisdiction(bearer.readable_codes(), code))


@blp.route("/applications")
@blp.arguments(ApplicationFilters, location="query")
@blp.response(200, ApplicationSchema(many=True))
@LIST_REFUSALS
@blp.paginate()
@_query(ApplicationFilters)
def applications(filters, pagination_parameters):
    """Submitted applications: status, current step and the steps of their policy"""
    return _listed(reading.applications(bearer.readable_codes(), _first(pagination_parameters),
                                        pagination_parameters.page_size, **filters), pagination_parameters)


@blp.route("/applications/<int:application_id>")
@blp.response(200, ApplicationSchema)
@ITEM_REFUSALS
@_query(paginated=False)
def application(application_id):
    """One application"""
    return _found(reading.application(bearer.readable_codes(), application_id))


@blp.route("/titles")
@blp.arguments(TitleFilters, location="query")
@blp.response(200, TitleSchema(many=True))
@LIST_REFUSALS
@blp.paginate()
@_query(TitleFilters)
def titles(filters, pagination_parameters):
    """Titles awarded: certificate, level, status, revocation"""
    return _listed(reading.titles(bearer.readable_codes(), _first(pagination_parameters),
                                  pagination_parameters.page_size, **filters), pagination_parameters)


@blp.route("/titles/<int:title_id>")
@blp.response(200, TitleDetailSchema)
@ITEM_REFUSALS
@_query(paginated=False)
def title(title_id):
    """One title, with its standing today (CONTRACTS §6)"""
    return _found(reading.title(bearer.readable_codes(), title_id))


@blp.route("/entitlements")
@blp.arguments(EntitlementFilters, location="query")
@blp.response(200, EntitlementSchema(many=True))
@LIST_REFUSALS
@blp.paginate()
@_query(EntitlementFilters)
def entitlements(filters, pagination_parameters):
    """Support owed: amounts, approval, payment and the fund charged"""
    return _listed(reading.entitlements(bearer.readable_codes(), _first(pagination_parameters),
                                        pagination_parameters.page_size, **filters), pagination_parameters)


@blp.route("/entitlements/<int:entitlement_id>")
@blp.response(200, EntitlementSchema)
@ITEM_REFUSALS
@_query(paginated=False)
def entitlement(entitlement_id):
    """One entitlement"""
    return _found(reading.entitlement(bearer.readable_codes(), entitlement_id))


@blp.route("/statistics-returns")
@blp.arguments(StatisticsReturnFilters, location="query")
@blp.response(200, StatisticsReturnSchema(many=True))
@LIST_REFUSALS
@blp.paginate()
@_query(StatisticsReturnFilters)
def statistics_returns(filters, pagination_parameters):
    """Annual statistics returns (the figures once accepted)"""
    return _listed(reading.statistics_returns(bearer.readable_codes(), _first(pagination_parameters),
                                              pagination_parameters.page_size, **filters), pagination_parameters)


@blp.route("/statistics-returns/<int:return_id>")
@blp.response(200, StatisticsReturnSchema)
@ITEM_REFUSALS
@_query(paginated=False)
def statistics_return(return_id):
    """One statistics return"""
    return _found(reading.statistics_return(bearer.readable_codes(), return_id))
