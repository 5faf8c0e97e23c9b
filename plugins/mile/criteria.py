"""弥勒市: the recognition criteria of 弥政办发〔2017〕5号 附件1 第五条.

Each check is a pure function ``(facts, ctx) -> (passed, message)``: attribute reads
and comparisons only (a benchmark runs 100 000 evaluations).  Thresholds come from
``ctx.params`` (the policy's Parameters after bureau overrides, see ``policy.py``).
The conditions other plugins state too are built by ``core.eligibility.checks``; the
comment above each says which article it encodes.

Which items bind 专业型: 第五条 opens with "申请认定弥勒市众创空间的单位，应同时具备以下
条件" and nothing in the text exempts 专业型 from any of （一）–（七）; its closing
sentence "专业型众创空间，应具备固定的活动场所、必要的服务条件，突出特色和效果" adds to
them.  So both categories are held to （一）–（七） (the area "原则上" applies to both
alike), and 专业型 gets one more, manual criterion for that sentence.
"""
from core import hookimpl
from core.eligibility.checks import at_least, at_least_one, legal_entity, public_area_share, qualifying_residents
from core.facts import MANAGEMENT_RULES, SERVICES
from core.location import space_location_check
from core.numbers import number_text, percent_text
from core.policy import Citation, Criterion
from plugins.mile.policy import DOC, JURISDICTION

ALL = None  # Criterion.categories: every category of the policy



def _cite(item: str | None) -> Citation:
    return Citation(DOC, "第五条", item)


# --- （一） -------------------------------------------------------------------------


# （一）弥勒市境内注册的具有独立法人资格的企事业单位.
check_legal_entity = legal_entity(JURISDICTION, "境内")


# --- （二） -------------------------------------------------------------------------


# （二）面积原则上在200平方米以上（含200平方米）.
check_area = at_least("min_area_m2", "total_area_m2", "众创空间面积", "㎡", met="不低于 {}（原则上）",
                      short="低于 {}（原则上；专家可记录例外及理由）", number=number_text)

# （二）入驻10个（含10个）以上小微企业或创业团队.
# The parenthesis says what the residents "应是": 科技类和创意设计类…经营项目符合
# 《国家重点支持的高新技术领域》和现代服务业要求.  So only residents meeting it count
# towards the ten (``qualifying_field``); others are there but do not make the number.
check_residents = at_least("min_residents", qualifying_residents, unit=" 个")

# （二）公共办公场所面积不得低于众创空间面积的10%（10% itself passes).
check_public_area = public_area_share("min_public_area_percent")


# --- （三） -------------------------------------------------------------------------


def check_infrastructure(facts, ctx):
    """（三）供电、供水、消防、通讯、网络等配套基础设施，具备"即入即开"条件."""
    if facts.infrastructure_complete:
        return True, "供电、供水、消防、通讯、网络等配套基础设施齐备，具备“即入即开”条件"
    return False, "配套基础设施不齐备，不具备“即入即开”条件"


_RENT_YEARS = (
    ("rent_ratio_year1", "max_rent_ratio_year1", "第一年"),
    ("rent_ratio_year2", "max_rent_ratio_year2", "第二年"),
    ("rent_ratio_year3", "max_rent_ratio_year3", "第三年"),
)


def check_rent(facts, ctx):
    """（三）3年服务：第一年免租金，第二年按市价的30%、第三年按市价的50%收取租金.

    Each ratio is a ceiling (see the parameters): charging less passes.
    """
    params = ctx.params
    over, parts = [], []
    for key, limit_key, year in _RENT_YEARS:
        ratio, limit = getattr(facts, key), params[limit_key]
        parts.append(f"{year} {percent_text(ratio)}")
        if ratio > limit:
            over.append(f"{year}租金为市价的 {percent_text(ratio, apart_from=limit)}，高于 {percent_text(limit)}" if limit
                        else f"{year}收取租金（市价的 {percent_text(ratio)}），未免租金")
    if over:
        return False, "；".join(over)
    return True, "租金占市价比例：" + "、".join(parts) + "，符合第一年免租、第二年不高于30%、第三年不高于50%"


# --- （四）–（七） --------------------------------------------------------------------


# （四）有至少5名以上管理服务人员（5 itself passes).
check_management_staff = at_least("min_management_staff", "management_staff", "管理服务人员", " 名")


def check_management_rules(facts, ctx):
    """（五）创业实体评估准入、财务管理、日常管理服务等规章制度."""
    missing = [code for code in ctx.params["required_management_rules"] if code not in facts.management_rules]
    if missing:
        return False, "缺少" + "、".join(MANAGEMENT_RULES.get(c, c) for c in missing)
    return True, "已建立入驻评估准入、财务管理、日常管理服务制度"


def check_registration_service(facts, ctx):
    """（六）通过一站式窗口、多证联办等措施为创业企业工商注册提供便利.

    The one service the item requires in so many words; the list before it ("技术研发、
    融资对接…等") shows the range and is for the experts (manual criterion).
    """
    missing = [code for code in ctx.params["required_services"] if code not in facts.services]
    if missing:
        return False, "未提供" + "、".join(SERVICES.get(c, c) for c in missing) + "服务"
    return True, "提供" + "、".join(SERVICES.get(c, c) for c in ctx.params["required_services"]) + "服务"


# （七）与天使投资、风险投资、私募基金、投资及担保机构等有合作关系.
# The policy sets no count: "有…合作关系" needs at least one; whether it is "良好"
# is the experts' call.
check_investors = at_least_one("investor_partners", "与 {} 家投资及担保机构有合作关系",
                               "与天使投资、风险投资、私募基金、投资及担保机构等无合作关系")


CRITERIA = [
    Criterion("mile.legal_entity", "弥勒市境内注册的独立法人企事业单位", _cite("（一）"), "auto",
              check_legal_entity, ALL),
    # 附件1 第二条: a 众创空间 is an organisation 在弥勒市境内注册 that provides 创业场所 and
    # services — a 弥勒市众创空间 provides them in 弥勒 (the same rule as the portal's offer).
    Criterion("mile.space_location", "众创空间位于弥勒市境内", Citation(DOC, "第二条"), "auto",
              space_location_check(JURISDICTION), ALL),
    Criterion("mile.fixed_premises", "有固定的办公场所", _cite("（二）"), "manual", None, ALL),
    Criterion("mile.area", "众创空间面积原则上在200平方米以上（含200平方米）", _cite("（二）"), "auto", check_area,
              ALL, as_a_rule=True,
              reading="“面积原则上在200平方米以上（含200平方米）”：200㎡本身符合；低于200㎡的自动判为不符合，"
                      "但专家评审可在核查表上记录“例外（原则上条款）”并写明理由；zhongchuang evaluate 只给出自动结果"),
    Criterion("mile.residents", "入驻小微企业或创业团队数", _cite("（二）"), "auto", check_residents, ALL),
    Criterion("mile.public_area", "公共办公场所面积比例", _cite("（二）"), "auto", check_public_area, ALL),
    Criterion("mile.residents_fields", "入驻企业、创业团队处于创业期，属科技类、创意设计类及相关产业，"
              "在法律、法规允许的范围内经营；提供必需的办公设备、会议室、洽谈室等公共办公场地",
              _cite("（二）"), "manual", None, ALL),
    Criterion("mile.infrastructure", "配套基础设施齐备，“即入即开”", _cite("（三）"), "auto",
              check_infrastructure, ALL),
    Criterion("mile.rent", "三年服务的租金（第一年免费、第二年30%、第三年50%）", _cite("（三）"), "auto",
              check_rent, ALL),
    # The rent is checked above; the rest of the free first year (免互联网费用等) has no fact.
    Criterion("mile.free_services_year1", "第一年提供免费入驻服务（免租金之外，免互联网费用等）", _cite("（三）"),
              "manual", None, ALL),
    Criterion("mile.management_staff", "管理服务人员数", _cite("（四）"), "auto", check_management_staff, ALL),
    Criterion("mile.staff_competence", "管理服务人员具有相应专业知识、技能", _cite("（四）"), "manual", None, ALL),
    Criterion("mile.management_rules", "管理制度（评估准入、财务管理、日常管理服务）", _cite("（五）"), "auto",
              check_management_rules, ALL),
    Criterion("mile.registration_service", "为创业企业工商注册提供便利", _cite("（六）"), "auto",
              check_registration_service, ALL),
    Criterion("mile.service_plan", "科技创新创业服务主题明确，内容丰富，计划合理", _cite("（六）"), "manual",
              None, ALL),
    Criterion("mile.investors", "与投资及担保机构的合作关系", _cite("（七）"), "auto", check_investors, ALL),
    Criterion("mile.investors_quality", "与投资及担保机构的合作关系良好", _cite("（七）"), "manual", None, ALL),
    # The closing sentence of 第五条 has no item number of its own.
    Criterion("mile.specialized_features", "专业型：具备固定的活动场所、必要的服务条件，突出特色和效果",
              _cite(None), "manual", None, ("specialized",)),
]


@hookimpl
def zc_criteria(jurisdiction, category, policy):
    if jurisdiction == JURISDICTION.code:
        return [c for c in CRITERIA if c.applies_to(category, policy)]
