"""The words of a notification, made when it is shown (the inbox, a mail), in the language of
the moment (``flask_babel``: the reader's, or the site's default for a mail) from the event's
name and its params.  One entry per wording of ``core.notify.routes``; an unknown one reads as
"something happened" rather than an internal code.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from core.platform import labels


def _about(p: dict[str, Any]) -> str:
    return p.get("about") or ""


def _yuan(p: dict[str, Any]) -> str:
    amount = p.get("amount")
    return f"{amount:,}" if isinstance(amount, int) else ""


def _outcome(p: dict[str, Any]) -> str:
    return str(labels.OBJECTION_STATUS_LABELS.get(p.get("outcome"), ""))


def _result(p: dict[str, Any]) -> str:
    return str(labels.RECTIFICATION_RESULT_LABELS.get(p.get("result"), ""))


# --- subsidies: named by the entitlement's kind (``subsidy``, the rule's name, as
# core.money.lifecycle emits it); an amount only where there is one — support in kind (a tax
# relief) has none.


def _approved(p: dict[str, Any]) -> str:
    subsidy, amount = p.get("subsidy"), _yuan(p)
    if not subsidy:  # a row without the subsidy's name
        return (gettext("A subsidy for %(about)s has been approved: %(amount)s yuan.", about=_about(p), amount=amount)
                if amount else gettext("A subsidy for %(about)s has been approved.", about=_about(p)))
    if amount:
        return gettext("The support “%(subsidy)s” for %(about)s has been approved: %(amount)s yuan.",
                       subsidy=subsidy, about=_about(p), amount=amount)
    return gettext("The support “%(subsidy)s” for %(about)s has been approved.", subsidy=subsidy, about=_about(p))


def _paid(p: dict[str, Any]) -> str:
    subsidy, amount, day = p.get("subsidy"), _yuan(p), p.get("paid_on") or ""
    if not subsidy:
        return (gettext("A subsidy for %(about)s has been paid: %(amount)s yuan on %(day)s.", about=_about(p),
                        amount=amount, day=day) if amount else
                gettext("A subsidy for %(about)s has been paid on %(day)s.", about=_about(p), day=day))
    if amount:
        return gettext("The support “%(subsidy)s” for %(about)s has been paid: %(amount)s yuan on %(day)s.",
                       subsidy=subsidy, about=_about(p), amount=amount, day=day)
    return gettext("The support “%(subsidy)s” for %(about)s has been paid on %(day)s.", subsidy=subsidy,
                   about=_about(p), day=day)


# --- reminders (core.notify.reminders): the params say what the thing is (``thing``), its own
# name, its deadline and whether that has passed (``late``); each is worded here once, whole, in
# the reader's language.  Rows written before ``thing`` (with a Chinese ``what``) read by the
# same wording where their params tell the thing, else the generic one, with the thing's name.

REMINDERS: dict[tuple[str, bool], Callable[[dict[str, Any]], str]] = {
    ("call", False): lambda p: gettext("Reminder: the call “%(name)s” closes on %(deadline)s; submit your "
                                       "application before then.", name=_name(p), deadline=_deadline(p)),
    ("statistics", False): lambda p: gettext("Reminder: the annual statistics of %(year)s are due on %(deadline)s; "
                                             "file them before then.", year=p.get("year") or "",
                                             deadline=_deadline(p)),
    ("statistics", True): lambda p: gettext("Overdue: the annual statistics of %(year)s have not been filed and "
                                            "the deadline of %(deadline)s has passed; file them now.",
                                            year=p.get("year") or "", deadline=_deadline(p)),
    ("change_report", False): lambda p: gettext("Reminder: the change affecting the title “%(name)s” must be "
                                                "reported by %(deadline)s.", name=_name(p),
                                                deadline=_deadline(p)),
    ("change_report", True): lambda p: gettext("Overdue: the change affecting the title “%(name)s” has not been "
                                               "reported and the deadline of %(deadline)s has passed; report it "
                                               "now.", name=_name(p), deadline=_deadline(p)),
    ("rectification", False): lambda p: gettext("Reminder: the rectification of the title “%(name)s” is due on "
                                                "%(deadline)s; file your report before then.", name=_name(p),
                                                deadline=_deadline(p)),
    ("rectification", True): lambda p: gettext("Overdue: the rectification report of the title “%(name)s” has "
                                               "not been filed and the deadline of %(deadline)s has passed; file "
                                               "it now.", name=_name(p), deadline=_deadline(p)),
    ("batch", False): lambda p: gettext("Reminder: please score the applications of the review batch “%(name)s” "
                                        "before %(deadline)s.", name=_name(p), deadline=_deadline(p)),
    ("batch", True): lambda p: gettext("Overdue: the scoring of the review batch “%(name)s” has passed its "
                                       "deadline of %(deadline)s; please score its applications now.",
                                       name=_name(p), deadline=_deadline(p)),
    ("notice", False): lambda p: gettext("The public notice “%(name)s” ends tomorrow (%(deadline)s).",
                                         name=_name(p), deadline=_deadline(p)),
}


def _name(p: dict[str, Any]) -> str:
    return p.get("name") or p.get("title") or _about(p)


def _deadline(p: dict[str, Any]) -> str:
    return p.get("deadline") or ""


def _reminder(p: dict[str, Any], *, late: bool) -> str:
    # a row of before ``thing``: a statistics window's had its year, a call's its name
    thing = p.get("thing") or ("statistics" if p.get("year") else "call" if p.get("name") else "")
    wording = REMINDERS.get((thing, late))
    if wording is not None:
        return wording(p)
    if late:
        return gettext("Overdue: the deadline of %(deadline)s for “%(name)s” has passed.", name=_name(p),
                       deadline=_deadline(p))
    return gettext("Reminder: “%(name)s” is due on %(deadline)s.", name=_name(p), deadline=_deadline(p))


WORDINGS: dict[str, Callable[[dict[str, Any]], str]] = {
    "application.submit": lambda p: gettext("The application of %(about)s has been submitted and waits for you "
                                            "at %(step)s.", about=_about(p), step=p.get("next_step_name") or ""),
    "application.resubmit": lambda p: gettext("The application of %(about)s has been resubmitted and waits for you "
                                              "at %(step)s.", about=_about(p), step=p.get("next_step_name") or ""),
    "application.waiting": lambda p: gettext("The application of %(about)s waits for you at %(step)s.",
                                             about=_about(p), step=p.get("next_step_name") or ""),
    "application.withdraw": lambda p: gettext("The application of %(about)s has been withdrawn by the applicant.",
                                              about=_about(p)),
    "application.return": lambda p: gettext("Your application for %(about)s has been returned for revision at "
                                            "%(step)s: read the reasons, revise and resubmit.",
                                            about=_about(p), step=p.get("step_name") or ""),
    "application.recommended": lambda p: gettext("Your application for %(about)s has been recommended.",
                                                 about=_about(p)),
    "application.not_recommended": lambda p: gettext("Your application for %(about)s has not been recommended.",
                                                     about=_about(p)),
    "application.approve": lambda p: gettext("Your application for %(about)s has passed %(step)s.",
                                             about=_about(p), step=p.get("step_name") or ""),
    "application.reject": lambda p: gettext("Your application for %(about)s has not been approved at %(step)s.",
                                            about=_about(p), step=p.get("step_name") or ""),
    "application.objection_upheld": lambda p: gettext("An objection to your application for %(about)s has been "
                                                      "upheld.", about=_about(p)),
    "application.reminded": lambda p: gettext("The bureau reminds you that your application for %(about)s was "
                                              "returned for revision: revise and resubmit it.", about=_about(p)),
    "notice.published": lambda p: gettext("The public notice “%(about)s” has been published (%(first)s to "
                                          "%(last)s).", about=_about(p), first=p.get("first_day") or "",
                                          last=p.get("last_day") or ""),
    "objection.filed": lambda p: gettext("A new objection (receipt number %(number)s) has been filed against the "
                                         "notice “%(about)s”.", number=p.get("receipt_number") or "",
                                         about=_about(p)),
    "objection.resolved": lambda p: gettext("The objection %(number)s against the notice “%(about)s” has been "
                                            "resolved: %(outcome)s.", number=p.get("receipt_number") or "",
                                            about=_about(p), outcome=_outcome(p)),
    "title.awarded": lambda p: gettext("%(about)s has been awarded the title “%(title)s” (certificate %(number)s).",
                                       about=_about(p), title=p.get("title") or "",
                                       number=p.get("certificate_number") or ""),
    "entitlement.approved": lambda p: _approved(p),
    "entitlement.paid": lambda p: _paid(p),
    "statistics.window_opened": lambda p: gettext("The annual statistics of %(year)s are open for filing until "
                                                  "%(deadline)s.", year=p.get("year") or "",
                                                  deadline=p.get("deadline") or ""),
    "statistics.submitted": lambda p: gettext("%(about)s has submitted its statistics of %(year)s for checking.",
                                              about=_about(p), year=p.get("year") or ""),
    "statistics.sent_back": lambda p: gettext("The statistics of %(year)s of %(about)s have been sent back for "
                                              "correction.", about=_about(p), year=p.get("year") or ""),
    "rectification.ordered": lambda p: gettext("%(about)s has been ordered to rectify by %(deadline)s.",
                                               about=_about(p), deadline=p.get("deadline") or ""),
    "rectification.reported": lambda p: gettext("%(about)s has filed its rectification report.", about=_about(p)),
    "rectification.judged": lambda p: gettext("The rectification of %(about)s has been judged: %(result)s.",
                                              about=_about(p), result=_result(p)),
    "revocation.proposed": lambda p: gettext("Revoking the title of %(about)s (certificate %(number)s) has been "
                                             "proposed and waits for your decision.", about=_about(p),
                                             number=p.get("certificate") or ""),
    "revocation.decided": lambda p: (
        gettext("The title of %(about)s (certificate %(number)s) has been revoked.", about=_about(p),
                number=p.get("certificate") or "") if p.get("status") == "revoked" else
        gettext("The proposal to revoke the title of %(about)s has been rejected.", about=_about(p))),
    "account.password_changed": lambda p: gettext("The password of your account has been changed. If you did not do "
                                                  "this, contact the administrator at once."),
    "account.two_factor_changed": lambda p: gettext("The two-factor sign-in of your account has changed. If you did "
                                                    "not do this, contact the administrator at once."),
    "reminder.deadline_soon": lambda p: _reminder(p, late=bool(p.get("late"))),
    "reminder.overdue": lambda p: _reminder(p, late=True),
    "reminder.expert_scoring": lambda p: _reminder({"thing": "batch", **p}, late=bool(p.get("late"))),
    "reminder.notice_ends_tomorrow": lambda p: _reminder({"thing": "notice", **p}, late=False),
    # issue 22 expert
    "expert.assigned": lambda p: (
        gettext("You have been assigned to review the batch “%(about)s”; scores are due on %(due)s.",
                about=_about(p), due=p.get("due_on")) if p.get("due_on") else
        gettext("You have been assigned to review the batch “%(about)s”.", about=_about(p))),
}


def text(event: str, params: dict[str, Any] | None) -> str:
    """What the notification says, in the current language."""
    wording = WORDINGS.get(event)
    if wording is None:  # never the code itself
        return gettext("Something concerning you has changed.")
    return wording(dict(params or {}))
