"""大理白族自治州 (dali): a jurisdiction plugin living in its own package.

A test fixture showing the smallest useful plugin: who recognises, one policy version, and
the cases that version is tested with (``cases/``, docs/plugins.md "Policy cases").  Its
document is a placeholder for the fixture, not a real policy.
"""
from datetime import date
from importlib.resources import files

from core import hookimpl
from core.policy import Category, Citation, Jurisdiction, PolicyVersion

DOC = "大理州测试〔2024〕1号"

JURISDICTION = Jurisdiction(
    code="dali",
    name="大理白族自治州",
    level="city",
    region_prefixes=("5329",),
    authority="大理白族自治州科学技术局",
    parent="yunnan",
)

POLICY = PolicyVersion(
    jurisdiction="dali",
    document=DOC,
    title="大理州众创空间认定管理办法（测试插件）",
    effective_from=date(2024, 1, 1),
    effective_to=None,
    categories=(Category("municipal", "州级众创空间", Citation(DOC, "第二条")),),
    notice_days=7,
    notice_citation=Citation(DOC, "第十条"),
    award_title="大理州众创空间",
    award_citation=Citation(DOC, "第十一条"),
)


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return [POLICY]


@hookimpl
def zc_policy_cases(jurisdiction):
    if jurisdiction == JURISDICTION.code:
        return [files(__name__) / "cases"]
