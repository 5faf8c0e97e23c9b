"""Who hears which event: the one table (issue 19 "Which role hears which event is declared in
one table, not scattered in code").

Each :class:`Route` names an event kind (``core.platform.events``), optionally a condition on
the event, the audiences it reaches, whether it is a to-do for them (the mail preference
"todos" sends only those) and which message variant it is worded with.  An audience is:

- ``APPLICANT``: the active users of the organisation(s) the subject belongs to;
- a staff role (``officer``, ``leader``): the active users of that role whose scopes include
  the event's jurisdiction (an enabled one);
- ``NEXT_STEP``: who can act at the step the application now waits at, ``STEP``: at the step acted
  on — ``core.review.attendance.able_users``, the rule the to-do lists and the 无人可办理 list read
  (the step's role where it decides, else the officer, who runs the expert review and the notice;
  a recommender with an area only for a space in it or a step assigned to him); where nobody can,
  the officers, who assign the step or act in its place;
- ``CHECKER``: who may check a statistics return (``core.monitoring.returns.may_check``): the
  officers of its checking jurisdiction, and where its form is checked by the region (云南) the
  recommenders whose area holds the space;
- ``TO_USERS``: the users the emitter named (a reminder, a change to one's own account).

The actor never hears of his own action.  The link of a notification is a relative path to
the thing: the admin's page for staff, the portal's (or a public page) for an applicant.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select

from core.accounts import roles
from core.accounts.scoping import held_prefix_column, held_role_column
from core.platform.events import Event
from core.platform.extensions import db
from core.platform.jurisdictions import enabled_codes
from core.platform.models import (Application, Batch, Call, ChangeReport, NoticeEntry, Objection, PublicNotice, Recognition, Rectification,
                                  Revocation, Space, StatisticsReturn, StatisticsWindow,
                                  SubsidyEntitlement, User, UserScope)
from core.review import attendance, steps

APPLICANT, NEXT_STEP, STEP, TO_USERS, CHECKER = "applicant", "next_step", "step", "to_users", "checker"
OFFICER, LEADER = roles.OFFICER, roles.LEADER


def at_kind(*kinds: str) -> Callable[[Event], bool]:
    """The workflow action was taken at a step of one of ``kinds`` (recommendation, decision…)."""
    return lambda event: event.params.get("step_kind") in kinds


def not_at_kind(*kinds: str) -> Callable[[Event], bool]:
    return lambda event: event.params.get("step_kind") not in kinds


@dataclass(frozen=True)
class Route:
    kind: str
    audiences: tuple[str, ...]
    is_todo: bool = False
    when: Callable[[Event], bool] | None = None
    message: str | None = None  # the wording (core.notify.messages); None: the kind itself

    def applies(self, event: Event) -> bool:
        return event.kind == self.kind and (self.when is None or self.when(event))

    @property
    def wording(self) -> str:
        return self.message or self.kind


ROUTES: tuple[Route, ...] = (
    # the application's workflow (core.review.workflow emits "application.<action>")
    Route("application.submit", (NEXT_STEP,), is_todo=True),
    Route("application.resubmit", (NEXT_STEP,), is_todo=True),
    Route("application.withdraw", (STEP,)),
    Route("application.return", (APPLICANT,), is_todo=True),
    Route("application.approve", (APPLICANT,), when=at_kind("recommendation"), message="application.recommended"),
    Route("application.approve", (APPLICANT,), when=not_at_kind("recommendation")),
    Route("application.approve", (NEXT_STEP,), is_todo=True, message="application.waiting"),
    Route("application.reject", (APPLICANT,), when=at_kind("recommendation"), message="application.not_recommended"),
    Route("application.reject", (APPLICANT,), when=not_at_kind("recommendation")),
    Route("application.conclude_expert_review", (NEXT_STEP,), is_todo=True, message="application.waiting"),
    Route("application.objection_upheld", (APPLICANT,)),
    Route("application.close_notice", (NEXT_STEP,), is_todo=True, message="application.waiting"),
    # an officer's reminder from the admin list (core.notify.nudges): the applicants it names
    Route("application.reminded", (TO_USERS,), is_todo=True),
    # "application.publish" and "application.award" are told by notice.published and title.awarded.
    Route("notice.published", (APPLICANT, OFFICER)),
    Route("objection.filed", (OFFICER,), is_todo=True),
    # the objector has no account: /notices/objections/lookup shows him the outcome by receipt number
    Route("objection.resolved", (OFFICER,)),
    Route("title.awarded", (APPLICANT,)),
    Route("entitlement.approved", (APPLICANT,)),
    Route("entitlement.paid", (APPLICANT,)),
    Route("statistics.window_opened", (APPLICANT,), is_todo=True),
    Route("statistics.submitted", (CHECKER,), is_todo=True),
    Route("statistics.sent_back", (APPLICANT,), is_todo=True),
    Route("rectification.ordered", (APPLICANT,), is_todo=True),
    Route("rectification.reported", (OFFICER,), is_todo=True),
    Route("rectification.judged", (APPLICANT,)),
    Route("revocation.proposed", (LEADER,), is_todo=True),
    Route("revocation.decided", (APPLICANT, OFFICER)),
    Route("account.password_changed", (TO_USERS,)),
    Route("account.two_factor_changed", (TO_USERS,)),
    # core.notify.reminders (daily) names its recipients
    Route("reminder.deadline_soon", (TO_USERS,), is_todo=True),
    Route("reminder.overdue", (TO_USERS,), is_todo=True),
    Route("reminder.expert_scoring", (TO_USERS,), is_todo=True),
    Route("reminder.notice_ends_tomorrow", (TO_USERS,), is_todo=True),
    # issue 22 expert: an officer assigned him to a batch (core.review.batches.assign_expert); a to-do: declare, score
    Route("expert.assigned", (TO_USERS,), is_todo=True),
)

KINDS = tuple(dict.fromkeys(r.kind for r in ROUTES))


@dataclass
class Subject:
    """What the audiences and links of one event need to know of its subject (read once per event)."""
    organisation_ids: set[int] = field(default_factory=set)
    region: str | None = None                 # the space's region: a recommender's area
    checked_by_region: bool = False           # a statistics return its region's recommenders check
    application: Application | None = None    # an application's event: who can act at its steps
    waiting: Any = None                       # the step the application now waits at (None: none)
    acted: Any = None                         # the step acted on
    about: str | None = None                  # a name for the message: the space, the notice
    staff_link: str | None = None
    applicant_link: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # params added for the wording


def _space_subject(space_id: int | None, subject: Subject) -> Subject:
    space = db.session.get(Space, space_id) if space_id else None
    if space is not None:
        subject.organisation_ids.add(space.organisation_id)
        subject.region, subject.about = space.region, space.name
    return subject


def _application(event: Event, row: Application) -> Subject:
    subject = Subject(application=row, staff_link=f"/admin/case/{row.id}",
                      applicant_link=f"/portal/applications/{row.id}")
    subject.organisation_ids.add(row.organisation_id)
    _space_subject(row.space_id, subject)
    acted = steps.step_of(row, event.params.get("step")) if event.params.get("step") else None
    waiting = steps.step_of(row) if row.current_step else None
    subject.acted = acted
    subject.waiting = waiting if row.status not in ("returned", "rejected", "withdrawn", "recognised") else None
    subject.extra = {"step_kind": acted.kind if acted else None,
                     "next_step_name": waiting.name if waiting else None}
    return subject


def _notice(event: Event, row: PublicNotice) -> Subject:
    organisations = db.session.scalars(select(Application.organisation_id).join(
        NoticeEntry, NoticeEntry.application_id == Application.id).where(NoticeEntry.notice_id == row.id))
    return Subject(organisation_ids=set(organisations), about=row.title, staff_link=f"/admin/notices/{row.id}",
                   applicant_link=f"/notices/{row.id}")


def _objection(event: Event, row: Objection) -> Subject:
    notice = db.session.get(PublicNotice, row.notice_id)
    return Subject(about=notice.title, staff_link=f"/admin/notices/{notice.id}", applicant_link=f"/notices/{notice.id}")


def _recognition(event: Event, row: Recognition) -> Subject:
    return _space_subject(row.space_id, Subject(staff_link=f"/admin/titles/{row.id}",
                                                applicant_link=f"/portal/titles/{row.id}"))


def _entitlement(event: Event, row: SubsidyEntitlement) -> Subject:
    mine = f"/portal/titles/{row.recognition_id}" if row.recognition_id else "/portal/titles/"
    return _space_subject(row.space_id, Subject(staff_link=f"/admin/money/{row.id}", applicant_link=mine))


def _window(event: Event, row: StatisticsWindow) -> Subject:
    from core.monitoring.windows import due_titles

    spaces = {t.space.organisation_id for t in due_titles(row.jurisdiction, row.year)}
    return Subject(organisation_ids=spaces, staff_link=f"/admin/statistics/window/{row.id}",
                   applicant_link="/portal/statistics/")


def _return(event: Event, row: StatisticsReturn) -> Subject:
    from core.monitoring import forms

    by_region = bool(row.checking_jurisdiction) and \
        forms.form_for(row.checking_jurisdiction, row.year).checked_by == "region"
    return _space_subject(row.space_id, Subject(staff_link=f"/admin/statistics/return/{row.id}",
                                                applicant_link=f"/portal/statistics/{row.space_id}/{row.year}",
                                                checked_by_region=by_region))


def _rectification(event: Event, row: Rectification) -> Subject:
    return _space_subject(row.recognition.space_id, Subject(staff_link=f"/admin/rectifications/{row.id}",
                                                            applicant_link=f"/portal/rectifications/{row.id}"))


def _revocation(event: Event, row: Revocation) -> Subject:
    return _space_subject(row.recognition.space_id, Subject(staff_link=f"/admin/revocations/{row.id}",
                                                            applicant_link=f"/portal/titles/{row.recognition_id}"))


def _call(event: Event, row: Call) -> Subject:
    return Subject(about=row.title, staff_link="/admin/call/", applicant_link="/portal/")


def _batch(event: Event, row: Batch) -> Subject:
    # the batch's own page: an expert's reminder or assignment opens his batch (issue 22)
    return Subject(about=row.name, staff_link=f"/admin/batches/{row.id}", applicant_link="/portal/")


def _change(event: Event, row: ChangeReport) -> Subject:
    recognition = db.session.get(Recognition, row.recognition_id)
    return _space_subject(recognition.space_id if recognition else None, Subject(
        staff_link=f"/admin/changes/{row.id}", applicant_link=f"/portal/changes/{row.id}"))


def _user(event: Event, row: User) -> Subject:
    return Subject(staff_link="/account/sessions", applicant_link="/account/sessions")


SUBJECTS: dict[str, tuple[type, Callable[[Event, Any], Subject]]] = {
    "Application": (Application, _application), "PublicNotice": (PublicNotice, _notice),
    "Objection": (Objection, _objection), "Recognition": (Recognition, _recognition),
    "SubsidyEntitlement": (SubsidyEntitlement, _entitlement), "StatisticsWindow": (StatisticsWindow, _window),
    "StatisticsReturn": (StatisticsReturn, _return), "Rectification": (Rectification, _rectification),
    "Revocation": (Revocation, _revocation), "User": (User, _user),
    # the subjects of the reminders (core.notify.reminders) besides those above
    "Call": (Call, _call), "Batch": (Batch, _batch), "ChangeReport": (ChangeReport, _change),
}


def subject_of(event: Event) -> Subject:
    known = SUBJECTS.get(event.subject_type or "")
    if known is None or event.subject_id is None:
        return Subject()
    model, read = known
    row = db.session.get(model, event.subject_id)
    return read(event, row) if row is not None else Subject()


@dataclass(frozen=True)
class Delivery:
    """One user reached by one event through one route."""
    user_id: int
    route: Route
    link: str | None


def applicants_by_organisation(organisation_ids) -> dict[int, list[int]]:
    """organisation → its active applicant users, one statement (here and for the reminders)."""
    found: dict[int, list[int]] = {}
    ids = sorted(set(organisation_ids))
    if ids:
        for user_id, org_id in db.session.execute(select(User.id, User.organisation_id).where(
                User.role == roles.APPLICANT, User.active.is_(True), User.organisation_id.in_(ids))):
            found.setdefault(org_id, []).append(user_id)
    return found


def _applicants(organisation_ids: set[int]) -> list[int]:
    return [user_id for users in applicants_by_organisation(organisation_ids).values() for user_id in users]


def staff_of(role: str, jurisdiction: str | None) -> list:
    """(id, region_prefix) of the active users holding ``role`` in ``jurisdiction`` (issue 22: the role
    of their scope there, else their own), with the area they hold there (here and for the reminders)."""
    return db.session.execute(select(User.id, held_prefix_column().label("region_prefix")).join(UserScope, UserScope.user_id == User.id).where(
        held_role_column() == role, User.active.is_(True), UserScope.jurisdiction == jurisdiction)).all()


def _staff(role: str, jurisdiction: str | None, subject: Subject, *, area_only: bool = False) -> list[int]:
    """The active users of ``role`` scoped to ``jurisdiction`` (an enabled one); ``area_only``: only the
    recommenders with an area, and it holds the space."""
    if jurisdiction not in enabled_codes():
        return []
    users = staff_of(role, jurisdiction)
    if area_only:
        return [u.id for u in users if u.region_prefix and (subject.region or "").startswith(u.region_prefix)]
    return [u.id for u in users]


def _at_step(step, jurisdiction: str | None, subject: Subject) -> list[int]:
    """Who can act at ``step`` of the subject's application, by the rule the to-do lists and the
    无人可办理 list read (core.review.attendance.able_users: the acting role in scope, a recommender by
    area or assignment); nobody there: the officers, who assign the step or act in its place."""
    if step is None or subject.application is None or jurisdiction not in enabled_codes():
        return []
    able = [u.id for u in attendance.able_users(subject.application, step)]
    return able or _staff(OFFICER, jurisdiction, subject)


def deliveries(event: Event) -> tuple[list[Delivery], Subject]:
    """Every user ``event`` reaches, once each (a user reached by two routes keeps the first: a
    to-do route comes before), never its actor."""
    if event.kind not in KINDS:
        return [], Subject()
    subject = subject_of(event)
    # the conditions may read what the subject adds (the kind of the step acted at)
    probe = replace(event, params={**event.params, **subject.extra})
    routes = sorted((r for r in ROUTES if r.applies(probe)), key=lambda r: not r.is_todo)
    found: dict[int, Delivery] = {}
    for route in routes:
        for audience in route.audiences:
            if audience == APPLICANT:
                ids, link = _applicants(subject.organisation_ids), subject.applicant_link
            elif audience == TO_USERS:
                ids = list(event.to_user_ids)
                link = None
            elif audience == CHECKER:
                ids = _staff(OFFICER, event.jurisdiction, subject) + (_staff(
                    roles.RECOMMENDER, event.jurisdiction, subject, area_only=True) if subject.checked_by_region else [])
                link = subject.staff_link
            elif audience in (NEXT_STEP, STEP):
                step = subject.waiting if audience == NEXT_STEP else subject.acted
                ids, link = _at_step(step, event.jurisdiction, subject), subject.staff_link
            else:
                ids, link = _staff(audience, event.jurisdiction, subject), subject.staff_link
            for user_id in ids:
                if user_id != event.actor_id and user_id not in found:
                    found[user_id] = Delivery(user_id, route, link)
    if any(d.link is None for d in found.values()):  # to_users: the link of each one's side
        _links_by_role(found, subject)
    return list(found.values()), subject


def _links_by_role(found: dict[int, Delivery], subject: Subject) -> None:
    missing = [d.user_id for d in found.values() if d.link is None]
    role_of = dict(db.session.execute(select(User.id, User.role).where(User.id.in_(missing))).all())
    for user_id in missing:
        link = subject.applicant_link if role_of.get(user_id) == roles.APPLICANT else subject.staff_link
        found[user_id] = Delivery(user_id, found[user_id].route, link)
