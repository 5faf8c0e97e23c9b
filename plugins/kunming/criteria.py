"""昆明市: the recognition criteria of 昆科发〔2017〕55号 第五条（all categories）,
第六条（技术支撑类 only） and 第七条（综合服务类 only）.

Each check is a pure function ``(facts, ctx) -> (passed, message)``: attribute reads
and comparisons only (a benchmark runs 100 000 evaluations).  Thresholds come from
``ctx.params`` (the policy's Parameters after bureau overrides, see ``policy.py``).
The conditions other plugins state too are built by ``core.eligibility.checks``; the
comment above each says which article it encodes.
"""
from core import hookimpl
from core.eligibility.checks import at_least, at_least_one, legal_entity, public_area_share, qualifying_residents
from core.facts import SERVICES
from core.location import space_location_check
from core.numbers import number_text
from core.policy import Citation, Criterion
from core.workdays import full_months_between
from plugins.kunming.policy import DOC, JURISDICTION

ALL = None  # Criterion.categories: every category of the policy (第五条)
TECH = ("tech_support",)  # 第六条
COMPREHENSIVE = ("comprehensive_service",)  # 第七条



# --- 第五条: every category -------------------------------------------------------


# 第五条（一）在昆明市区域内注册，具有独立法人资格的企事业单位.
check_legal_entity = legal_entity(JURISDICTION, "区域内")


def _months_open(facts, ctx):
    months = full_months_between(facts.space_opened_on, ctx.as_of)
    return months, f"众创空间 {facts.space_opened_on.isoformat()} 成立，至 {ctx.as_of.isoformat()} 满 {months} 个月"


# 第五条（三）众创空间成立时间在半年以上: 满6个月 by calendar months up to the as-of date.
check_operating_time = at_least("min_operating_months", _months_open, unit=" 个月", short="不满 {}")


# 第五条（五）有提供创新创业辅导和孵化服务的导师团队.
# The policy sets no size: "有" needs at least one mentor; whether they make a team
# able to coach and incubate is the experts' call (kunming.mentor_team).
check_mentors = at_least_one("mentors", "有专兼职创业导师 {} 名", "没有创业导师")


def check_separate_accounting(facts, ctx):
    """第五条（六）依托运营单位的，建设运营财务应单独核算.

    A condition of hosted spaces only (``hosted_by_operating_unit``: the operating unit's
    business is more than this space); a space that is not hosted passes.  Whether the
    finances are 规范 is the experts' call (kunming.finance_management).
    """
    if not facts.hosted_by_operating_unit:
        return True, "众创空间不依托运营单位建设，不适用“建设运营财务应单独核算”"
    if facts.separate_accounting:
        return True, "众创空间依托运营单位建设，建设运营财务单独核算"
    return False, "众创空间依托运营单位建设，建设运营财务未单独核算"


# --- 第六条: 技术支撑类 -------------------------------------------------------------


def check_rd_facilities(facts, ctx):
    """第六条（二）专业化的研发设计、检验检测、模型加工、中试生产等设备设施和厂房."""
    if facts.rd_facilities:
        return True, "具有专业化的研发设计、检验检测、模型加工、中试生产等设备设施"
    return False, "不具有专业化的研发设计、检验检测、模型加工、中试生产等设备设施"


def check_online_platform(facts, ctx):
    """第六条（三）具有开放式的互联网线上平台."""
    if facts.online_platform:
        return True, "具有开放式的互联网线上平台"
    return False, "不具有开放式的互联网线上平台"


# --- 第七条: 综合服务类 -------------------------------------------------------------


# 第七条（一）场地面积原则上在300平方米以上（300 itself passes).
check_area = at_least("min_area_m2", "total_area_m2", "场地面积", "㎡", met="不低于 {}（原则上）",
                      short="低于 {}（原则上；专家可记录例外及理由）", number=number_text)

_lease_years = at_least("min_lease_years", "lease_years", "场地租赁，租赁期", " 年", number=number_text)


def check_lease(facts, ctx):
    """第七条（一）自有或租赁，其中租赁期不少于3年."""
    if facts.premises_tenure == "owned":
        return True, "场地自有"
    return _lease_years(facts, ctx)


def check_not_commercial(facts, ctx):
    """第七条（一）"商业经营性场所除外": a space in commercial premises is not accepted."""
    if facts.commercial_premises:
        return False, "场地为商业经营性场所，不予认定"
    return True, "场地不是商业经营性场所"


# 第七条（一）公共办公场所面积不得低于众创空间面积的10%（10% itself passes).
check_public_area = public_area_share("min_public_area_percent")

# 第七条（二）入驻10个（含）以上小微企业或创业团队，经营项目符合《国家重点支持的高新
# 技术领域》和昆明188重点产业要求.  The field requirement is put on the residents
# themselves, so only those meeting it (``qualifying_field``) count towards the ten.
check_residents = at_least("min_residents", qualifying_residents, unit=" 个")


def check_services(facts, ctx):
    """第七条（三）具有为创业者提供工商注册、法律法务、金融服务、政策咨询等服务的能力."""
    required = ctx.params["required_services"]
    missing = [code for code in required if code not in facts.services]
    if missing:
        return False, "不能提供" + _services_text(missing)
    return True, "能提供" + _services_text(required)


def _services_text(codes) -> str:
    # "金融服务" already says 服务: "不能提供金融服务", not "金融服务服务".
    text = "、".join(SERVICES.get(c, c) for c in codes)
    return text if text.endswith("服务") else text + "服务"


# 第七条（三）定期举办项目路演、沙龙、训练营等各类创新交流活动.
# The policy sets no number: at least one event in the last year is the floor a
# regular programme cannot be below; whether it is regular is the experts' call.
check_events = at_least_one("events_last_year", "近一年举办路演、沙龙、训练营等活动 {} 次",
                            "近一年未举办路演、沙龙、训练营等活动")

# 第七条（四）与天使投资、风险投资、私募基金、投资及担保机构等有合作关系.
# No count is set: at least one partner; "长期稳定" is the experts' call.
check_investors = at_least_one("investor_partners", "与 {} 家投资及担保机构有合作关系",
                               "与天使投资、风险投资、私募基金、投资及担保机构等无合作关系")


def _c(article: str, item: str) -> Citation:
    return Citation(DOC, article, item)


AREA_READING = ("“面积原则上在300平方米以上”：300㎡本身符合；低于300㎡的自动判为不符合，"
                "但专家评审可在核查表上记录“例外（原则上条款）”并写明理由；zhongchuang evaluate 只给出自动结果")
NOT_COMMERCIAL_READING = ("“众创空间场地（自有或租赁，其中租赁期不少于3年，商业经营性场所除外）”：平台读作"
                          "商业经营性场所不能作为众创空间场地（无论自有或租赁），而不是仅免除3年租期要求；"
                          "申报单位填报“商业经营性场所”为“是”的，本项不符合")

CRITERIA = [
    # 第五条
    Criterion("kunming.legal_entity", "昆明市区域内注册的独立法人企事业单位", _c("第五条", "（一）"), "auto",
              check_legal_entity, ALL),
    # 第五条 opens "申请认定昆明市众创空间": a 昆明市 space lies in 昆明 (第四条: the 县（市）区
    # recommend the spaces of their own area).  No item of its own: cited to the article.
    Criterion("kunming.space_location", "众创空间位于昆明市区域内", _c("第五条", None), "auto",
              space_location_check(JURISDICTION), ALL),
    Criterion("kunming.service_theme", "具有明确的创新创业服务主题，内容充实，规划合理", _c("第五条", "（二）"),
              "manual", None, ALL),
    Criterion("kunming.operating_time", "众创空间成立时间在半年以上", _c("第五条", "（三）"), "auto",
              check_operating_time, ALL),
    Criterion("kunming.service_team", "服务团队和主要负责人具备行业背景、创新创业经历和行业资源，"
              "能够满足大众创新创业服务需求", _c("第五条", "（四）"), "manual", None, ALL),
    Criterion("kunming.mentors", "有创业导师", _c("第五条", "（五）"), "auto", check_mentors, ALL),
    Criterion("kunming.mentor_team", "导师团队能够提供创新创业辅导和孵化服务", _c("第五条", "（五）"), "manual",
              None, ALL),
    Criterion("kunming.separate_accounting", "依托运营单位的，建设运营财务单独核算", _c("第五条", "（六）"), "auto",
              check_separate_accounting, ALL),
    Criterion("kunming.finance_management", "财务管理规范", _c("第五条", "（六）"), "manual", None, ALL),
    # 第六条: 技术支撑类
    Criterion("kunming.rd_conditions", "具备完善的专业化研究开发和产业化条件，能够提供低成本的开放式办公空间",
              _c("第六条", "（一）"), "manual", None, TECH),
    Criterion("kunming.rd_facilities", "专业化研发、生产设备设施和厂房", _c("第六条", "（二）"), "auto",
              check_rd_facilities, TECH),
    Criterion("kunming.custom_services", "实现符合行业特征专业领域的技术、信息、资本、供应链、市场对接等"
              "个性化、定制化服务", _c("第六条", "（二）"), "manual", None, TECH),
    Criterion("kunming.online_platform", "开放式互联网线上平台", _c("第六条", "（三）"), "auto",
              check_online_platform, TECH),
    Criterion("kunming.platform_sharing", "线上平台能够整合本行业的创新创业资源，提供共享服务",
              _c("第六条", "（三）"), "manual", None, TECH),
    # 第七条: 综合服务类
    Criterion("kunming.area", "场地面积原则上在300平方米以上", _c("第七条", "（一）"), "auto", check_area,
              COMPREHENSIVE, as_a_rule=True, reading=AREA_READING),
    Criterion("kunming.lease", "场地自有或租赁期不少于3年", _c("第七条", "（一）"), "auto", check_lease,
              COMPREHENSIVE),
    Criterion("kunming.not_commercial", "场地不是商业经营性场所", _c("第七条", "（一）"), "auto",
              check_not_commercial, COMPREHENSIVE, reading=NOT_COMMERCIAL_READING),
    Criterion("kunming.public_area", "公共办公场所面积比例", _c("第七条", "（一）"), "auto", check_public_area,
              COMPREHENSIVE),
    Criterion("kunming.public_facilities", "为入驻企业和团队提供必需的办公设备、会议室、洽谈室等公共办公场地",
              _c("第七条", "（一）"), "manual", None, COMPREHENSIVE),
    Criterion("kunming.residents", "入驻小微企业或创业团队数", _c("第七条", "（二）"), "auto", check_residents,
              COMPREHENSIVE),
    Criterion("kunming.residents_lawful", "入驻企业、创业团队在法律、法规允许的范围内从事经营活动",
              _c("第七条", "（二）"), "manual", None, COMPREHENSIVE),
    Criterion("kunming.services", "工商注册、法律法务、金融服务、政策咨询等服务能力", _c("第七条", "（三）"), "auto",
              check_services, COMPREHENSIVE),
    Criterion("kunming.events", "举办项目路演、沙龙、训练营等创新交流活动", _c("第七条", "（三）"), "auto",
              check_events, COMPREHENSIVE),
    Criterion("kunming.events_regular", "定期举办各类创新交流活动", _c("第七条", "（三）"), "manual", None,
              COMPREHENSIVE),
    Criterion("kunming.investors", "与投资及担保机构的合作关系", _c("第七条", "（四）"), "auto", check_investors,
              COMPREHENSIVE),
    Criterion("kunming.investors_stable", "与投资及担保机构的合作关系长期稳定", _c("第七条", "（四）"), "manual",
              None, COMPREHENSIVE),
]


@hookimpl
def zc_criteria(jurisdiction, category, policy):
    if jurisdiction == JURISDICTION.code:
        return [c for c in CRITERIA if c.applies_to(category, policy)]
