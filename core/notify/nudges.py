"""An officer's reminder to the applicants of chosen applications (the admin list's bulk action
"remind the selection", issue 20): "the bureau asks you to attend to your application".

Only an application that waits on its applicant is reminded: one returned for revision.  Any other (with the bureau, under notice, decided) has nothing for the
applicant to do, and is reported instead of putting a to-do in his inbox.

Each application's applicant users are told once a day at most — the same ``reminders_sent`` guard
as the daily reminders (core.notify.reminders.first_today): an officer who clicks twice, or two
officers reminding the same list, tell nobody twice.  Each application reminded is audited on its
own; applications whose organisation has no active applicant user are reported, not skipped
silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.notify import routes
from core.notify.reminders import first_today
from core.platform import audit, events
from core.platform.extensions import db
from core.platform.models import Application

REMINDED = "application.reminded"
#: the status in which an application the bureau sees waits on its applicant (a draft is not the
#: bureau's to see: the daily reminders tell its applicant of a call closing)
WAITING_ON_APPLICANT = ("returned",)


@dataclass
class Outcome:
    reminded: list[int] = field(default_factory=list)         # applications whose applicants were told
    already_today: list[int] = field(default_factory=list)    # every applicant already told today
    nobody: list[int] = field(default_factory=list)           # no active applicant user to tell
    not_waiting: list[int] = field(default_factory=list)      # nothing for the applicant to do


def remind_applicants(applications: list[Application], actor, day: date) -> Outcome:
    """Remind the applicant users of each of ``applications`` (already scoped to ``actor``) and
    commit once."""
    outcome = Outcome()
    users_of = routes.applicants_by_organisation(a.organisation_id for a in applications)
    for application in applications:
        if application.status not in WAITING_ON_APPLICANT:
            outcome.not_waiting.append(application.id)
            continue
        users = users_of.get(application.organisation_id, [])
        if not users:
            outcome.nobody.append(application.id)
            continue
        told = first_today(users, REMINDED, f"Application:{application.id}", day)
        if not told:
            outcome.already_today.append(application.id)
            continue
        events.emit(REMINDED, application, actor=actor, to_users=told, status=application.status)
        audit.record(REMINDED, application, actor=actor, users=len(told))
        outcome.reminded.append(application.id)
    db.session.commit()
    return outcome
