"""弥勒市: the application materials (弥政办发〔2017〕5号 附件1 第六条, 附件2 编写提纲 八)."""
from core import hookimpl
from core.policy import Citation, Material
from plugins.mile.policy import DOC, JURISDICTION


def _art6(item: str) -> Citation:
    return Citation(DOC, "第六条", item)


OUTLINE_8 = Citation(DOC, "附件2 众创空间建设运营方案（编写提纲）", "八")

MATERIALS = [
    # 第六条（一） says "见附件1", but the 申报书 is printed as 附件2 of the document.
    Material("application_form", "弥勒市众创空间认定申报书", _art6("（一）"),
             note="须装订成册，一式四份，同时提交电子版（填报须知 五）"),
    Material("legal_person_proof", "独立法人的证明文件", _art6("（二）"), note="法人证或营业执照"),
    Material("operation_plan", "众创空间建设运营方案", _art6("（三）"),
             note="包括建设的必要性、具备的基础条件、建设和运营目标、运营机制、可提供的服务、保障措施等"),
    Material("annual_plan", "年度工作计划", _art6("（四）")),
    # 编写提纲 八: the proofs attached to the operation plan (法人证 is 第六条（二） above).
    Material("annual_summary", "年度工作总结", OUTLINE_8, required=False),
    Material("two_year_plan", "未来两年工作计划", OUTLINE_8, required=False),
    Material("premises_proof", "场地证明", OUTLINE_8, required=False),
    Material("resident_proofs", "入驻企业或团队证明", OUTLINE_8, required=False,
             note="入驻企业还需提供营业执照"),
    Material("cooperation_agreements", "相关合作协议", OUTLINE_8, required=False),
    Material("team_competence_proofs", "团队成员能力证明", OUTLINE_8, required=False),
    Material("rules", "相关制度", OUTLINE_8, required=False),
    Material("other", "其他应提交的材料", _art6("（五）"), required=False),
]


def required_materials(category: str | None = None) -> list[Material]:
    """The materials of 第六条 (the same for 综合型 and 专业型)."""
    return list(MATERIALS)


@hookimpl
def zc_required_materials(jurisdiction, category):
    if jurisdiction == JURISDICTION.code:
        return required_materials(category)
