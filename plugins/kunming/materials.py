"""昆明市: the application materials (昆科发〔2017〕55号 第九条)."""
from core import hookimpl
from core.policy import Citation, Material
from plugins.kunming.policy import DOC, JURISDICTION


def _art9(item: str) -> Citation:
    return Citation(DOC, "第九条", item)


# 第九条（二）: "符合第五、六或七条所列申报条件的证明材料" — 第六条 for 技术支撑类,
# 第七条 for 综合服务类.
_PROOF_ARTICLES = {"tech_support": "第五条、第六条", "comprehensive_service": "第五条、第七条"}

MATERIALS = [
    Material("application_form", "昆明市众创空间认定申请表", _art9("（一）"),
             note="按申报通知要求报送电子版、纸件（第八条）"),
    Material("criteria_proofs", "符合第五、六或七条所列申报条件的证明材料", _art9("（二）")),
    Material("operation_plan", "众创空间建设运营方案", _art9("（三）"),
             note="包括建设的必要性、具备的基础条件、建设和运营目标、运营机制、可提供的服务、保障措施等"),
    Material("annual_plan", "年度工作计划", _art9("（四）")),
    Material("other", "其他应提交的材料", _art9("（五）"), required=False),
]


def required_materials(category: str | None = None) -> list[Material]:
    """The materials of 第九条; item （二） names the articles of ``category``."""
    articles = _PROOF_ARTICLES.get(category)
    if articles is None:
        return list(MATERIALS)
    return [
        Material(m.code, f"符合{articles}所列申报条件的证明材料", m.citation, m.required, m.note)
        if m.code == "criteria_proofs" else m
        for m in MATERIALS
    ]


@hookimpl
def zc_required_materials(jurisdiction, category):
    if jurisdiction == JURISDICTION.code:
        return required_materials(category)
