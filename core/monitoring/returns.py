"""Filing a year's return: the applicant's draft and submission, the checking bureau's
acceptance or return for correction (docs/statistics.md).

* **One return per space and year**, read by every jurisdiction where the space holds a
  live title (a space with a 昆明 title and a 云南 title files once).  Its fields are the
  union of those jurisdictions' forms (:func:`core.monitoring.forms.form_for_codes`).
* **Who checks**: the bureau of the space's lowest-level live title, fixed at submission
  (:func:`checking_jurisdiction`) — the city itself, or for a province whose form says
  ``checked_by="region"`` (云南) the 州（市） bureau of the space's area: a recommender of
  that jurisdiction whose area covers the space.  The jurisdiction's officers may always act
  (as for a step no recommender covers).
* **When**: a return may be saved and submitted while a filing window of one of the
  space's jurisdictions is open for that year (opened and not yet closed: a filing after
  the deadline is late, listed as overdue, and still taken until the bureau closes the
  window — core.monitoring.windows).
* **Drafts keep what was typed**: a figure that is not a figure is refused with its field
  named and nothing is saved; what was typed stays in the form.
* **Prefilled** from last year's return and, for a first return, from the space's facts.

Every step is one transaction with its audit event, recorded for every jurisdiction that
reads the return.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.accounts import roles
from core.accounts.scoping import region_prefix_in, role_in, role_of, visible_codes
from core.intake.spaces import facts_of
from core.monitoring import forms, rules, titles
from core.platform import audit, clock, events
from core.platform.extensions import db
from core.platform.models import Recognition, Space, StatisticsReturn, StatisticsWindow
from core.policy import StatisticsForm

__all__ = ["STATUSES", "EDITABLE", "ReturnError", "FieldErrors", "ReturnRefused", "return_criteria", "visible_return",
           "checking_jurisdiction", "form_for_space", "may_check", "open_windows", "previous_values", "prefill",
           "find", "save_draft", "submit", "accept", "send_back", "REASON_LIMIT"]

STATUSES = ("draft", "submitted", "returned", "accepted")
EDITABLE = ("draft", "returned")
REASON_LIMIT = 2000


class ReturnError(Exception):
    """An operation refused, with the Chinese reason shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FieldErrors(ReturnError):
    """Figures that are not figures, by field key: nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("请更正标出的栏目")
        self.errors = errors


class ReturnRefused(ReturnError):
    """A submission the rules block: errors, or warnings without an explanation."""

    def __init__(self, result: rules.Result, unexplained: list[rules.Finding]):
        super().__init__("报表未通过校验，请按提示更正或说明")
        self.result = result
        self.unexplained = unexplained


# --- who sees and who checks ----------------------------------------------------------


def return_criteria(user) -> ColumnElement[bool]:
    """Returns ``user`` may read: the applicant its organisation's; staff those of spaces
    holding a title of their jurisdictions (a recommender with an area, only in it); the
    admin every one of a space titled in an enabled jurisdiction."""
    role = role_of(user)
    codes = visible_codes(user)
    if role is None or not codes:
        return false()
    if role == roles.APPLICANT:
        if user.organisation_id is None:
            return false()
        own = select(Space.id).where(Space.organisation_id == user.organisation_id)
        return StatisticsReturn.space_id.in_(own)
    # Staff: per jurisdiction, the role held there (issue 22); an expert reads none.
    terms = []
    for code in codes:
        held, prefix = role_in(user, code), region_prefix_in(user, code)
        if held == roles.EXPERT:
            continue
        term = StatisticsReturn.space_id.in_(select(Recognition.space_id).where(Recognition.jurisdiction == code))
        if prefix:
            term = term & StatisticsReturn.space_id.in_(
                select(Space.id).where(Space.region.startswith(prefix, autoescape=True)))
        terms.append(term)
    return or_(*terms) if terms else false()


def visible_return(return_id: int, user) -> StatisticsReturn | None:
    return db.session.scalars(select(StatisticsReturn).where(
        StatisticsReturn.id == return_id, return_criteria(user))).one_or_none()


def checking_jurisdiction(space_id: int) -> str | None:
    codes = titles.titled_codes(space_id)
    return codes[0] if codes else None


def form_for_space(space_id: int, year: int) -> StatisticsForm:
    return forms.form_for_codes(titles.titled_codes(space_id), year)


def may_check(user, statistics_return: StatisticsReturn) -> bool:
    """Whether ``user`` may accept or send back ``statistics_return`` now."""
    code = statistics_return.checking_jurisdiction
    if statistics_return.status != "submitted" or code is None or code not in visible_codes(user):
        return False
    role, prefix = role_in(user, code), region_prefix_in(user, code)  # held there (issue 22)
    if role == roles.OFFICER:
        return True
    if role == roles.RECOMMENDER and prefix:
        form = forms.form_for(code, statistics_return.year)
        return form.checked_by == "region" and statistics_return.space.region.startswith(prefix)
    return False


# --- the window and what the form starts from ---------------------------------------


def open_windows(space_id: int, year: int | None = None) -> list[StatisticsWindow]:
    """The windows open today for the space's jurisdictions (of ``year`` if given),
    the earliest deadline first."""
    codes = titles.titled_codes(space_id)
    if not codes:
        return []
    query = select(StatisticsWindow).where(
        StatisticsWindow.jurisdiction.in_(codes), StatisticsWindow.closed_at.is_(None),
        StatisticsWindow.opens_on <= clock.today())
    if year is not None:
        query = query.where(StatisticsWindow.year == year)
    return list(db.session.scalars(query.order_by(StatisticsWindow.year, StatisticsWindow.deadline)))


def find(space_id: int, year: int) -> StatisticsReturn | None:
    return db.session.scalars(select(StatisticsReturn).where(
        StatisticsReturn.space_id == space_id, StatisticsReturn.year == year)).one_or_none()


def previous_values(space_id: int, year: int) -> dict[str, Any] | None:
    """Last year's accepted figures (the growth warnings compare with them), or None."""
    before = find(space_id, year - 1)
    return dict(before.data) if before is not None and before.status == "accepted" else None


def prefill(space: Space, year: int, form: StatisticsForm) -> dict[str, Any]:
    """What a new return starts from: last year's return (whatever its state), else the
    figures the space's facts hold (使用面积、工位数、服务人员数、创业导师数)."""
    before = find(space.id, year - 1)
    if before is not None and before.data:
        keys = {f.key for f in forms.fields_of(form)}
        return {k: v for k, v in before.data.items() if k in keys}
    facts = facts_of(space)
    return {f.key: facts[f.from_fact] for f in forms.fields_of(form)
            if f.from_fact and facts.get(f.from_fact) is not None}


# --- the applicant's steps ------------------------------------------------------------


def _read(form: StatisticsForm, raw: dict[str, Any]) -> dict[str, Any]:
    """Every figure of ``raw`` read, or :class:`FieldErrors` with each bad field named."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in forms.fields_of(form):
        if f.key not in raw:
            continue
        try:
            values[f.key] = rules.read_value(f, raw[f.key])
        except rules.BadReturn as bad:
            errors[f.key] = bad.message
    if errors:
        raise FieldErrors(errors)
    return {k: v for k, v in values.items() if v is not None}


def _explanations(raw: dict[str, str] | None) -> dict[str, str]:
    cleaned = {k: (v or "").strip() for k, v in (raw or {}).items()}
    too_long = [k for k, v in cleaned.items() if len(v) > REASON_LIMIT]
    if too_long:
        raise FieldErrors({f"explain_{k}": f"说明不能超过 {REASON_LIMIT} 字" for k in too_long})
    return {k: v for k, v in cleaned.items() if v}


def _editable(space: Space, year: int, expected_version: int | None) -> StatisticsReturn:
    if not open_windows(space.id, year):
        raise ReturnError(f"{year} 年度统计数据的填报尚未开始或已结束")
    found = find(space.id, year)
    if found is None:
        found = StatisticsReturn(space_id=space.id, year=year, status="draft", data={}, explanations={}, residents=[])
        db.session.add(found)
        return found
    if found.status not in EDITABLE:
        raise ReturnError("报表已提交，审核期间不能修改")
    if expected_version is not None and found.version != expected_version:
        raise ReturnError("报表已在其他页面修改，请刷新后重试")
    return found


def _codes(space_id: int) -> list[str]:
    return titles.titled_codes(space_id)


def _flush() -> None:
    """Write now: a return created or changed at the same moment elsewhere (another tab, a
    colleague) is refused here, not as an error page, and nothing is written."""
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise ReturnError("报表已在其他页面修改，请刷新后重试") from None


def save_draft(space: Space, year: int, raw: dict[str, Any], explanations: dict[str, str] | None, user,
               expected_version: int | None = None) -> StatisticsReturn:
    """Keep the figures typed so far (all or nothing)."""
    form = form_for_space(space.id, year)
    values = _read(form, raw)
    notes = _explanations(explanations)
    found = _editable(space, year, expected_version)
    found.data = rules.as_json(values)
    found.explanations = notes
    _flush()
    audit.record_for(_codes(space.id), "statistics.draft_saved", found, to_state=found.status, year=year, actor=user)
    db.session.commit()
    return found


def _residents(space: Space) -> list[dict[str, Any]]:
    return [{"name": r.name, "kind": r.kind, "entered_on": r.entered_on.isoformat() if r.entered_on else None,
             "registered_in_space": bool(r.registered_in_space), "employees": r.employees}
            for r in sorted(space.residents, key=lambda r: (r.entered_on or clock.today(), r.id or 0))]


def submit(space: Space, year: int, raw: dict[str, Any], explanations: dict[str, str] | None, user,
           expected_version: int | None = None) -> StatisticsReturn:
    """Submit the return: every required figure given, no error, every warning explained.
    The year-end resident list is taken from 我的众创空间 now."""
    form = form_for_space(space.id, year)
    values = _read(form, raw)
    notes = _explanations(explanations)
    result = rules.check(form, values, previous_values(space.id, year))
    unexplained = [w for w in result.warnings if not notes.get(w.rule)]
    if result.errors or unexplained:
        raise ReturnRefused(result, unexplained)
    found = _editable(space, year, expected_version)
    before = found.status
    found.data = rules.as_json(values)
    found.explanations = {w.rule: notes[w.rule] for w in result.warnings}
    found.residents = _residents(space)
    found.status = "submitted"
    found.checking_jurisdiction = checking_jurisdiction(space.id)
    found.submitted_at = clock.utcnow()
    found.submitted_by_id = getattr(user, "id", None)
    found.return_reason = None
    _flush()
    audit.record_for(_codes(space.id), "statistics.submitted", found, from_state=before, to_state="submitted",
                     year=year, actor=user)
    events.emit("statistics.submitted", found, jurisdiction=found.checking_jurisdiction, actor=user, year=year)
    db.session.commit()
    return found


# --- the checking bureau --------------------------------------------------------------


def _decide(statistics_return: StatisticsReturn, user, expected_version: int | None) -> None:
    if expected_version is not None and statistics_return.version != expected_version:
        raise ReturnError("报表已被他人处理，请刷新后查看")
    if statistics_return.status != "submitted":
        raise ReturnError("该报表当前不在待审核状态")
    if not may_check(user, statistics_return):
        raise ReturnError("您不是该报表的审核单位")


def accept(statistics_return: StatisticsReturn, user, expected_version: int | None = None) -> None:
    _decide(statistics_return, user, expected_version)
    statistics_return.status = "accepted"
    statistics_return.decided_at = clock.utcnow()
    statistics_return.decided_by_id = user.id
    _flush()
    audit.record_for(_codes(statistics_return.space_id), "statistics.accepted", statistics_return,
                     from_state="submitted", to_state="accepted", year=statistics_return.year, actor=user)
    db.session.commit()


def send_back(statistics_return: StatisticsReturn, reason: str, user, expected_version: int | None = None) -> None:
    """Return for correction, with the reasons the applicant reads."""
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": "请填写退回原因"})
    if len(reason) > REASON_LIMIT:
        raise FieldErrors({"reason": f"退回原因不能超过 {REASON_LIMIT} 字"})
    _decide(statistics_return, user, expected_version)
    statistics_return.status = "returned"
    statistics_return.return_reason = reason
    statistics_return.decided_at = clock.utcnow()
    statistics_return.decided_by_id = user.id
    _flush()
    audit.record_for(_codes(statistics_return.space_id), "statistics.returned", statistics_return,
                     from_state="submitted", to_state="returned", opinion=reason, year=statistics_return.year,
                     actor=user)
    events.emit("statistics.sent_back", statistics_return, jurisdiction=statistics_return.checking_jurisdiction,
                actor=user, year=statistics_return.year)
    db.session.commit()
