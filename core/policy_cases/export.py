"""A judged application kept as a policy case (docs/plugins.md, "Keeping a disputed decision as
a case"): the YAML text of one ``eligibility`` case that ``zhongchuang policy-test`` runs.

The judgment is the checklist's (``core.eligibility.checklist.compute``, as the case page and the
checklist show it): the application's facts under the policy in force on its submission date,
with the bureau's settings as they are now.  The case states what a case may state — the facts
(CONTRACTS §1 keys only), the day, the bureau settings among the policy's parameters that the
judgment applied — and expects the engine's own verdict (``automatic_verdict``, what
``zhongchuang evaluate`` answers, without the experts' findings), every automatic criterion of the
plugin with its result, and the articles that failed.

A case tests the encoded policy alone (``core.policy_cases.runner``): the criteria a bureau
entered as data (``BureauCriterion``) are not the plugin's, so they are left out of ``expect``
and named in a comment; when one of them failed, the verdict is left out too, since the plugin
alone would answer otherwise.  Likewise a version the bureau registered is not named as the
policy: the runner knows only the plugin's versions (the bureau's reuse their criteria and
parameters).  Pre-checks are not stored (``core.eligibility.precheck`` computes them for the
applicant's page and keeps nothing), so only applications are exported.

Everything a person typed (the space's name, the facts) goes through ``yaml.safe_dump``, never
into a comment, so no text can add a key or a case to the file.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import yaml

from core.bureau import data as bureau_data
from core.bureau import versions
from core.eligibility import checklist
from core.eligibility.engine import NO_POLICY
from core.facts import FactsError, parse_facts
from core.platform.errors import Refused
from core.platform.jurisdictions import registry
from core.platform.models import Application
from core.policy_cases.runner import VERDICT_WORDS, RESULT_WORDS, citation_words

__all__ = ["NotExportable", "application_case", "case_filename"]

# The checklist's verdict once the reviewers' findings settle it (no engine verdict is called so).
_JUDGED_WORDS = {checklist.ELIGIBLE: "符合认定条件"}


class NotExportable(Refused):
    """An application whose judgment cannot be a case (its facts do not parse, the engine refused)."""

    key_in_text = False


def _one_line(text: Any) -> str:
    """Text for a comment: a line break in a bureau's title would end the comment."""
    return " ".join(str(text).split())


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100)


def _indented(text: str, spaces: int = 2) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(keepends=True))


def _applied_settings(code: str, policy, data: bureau_data.BureauData) -> dict[str, Any]:
    """The bureau's settings the judgment read: the policy's parameters whose value came from the
    bureau (``versions.parameters`` uses a setting only within its range), keys a case may set."""
    declared = {p.key for p in policy.parameters}
    applied = versions.parameters(code, policy, data)
    allowed = bureau_data.known_setting_keys(code)
    return {key: applied[key] for key, setting in data.settings.items()
            if key in declared and key in allowed and applied[key] == setting.value}


def _article(failed_rows, all_rows, document: str) -> str:
    """The articles of the failing automatic criteria (each once); when none fails, the articles of
    all the automatic criteria (第五条、第七条: what the judgment applied), never the category's
    definition."""
    failed = _articles(failed_rows, document, items=True)
    return "、".join(failed) if failed else "、".join(_articles(all_rows, document, items=False)) or document


def _articles(rows, document: str, *, items: bool) -> list[str]:
    found: list[str] = []
    for row in rows:
        citation = row.citation.to_dict()
        if not items and citation.get("article"):
            citation = {**citation, "item": None}
        words = citation_words(citation, document)
        if words and words not in found:
            found.append(words)
    return found


def case_filename(application: Application, today: date) -> str:
    """What the file is called: 政策用例_申报12_2026-12-04.yaml (the official number when it has one)."""
    number = application.official_number or str(application.id)
    return f"政策用例_申报{number}_{today.isoformat()}.yaml"


def application_case(application: Application, *, viewer, today: date) -> str:
    """The YAML text of one case: ``application`` as the checklist judges it on ``today``.
    Raises :class:`NotExportable` when it cannot be judged."""
    c = checklist.compute(application, today, viewer=viewer)
    if c.error:
        raise NotExportable("application", f"该申报无法判断，不能导出为政策用例：{c.error}")
    if c.facts_error is not None:
        raise NotExportable("application", "该申报的申报事实无法校验，不能导出为政策用例："
                            f"{c.facts_error.message}")
    try:
        facts = parse_facts(application.facts or {}).to_json_dict()
    except FactsError as exc:  # compute parsed them already; kept for a reader of this function alone
        raise NotExportable("application", exc.message) from None
    code, category = application.jurisdiction, application.category
    name = registry().installed()[code].name
    number = application.official_number or f"#{application.id}"
    space = application.space.name if application.space is not None else ""
    notes = []  # comments beside `expect`: what the case leaves out, and why
    expect: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    if c.policy is None:
        verdict = NO_POLICY
        article = c.nearest.document if c.nearest is not None else "无有效政策"
        expect["verdict"] = verdict
        judged_under = "无有效政策"
    else:
        data = bureau_data.load_bureau_data(code)
        base = versions.base_policy(code, c.policy, data)
        settings = _applied_settings(code, c.policy, data)
        plugin_rows = [r for r in c.rows if r.kind == "auto" and not r.is_bureau]
        bureau_rows = [r for r in c.rows if r.is_bureau]
        failed_bureau = [r for r in bureau_rows if r.result == "fail"]
        verdict = c.automatic_verdict
        article = _article([r for r in plugin_rows if r.result == "fail"], plugin_rows, base.document)
        if c.is_bureau_version:
            notes.append(f"判断适用主管部门登记的版本 {_one_line(c.policy.document)}（沿用 {base.document} 的条件和参数）；"
                         "用例只运行插件的政策版本，故不写 policy")
        else:
            expect["policy"] = c.policy.document
        for row in bureau_rows:
            notes.append(f"本局自设的条件不是插件的，未列入 expect：{_one_line(row.id)}"
                         f"（{_one_line(row.title)}，{RESULT_WORDS.get(row.result, '无法判断')}）")
        if failed_bureau:
            notes.append("本局自设的条件有不符合的，插件单独判断的结论会不同，故不写 verdict")
        else:
            expect["verdict"] = verdict
        expect["criteria"] = {r.id: r.result for r in plugin_rows}
        expect["fails"] = [citation_words(r.citation.to_dict(), base.document)
                           for r in plugin_rows if r.result == "fail"]
        if c.verdict != c.automatic_verdict:
            judges = VERDICT_WORDS.get(c.verdict) or _JUDGED_WORDS.get(c.verdict, "")
            notes.append(f"核查表的结论计入了人工审核的判断（{judges}）；用例写的是只按自动条件的结论")
        judged_under = c.policy.document
    verdict_words = VERDICT_WORDS.get(verdict, verdict)
    case: dict[str, Any] = {
        "name": f"申报 {number} {space}：{verdict_words}（{c.as_of.isoformat()}）",
        "article": article,
        "check": "eligibility",
        "jurisdiction": code,
        "as_of": c.as_of,
    }
    if settings:
        case["settings"] = settings
    case["given"] = {"category": category, "facts": facts}
    header = [
        f"# 政策用例：{name}一件申报的认定条件判断，由本辖区工作人员从申报办理页面导出（谁导出见审计日志）。",
        f"# 导出日期 {today.isoformat()}；判断日 {c.as_of.isoformat()}（提交日期，草稿为导出当日），"
        f"适用 {_one_line(judged_under)}，局设置取导出之日在用的值。",
        "# 政策调整后，本用例是新版本须回答的问题：结论相同，或有意不同（改写 expect 并说明理由）。",
        f"# 运行：zhongchuang policy-test --jurisdiction {code} 本文件",
    ]
    body = _dump([case]) + "".join(f"  # {note}\n" for note in notes) + _indented(_dump({"expect": expect}))
    return "\n".join(header) + "\n" + body
