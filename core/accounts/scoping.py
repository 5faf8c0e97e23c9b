"""Who may see what — in one place.

Every function here takes a user (or Flask-Login's anonymous user) and returns a
SQLAlchemy criterion to put in a ``WHERE``: the admin views, the portal and the
workflow all filter through these, so a rule changes in one spot.

The rules (DESIGN.md "Users"):

- **admin** — every record of the *enabled* jurisdictions; every organisation,
  space, user and audit event (those are not tied to one jurisdiction, and the
  provincial office manages them all).
- **officer, leader, expert, recommender** — records whose ``jurisdiction`` is one
  of the user's scopes (``UserScope``) *and* enabled, each under the role held in that
  jurisdiction (issue 22: ``UserScope.role`` / ``region_prefix``, None meaning the user's
  own ``User.role`` / ``region_prefix`` — so 昆明's officer may recommend for 云南 in 5301).  A recommender with a
  ``region_prefix`` sees only applications of spaces in that area (and those an officer
  assigned to him, ``StepAssignment``); an expert only
  the applications of the batches he is assigned to (``core.review.batches``).  None of
  them sees a draft: it is the applicant's until submitted (its case page, its
  materials, its PDF all ask :func:`application_criteria`).
- **applicant** — only its own organisation's rows, in enabled jurisdictions.
- **anonymous** — nothing.

Organisations and spaces carry no ``jurisdiction``: staff see one when it has an
application they may see, or when its region lies in the area of a jurisdiction they
may see (``Jurisdiction.covers``); an expert only those of the applications assigned
to him.  Seeing is not managing: a staff user may change an organisation, its spaces
or its applicant accounts only when it has an application he may see
(:func:`managed_organisation_criteria`; the admin manages all), and such a change is
audited once per jurisdiction concerned (:func:`concerned_jurisdictions`).  Users: the admin sees all; anyone else only
themselves.  Audit events: the admin sees all; officers and leaders those of their
jurisdictions; other roles none.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, func, or_, select, true

from core.accounts import roles
from core.platform.jurisdictions import enabled, enabled_codes
from core.platform.models import (
    Application, AuditEvent, ExpertAssignment, Organisation, Space, StepAssignment, User, UserScope,
)

AUDIT_ROLES = (roles.ADMIN, roles.OFFICER, roles.LEADER)
DRAFT = "draft"  # core.review.workflow: an application not yet submitted


def role_of(user) -> str | None:
    """The user's home role (``User.role``): what is not tied to one jurisdiction — the
    admin, the applicant, staff versus not.  A record's rights ask :func:`role_in`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


# Roles that are not held per jurisdiction: the admin sees every enabled one, the applicant
# is narrowed by organisation.
UNSCOPED_ROLES = (roles.ADMIN, roles.APPLICANT)
# What an admin may set as the role held in one jurisdiction (UserScope.role).
SCOPE_ROLES = (roles.OFFICER, roles.LEADER, roles.RECOMMENDER, roles.EXPERT)


def _scope(user, code):
    return next((s for s in getattr(user, "scopes", ()) if s.jurisdiction == code), None)


def role_in(user, code) -> str | None:
    """The role ``user`` holds in jurisdiction ``code`` (None: none there).  The admin and
    the applicant hold their role everywhere; staff the one of their scope, or their own
    when the scope names none.  Whether ``code`` is enabled is :func:`visible_codes`' job."""
    role = role_of(user)
    if role is None or role in UNSCOPED_ROLES:
        return role
    scope = _scope(user, code)
    if scope is None:
        return None
    return scope.role or role


def region_prefix_in(user, code) -> str | None:
    """The area (region-code prefix) limiting ``user`` in ``code``: only a recommender has
    one; the scope's own, else the user's (None: the whole jurisdiction)."""
    if role_in(user, code) != roles.RECOMMENDER:
        return None
    scope = _scope(user, code)
    return (scope.region_prefix if scope is not None else None) or user.region_prefix


def roles_held(user) -> set[str]:
    """Every role the user holds somewhere (his own and his scopes'): what menus and page
    access allow — the records behind them are narrowed per jurisdiction."""
    role = role_of(user)
    if role is None:
        return set()
    return {role, *(s.role for s in getattr(user, "scopes", ()) if s.role)}


def holds(user, *wanted: str) -> bool:
    """:func:`roles_held` meets ``wanted``."""
    return bool(roles_held(user) & set(wanted))


def codes_as(user, *wanted: str) -> list[str]:
    """The visible jurisdictions where ``user`` holds one of ``wanted`` (display order)."""
    return [c for c in visible_codes(user) if role_in(user, c) in wanted]


def held_role_column():
    """SQL: the role a ``UserScope`` row gives its user (a query joining User and UserScope)."""
    return func.coalesce(UserScope.role, User.role)


def held_prefix_column():
    """SQL: the region prefix a ``UserScope`` row gives its user."""
    return func.coalesce(UserScope.region_prefix, User.region_prefix)


def _groups(user) -> dict[tuple[str, str | None], list[str]]:
    """The user's visible jurisdictions grouped by (role held, area): one criterion term
    per group keeps the SQL one OR of a few terms."""
    groups: dict[tuple[str, str | None], list[str]] = {}
    for code in visible_codes(user):
        groups.setdefault((role_in(user, code), region_prefix_in(user, code)), []).append(code)
    return groups


def is_staff(user) -> bool:
    return role_of(user) in roles.STAFF_ROLES


def is_admin(user) -> bool:
    return role_of(user) == roles.ADMIN


def visible_codes(user) -> list[str]:
    """The enabled jurisdictions whose records the user may see, in display order."""
    role = role_of(user)
    if role is None:
        return []
    codes = enabled_codes()
    if role in (roles.ADMIN, roles.APPLICANT):
        return codes  # the applicant is narrowed by organisation instead
    mine = user.jurisdiction_codes
    return [c for c in codes if c in mine]


def _region_in(column, codes: list[str]) -> ColumnElement[bool]:
    """``column`` (a region code) lies in the area of one of ``codes``."""
    installed = enabled()
    prefixes = sorted({p for c in codes if c in installed for p in installed[c].region_prefixes})
    if not prefixes:
        return false()
    return or_(*[column.startswith(p, autoescape=True) for p in prefixes])


def jurisdiction_criteria(user, column, held: tuple[str, ...] | None = None) -> ColumnElement[bool]:
    """For any model with a ``jurisdiction`` column (calls, batches, notices…); ``held``:
    only the jurisdictions where the user holds one of these roles (:func:`codes_as`)."""
    codes = visible_codes(user) if held is None else codes_as(user, *held)
    return column.in_(codes) if codes else false()


def application_criteria(user) -> ColumnElement[bool]:
    role = role_of(user)
    codes = visible_codes(user)
    if role is None or not codes:
        return false()
    if role == roles.APPLICANT:
        if user.organisation_id is None:
            return false()
        return Application.jurisdiction.in_(codes) & (Application.organisation_id == user.organisation_id)
    if role == roles.ADMIN:  # the platform's operator, who removes abandoned drafts
        return Application.jurisdiction.in_(codes)
    # Staff: each jurisdiction under the role held there.
    terms = [_staff_application_term(user, held, prefix, group) for (held, prefix), group in _groups(user).items()]
    return (Application.status != DRAFT) & or_(*terms)


def _staff_application_term(user, role, prefix, codes) -> ColumnElement[bool]:
    in_jurisdiction = Application.jurisdiction.in_(codes)
    if role == roles.RECOMMENDER and prefix:
        in_area = select(Space.id).where(Space.region.startswith(prefix, autoescape=True))
        # or assigned to him by an officer when no recommender's area covered it (core.review.attendance.assign_step)
        assigned = select(StepAssignment.application_id).where(StepAssignment.assignee_id == user.id)
        return in_jurisdiction & (Application.space_id.in_(in_area) | Application.id.in_(assigned))
    if role == roles.EXPERT:  # only the batches he is assigned to (core.review.batches)
        assigned = select(ExpertAssignment.batch_id).where(ExpertAssignment.expert_id == user.id)
        return in_jurisdiction & Application.batch_id.in_(assigned)
    return in_jurisdiction


def visible_application(application_id, user, options=()) -> Application | None:
    """The application ``application_id`` if ``user`` may see it, else None — the one
    lookup behind every page that takes an application id from a URL or a form.
    ``options``: loader options of the page (what it shows, loaded in the same statement)."""
    from core.platform.extensions import db

    return db.session.scalars(
        select(Application).options(*options).where(Application.id == application_id, application_criteria(user))
    ).unique().one_or_none()


def application_or_404(application_id, options=()) -> Application:
    """:func:`visible_application` for the logged-in user, or the 404 page — the same
    answer as for an id that does not exist, so nothing tells the two apart."""
    from flask import abort
    from flask_login import current_user

    found = visible_application(application_id, current_user, options)
    if found is None:
        abort(404)
    return found


def organisation_criteria(user) -> ColumnElement[bool]:
    role = role_of(user)
    if role is None:
        return false()
    if role == roles.ADMIN:
        return true()
    if role == roles.APPLICANT:
        return Organisation.id == user.organisation_id if user.organisation_id else false()
    terms = [Organisation.id.in_(select(Application.organisation_id).where(application_criteria(user)))]
    for (held, prefix), codes in _groups(user).items():
        if held == roles.EXPERT:  # only what he is assigned to review
            continue
        in_area = _region_in(Organisation.registered_region, codes)
        space_in_area = select(Space.organisation_id).where(_region_in(Space.region, codes))
        if prefix:
            in_area = in_area & Organisation.registered_region.startswith(prefix, autoescape=True)
            space_in_area = space_in_area.where(Space.region.startswith(prefix, autoescape=True))
        terms += [in_area, Organisation.id.in_(space_in_area)]
    return or_(*terms)


def space_criteria(user) -> ColumnElement[bool]:
    role = role_of(user)
    if role is None:
        return false()
    if role == roles.ADMIN:
        return true()
    if role == roles.APPLICANT:
        return Space.organisation_id == user.organisation_id if user.organisation_id else false()
    terms = [Space.id.in_(select(Application.space_id).where(application_criteria(user)))]
    for (held, prefix), codes in _groups(user).items():
        if held == roles.EXPERT:
            continue
        in_area = _region_in(Space.region, codes)
        if prefix:
            in_area = in_area & Space.region.startswith(prefix, autoescape=True)
        terms.append(in_area)
    return or_(*terms)


def managed_organisation_criteria(user) -> ColumnElement[bool]:
    """The organisations whose record, spaces and applicant accounts ``user`` may
    change: the admin all; other staff only one with an application in their scope
    (:func:`application_criteria`, so never by a draft alone) — an organisation merely
    lying in their area is not theirs to rename or to reset; applicants none here.  Only
    applications of the jurisdictions where he is the officer count (the one role that
    edits them: 昆明's officer who recommends for 云南 manages none by a 云南 application)."""
    role = role_of(user)
    if role == roles.ADMIN:
        return true()
    if role not in roles.STAFF_ROLES:
        return false()
    as_officer = codes_as(user, roles.OFFICER)
    if not as_officer:
        return false()
    return Organisation.id.in_(select(Application.organisation_id).where(
        application_criteria(user), Application.jurisdiction.in_(as_officer)))


def managed_space_criteria(user) -> ColumnElement[bool]:
    """The spaces of :func:`managed_organisation_criteria`."""
    if is_admin(user):
        return true()
    return Space.organisation_id.in_(select(Organisation.id).where(managed_organisation_criteria(user)))


def concerned_jurisdictions(*organisation_ids) -> list[str]:
    """The jurisdictions an organisation's submitted applications are filed in: the
    bureaus that must see a change made to the organisation or its accounts."""
    from core.platform.extensions import db

    ids = [i for i in organisation_ids if i is not None]
    if not ids:
        return []
    return sorted(set(db.session.scalars(select(Application.jurisdiction).where(
        Application.organisation_id.in_(ids), Application.status != DRAFT))))


def user_criteria(user) -> ColumnElement[bool]:
    role = role_of(user)
    if role is None:
        return false()
    if role == roles.ADMIN:
        return true()
    return User.id == user.id


def audit_criteria(user) -> ColumnElement[bool]:
    role = role_of(user)
    if role == roles.ADMIN:
        return true()
    if role is None or role == roles.APPLICANT:
        return false()
    return jurisdiction_criteria(user, AuditEvent.jurisdiction, held=AUDIT_ROLES)


# The criterion for each model the admin lists; the portal and workflow reuse it.
CRITERIA = {
    Application: application_criteria,
    Organisation: organisation_criteria,
    Space: space_criteria,
    User: user_criteria,
    AuditEvent: audit_criteria,
}


def criteria_for(model, user) -> ColumnElement[bool]:
    """The criterion for ``model``; models with a ``jurisdiction`` column and no rule
    of their own are scoped by it; any other model is visible to the admin only."""
    if model in CRITERIA:
        return CRITERIA[model](user)
    column = getattr(model, "jurisdiction", None)
    if column is not None:
        return jurisdiction_criteria(user, column)
    return true() if is_admin(user) else false()
