"""昆明市众创空间认定申请表 (昆科发〔2017〕55号 第九条（一）) as a web form.

The 申请表 itself is not attached to 55号, so the form asks what the 办法 asks
for: the facts of CONTRACTS §1 worded as 第五至七条 word them, the 服务主题
(第五条（二）), the 服务团队及主要负责人 (第五条（四）), the 导师团队 (第五条（五）),
the items of the 建设运营方案 (第九条（三）) and the 年度工作计划 (第九条（四）).
技术支撑类 adds the 研发设计、检验检测等设施 and the 线上平台 (第六条).
"""
from __future__ import annotations

from wtforms.validators import ValidationError

from core import hookimpl
from core.facts.forms import (
    APPLICANT,
    INVESTMENT,
    RENT,
    RESIDENTS,
    RULES,
    SERVICES_SECTION,
    SPACE,
    ChoiceField,
    FactsForm,
    HostedByOperatingUnitQuestion,
    LongTextField,
    Required,
    RowForm,
    Section,
    TableField,
    TextField,
    max_chars,
    web_address,
    yes_no,
)
from core.policy import Citation
from plugins.kunming.policy import DOC


def _text(label: str, *validators, **kwargs) -> TextField:
    return TextField(label, [Required(), max_chars(200), *validators], **kwargs)


def _long(label: str, **kwargs) -> LongTextField:
    return LongTextField(label, [Required()], **kwargs)


class ServiceTeamRow(RowForm):
    """服务团队及主要负责人: 行业背景、创新创业经历和相关行业资源 (第五条（四）)."""

    row_labels = ("主要负责人",)
    row_label = "服务团队成员"

    name = _text("姓名")
    position = _text("职务")
    background = _text("行业背景")
    experience = _text("创新创业经历")
    resources = _text("相关行业资源")


class MentorRow(RowForm):
    """导师团队 (第五条（五）)."""

    name = _text("姓名")
    organisation = _text("工作单位及职务")
    field_of_work = _text("专业领域")
    full_time = ChoiceField("专/兼职", [Required()], choices={"yes": "专职", "no": "兼职"}, coerce=yes_no)


_PLAN = Citation(DOC, "第九条", "（三）")

_COMMON_HEAD = (
    APPLICANT.plus(citation=Citation(DOC, "第五条", "（一）")),
    SPACE.plus(citation=Citation(DOC, "第五条", "（三）")),
    Section("创新创业服务主题", ("service_theme",), Citation(DOC, "第五条", "（二）")),
)
_TEAM = (
    Section("服务团队及主要负责人", ("service_team", "service_team_description", "management_staff",
                                     "full_time_staff"), Citation(DOC, "第五条", "（四）")),
    Section("导师团队", ("mentor_team", "mentors"), Citation(DOC, "第五条", "（五）")),
    RULES.plus(title="财务管理和制度", citation=Citation(DOC, "第五条", "（六）")),
)
_TAIL = (
    Section("众创空间建设运营方案", ("plan_necessity", "plan_basis", "plan_goals", "plan_mechanism",
                                     "plan_services", "plan_safeguards"), _PLAN),
    Section("年度工作计划", ("annual_plan",), Citation(DOC, "第九条", "（四）")),
)

COMPREHENSIVE_SECTIONS = _COMMON_HEAD + _TEAM + (
    Section("场地", ("total_area_m2", "public_area_m2", "workstations", "premises_tenure", "lease_years",
                     "commercial_premises", "infrastructure_complete"), Citation(DOC, "第七条", "（一）")),
    RENT,
    RESIDENTS.plus(title="入驻企业、创业团队", citation=Citation(DOC, "第七条", "（二）")),
    SERVICES_SECTION.plus(title="创新创业服务能力和交流活动", citation=Citation(DOC, "第七条", "（三）")),
    INVESTMENT.plus(title="与投资机构的合作", citation=Citation(DOC, "第七条", "（四）")),
    Section("专业化设施和线上平台", ("rd_facilities", "online_platform")),
) + _TAIL

TECH_SUPPORT_SECTIONS = _COMMON_HEAD + _TEAM + (
    Section("研发和产业化条件", ("total_area_m2", "public_area_m2", "workstations", "premises_tenure",
                                 "lease_years", "commercial_premises", "infrastructure_complete"),
            Citation(DOC, "第六条", "（一）")),
    Section("专业化研发、生产设备设施", ("rd_facilities", "rd_facilities_description"),
            Citation(DOC, "第六条", "（二）")),
    Section("开放式互联网线上平台", ("online_platform", "online_platform_url"), Citation(DOC, "第六条", "（三）")),
    RENT,
    RESIDENTS,
    SERVICES_SECTION,
    INVESTMENT,
) + _TAIL


class KunmingApplicationForm(FactsForm, HostedByOperatingUnitQuestion):
    """昆明市众创空间认定申请表, the part both categories share."""

    title = "昆明市众创空间认定申请表"
    labels = {
        "applicant_name": "申报单位名称",
        "space_opened_on": "众创空间成立时间",
        "total_area_m2": "众创空间场地面积（m²）",
        "public_area_m2": "公共办公场所面积（m²）",
        "lease_years": "租赁期（年）",
        "commercial_premises": "是否商业经营性场所",
        "management_staff": "服务团队人数（人）",
        "mentors": "导师团队人数（人）",
        "hosted_by_operating_unit": "众创空间是否依托运营单位建设",
        "separate_accounting": "建设运营财务单独核算（依托运营单位的）",
        "residents": "入驻小微企业或创业团队",
        "investor_partners": "与天使投资、风险投资、私募基金、投资及担保机构等长期稳定合作的机构数（家）",
        "seed_fund": "设立面向创业项目（企业）的创投基金",
    }

    service_theme = _long("创新创业服务主题", description="服务主题明确，内容充实，规划合理")
    service_team = TableField(ServiceTeamRow, "服务团队及主要负责人", min_entries=1,
                              description="第一行填主要负责人。")
    service_team_description = _long(
        "服务团队情况说明",
        description="人员的知识结构、综合素质、业务技能和服务能力如何满足大众创新创业服务需求")
    mentor_team = TableField(MentorRow, "导师团队", description="提供创新创业辅导和孵化服务的导师")
    plan_necessity = _long("建设的必要性")
    plan_basis = _long("具备的基础条件")
    plan_goals = _long("建设和运营目标")
    plan_mechanism = _long("运营机制")
    plan_services = _long("可提供的服务")
    plan_safeguards = _long("保障措施")
    annual_plan = _long("年度工作计划")


class KunmingComprehensiveServiceForm(KunmingApplicationForm):
    """综合服务类 (第七条)."""

    title = "昆明市众创空间认定申请表（综合服务类）"
    sections = COMPREHENSIVE_SECTIONS


class KunmingTechSupportForm(KunmingApplicationForm):
    """技术支撑类 (第六条)."""

    title = "昆明市众创空间认定申请表（技术支撑类）"
    sections = TECH_SUPPORT_SECTIONS

    rd_facilities_description = _long(
        "研发设计、检验检测、模型加工、中试生产等设备设施和厂房说明",
        description="写明设施名称、规模，以及可为入驻企业提供的技术、信息、资本、供应链、市场对接等服务")
    online_platform_url = TextField("线上平台网址", [max_chars(300), web_address],
                                    description="如 https://www.example.com")

    def validate_online_platform_url(self, field):
        if self.online_platform.data and not field.data:
            raise ValidationError("具有线上平台的，请填写线上平台网址")


FORMS = {"comprehensive_service": KunmingComprehensiveServiceForm, "tech_support": KunmingTechSupportForm}


@hookimpl
def zc_application_form(jurisdiction, category):
    if jurisdiction != "kunming":
        return None
    return FORMS.get(category)
