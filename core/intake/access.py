"""Who may use the applicant's pages, and the version a posted form was drawn from."""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required

from core.accounts import roles


def applicant_only(view=None, *, staff_to_admin: bool = False):
    """Applicants only: anonymous → login, anyone else 403.  ``staff_to_admin``: staff are
    sent to the admin instead, where the same applications are handled (the application
    pages and their PDFs, which staff reach by a link or as the login's landing page);
    the space pages keep the 403 (docs/portal-space.md).  One rule, one place, for every
    applicant page: ``@applicant_only`` or ``@applicant_only(staff_to_admin=True)``."""
    if view is None:
        return lambda inner: applicant_only(inner, staff_to_admin=staff_to_admin)

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != roles.APPLICANT:
            if staff_to_admin and current_user.role in roles.STAFF_ROLES:
                return redirect(url_for("admin.index"))
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def posted_version() -> int:
    """The version the posted form was drawn from (``expected_version``); a missing or
    forged one can only be stale."""
    try:
        return int(request.form.get("expected_version"))
    except (TypeError, ValueError):
        return -1
