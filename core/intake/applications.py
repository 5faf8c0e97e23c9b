"""New applications and drafts: which titles a space may apply for, and the operations
that start a draft and fill it (the only code that writes a draft's facts).

A draft is the applicant's own until it is submitted; from submission on, its facts
change only through the review (``core.review.workflow``: a returned application's
revision, audited key by key).
"""
from __future__ import annotations

from sqlalchemy import select

from core.platform import audit, clock
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.jurisdictions import enabled_codes, enabled_for_space
from core.platform.models import Application, Space
from core.policy import Jurisdiction, PolicyVersion
from core.bureau import versions
from core.facts import FactsError, parse_facts
from core.accounts.scoping import application_criteria

# An application still open for the same space, jurisdiction and category: no second one
# (our choice — the bureau would otherwise receive duplicates).
OPEN_STATUSES = ("draft", "submitted", "in_review", "returned", "under_notice", "recognised")
# The key of Application.form_data that keeps a draft's invalid input as typed.
TYPED = "_typed"


def choices_for(space: Space) -> list[tuple[Jurisdiction, PolicyVersion, list]]:
    """The enabled jurisdictions the space lies in, each with the policy in force today
    and its categories (those the space may apply for)."""
    found = []
    for code, jurisdiction in enabled_for_space(space.region).items():
        policy = versions.policy_in_force(code, clock.today())
        if policy is not None:
            found.append((jurisdiction, policy, list(policy.categories)))
    return found


def open_application(space: Space, code: str, category: str, user) -> Application | None:
    """The application ``user`` may see that is still open for this space and title."""
    return db.session.scalars(select(Application).where(
        Application.space_id == space.id, Application.jurisdiction == code, Application.category == category,
        Application.status.in_(OPEN_STATUSES), application_criteria(user))).first()


def dormant_applications(user) -> list[Application]:
    """The organisation's own applications in jurisdictions switched off on this platform
    (core.platform.jurisdictions): hidden everywhere else, listed on the portal's home with a
    notice so that a recognised space's title does not vanish without a word (issue 13)."""
    if user.organisation_id is None:
        return []
    return db.session.scalars(
        select(Application).where(Application.organisation_id == user.organisation_id,
                                  Application.jurisdiction.not_in(enabled_codes()))
        .order_by(Application.id.desc())
    ).all()


def extra_of(application: Application) -> dict:
    """The draft's form data without the input kept as typed."""
    return {k: v for k, v in (application.form_data or {}).items() if k != TYPED}


def fill_draft(application: Application, form, typed: dict) -> bool:
    """Store the jurisdiction's ``form`` in the draft (uncommitted): valid input as facts
    and form data, invalid input as ``typed`` (kept to be shown again with its errors).
    Returns whether it was valid."""
    if application.status != "draft":
        raise Refused("facts", "已提交的申报不能修改；被退回修改时才可修改后重新提交")
    if form.validate():
        facts = form.to_facts()
        try:
            parse_facts(facts)
        except FactsError as exc:
            field = form._fields.get(exc.key) if exc.key else None
            if field is None:
                form.form_errors.append(f"{exc.key}: {exc.message}" if exc.key else exc.message)
            else:
                field.errors = list(field.errors) + [exc.message]
        else:
            application.facts = dict(facts)
            application.form_data = dict(form.extra_data())
            return True
    application.form_data = {**extra_of(application), TYPED: typed}
    return False


def save_draft(application: Application, form, typed: dict) -> bool:
    """``fill_draft`` and commit: the draft saved as it is (valid or as typed)."""
    valid = fill_draft(application, form, typed)
    db.session.commit()
    return valid


def start_draft(space: Space, code: str, category: str, facts: dict, form, typed: dict,
                actor=None) -> tuple[Application, bool]:
    """Create the draft of ``space``'s application for ``category`` of ``code``, starting
    from ``facts`` and filled from ``form`` (``fill_draft``), with the audit event
    ``application.created``; committed.  Returns the draft and whether the form was valid."""
    application = Application(jurisdiction=code, category=category, space=space,
                              organisation=space.organisation, status="draft", facts=facts, form_data={})
    db.session.add(application)
    db.session.flush()
    valid = fill_draft(application, form, typed)
    audit.record("application.created", application, actor=actor, from_state=None, to_state="draft:-")
    db.session.commit()
    return application, valid
