"""Access control for every admin page, in one place.

``StaffAccessMixin``: who may open a page (logged-in staff, optionally only some
roles).  Anonymous visitors go to the login page; anyone else gets 403.

``ScopedModelView``: every read goes through ``core.accounts.scoping`` — the list, its
count, the CSV export, the mass actions (``get_query``), and the single record
behind details/edit/delete (``get_one``; Flask-Admin's default would fetch any id).
Relationship dropdowns use :func:`scoped_query_factory`.  Seeing is not managing: edit
and delete open, and every save must land, within ``write_scope`` (for organisations
and spaces narrower than what is seen, ``core.accounts.scoping.managed_organisation_criteria``).
Create, edit and delete are written to the audit log in the same transaction as the
change, once per jurisdiction concerned (``audit_jurisdictions``).
"""
from __future__ import annotations

from datetime import datetime
from itertools import islice

from flask import Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_admin.contrib.sqla.tools import parse_like_term
from sqlalchemy import JSON, String, Unicode, cast, func, inspect, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload
from wtforms.validators import ValidationError

from core.platform import audit, list_rows

from core.accounts import roles

from core.accounts import scoping
from core.platform.labels import local_datetime
from core.platform.errors import has_control_character, strip_control_characters
from core.platform.row_ids import row_ids
from core.platform import downloads, exports
from core.platform.exports import spreadsheet_safe
from core.platform.extensions import db


class AdminForm(FlaskForm):
    """Flask-WTF's form: its csrf_token is the one CSRFProtect checks on every POST.
    (Flask-Admin's ``SecureForm`` makes a WTForms session token that CSRFProtect refuses.)"""

    def __init__(self, formdata=None, obj=None, **kwargs):
        self._obj = obj  # Flask-Admin's Unique validator compares against the edited row
        super().__init__(formdata=formdata, obj=obj, **kwargs)

    def validate(self, extra_validators=None):
        """Validate, then turn every lazy-translated error into a plain ``str`` in the
        user's language: Flask-Admin's field template prints only ``str`` errors, so a
        lazy one (``lazy_gettext``) would leave the bare "Failed to create record."."""
        valid = super().validate(extra_validators=extra_validators)
        for field in self:
            field.process_errors = plain_errors(getattr(field, "process_errors", None) or [])
            if isinstance(field.errors, list | tuple):
                field.errors = plain_errors(field.errors)
        return valid


def plain_errors(errors):
    """``errors`` with lazy strings rendered (nested lists and dicts of sub-forms kept)."""
    return [e if isinstance(e, str | list | tuple | dict) else str(e) for e in errors]


class StaffAccessMixin:
    #: roles that may open the page (None: every staff role)
    allowed_roles: tuple[str, ...] | None = None

    def is_accessible(self) -> bool:
        if not scoping.is_staff(current_user):
            return False
        # Any role held somewhere opens the page; its rows are narrowed per jurisdiction.
        return self.allowed_roles is None or scoping.holds(current_user, *self.allowed_roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)


def scoped_query_factory(model, order_by=None, criteria=None):
    """A ``query_factory`` for a relationship field: only the rows the current user may
    see, or those ``criteria(user)`` allows (e.g. the organisations he may manage)."""

    def factory():
        rule = criteria or (lambda user: scoping.criteria_for(model, user))
        query = db.session.query(model).filter(rule(current_user))
        return query.order_by(order_by if order_by is not None else model.id)

    return factory


def changed_fields(model) -> list[str]:
    state = inspect(model)
    return sorted(
        attr.key for attr in state.attrs if attr.key != "password_hash" and attr.history.has_changes()
    )


def shanghai_time(view, value, name) -> str:
    return local_datetime(value)


# Every stored moment (UTC) is shown in Asia/Shanghai: lists, details and exports.
LIST_TYPES = {**typefmt.BASE_FORMATTERS, datetime: shanghai_time}
EXPORT_TYPES = {**typefmt.EXPORT_FORMATTERS, datetime: shanghai_time}
DETAIL_TYPES = {**typefmt.DETAIL_FORMATTERS, datetime: shanghai_time}


class ScopedModelView(StaffAccessMixin, ModelView):
    form_base_class = AdminForm
    column_type_formatters = LIST_TYPES
    column_type_formatters_export = EXPORT_TYPES
    column_type_formatters_detail = DETAIL_TYPES
    page_size = 50
    list_template = "admin/zc_model_list.html"
    can_view_details = True
    can_export = True
    # CSV (with the UTF-8 mark Excel needs) and Excel workbooks; headers are the column labels.
    export_types = ["csv", "xlsx"]

    #: roles besides the admin that may create / edit / delete within their scope;
    #: None: nobody, not even the admin (e.g. the append-only audit log)
    create_roles: tuple[str, ...] | None = ()
    edit_roles: tuple[str, ...] | None = ()
    delete_roles: tuple[str, ...] | None = ()

    def __init__(self, model, name=None, **kwargs):
        super().__init__(model, db, name=name, **kwargs)

    def render(self, template, **kwargs):
        return super().render(template, zc_row_actions=list_rows.row_actions, zc_cells=list_rows.cells, **kwargs)

    # Which buttons this user gets: read per request, never stored on the shared view.
    def _may(self, allowed: tuple[str, ...] | None) -> bool:
        if allowed is None or not current_user.is_authenticated:
            return False
        return scoping.holds(current_user, roles.ADMIN, *allowed)

    @property
    def can_create(self) -> bool:
        return self._may(self.create_roles)

    @property
    def can_edit(self) -> bool:
        return self._may(self.edit_roles)

    @property
    def can_delete(self) -> bool:
        return self._may(self.delete_roles)

    # --- every read is scoped ---
    def scope(self):
        return scoping.criteria_for(self.model, current_user)

    def get_query(self):
        return super().get_query().filter(self.scope())

    def get_count_query(self):
        return db.session.query(func.count("*")).select_from(self.model).filter(self.scope())

    # --- the list reads what it shows ---
    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """Flask-Admin's list (and export) query, without the JSON documents no column shows
        (an application's facts and form, a space's facts: most of a row's bytes, decoded
        for nothing).  A formatter that does read one still gets it, one query later."""
        count, query = super().get_list(page, sort_column, sort_desc, search, filters,
                                        execute=False, page_size=page_size)
        query = query.options(*self._unshown_documents())
        return count, (query.all() if execute else query)

    #: the deepest row a list pages to (a site choice, no policy's): OFFSET makes the database
    #: read and drop every row before the page, so page 2,000 of the admin's 100,000
    #: applications costs as much as reading them all.  Past it, search or filter.
    max_list_offset = 10_000

    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        page_size = self.get_safe_page_size(args.page_size) or self.page_size
        last_page = max(self.max_list_offset // page_size - 1, 0)
        if args.page > last_page and request.endpoint == f"{self.endpoint}.index_view":
            flash(gettext("Lists page to the first %(rows)d rows (page %(page)d); search or filter to find "
                          "the others.", rows=self.max_list_offset, page=last_page + 1), "info")
            args.page = last_page
        return args

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """Flask-Admin's search (every word must match one searchable column), written so
        that an index can answer each column: a column of a related table is matched in a
        subquery on that table (``space_id IN (SELECT id FROM spaces WHERE name ILIKE …)``)
        rather than through an outer join, and text columns are not cast to text first.
        On PostgreSQL trigram indexes (migration 0014) serve ``ILIKE '%…%'``."""
        for term in strip_control_characters(search).split(" "):
            if not term:
                continue
            pattern = parse_like_term(term)
            condition = or_(*(self._matches(field, path, pattern) for field, path in self._search_fields))
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    @staticmethod
    def _matches(field, path, pattern):
        column = field if isinstance(field.type, String) else cast(field, Unicode)
        condition = column.ilike(pattern)
        for relation in reversed(path):  # innermost table first
            prop = relation.property
            if prop.direction.name == "MANYTOONE" and len(prop.local_columns) == 1:
                (local,) = prop.local_columns
                (remote,) = prop.mapper.primary_key
                condition = local.in_(select(remote).where(condition))
            else:
                condition = relation.any(condition) if prop.uselist else relation.has(condition)
        return condition

    def _unshown_documents(self) -> list:
        shown = {name for name, _ in self._list_columns} | {name for name, _ in self._export_columns}
        options = [defer(column) for column in _json_columns(inspect(self.model)) if column.key not in shown]
        for relation in self._auto_joins:
            options += [joinedload(relation).defer(column) for column in _json_columns(relation.property.mapper)]
        return options

    def write_scope(self):
        """What this user may change; by default what he sees — and, for a record filed in a
        jurisdiction, only where he holds a role that may change it (issue 22)."""
        column = getattr(self.model, "jurisdiction", None)
        if column is None or scoping.is_admin(current_user):
            return self.scope()
        allowed = self.delete_roles if request.endpoint == f"{self.endpoint}.delete_view" else self.edit_roles
        if request.endpoint == f"{self.endpoint}.create_view":
            allowed = self.create_roles
        return self.scope() & scoping.jurisdiction_criteria(current_user, column, held=tuple(allowed or ()))

    def get_one(self, id):
        try:
            key = int(id)
        except (TypeError, ValueError):
            return None
        query = self.get_query()
        if request.endpoint in (f"{self.endpoint}.edit_view", f"{self.endpoint}.delete_view"):
            query = query.filter(self.write_scope())  # not his to change: "record does not exist"
        return query.filter(self.model.id == key).one_or_none()

    def writable(self, model) -> bool:
        return db.session.query(self.model.id).filter(
            self.model.id == model.id, self.scope(), self.write_scope()).one_or_none() is not None

    def audit_jurisdictions(self, model) -> list[str] | None:
        """The jurisdictions to tell of a change (asked before the change is flushed);
        None: the record's own ``jurisdiction``."""
        return None

    @staticmethod
    def _audit(action: str, model, concerned: list[str] | None, **detail):
        if concerned is None:
            audit.record(action, model, **detail)
        else:
            audit.record_for(concerned, action, model, **detail)

    # --- exports (issue 13): Chinese headers, a BOM, xlsx, local time in the name ---
    # Issue 15: streamed from the list's own query (scope, search, filters, sort), a chunk of
    # rows at a time (a server-side cursor on PostgreSQL), without the JSON columns nobody
    # exports: memory stays flat and the first bytes leave at once, whatever the row count.

    #: relationships the export formatters read, loaded once per chunk (never once per row)
    export_eager: tuple[str, ...] = ()
    #: rows per round trip to the database and per chunk of the response
    export_chunk_rows = 1000
    #: exported columns whose cell depends only on the row's attributes named here
    #: (e.g. a label: ``{"status": ("status",)}``): formatted once per distinct value
    #: in an export, not once per row
    export_memo: dict[str, tuple[str, ...]] = {}

    def get_export_name(self, export_type: str = "csv") -> str:
        return exports.export_filename(str(self.name), export_type)

    def _export_response(self, body, export_type: str, mimetype: str) -> Response:
        when = exports.local_now()
        filename = exports.export_filename(str(self.name), export_type, when)
        fallback = exports.export_filename(self.endpoint, export_type, when)
        return Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": exports.content_disposition(filename, fallback)})

    def export_query(self):
        """The list's rows as the user sees them (scope, search, filters, sort; at most
        ``export_max_rows`` when set), unexecuted, set to be fetched a chunk at a time."""
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        _, query = self.get_list(0, sort[0] if sort else None, args.sort_desc, args.search, args.filters,
                                 execute=False, page_size=self.export_max_rows)
        return query.options(*self._export_load_options()).yield_per(self.export_chunk_rows)

    def _export_load_options(self) -> list:
        """``export_eager`` loaded per chunk (SELECT … IN); the JSON columns no export column
        names are already left out by ``get_list``."""
        return [selectinload(getattr(self.model, name)) for name in self.export_eager]

    def export_prefetch(self, rows: list) -> object:
        """Load, for one chunk of ``rows``, what the formatters would otherwise fetch row by
        row (e.g. records read through ``db.session.get``); the result is held while the
        chunk is written, so the session finds those records without another query."""
        return None

    def _export_chunks(self):
        """Lists of rows of exported cells, one list per chunk."""
        for col, formatter in (self.column_formatters_export or {}).items():
            if col in dict(self._export_columns) and formatter.__name__ == "inner":  # as Flask-Admin refuses
                raise NotImplementedError(f"Macros are not implemented in export. Column: {col}")
        cells = [self._export_cell(name) for name, _ in self._export_columns]
        rows = iter(self.export_query())
        while True:
            with exports.collector_paused():
                models = list(islice(rows, self.export_chunk_rows))
                if not models:
                    return
                chunk = _formatted(models, cells, held=self.export_prefetch(models))
                del models
            yield chunk

    def _export_cell(self, name):
        """``model -> exported cell`` of the column ``name``, memoised as ``export_memo`` says."""
        attributes = self.export_memo.get(name)
        if not attributes:
            return lambda model: self.get_export_value(model, name)
        memo = {}

        def cell(model):
            key = tuple(getattr(model, a) for a in attributes)
            try:
                return memo[key]
            except KeyError:
                value = memo[key] = self.get_export_value(model, name)
                return value

        return cell

    def _export_rows(self):
        for chunk in self._export_chunks():
            yield from chunk

    def _export_headers(self) -> list[str]:
        return [str(label) for _, label in self._export_columns]

    def _export_csv(self, return_url):
        import csv
        import io

        def generate():
            out = io.StringIO()
            writer = csv.writer(out)
            out.write(exports.BOM)
            writer.writerow(self._export_headers())
            yield out.getvalue()  # the headers leave before the first row is read
            for chunk in self._export_chunks():
                out.seek(0)
                out.truncate()
                writer.writerows(chunk)
                yield out.getvalue()

        return self._export_response(stream_with_context(generate()), "csv", "text/csv")

    # --- a long list's workbook made by the queue (issue 19, 我的下载) ---
    #: the 我的下载 kind of this list's workbook (its exporter: core.admin.downloads); None: always inline
    download_kind: str | None = None

    def export_count(self) -> int:
        """How many rows the export of the list as shown would hold (one COUNT)."""
        args = self._get_list_extra_args()
        count, _ = self.get_list(0, None, False, args.search, args.filters, execute=False,
                                 page_size=self.export_max_rows)
        return count

    @expose("/export-queue/", methods=["POST"])
    def queue_export(self):
        """POST from the page :meth:`_export_tablib` shows for a long list: the workbook of the list
        as filtered (``args``: its query string) is made by the queue for this user."""
        if self.download_kind is None or not self.can_export:
            abort(404)
        args = request.form.get("args", "")[:4000]
        title = exports.export_filename(str(self.name), "xlsx").removesuffix(".xlsx")
        row = downloads.request(current_user, self.download_kind, title, {"args": args})
        audit.record("download.requested", row, kind=row.kind, filters=args)
        db.session.commit()
        flash(gettext("Added to My downloads."), "success")
        return redirect(self.get_url(".index_view") + (f"?{args}" if args else ""))

    def _export_tablib(self, export_type, return_url):
        if export_type != "xlsx":
            flash(gettext("Permission denied."), "error")
            return redirect(return_url)
        if self.download_kind is not None:
            count = self.export_count()
            if count > downloads.INLINE_EXPORT_ROWS:  # too long for a request: offered to 我的下载
                return self.render("admin/zc_export_queue.html", count=count, limit=downloads.INLINE_EXPORT_ROWS,
                                   args=request.query_string.decode("utf-8", "replace"), return_url=return_url)
        body = exports.xlsx_stream(str(self.name), self._export_headers(), self._export_rows())
        return self._export_response(stream_with_context(body), "xlsx", exports.XLSX_MIMETYPE)

    def get_export_value(self, model, name):
        # Every exported cell: user text such as a name may start with = + - @.
        return spreadsheet_safe(super().get_export_value(model, name))

    @action("delete", admin_lazy_gettext("Delete"),
            admin_lazy_gettext("Are you sure you want to delete selected records?"))
    def action_delete(self, ids):
        # Flask-Admin passes the ids as strings; PostgreSQL will not compare them with
        # an integer key.  Through get_query, so only visible rows can go.
        return super().action_delete(tuple(row_ids(ids)))

    def _get_list_filter_args(self):
        # A control character in a filter's value (a NUL: no PostgreSQL text takes it) filters nothing.
        found = super()._get_list_filter_args()
        return None if found is None else [f for f in found if not has_control_character(str(f[2]))]

    def _get_filter_groups(self):
        # Flask-Admin computes filter options once, at start-up; ours depend on the
        # user and on the jurisdictions enabled now, so recompute them per request.
        groups = super()._get_filter_groups()
        for items in (groups or {}).values():
            for item in items:
                options = self._filter_args[item["arg"]][1].get_options(self)
                item["options"] = [(k, str(v)) for k, v in options] if options else None
        return groups

    # --- every write is audited, in the same transaction ---
    def on_model_change(self, form, model, is_created):
        fields = changed_fields(model)
        with db.session.no_autoflush:
            concerned = self.audit_jurisdictions(model)
        db.session.flush()  # the new row's id, for the audit event
        if not self.writable(model):
            # e.g. an officer moving a space out of his area, or adding one under an
            # organisation of another bureau: refuse, roll back.
            raise ValidationError(gettext("The record would fall outside what you may manage."))
        self._audit("admin_create" if is_created else "admin_update", model, concerned, fields=fields)

    def on_model_delete(self, model):
        if not self.writable(model):
            raise ValidationError(gettext("The record would fall outside what you may manage."))
        self._audit("admin_delete", model, self.audit_jurisdictions(model), label=str(model)[:200])


def _json_columns(mapper) -> list:
    """The mapped JSON columns of ``mapper`` (facts, form_data …), as attributes."""
    return [getattr(mapper.class_, prop.key) for prop in mapper.column_attrs
            if len(prop.columns) == 1 and isinstance(prop.columns[0].type, JSON)]


def _formatted(models: list, cells: list, held) -> list[list]:
    """The exported cells of ``models``; ``held`` (what ``export_prefetch`` loaded) stays
    referenced, so in the session's identity map, until they are formatted."""
    return [[cell(model) for cell in cells] for model in models]
