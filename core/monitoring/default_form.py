"""The core's default annual return, modelled on the 火炬 statistics of 众创空间 (科技部火炬
中心《众创空间统计调查表》): the same figures, money in 千元 as they use it.

No policy of ours prints a return: each asks for statistics (云科规〔2021〕1号 认定与管理,
徐政发〔2016〕12号 五（五）, 昆科发〔2017〕55号 第四条, 弥政办发〔2017〕5号 三（四）) and
leaves the form to the bureau, so the figures and the consistency checks below carry no
citation: they are the platform's default, which a plugin may extend or replace
(hook ``zc_statistics_form``).  The year-end resident list is not a figure: it is taken
from 我的众创空间 when the return is submitted (core.monitoring.returns).
"""
from __future__ import annotations

from core.policy import StatisticsField as F
from core.policy import StatisticsRule as R
from core.policy import StatisticsSection as S

SECTIONS = (
    S("space", "基本情况", (
        F("area_m2", "使用面积", "area", "平方米", from_fact="total_area_m2"),
        F("workstations", "工位数", "count", "个", from_fact="workstations"),
        F("service_staff", "服务人员数", "count", "人", from_fact="management_staff"),
        F("mentors", "创业导师数", "count", "人", from_fact="mentors"),
    )),
    S("served", "服务对象", (
        F("teams_served", "当年服务的创业团队数", "count", "个"),
        F("team_members", "创业团队人员数", "count", "人"),
        F("startups_served", "当年服务的初创企业数", "count", "家"),
        F("startup_jobs", "初创企业吸纳就业人数", "count", "人"),
        F("new_enterprises", "新注册企业数", "count", "家"),
        F("financed", "获得投融资的团队和企业数", "count", "个"),
        F("financing_total", "投融资总额", "money", "千元"),
    )),
    S("activities", "服务活动", (
        F("events", "创新创业活动场次", "count", "场"),
        F("trainings", "创业教育培训场次", "count", "场"),
        F("investment_events", "投融资对接活动场次", "count", "场"),
    )),
    S("income", "收入与成本", (
        F("income_total", "总收入", "money", "千元"),
        F("income_services", "其中：服务收入", "money", "千元"),
        F("income_rent", "其中：房租及物业收入", "money", "千元"),
        F("income_investment", "其中：投资收入", "money", "千元"),
        F("income_subsidies", "其中：财政资助", "money", "千元"),
        F("operating_cost", "运营成本", "money", "千元"),
    )),
    S("outcomes", "孵化成果", (
        F("ip_valid", "有效知识产权数", "count", "件"),
        F("invention_patents", "其中：发明专利数", "count", "件"),
        F("graduated", "毕业企业数", "count", "家"),
        F("listed", "上市（挂牌）企业数", "count", "家"),
    )),
)

RULES = (
    R("team_members_at_least_teams", "at_least", "team_members", "创业团队人员数不应少于创业团队数",
      other="teams_served"),
    R("jobs_at_least_startups", "at_least", "startup_jobs", "初创企业吸纳就业人数不应少于初创企业数",
      other="startups_served"),
    R("services_within_total", "at_most", "income_services", "服务收入不能超过总收入", other="income_total"),
    R("rent_within_total", "at_most", "income_rent", "房租及物业收入不能超过总收入", other="income_total"),
    R("investment_within_total", "at_most", "income_investment", "投资收入不能超过总收入", other="income_total"),
    R("subsidies_within_total", "at_most", "income_subsidies", "财政资助不能超过总收入", other="income_total"),
    R("income_parts_within_total", "sum_at_most", "income_total",
      "服务收入、房租及物业收入、投资收入、财政资助之和不能超过总收入",
      parts=("income_services", "income_rent", "income_investment", "income_subsidies")),
    R("financing_with_financed", "together", "financing_total",
      "投融资总额大于零，当且仅当获得投融资的团队和企业数大于零", other="financed"),
    R("patents_within_ip", "at_most", "invention_patents", "发明专利数不能超过有效知识产权数", other="ip_valid"),
    R("new_enterprises_within_served", "at_most", "new_enterprises", "新注册企业数不应超过当年服务的创业团队数与初创企业数之和",
      parts=("teams_served", "startups_served")),
    R("teams_growth", "growth", "teams_served", "当年服务的创业团队数与上年相差5倍以上，请说明原因",
      factor=5, severity="warning"),
    R("startups_growth", "growth", "startups_served", "当年服务的初创企业数与上年相差5倍以上，请说明原因",
      factor=5, severity="warning"),
    R("income_growth", "growth", "income_total", "总收入与上年相差5倍以上，请说明原因", factor=5, severity="warning"),
    R("financing_growth", "growth", "financing_total", "投融资总额与上年相差5倍以上，请说明原因",
      factor=5, severity="warning"),
)
