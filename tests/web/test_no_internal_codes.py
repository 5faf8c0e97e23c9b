"""Issue 13: no page, as any role, shows an internal code to a person.

Every GET URL rule of the application (the officer pages, the Flask-Admin list, detail and
edit views, the portal, the public pages, the calendar pages…) is rendered as every role,
with the sweep's ``world`` (tests/web/test_every_url.py) and more 昆明 records in every state the
models know: batches open, concluded and decided, titles active / rectification / revoked,
subsidies pending / paid / cancelled, notices and objections open and closed, audit events
of every kind.  The visible text of each page (not its attributes or URLs, nor scripts) must
not contain, as a whole word, any code the project stores or passes around: application
statuses, workflow actions and step ids, audit action names, the states of batches, titles,
subsidies, notices and objections, eligibility verdicts, roles, plugin codes
(mile / kunming / …) and category codes.  Every code has its words in
``core/platform/labels.py``.

The one exception is marked in the page: an element with the class ``zc-config-code`` shows a
code that the reader types somewhere else (the admin's ``ZHONGCHUANG_JURISDICTIONS`` setting,
a criterion id for ``zhongchuang evaluate``); see docs/labels.md.
"""
from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from core.accounts import roles

from core.review import workflow
from core.platform import labels
from core.platform.audit import record
from core.eligibility.engine import INELIGIBLE, NO_POLICY, PENDING_REVIEW
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import (APPLICATION_STATUSES, AuditEvent, Batch, ExpertAssignment, NoticeEntry, Objection,
                         PublicNotice, Recognition, ReviewRecord, SubsidyEntitlement, SupportFund)
from tests.factories import make_application, make_org, make_space, make_user
from tests.web.test_every_url import ROLES, client_as, urls_of, world  # noqa: F401  (the sweep's fixture)

ROOT = Path(__file__).resolve().parents[2]
AUDIT_ACTION_RE = re.compile(r"""(?:record|record_for)\((?:\[[^\]]*\]|[a-z_.]+|concerned)?,?\s*f?["']([a-z_.{}]+)["']""")


def audit_actions_in_source() -> set[str]:
    """Every audit action name written by the code (``audit.record("x.y", …)``)."""
    found = set()
    for path in list((ROOT / "core").rglob("*.py")) + list((ROOT / "plugins").rglob("*.py")):
        for match in AUDIT_ACTION_RE.finditer(path.read_text(encoding="utf-8")):
            name = match.group(1)
            if "{" in name:
                found.update(name.replace("{action}", a) for a in workflow.ACTIONS)
            elif "." in name or "_" in name:
                found.add(name)
    # written through a variable or a helper: admin views (core.accounts.admin_access), the CLI (core.cli_platform)
    return found | {"admin_create", "admin_update", "admin_delete", "user.create", "user.update"}


def internal_codes() -> set[str]:
    codes = set(APPLICATION_STATUSES) | set(workflow.ACTIONS) | {f"workflow.{a}" for a in workflow.ACTIONS}
    codes |= set(roles.ROLES) | {INELIGIBLE, NO_POLICY, PENDING_REVIEW, "eligible"}
    codes |= set(labels.BATCH_STATUS_LABELS) | set(labels.RECOGNITION_STATUS_LABELS)
    codes |= set(labels.RECOGNITION_LEVEL_LABELS) | set(labels.SUBSIDY_STATUS_LABELS)
    codes |= set(labels.NOTICE_STATUS_LABELS) | set(labels.OBJECTION_STATUS_LABELS)
    codes |= set(labels.OBJECT_TYPE_LABELS) - {"-"}
    codes |= audit_actions_in_source()
    reg = registry()
    for code in reg.installed():
        codes.add(code)
        for version in reg.policies(code):
            for category in version.categories:
                codes.add(category.code)
                codes.update(s.code for s in reg.review_steps(code, category.code, version))
    # English words that are also codes, which Chinese pages never need: kept.  Codes that are
    # also ordinary English of the English pages are checked in Chinese mode only (below).
    return {c for c in codes if len(c) > 2}


class VisibleText(HTMLParser):
    """The text a person reads: no attributes, no <script>/<style>, nothing inside
    ``.zc-config-code``."""

    SKIP = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: does it hide its text?

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        # Flask-Admin's filter definitions: JSON for its script, in a hidden element
        data = attributes.get("id") in ("filter-groups-data", "active-filters-data")
        self.stack.append(tag in self.SKIP or "zc-config-code" in classes or data)

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.stack:
            return
        self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)


class Headers(HTMLParser):
    """The texts of the <th> cells: the column labels of lists and details."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self.depth += 1
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag == "th" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.cells[-1] += data


CJK = re.compile(r"[\u3400-\u9fff]")


def english_headers(html: str) -> list[str]:
    """Column labels with letters but no Chinese (e.g. Flask-Admin's own "Version")."""
    parser = Headers()
    parser.feed(html)
    cells = (" ".join(c.split()) for c in parser.cells)
    return [c for c in cells if re.search("[A-Za-z]{3,}", c) and not CJK.search(c)]


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def codes_in(text: str, codes: set[str]) -> set[str]:
    found = set()
    for code in codes:
        if re.search(rf"(?<![A-Za-z0-9_.@/-]){re.escape(code)}(?![A-Za-z0-9_@/-])", text):
            found.add(code)
    return found


@pytest.fixture
def every_state(app, world):  # noqa: F811
    """昆明 records in every state a page shows, visible to the 昆明 staff."""
    org = world["users"]["applicant"].organisation  # the applicant sees them in the portal
    space = make_space(org, "昆明各态空间")
    apps = {}
    for status, step in (("draft", None), ("submitted", "district_review"), ("in_review", "district_recommend"),
                         ("in_review", "expert_review"), ("returned", "district_review"),
                         ("in_review", "bureau_decision"),
                         ("under_notice", "public_notice"), ("recognised", None), ("rejected", None),
                         ("withdrawn", None)):
        apps[(status, step)] = make_application("kunming", "comprehensive_service", space, status=status,
                                                current_step=step, policy_document="昆科发〔2017〕55号")
    for i, status in enumerate(("open", "concluded", "decided")):
        batch = Batch(jurisdiction="kunming", name=f"昆明{i}号批次", status=status,
                      decision="approve" if status == "decided" else None,
                      decided_on=date(2026, 10, 1) if status == "decided" else None)
        db.session.add(batch)
        db.session.flush()
        list(apps.values())[i + 1].batch_id = batch.id
    recognised = apps[("recognised", None)]
    for i, (level, status) in enumerate((("municipal", "active"), ("provincial", "rectification"),
                                         ("national", "revoked"))):
        recognition = Recognition(application_id=recognised.id if i == 0 else None, space_id=space.id,
                                  jurisdiction="kunming", title=f"昆明市众创空间{i}", certificate_number=f"KM-{i}",
                                  level=level, status=status, granted_on=date(2026, 6, 1))
        db.session.add(recognition)
        db.session.flush()
        for sub in ("pending", "approved", "paid", "cancelled"):
            row = SubsidyEntitlement(recognition_id=recognition.id, space_id=space.id, year=2026, jurisdiction="kunming",
                                     rule_code="kunming.recognition_award", kind="认定奖励",
                                     amount_cny=100000, status=sub, citation={"document": "昆科发〔2017〕55号"})
            db.session.add(row)
            db.session.flush()
            # issue 18: the money desk's trail shows each step's states in words
            if sub != "pending":
                record("subsidy.approve", row, from_state="pending", to_state="approved")
            if sub in ("paid", "cancelled"):
                record("subsidy.pay" if sub == "paid" else "subsidy.cancel_by_officer", row,
                       from_state="approved", to_state=sub)
    db.session.add(SupportFund(jurisdiction="kunming", year=2026, name="昆明扶持资金", amount_cny=1_000_000,
                               source="bureau", citation={}))
    for status in ("open", "closed"):
        notice = PublicNotice(jurisdiction="kunming", title="昆明公示" + ("甲" if status == "open" else "乙"), published_on=date(2026, 11, 20),
                              first_day=date(2026, 11, 21), last_day=date(2026, 12, 7), days=7, status=status)
        notice.entries = [NoticeEntry(application_id=apps[("under_notice", "public_notice")].id)]
        db.session.add(notice)
        db.session.flush()
        for objection_status in ("open", "upheld", "dismissed"):
            db.session.add(Objection(notice_id=notice.id, application_id=apps[("under_notice", "public_notice")].id,
                                     name="异议人", contact="13800000000", content="异议内容", status=objection_status))
    target = apps[("in_review", "expert_review")]
    db.session.add(ReviewRecord(application_id=target.id, step="district_review", action="approve", opinion="同意"))
    record("application.created", target, from_state=None, to_state="draft:-")
    record("workflow.submit", target, from_state="draft:-", to_state="submitted:district_review",
           step="district_review")
    record("workflow.approve", target, from_state="submitted:district_review",
           to_state="in_review:district_recommend", step="district_review")
    record("admin_update", target, fields=["official_number"])
    record("batch.expert_review_concluded", Batch(id=0, jurisdiction="kunming"), object_type="Batch", object_id=1,
           jurisdiction="kunming", from_state="open", to_state="concluded")
    record("organisation.verify", org, object_type="Organisation", jurisdiction="kunming", verified=True)
    for action in sorted(audit_actions_in_source()):
        record(action, object_type="Application", object_id=target.id, jurisdiction="kunming")
    make_user("recommender", ["kunming"], region_prefix="530112")
    db.session.commit()
    batches = db.session.scalars(select(Batch.id).where(Batch.jurisdiction == "kunming")).all()
    expert = world["users"]["expert"]
    for batch_id in batches:
        if not db.session.scalar(select(ExpertAssignment.id).where(ExpertAssignment.batch_id == batch_id,
                                                                   ExpertAssignment.expert_id == expert.id)):
            db.session.add(ExpertAssignment(batch_id=batch_id, expert_id=expert.id))
    db.session.commit()
    world["own"] = {
        "application_id": [a.id for a in apps.values()],
        "batch_id": batches,
        "notice_id": db.session.scalars(select(PublicNotice.id).where(PublicNotice.jurisdiction == "kunming")).all(),
        "space_id": [space.id], "organisation_id": [org.id], "code": ["kunming"], "year": [2026],
        "recognition": db.session.scalars(select(Recognition.id).where(Recognition.jurisdiction == "kunming")).all(),
        "entitlement_id": db.session.scalars(select(SubsidyEntitlement.id)
                                             .where(SubsidyEntitlement.jurisdiction == "kunming")).all(),
        "fund_id": db.session.scalars(select(SupportFund.id).where(SupportFund.jurisdiction == "kunming")).all(),
        "auditevent": db.session.scalars(select(AuditEvent.id).where(AuditEvent.jurisdiction == "kunming")
                                         .order_by(AuditEvent.id).limit(8)).all(),
    }
    return world


# The pages that show one record of the user's own jurisdiction (HTML; the PDFs have their own tests).
OWN_PAGES = ("portal.application", "portal.edit", "portal.draft", "portal_space.edit_space", "public.show",
             "notices.show", "batches.show", "batches.score", "checklist.show", "case.show", "verification.show",
             "policy.show", "calendar.year", "money.show", "funds.show")


def own_urls(app, own: dict) -> list[str]:
    """Every OWN_PAGES rule with every own record in every state, and the Flask-Admin details of
    own titles, subsidies and audit events."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in OWN_PAGES:
            continue
        combos = [{}]
        for arg in rule.arguments:
            combos = [{**c, arg: v} for c in combos for v in own[arg]]
        found += [rule.build(c, append_unknown=False)[1] for c in combos]
    for view in ("recognition", "auditevent"):
        found += [f"/admin/{view}/details/?id={i}" for i in own[view]]
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_an_internal_code_to_any_role(app, every_state, role):
    """Every GET page as ``role``: no status, step, action, verdict, role or plugin code in its text."""
    codes = internal_codes()
    client = client_as(app, every_state, role)
    failures = []
    pages = [url for endpoint, url in urls_of(app, every_state, "GET") if endpoint != "auth.logout"]
    for url in pages + own_urls(app, every_state["own"]):
        response = client.get(url, follow_redirects=False)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        text = visible_text(html)
        found = codes_in(text, codes)
        english = english_headers(html)
        if english:
            failures.append(f"{url}: English column labels in Chinese mode {english}")
        if found:
            where = {c: " ".join(text[max(0, text.find(c) - 40):text.find(c) + 40].split()) for c in sorted(found)}
            failures.append(f"{url}: {where}")
    assert failures == [], "\n".join(failures)


def test_the_check_sees_a_code_in_text_and_not_in_attributes_or_marked_elements():
    """The check can fail: a code in the text is found; in an attribute, a URL, a script, or a
    ``.zc-config-code`` element it is not."""
    codes = {"recommend", "kunming", "eligible_pending_review", "application.created"}
    assert codes_in(visible_text("<td>当前环节 recommend</td>"), codes) == {"recommend"}
    assert codes_in(visible_text("<p>eligible_pending_review</p>"), codes) == {"eligible_pending_review"}
    assert codes_in(visible_text("<td>application.created</td>"), codes) == {"application.created"}
    assert codes_in(visible_text('<a href="/admin/policy/kunming" data-x="recommend">昆明市</a>'), codes) == set()
    assert codes_in(visible_text("<script>var s='recommend';</script><p>推荐</p>"), codes) == set()
    assert codes_in(visible_text('<code class="zc-config-code">kunming</code>'), codes) == set()
    assert codes_in(visible_text("<p>user-kunming@example.cn</p>"), codes) == set()


def test_the_codes_cover_the_models_and_the_plugins(app):
    codes = internal_codes()
    for code in ("recommend", "application.created", "open", "concluded", "municipal", "active", "pending",
                 "eligible_pending_review", "mile", "kunming", "workflow.submit", "comprehensive_service"):
        assert code in codes, code


def test_every_audit_action_and_state_has_words(app):
    """The audit log in words: every action the code writes, every object type, every state."""
    for action in audit_actions_in_source():
        assert labels.audit_action_label(action) != action, action
    with app.test_request_context():
        assert_states_in_words()


def assert_states_in_words():
    assert labels.state_label("draft:-") == "草稿"
    assert (labels.state_label("submitted:district_review", "kunming", "comprehensive_service")
            == "已提交 · 县（市）区科技主管部门初审和实地查验")
    assert labels.state_label("submitted:no_such_step", "kunming", "comprehensive_service") == "已提交"
    assert labels.state_label("concluded") == "专家评审已结束"
    assert labels.state_label(None) == ""
