"""云南省: the conditions for recognition as 省级众创空间 (云科规〔2021〕1号).

The measures number their conditions 1–10 under the heading
"申报省级众创空间的认定条件" (no 第X条 articles), and add the
"服务对象及入驻时限要求" table; each criterion cites that heading and item.
Where one item sets several conditions of different facts (item 1: region, legal
person, months of operation), each condition is its own criterion citing the same
item, so the answer says exactly which one fails.

Every criterion belongs to 云科规〔2021〕1号 (``policy=DOC``): the measures lapsed
after 2026-04-03, and a successor a bureau registers must say which criteria it
reuses (``based_on``) rather than inherit these silently.

Checks are plain attribute reads and comparisons: a benchmark runs 100 000
evaluations.  The plain thresholds are built by ``core.eligibility.checks.at_least``.
"""
from __future__ import annotations

from core import hookimpl
from core.eligibility.checks import at_least, at_least_one
from core.facts import MANAGEMENT_RULES
from core.numbers import number_text
from core.policy import Citation, Criterion
from core.workdays import add_months, full_months_between
from plugins.yunnan.policy import CONDITIONS, DOC, JURISDICTION, RESIDENT_RULES

CATEGORIES = ("provincial",)
NAMES_SHOWN = 3  # offending residents named in a message before "等 N 家"



def _names(residents) -> str:
    shown = "、".join(residents[:NAMES_SHOWN])
    return shown if len(residents) <= NAMES_SHOWN else f"{shown}等 {len(residents)} 家"


# --- 1. 运营主体在云南省内注册，具有独立法人资格，已运营满12个月 --------------------


def check_registered_region(facts, ctx):
    region = facts.registered_region
    if JURISDICTION.covers(region):
        return True, f"注册地 {region} 在云南省内"
    return False, f"注册地 {region} 不在云南省内（行政区划代码应以 53 开头）"


def check_legal_person(facts, ctx):
    if facts.independent_legal_person:
        return True, "运营主体具有独立法人资格"
    return False, "运营主体不具有独立法人资格"


def check_operating_months(facts, ctx):
    # "已运营时间": calendar months from the opening day (民法典 第201、202条).
    need = ctx.params["min_operating_months"]
    opened = facts.space_opened_on
    months = full_months_between(opened, ctx.as_of)
    if months >= need:
        return True, f"自 {opened.isoformat()} 起已运营 {months} 个月，满 {need} 个月"
    due = add_months(opened, need)
    return False, f"自 {opened.isoformat()} 起已运营 {months} 个月，不满 {need} 个月（{due.isoformat()} 方满）"


# --- 2. 不低于500平方米的使用总面积，不少于20个创业工位 -------------------------------


check_area = at_least("min_total_area_m2", "total_area_m2", "使用总面积", "㎡", met="不低于 {}", short="低于 {}",
                      number=number_text)


check_workstations = at_least("min_workstations", "workstations", "创业工位", " 个")


# --- 4. 有完善的运营管理制度 -----------------------------------------------------------


def check_management_rules(facts, ctx):
    # The policy names no particular rules: the check is that rules exist at all;
    # whether they are 完善 is the experts' judgement (yunnan.interaction).
    rules = facts.management_rules
    if rules:
        return True, "已建立运营管理制度：" + "、".join(MANAGEMENT_RULES.get(r, r) for r in rules)
    return False, "未建立运营管理制度"


# --- 5.–7. 每年的入驻、新企业或投融资、典型案例 ----------------------------------------


check_contracted_residents = at_least("min_contracted_residents", "contracted_residents_last_year",
                                      "近一年协议入驻创业团队和企业", " 家", met="在 {}以上", short="不足 {}")


def check_new_enterprises_or_financing(facts, ctx):
    # Either condition suffices ("…不低于3家，或每年有不低于1家团队获得投融资").
    need_new = ctx.params["min_new_enterprises"]
    need_fin = ctx.params["min_financed_teams"]
    new = facts.new_enterprises_last_year
    fin = facts.financed_teams_last_year
    new_ok = new >= need_new
    fin_ok = fin >= need_fin
    text = (
        f"近一年入驻团队注册成为新企业 {new} 家（{'不低于' if new_ok else '低于'} {need_new} 家），"
        f"获得投融资的团队 {fin} 家（{'不低于' if fin_ok else '低于'} {need_fin} 家）"
    )
    if new_ok or fin_ok:
        return True, text
    return False, text + "，两项均未达到"


check_typical_cases = at_least("min_typical_cases", "typical_cases_last_year", "近一年典型孵化案例", " 个")


# --- 8. 专职人员、创业导师 --------------------------------------------------------------


check_full_time_staff = at_least("min_full_time_staff", "full_time_staff", "具备专业服务能力的专职人员", " 名")


check_mentors = at_least("min_mentors", "mentors", "专兼职创业导师", " 名")


# --- 9. 投融资服务：种子基金、合作机构、实际投资项目 ------------------------------------


def check_seed_fund(facts, ctx):
    if facts.seed_fund:
        return True, "已设立种子基金"
    return False, "未设立种子基金"


# "与金融机构、投融资机构有合作": at least one partner; the policy sets no number.
check_investor_partners = at_least_one("investor_partners", "与 {} 家金融机构、投融资机构有合作",
                                       "未与金融机构、投融资机构建立合作")


check_investment_projects = at_least("min_investment_projects", "investment_projects", "实际投资项目", " 个",
                                     met="在 {}以上", short="不足 {}")


# --- 10. 每年举办不少于8次活动 ----------------------------------------------------------


check_events = at_least("min_events", "events_last_year", "近一年举办沙龙、路演、培训讲堂、创业训练营等活动", " 次")


# --- 服务对象及入驻时限要求 -------------------------------------------------------------
#
# The table is a requirement on whom the space serves: every resident listed must
# meet it.  A resident that does not is named, and the criterion fails: no Yunnan
# condition counts the listed residents (item 5 reads the reported yearly figure),
# so merely leaving it out of a count would change nothing.  A space lists its
# graduated enterprises as graduates, not as residents.


def check_resident_age_at_entry(facts, ctx):
    # "申请入驻时企业的成立时间 ≤12个月": entry no later than 12 calendar months after
    # establishment (the day 12 months on still passes).  Teams not yet registered
    # have no establishment date and meet the rule.
    limit = ctx.params["max_resident_age_months"]
    late = [
        f"{r.name}（{r.established_on.isoformat()} 成立，{r.entered_on.isoformat()} 入驻）"
        for r in facts.residents
        if r.established_on is not None and add_months(r.established_on, limit) < r.entered_on
    ]
    if not late:
        return True, f"入驻企业和团队申请入驻时成立时间均不超过 {limit} 个月"
    return False, f"{len(late)} 家申请入驻时成立已超过 {limit} 个月：{_names(late)}"


def check_residence_period(facts, ctx):
    # "入驻时限 ≤24个月": from the entry day to the as-of date; the day 24 calendar
    # months after entry is still within the limit, the next day is not.
    limit = ctx.params["max_residence_months"]
    as_of = ctx.as_of
    over = [
        f"{r.name}（{r.entered_on.isoformat()} 入驻）"
        for r in facts.residents
        if add_months(r.entered_on, limit) < as_of
    ]
    if not over:
        return True, f"入驻企业和团队入驻时间均不超过 {limit} 个月"
    return False, f"{len(over)} 家入驻已超过 {limit} 个月入驻时限：{_names(over)}"


def check_registered_in_space(facts, ctx):
    # "注：入驻企业注册地址在众创空间内" — enterprises only: a team has no address of record.
    outside = [r.name for r in facts.residents if r.kind == "enterprise" and not r.registered_in_space]
    if not outside:
        return True, "入驻企业注册地址均在众创空间内"
    return False, f"{len(outside)} 家入驻企业注册地址不在众创空间内：{_names(outside)}"


def _auto(short: str, title: str, citation: Citation, check) -> Criterion:
    return Criterion(id=f"yunnan.{short}", title=title, citation=citation, kind="auto",
                     check=check, categories=CATEGORIES, policy=DOC)


def _manual(short: str, title: str, citation: Citation) -> Criterion:
    return Criterion(id=f"yunnan.{short}", title=title, citation=citation, kind="manual",
                     categories=CATEGORIES, policy=DOC)


def _c(item: str) -> Citation:
    return Citation(DOC, CONDITIONS, item)


CRITERIA = (
    _auto("registered_region", "运营主体在云南省内注册", _c("1"), check_registered_region),
    _auto("legal_person", "运营主体具有独立法人资格", _c("1"), check_legal_person),
    _auto("operating_months", "已运营时间", _c("1"), check_operating_months),
    _auto("area", "使用总面积", _c("2"), check_area),
    _auto("workstations", "创业工位", _c("2"), check_workstations),
    _manual("sustainability", "众创空间发展方向明确、模式清晰，具备可持续发展能力", _c("3")),
    _auto("management_rules", "有运营管理制度", _c("4"), check_management_rules),
    _manual("interaction", "运营管理制度完善，与入驻团队和企业之间有良好的互动机制", _c("4")),
    _auto("contracted_residents", "每年协议入驻创业团队和企业数", _c("5"),
          check_contracted_residents),
    _auto("new_enterprises_or_financing", "每年注册成为新企业数或获得投融资的团队数", _c("6"),
          check_new_enterprises_or_financing),
    _auto("typical_cases", "每年典型孵化案例数", _c("7"), check_typical_cases),
    _auto("full_time_staff", "具备专业服务能力的专职人员", _c("8"), check_full_time_staff),
    _auto("mentors", "专兼职创业导师", _c("8"), check_mentors),
    _manual("service_process", "具备职业孵化服务队伍，形成规范化服务流程", _c("8")),
    _auto("seed_fund", "设立有种子基金", _c("9"), check_seed_fund),
    _auto("investor_partners", "与金融机构、投融资机构有合作", _c("9"), check_investor_partners),
    _auto("investment_projects", "实际投资项目", _c("9"), check_investment_projects),
    _auto("events", "每年举办沙龙、路演、培训讲堂、创业训练营等活动次数", _c("10"), check_events),
    _auto("resident_age_at_entry", "申请入驻时企业的成立时间",
          Citation(DOC, RESIDENT_RULES, "申请入驻时企业的成立时间"), check_resident_age_at_entry),
    _auto("residence_period", "入驻时限", Citation(DOC, RESIDENT_RULES, "入驻时限"),
          check_residence_period),
    _auto("registered_in_space", "入驻企业注册地址在众创空间内", Citation(DOC, RESIDENT_RULES, "注"),
          check_registered_in_space),
)


@hookimpl
def zc_criteria(jurisdiction, category, policy):
    if jurisdiction == JURISDICTION.code and category in CATEGORIES:
        return list(CRITERIA)
