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
    "entitlement.approved": lambda p: gettext("A subsidy for %(about)s has been approved: %(amount)s yuan.",
                                              about=_about(p), amount=_yuan(p)),
    "entitlement.paid": lambda p: gettext("A subsidy for %(about)s has been paid: %(amount)s yuan on %(day)s.",
                                          about=_about(p), amount=_yuan(p), day=p.get("paid_on") or ""),
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
    "reminder.deadline_soon": lambda p: gettext("Reminder: %(what)s is due on %(deadline)s.",
                                                what=p.get("what") or _about(p), deadline=p.get("deadline") or ""),
    "reminder.overdue": lambda p: gettext("Overdue: %(what)s was due on %(deadline)s.",
                                          what=p.get("what") or _about(p), deadline=p.get("deadline") or ""),
    "reminder.expert_scoring": lambda p: gettext("Reminder: please score the applications of %(what)s before "
                                                 "%(deadline)s.", what=p.get("what") or _about(p),
                                                 deadline=p.get("deadline") or ""),
    "reminder.notice_ends_tomorrow": lambda p: gettext("The public notice “%(what)s” ends tomorrow.",
                                                       what=p.get("what") or _about(p)),
}


def text(event: str, params: dict[str, Any] | None) -> str:
    """What the notification says, in the current language."""
    wording = WORDINGS.get(event)
    if wording is None:  # never the code itself
        return gettext("Something concerning you has changed.")
    return wording(dict(params or {}))
