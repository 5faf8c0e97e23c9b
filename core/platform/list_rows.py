"""A list page's rows with less template work: the row actions rendered once per request
instead of once per row, and the cells written by one function per row.

Flask-Admin renders each row's buttons (view, edit, delete with its CSRF form, the
view's extra links) through Jinja macros and ``url_for``: half of an officer's list page
went there.  The buttons differ from row to row only by the row's key, so the macros are
rendered once with a stand-in key and each row gets that markup with its own key put in.
A second stand-in checks that the key appears nowhere else in the markup (a search term
or return address containing it, an action that reads other fields of the row); if it
does, the row is rendered the ordinary way.

The cells: Flask-Admin's row block asks, per cell, whether the column is editable in
place and then for its value, two template calls each; half of what was left of the page.
:func:`cells` asks the view for each value (formatters, type formatters, choices: all of
Flask-Admin's ``get_list_value``) and writes the ``<td>`` itself.  A view with columns
editable in place keeps Flask-Admin's block (``admin/zc_model_list.html``).
"""
from __future__ import annotations

from jinja2 import pass_context
from markupsafe import Markup, escape

from core.platform import request_memo

# Two keys no record has: their digits do not occur in anything else on the page.
_STAND_IN = "880880880880880881"
_CHECK = "770770770770770772"


class _StandIn:
    """A row with only its key: what Flask-Admin's row-action macros read."""

    def __init__(self, attribute: str, key: str) -> None:
        setattr(self, attribute, key)


def _render(context, actions, key: str, row) -> str:
    # escape(): an action answering plain text is escaped, as Jinja's {{ }} would
    return "".join(str(escape(action.render_ctx(context, key, row))) for action in actions)


def _template(context, actions):
    """The actions' markup with the stand-in key, or None when it cannot be reused."""
    view = context.resolve("admin_view")
    attribute = view._primary_key
    if not isinstance(attribute, str):
        return None
    try:
        first = _render(context, actions, _STAND_IN, _StandIn(attribute, _STAND_IN))
        second = _render(context, actions, _CHECK, _StandIn(attribute, _CHECK))
    except AttributeError:  # an action reads more of the row than its key
        return None
    if first.replace(_STAND_IN, _CHECK) != second:
        return None
    return first


@pass_context
def row_actions(context, actions, key, row) -> Markup:
    """The markup of ``actions`` for the row ``row`` whose (escaped) key is ``key``."""
    ident = tuple(id(action) for action in actions)  # the view's actions of this request
    template = request_memo.remember(("row_actions", ident), lambda: _template(context, actions))
    if template is None:
        return Markup(_render(context, actions, key, row))
    return Markup(template.replace(_STAND_IN, str(escape(key))))


@pass_context
def cells(context, row) -> Markup:
    """The row's ``<td class="col-…">`` cells, values escaped as ``{{ }}`` would."""
    view = context.resolve("admin_view")
    value = view.get_list_value
    # Plain concatenation with escape(): Markup.format's parsing cost more than the cells.
    return Markup("".join(f'<td class="col-{escape(name)}">{escape(value(context, row, name))}</td>'
                          for name, _ in context.resolve("list_columns")))
