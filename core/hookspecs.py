"""The hooks a jurisdiction plugin implements.

Each hook is documented here and in ``docs/plugins.md`` (a test keeps the two in
step).  Hooks are always called with keyword arguments.  *Collected* hooks return a
list of every plugin's non-None answer, so an add-on package can contribute to an
existing jurisdiction (a criterion, a successor policy version); *first-result* hooks
stop at the first non-None answer, so an add-on registered later wins over a
built-in marked ``trylast``.

A plugin answers only for its own jurisdiction: hooks that take ``jurisdiction``
return None for any other code.
"""
from __future__ import annotations

import pluggy

PROJECT = "zhongchuang"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- who the jurisdiction is -------------------------------------------------------


@hookspec
def zc_jurisdiction():
    """Describe the jurisdiction this plugin implements.

    Returns a :class:`core.policy.Jurisdiction` (code, name, level, region-code
    prefixes, authority, parent).  Collected: the core builds its list of installed
    jurisdictions from every answer; two plugins answering the same code is an error
    at start-up.  A pure add-on (extending another jurisdiction) returns None.

    Example::

        @hookimpl
        def zc_jurisdiction():
            return Jurisdiction(code="mile", name="弥勒市", level="county",
                                region_prefixes=("532504",),
                                authority="弥勒市农业和科学技术局", parent="yunnan")
    """


@hookspec
def zc_policies(jurisdiction):
    """Policy versions of ``jurisdiction`` (str code).

    Returns a list of :class:`core.policy.PolicyVersion`, each with its validity
    window, categories, notice period and parameters.  Collected and concatenated, so
    an add-on may ship a successor version.  Versions of one jurisdiction must not
    overlap.

    Example::

        @hookimpl
        def zc_policies(jurisdiction):
            if jurisdiction == "kunming":
                return [PolicyVersion(jurisdiction="kunming", document="昆科发〔2017〕55号", ...)]
    """


# --- what it asks of a space --------------------------------------------------------


@hookspec
def zc_criteria(jurisdiction, category, policy):
    """Eligibility criteria for ``category`` (str code) of ``jurisdiction`` (str)
    under ``policy`` (:class:`core.policy.PolicyVersion`).

    Returns a list of :class:`core.policy.Criterion`.  Collected from *every* plugin,
    so an add-on package can add a criterion to an existing jurisdiction; ids must be
    unique across the answers.

    Example::

        @hookimpl
        def zc_criteria(jurisdiction, category, policy):
            if jurisdiction == "kunming" and category == "comprehensive_service":
                return [Criterion(id="kunming.area", kind="auto", ...)]
    """


@hookspec(firstresult=True)
def zc_application_form(jurisdiction, category):
    """The application form (申请表 / 申报书) of ``jurisdiction`` for ``category``.

    Returns a WTForms form *class* (a subclass of ``flask_wtf.FlaskForm``) that
    collects at least the facts of CONTRACTS §1.  First result wins, so an add-on
    can replace a built-in form.

    Example::

        @hookimpl
        def zc_application_form(jurisdiction, category):
            if jurisdiction == "mile":
                return MileApplicationForm
    """


@hookspec
def zc_required_materials(jurisdiction, category):
    """The materials (申报材料) an application of ``category`` (str code) of
    ``jurisdiction`` (str) must include.

    Returns a list of :class:`core.policy.Material` (code, name, citation, required).
    Collected and concatenated in registration order, so an add-on can ask for one
    more document; codes must be unique across the answers.

    Example::

        @hookimpl
        def zc_required_materials(jurisdiction, category):
            if jurisdiction == "kunming":
                return [Material("operation_plan", "众创空间建设运营方案",
                                 Citation("昆科发〔2017〕55号", "第九条", "（三）"))]
    """


# --- what happens to an application ----------------------------------------------


@hookspec(firstresult=True)
def zc_review_steps(jurisdiction, category, policy):
    """The review steps an application of ``category`` passes through after
    submission, in order, under ``policy``.

    Returns a list of :class:`core.policy.ReviewStep` (recommendation, expert review,
    decision, public notice, award …).  First result wins.

    Example::

        @hookimpl
        def zc_review_steps(jurisdiction, category, policy):
            if jurisdiction == "kunming":
                return [ReviewStep(code="recommend", name="县区科技主管部门初审推荐",
                                   role="recommender", kind="recommendation", citation=...)]
    """


@hookspec
def zc_subsidy_rules(jurisdiction, policy):
    """Money and support the policy attaches to recognition or evaluation.

    Returns a list of :class:`core.policy.SubsidyRule`.  Collected.

    Example::

        @hookimpl
        def zc_subsidy_rules(jurisdiction, policy):
            if jurisdiction == "kunming":
                return [SubsidyRule(code="kunming.guidance_fund", event="recognized",
                                    amount_cny=100_000, ...)]
    """


@hookspec(firstresult=True)
def zc_assessment_scheme(jurisdiction, policy):
    """The annual assessment after recognition.

    Returns a :class:`core.policy.AssessmentScheme` (dimensions, consequences,
    removal rule).  First result wins.

    Example::

        @hookimpl
        def zc_assessment_scheme(jurisdiction, policy):
            if jurisdiction == "mile":
                return AssessmentScheme(citation=Citation("弥政办发〔2017〕5号", "第十五条"), ...)
    """


@hookspec(firstresult=True)
def zc_standing_rules(jurisdiction, policy):
    """What the policy makes of a recognised space's record (CONTRACTS §6): rectification,
    revocation due, a ban after revocation, the period to report a change.

    Returns a :class:`core.policy.StandingRules` for ``jurisdiction`` under ``policy`` (a
    plugin's own version: a version the bureau registers is asked as the version it is based
    on).  First result wins, so an add-on registered later replaces a built-in's rules whole.
    A jurisdiction whose documents set no consequence answers rules with none and a ``note``
    saying so; no answer at all is read the same way.

    Example::

        @hookimpl
        def zc_standing_rules(jurisdiction, policy):
            if jurisdiction == "mile":
                return StandingRules(jurisdiction="mile", citation=Citation(DOC, "第十五条"),
                                     rules=(StandingRule(id="mile.two_failed_years",
                                                         test="assessments_failed_consecutive", count=2,
                                                         standing="revocation_due", ...),))
    """


@hookspec
def zc_overlap_rules(jurisdiction):
    """The duplicate-support rules ``jurisdiction`` declares (云政办发〔2016〕65号 (十五)
    “避免多头重复支持”): a list of :class:`core.policy.OverlapRule`, applied to the support of the
    declaring jurisdiction and of every jurisdiction under it.  Collected.  Declared only where a
    document asks for it.

    Example::

        @hookimpl
        def zc_overlap_rules(jurisdiction):
            if jurisdiction == "yunnan":
                return [OverlapRule(code="yunnan.same_funding", categories=("space_funding",), ...)]
    """


@hookspec
def zc_support_funds(jurisdiction, policy):
    """The funds the policy sets up to pay the support (a list of
    :class:`core.policy.SupportFundRule`).  Collected.  A jurisdiction whose documents set up
    none answers nothing: its bureau registers a fund with its own amount.
    """


@hookspec
def zc_title_prerequisites(jurisdiction, policy):
    """Support that the policy gives only to a space holding another title (a list of
    :class:`core.policy.TitlePrerequisite`).  Collected.  Used only where a document says so.

    Example::

        @hookimpl
        def zc_title_prerequisites(jurisdiction, policy):
            if jurisdiction == "mile":
                return [TitlePrerequisite(code="mile.provincial_or_prefecture_title",
                                          applies_to="mile.project_funds",
                                          levels=("provincial", "municipal"), ...)]
    """


@hookspec
def zc_statistics_form(jurisdiction, year):
    """The annual statistics return (年度统计数据) of ``jurisdiction`` for ``year`` (int).

    Returns a :class:`core.policy.StatisticsForm`.  Collected: the core starts from its
    default return (modelled on the 火炬 statistics of 众创空间, money in 千元); an answer
    with ``replaces=True`` is the whole form instead (one plugin may replace it), any other
    answer adds sections, fields and rules and gives the citation of the article that asks
    for the statistics and who checks a return.

    Example::

        @hookimpl
        def zc_statistics_form(jurisdiction, year):
            if jurisdiction == "xuzhou":
                return StatisticsForm(jurisdiction="xuzhou",
                                      citation=Citation("徐政发〔2016〕12号", "五", "（五）"))
    """


@hookspec
def zc_document_templates(jurisdiction):
    """Jinja templates for the jurisdiction's documents.

    Returns a dict mapping a document kind (``"application"``, ``"notice"``,
    ``"certificate"``) to an absolute path of a template file shipped with the plugin.
    Collected; later answers override earlier ones per kind; a kind nobody answers
    falls back to the core's template.

    Example::

        @hookimpl
        def zc_document_templates(jurisdiction):
            if jurisdiction == "mile":
                return {"application": str(HERE / "templates" / "application.html")}
    """


# --- what proves it -----------------------------------------------------------------


@hookspec
def zc_policy_cases(jurisdiction):
    """Where the plugin keeps the policy cases of ``jurisdiction`` (str code): the cases its
    document is tested with, readable by a policy officer (docs/plugins.md, "Policy cases").

    Returns a list of folders (or single files) — :mod:`importlib.resources` traversables or
    paths — holding YAML case files and at most one ``bases.yaml``.  Collected and
    concatenated, so an add-on shipping a successor version ships its cases too.  Every
    installed plugin's cases run in ``zhongchuang policy-test`` and in the test suite.

    Example::

        from importlib.resources import files

        @hookimpl
        def zc_policy_cases(jurisdiction):
            if jurisdiction == "kunming":
                return [files("plugins.kunming") / "cases"]
    """
