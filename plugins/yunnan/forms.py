"""云南省省级众创空间认定申请 (云科规〔2021〕1号) as a web form.

The measures print no application form; this one asks the facts of CONTRACTS §1
grouped by the ten conditions, plus what the conditions ask to be described:
发展方向和模式 (条件3), 运营管理制度 and 与入驻团队和企业的互动机制 (条件4), the 典型
孵化案例 (条件7), the 种子基金 and the 实际投资项目 (条件9).
"""
from __future__ import annotations

from wtforms.validators import ValidationError

from core import hookimpl
from core.facts.forms import (
    DayField,
    FactsForm,
    LongTextField,
    NumberField,
    Required,
    RowForm,
    Section,
    TableField,
    TextField,
    max_chars,
    non_negative,
)
from core.policy import Citation
from plugins.yunnan.policy import CONDITIONS, DOC, RESIDENT_RULES


def _condition(item: str) -> Citation:
    return Citation(DOC, CONDITIONS, item)


class TypicalCaseRow(RowForm):
    """典型孵化案例 (条件7)."""

    name = TextField("企业或创业团队名称", [Required(), max_chars(200)])
    year = TextField("年度", [Required(), max_chars(10)], description="如 2024")
    description = LongTextField("孵化案例简述", [Required(), max_chars(500)])


class InvestmentRow(RowForm):
    """实际投资项目 (条件9)."""

    project = TextField("被投资企业或项目名称", [Required(), max_chars(200)])
    invested_on = DayField("投资日期", [Required()])
    amount_10k_cny = NumberField("投资金额（万元）", [Required(), non_negative])
    source = TextField("资金来源（种子基金或合作机构）", [Required(), max_chars(200)])


class YunnanApplicationForm(FactsForm):
    title = "云南省省级众创空间认定申请表"
    labels = {
        "applicant_name": "运营主体名称",
        "registered_region": "运营主体注册地行政区划代码",
        "space_opened_on": "众创空间开始运营日期",
        "total_area_m2": "使用总面积（m²）",
        "workstations": "创业工位数（个）",
        "management_rules": "运营管理制度",
        "full_time_staff": "具备专业服务能力的专职人员数（名）",
        "mentors": "聘请的专兼职创业导师数（名）",
        "investor_partners": "合作的金融机构、投融资机构数（家）",
        "contracted_residents_last_year": "近一年协议入驻创业团队和企业数（家）",
        "new_enterprises_last_year": "近一年入驻创业团队注册成为新企业数（家）",
        "financed_teams_last_year": "近一年获得投融资的团队数（家）",
        "typical_cases_last_year": "近一年典型孵化案例数（个）",
        "events_last_year": "近一年举办沙龙、路演、培训讲堂、创业训练营等活动次数",
        "residents": "入驻创业团队和企业",
    }
    sections = (
        Section("运营主体", ("applicant_name", "uscc", "entity_type", "independent_legal_person",
                             "registered_region", "space_name", "space_region", "space_opened_on"), _condition("1")),
        Section("场地和工位", ("total_area_m2", "public_area_m2", "workstations", "premises_tenure", "lease_years",
                               "commercial_premises", "infrastructure_complete", "rd_facilities",
                               "online_platform"), _condition("2")),
        Section("发展方向和模式", ("development_direction", "operating_model"), _condition("3")),
        Section("运营管理制度和互动机制", ("management_rules", "management_rules_other", "separate_accounting",
                                         "management_rules_description", "interaction_mechanism"),
                _condition("4")),
        Section("协议入驻", ("contracted_residents_last_year",), _condition("5")),
        Section("入驻团队注册新企业和获得投融资", ("new_enterprises_last_year", "financed_teams_last_year"),
                _condition("6")),
        Section("典型孵化案例", ("typical_cases_last_year", "typical_cases"), _condition("7")),
        Section("服务队伍和创业导师", ("management_staff", "full_time_staff", "mentors"), _condition("8")),
        Section("投融资服务", ("seed_fund", "seed_fund_size_10k_cny", "investor_partners", "investment_projects",
                               "investments"), _condition("9")),
        Section("创新创业活动和服务", ("events_last_year", "services", "services_other"), _condition("10")),
        Section("入驻创业团队和企业", ("residents",), Citation(DOC, RESIDENT_RULES),
                "申请入驻时企业成立时间不超过 12 个月，入驻时限不超过 24 个月，企业注册地址在众创空间内。"),
        Section("入驻收费", ("rent_ratio_year1", "rent_ratio_year2", "rent_ratio_year3"), None,
                "按占市价的百分比填写：免租金填 0，按市价的 30% 收取填 30。"),
    )

    development_direction = LongTextField("发展方向", [Required()])
    operating_model = LongTextField("运营模式及可持续发展能力", [Required()])
    management_rules_description = LongTextField("运营管理制度说明", [Required()],
                                                 description="列明已建立的运营管理制度及其执行情况")
    interaction_mechanism = LongTextField("与入驻团队和企业之间的互动机制", [Required()])
    typical_cases = TableField(TypicalCaseRow, "典型孵化案例")
    seed_fund_size_10k_cny = NumberField("种子基金规模（万元）", [non_negative],
                                         description="设立有种子基金的填写")
    investments = TableField(InvestmentRow, "实际投资项目")

    def validate_seed_fund_size_10k_cny(self, field):
        if self.seed_fund.data and field.data is None and not field.process_errors:
            raise ValidationError("设立有种子基金的，请填写种子基金规模（万元）")


@hookimpl
def zc_application_form(jurisdiction, category):
    if jurisdiction == "yunnan" and category == "provincial":
        return YunnanApplicationForm
    return None
