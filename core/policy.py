"""The plain data a jurisdiction plugin returns from its hooks.

A plugin *describes* its jurisdiction with these frozen dataclasses; the core *runs*
them.  Every provision carries a :class:`Citation` to the document and article it
comes from, so the admin's policy page, the eligibility answer and the tests can all
name the source.  Nothing here touches Flask or the database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Literal

LEVELS = ("county", "city", "province")
LEVEL_LABELS = {"county": "县级", "city": "市级", "province": "省级"}


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a provision comes from: the document number as printed, the article
    (第X条) where the document has articles, and the item — （一）… or 1, 2… — as printed."""

    document: str
    article: str | None = None
    item: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"document": self.document, "article": self.article, "item": self.item}

    def __str__(self) -> str:
        return "".join(p for p in (self.document, " ", self.article, self.item) if p).strip()

    @classmethod
    def from_dict(cls, data: dict | None) -> Citation | None:
        """A citation stored as :meth:`to_dict` left it (None for an empty one)."""
        if not data or not data.get("document"):
            return None
        return cls(data["document"], data.get("article"), data.get("item"))


def citation_text(data: dict | None) -> str:
    """A stored citation in words, as :class:`Citation` prints it: ``昆科发〔2017〕55号 第十三条``,
    ``徐政发〔2016〕12号 五、保障措施（一）``; "" for none."""
    found = Citation.from_dict(data)
    return str(found) if found is not None else ""


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """A recognising authority: a county-level city, a city or a province.

    ``region_prefixes`` are GB/T 2260 code prefixes of the area it covers
    (``("532504",)`` for 弥勒市, ``("5301",)`` for 昆明市); ``parent`` is the code of
    the jurisdiction above it, when that one is a plugin too.
    """

    code: str
    name: str
    level: Literal["county", "city", "province"]
    region_prefixes: tuple[str, ...]
    authority: str
    parent: str | None = None

    def covers(self, region_code: str) -> bool:
        return any(region_code.startswith(p) for p in self.region_prefixes)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of title a space may apply for, e.g. 综合服务类 (``comprehensive_service``)."""

    code: str
    name: str
    citation: Citation | None = None


@dataclass(frozen=True, slots=True)
class Parameter:
    """A number a rule reads, kept as dated, referenced data (the OpenFisca habit).

    ``value`` None with ``bureau_setting=True`` means the policy sets no number: the
    bureau must enter it (see ``core.bureau.data``); code never invents one.
    """

    key: str
    label: str
    value: Any
    citation: Citation | None = None
    unit: str = ""
    bureau_setting: bool = False
    #: the reading the platform applies where the text is approximate or ambiguous
    reading: str = ""


class DatedDocument:
    """A document in force from ``effective_from`` to ``effective_to`` inclusive (None:
    open-ended): what a recognition policy and a support document share."""

    __slots__ = ()

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "title": self.title,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
        }


@dataclass(frozen=True, slots=True)
class PolicyVersion(DatedDocument):
    """One version of a jurisdiction's policy, in force from ``effective_from`` to
    ``effective_to`` inclusive (None: open-ended).  An application is judged under the
    version in force on its submission date."""

    jurisdiction: str
    document: str
    title: str
    effective_from: date
    effective_to: date | None
    categories: tuple[Category, ...]
    notice_days: int | None = None
    notice_citation: Citation | None = None
    replaces: str | None = None
    parameters: tuple[Parameter, ...] = ()
    award_title: str = ""  # the title as the policy words it, e.g. 昆明市众创空间
    award_citation: Citation | None = None
    note: str = ""
    #: how applications come in: "call" (only while a call of the bureau is open, e.g.
    #: 昆科发〔2017〕55号 第八条) or "year_round" (any day, reviewed in batches)
    intake: str = "year_round"
    intake_citation: Citation | None = None
    #: the document that holds the recognition criteria when the platform does not have it
    #: (徐政发〔2015〕73号 for 徐州): until the bureau enters criteria of its own, the
    #: eligibility answer and the pre-check warn that the conditions are not checked
    criteria_document: str | None = None


    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)



CriterionCheck = Callable[[Any, "CheckContext"], tuple[bool, str]]


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a criterion's check may read besides the facts: the as-of date and the
    policy's parameters after bureau overrides (``params["min_area_m2"]``)."""

    as_of: date
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Criterion:
    """One condition of a policy.

    ``kind`` is ``"auto"`` when a number or a fact decides (``check`` is then a pure
    function ``(facts, context) -> (passed, message_in_chinese)``) and ``"manual"``
    when judgement does (experts record the result; ``check`` is None).
    ``categories`` None means the criterion applies to every category of the policy.
    """

    id: str
    title: str
    citation: Citation
    kind: Literal["auto", "manual"]
    check: CriterionCheck | None = None
    categories: tuple[str, ...] | None = None
    policy: str | None = None  # document number of the version it belongs to; None = all
    #: the reading the platform applies where the text is approximate or ambiguous
    #: (原则上, 左右, 除外); shown on the policy page as 适用解读
    reading: str = ""
    #: the text says 原则上 (as a rule): the check stays automatic, but the experts may
    #: record an exception with a reason on the checklist (core.eligibility.checklist)
    as_a_rule: bool = False

    def applies_to(self, category: str, policy: PolicyVersion) -> bool:
        return (self.categories is None or category in self.categories) and (
            self.policy is None or self.policy == policy.document
        )


STEP_KINDS = ("recommendation", "initial_review", "expert_review", "decision", "public_notice", "award")


@dataclass(frozen=True, slots=True)
class ReviewStep:
    """One step an application passes through after submission.  ``role`` is the role
    that acts on it; ``days`` only where the policy sets a period."""

    code: str
    name: str
    role: str
    kind: str
    citation: Citation
    days: int | None = None
    note: str = ""
    #: where an application returned for revision at this step re-enters when the
    #: applicant resubmits (a step code); None: at this same step
    return_to: str | None = None
    #: where the policy names the meeting that takes this decision (弥勒 附件1 第七条
    #: 局务会): the decision then records the meeting's date and minutes.  Elsewhere
    #: that record is a bureau setting (``decision_meeting_record``, 本局要求), off by default.
    meeting: Citation | None = None


@dataclass(frozen=True, slots=True)
class SupportDocument(DatedDocument):
    """A document that grants support with its own window, apart from the recognition
    policy (云南's opinion 云政办发〔2016〕65号 outlives the 办法 云科规〔2021〕1号).
    ``effective_to`` None: no end date.  ``note`` says where the dates come from."""

    document: str
    title: str
    effective_from: date
    effective_to: date | None = None
    note: str = ""




@dataclass(frozen=True, slots=True)
class SubsidyRule:
    """Money or support the policy attaches to an event.

    ``event`` is ``"recognized"`` (with ``level``: national / provincial / municipal) or
    ``"evaluated"`` (with ``grade``: excellent / good / qualified / unqualified).
    ``amount_cny`` None means support without a fixed amount; ``setting_key`` names
    a bureau setting that may adjust the amount (e.g. Xuzhou's "20 万元左右").
    ``approximate`` True: the policy's figure is approximate (左右); ``reading`` says
    how the platform applies it.  ``support`` names the document the rule comes from
    when that document has its own window: the rule then applies whenever that
    document is in force, whatever the recognition policy (None: the rule lives and
    lapses with the recognition policy it is returned for).
    """

    code: str
    name: str
    event: Literal["recognized", "evaluated"]
    citation: Citation
    amount_cny: int | None = None
    levels: tuple[str, ...] | None = None
    grades: tuple[str, ...] | None = None
    note: str = ""
    setting_key: str | None = None
    approximate: bool = False
    reading: str = ""
    support: SupportDocument | None = None
    #: the kind of support across jurisdictions (:data:`SUPPORT_CATEGORIES`), so duplicate support
    #: can be compared (云政办发〔2016〕65号 (十五)); None: not money to compare (tax, priority…)
    category: str | None = None

    def in_force_on(self, day: date) -> bool:
        """For a rule bound to its own document: is that document in force on ``day``?
        (A rule without one follows its recognition policy: always True here.)"""
        return self.support is None or self.support.in_force_on(day)

    def matches(self, event: str, level: str | None = None, grade: str | None = None) -> bool:
        if event != self.event:
            return False
        if self.levels is not None and level not in self.levels:
            return False
        if self.grades is not None and grade not in self.grades:
            return False
        return True


# Kinds of support that are compared across jurisdictions (a reading of each rule, shown on the
# policy page with the rule): money for building and running the space (建设引导资金, 房租、宽带等
# 运行补助), a one-time award for a title (认定奖励), an award for an assessment grade (考核奖补).
SUPPORT_CATEGORIES = ("space_funding", "title_award", "assessment_award")


@dataclass(frozen=True, slots=True)
class OverlapRule:
    """A duplicate-support rule, as data: two entitlements of the same space (or the same
    organisation, ``same="organisation"``) of one of ``categories``, from two different
    jurisdictions (``different_levels``) governed by the declaring jurisdiction (itself and the
    jurisdictions under it, ``Jurisdiction.parent``), whose years lie within N years of each other:
    N is the declaring bureau's setting ``years_setting`` (no document sets one; unset: any years).
    A flag asks the approving officer for a written justification; it prohibits nothing."""

    code: str
    message: str
    citation: Citation
    categories: tuple[str, ...]
    same: Literal["space", "organisation"] = "space"
    different_levels: bool = True
    years_setting: str | None = None
    reading: str = ""


@dataclass(frozen=True, slots=True)
class SupportFundRule:
    """A fund the document sets up for the support (徐政发〔2016〕12号 五（一） 2000 万元
    市众创空间奖补资金): its name, amount and article.  The bureau opens it per year
    (core.money.funds); where no document fixes an amount the bureau's is used and shown as such."""

    code: str
    name: str
    citation: Citation
    amount_cny: int | None = None
    reading: str = ""


@dataclass(frozen=True, slots=True)
class TitlePrerequisite:
    """Support that a document gives only to a space holding another title: the rule
    ``applies_to`` (a :class:`SubsidyRule` code) is owed only while the space holds a live title
    at one of ``levels`` — granted in this deployment or recorded as won elsewhere — and, with
    ``elsewhere``, not the declaring jurisdiction's own (弥政办发〔2017〕5号 二（四） “对通过省州级认定的
    众创空间”)."""

    code: str
    applies_to: str
    levels: tuple[str, ...]
    citation: Citation
    message: str
    elsewhere: bool = True
    reading: str = ""


@dataclass(frozen=True, slots=True)
class Material:
    """A document the applicant must hand in (申报材料), e.g. 众创空间建设运营方案.

    ``required`` False for what the policy asks only where it applies (其他应提交的材料).
    """

    code: str
    name: str
    citation: Citation
    required: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class AssessmentDimension:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class AssessmentScheme:
    """The annual assessment (年度考核) after recognition.

    ``scored`` False: the dimensions are grounds the bureau finds, not scores (云南's four
    grounds for withdrawal); no scored round is opened for it (core.monitoring.assessments).
    No dimension at all: the assessment is an outside agency's report with grades (徐州)."""

    citation: Citation
    dimensions: tuple[AssessmentDimension, ...]
    consequences: tuple[str, ...] = ()
    removal_after_failed_years: int | None = None
    ranking: bool = False
    duties: tuple[tuple[str, Citation], ...] = field(default=())
    scored: bool = True


# --- the annual statistics return (年度统计数据) -----------------------------------------

#: how a field of the return is entered: a count (non-negative whole number), money in 千元
#: or an area in square metres (non-negative, two decimals at most), or text
STATISTICS_KINDS = ("count", "money", "area", "text")


@dataclass(frozen=True, slots=True)
class StatisticsField:
    """One figure of the return.  ``key`` is its name in a return file (CONTRACTS §7),
    ``label`` the Chinese column header, ``unit`` what it counts (个, 人, 千元, 平方米)."""

    key: str
    label: str
    kind: str = "count"
    unit: str = ""
    help: str = ""
    required: bool = True
    #: where the prefilled value comes from when there is no return of last year: a key of
    #: the space's facts (CONTRACTS §1), e.g. ``"area_sqm"``
    from_fact: str | None = None


@dataclass(frozen=True, slots=True)
class StatisticsSection:
    code: str
    title: str
    fields: tuple[StatisticsField, ...]


@dataclass(frozen=True, slots=True)
class StatisticsRule:
    """A consistency check of a return, as data.

    ``test`` is one of:

    * ``"at_most"`` — ``field`` ≤ ``other``, or ≤ the sum of ``parts`` (e.g. 服务收入 ≤ 总收入);
    * ``"at_least"`` — ``field`` ≥ ``other`` (团队人员数 ≥ 团队数);
    * ``"together"`` — ``field`` > 0 exactly when ``other`` > 0 (投融资总额 and 获得投融资数);
    * ``"sum_at_most"`` — the sum of ``parts`` ≤ ``field`` (收入构成 ≤ 总收入);
    * ``"growth"`` — ``field`` at most ``factor`` times last year's and at least
      1/``factor`` of it (a warning: the applicant explains).

    ``severity`` "error" blocks submission, "warning" asks for an explanation.
    ``citation`` where a document sets the rule; None for a plain consistency check."""

    id: str
    test: str
    field: str
    message: str
    other: str | None = None
    parts: tuple[str, ...] = ()
    factor: float | None = None
    severity: str = "error"
    citation: Citation | None = None


@dataclass(frozen=True, slots=True)
class StatisticsForm:
    """The annual return of a jurisdiction for one year (hook ``zc_statistics_form``).

    A plugin answering with ``replaces=True`` gives the whole form; any other answer adds
    its sections (new sections, or fields appended to a section of the same code) and
    rules to the core's default return.  ``citation`` is the article that asks for the
    statistics.  ``checked_by`` names who checks a return for this jurisdiction's titles:
    ``"officer"`` (the jurisdiction's own bureau) or ``"region"`` (the bureau of the
    space's 州（市） or district, a recommender whose area covers the space; 云南)."""

    jurisdiction: str
    citation: Citation | None = None
    sections: tuple[StatisticsSection, ...] = ()
    rules: tuple[StatisticsRule, ...] = ()
    replaces: bool = False
    checked_by: str = "officer"
    checked_by_citation: Citation | None = None
    note: str = ""


# --- a title's standing after recognition (CONTRACTS §6) ---------------------------------

#: the grades of an annual assessment, as CONTRACTS §6 spells them
ASSESSMENT_GRADES = ("excellent", "good", "qualified", "unqualified")
#: what an officer may find about a recognised space (CONTRACTS §6 ``findings``)
FINDING_KINDS = ("fraud", "serious_dishonesty", "serious_violation", "operator_deregistered",
                 "cannot_meet_criteria", "cannot_operate")
#: why a title was revoked (CONTRACTS §6 ``revocation_grounds``)
REVOCATION_GROUNDS = ("assessment", "rectification", "statistics", "fraud", "serious_dishonesty",
                      "serious_violation", "operator_deregistered", "cannot_meet_criteria")
#: the tests a standing rule may run over a title's record (core.monitoring.standing):
#:
#: * ``assessment_failed`` — an annual assessment graded unqualified; answered by a rectification
#:   (the rule's standing is then ``rectification``);
#: * ``assessments_failed_consecutive`` — ``count`` consecutive years graded unqualified;
#: * ``rectification_failed`` — a rectification judged failed;
#: * ``statistics_unfiled_consecutive`` — ``count`` consecutive years whose statistics were not
#:   filed and not excused (特殊原因);
#: * ``finding`` — an officer's finding of one of ``finding_kinds``; with standing ``rectification``
#:   it is answered by a rectification, like a failed assessment.
STANDING_TESTS = ("assessment_failed", "assessments_failed_consecutive", "rectification_failed",
                  "statistics_unfiled_consecutive", "finding")


@dataclass(frozen=True, slots=True)
class StandingPeriod:
    """A period the standing reads (to report a change, to rectify): the value of ``key`` — a
    parameter of the policy version (after the bureau's override) or, where the document sets
    none, a bureau setting (``citation`` None, ``bureau_setting`` True) — in ``unit``
    ``"months"`` or ``"years"``."""

    key: str
    unit: Literal["months", "years"]
    citation: Citation | None = None
    bureau_setting: bool = False


@dataclass(frozen=True, slots=True)
class StandingRule:
    """One consequence a policy attaches to a title's record, as data.

    ``test`` is one of ``STANDING_TESTS``; ``standing`` what it produces: ``"rectification"``
    (限期整改) or ``"revocation_due"`` (取消 / 撤销 to be decided).  ``title`` names the ground
    in a few words as the document puts it (连续两年考核不合格); ``message`` is the Chinese
    ground for one record, a template with ``{years}`` (e.g. "2024、2025"), ``{count}``, ``{kinds}``,
    ``{on}`` (the day of the finding or the rectification's order) and ``{deadline}``.
    ``count`` is the number of consecutive years; ``count_parameter``, when set, names the
    parameter that gives it instead (so a bureau's override applies).  ``finding_kinds`` for the
    test ``finding``.  ``grounds``: the codes of CONTRACTS §6 ``revocation_grounds`` a revocation
    on this rule is recorded with (a revoked title's grounds cite the rule)."""

    id: str
    test: str
    standing: Literal["rectification", "revocation_due"]
    citation: Citation
    title: str
    message: str
    count: int | None = None
    count_parameter: str | None = None
    finding_kinds: tuple[str, ...] = ()
    grounds: tuple[str, ...] = ()
    #: the reading the platform applies where the text is ambiguous (shown with the rule)
    reading: str = ""


@dataclass(frozen=True, slots=True)
class StandingBan:
    """A ban on applying again that the policy attaches to a revocation on one of ``grounds``
    (CONTRACTS §6 codes): ``parameter`` gives the number of years (counted from the revocation,
    民法典 第201、202条)."""

    grounds: tuple[str, ...]
    parameter: str
    citation: Citation
    message: str = ""


@dataclass(frozen=True, slots=True)
class StandingRules:
    """What a jurisdiction's policy makes of a title's record (hook ``zc_standing_rules``).

    ``rules`` the consequences; ``ban`` the ban after a revocation (None: the policy sets none);
    ``change_report`` the period to report a change of the conditions of recognition (None: no
    such duty is known); ``rectification_period`` the default deadline of a rectification the
    bureau orders (None: the policy orders none); ``note`` what the documents leave unsaid
    (e.g. 徐州: no consequence set) — given as a warning with every answer that applies no rule."""

    jurisdiction: str
    citation: Citation
    rules: tuple[StandingRule, ...] = ()
    ban: StandingBan | None = None
    change_report: StandingPeriod | None = None
    rectification_period: StandingPeriod | None = None
    note: str = ""
