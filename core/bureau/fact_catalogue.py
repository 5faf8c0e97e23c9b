"""The facts a bureau criterion may read (CONTRACTS §1), with the words and units its
criteria print, and the comparisons it may use."""
from __future__ import annotations

# key -> (label, unit); the numeric keys of CONTRACTS §1.
NUMERIC_FACTS: dict[str, tuple[str, str]] = {
    "total_area_m2": ("众创空间总面积", "㎡"),
    "public_area_m2": ("公共办公场所面积", "㎡"),
    "workstations": ("创业工位数", "个"),
    "lease_years": ("租赁期", "年"),
    "rent_ratio_year1": ("第一年租金占市价比例", ""),
    "rent_ratio_year2": ("第二年租金占市价比例", ""),
    "rent_ratio_year3": ("第三年租金占市价比例", ""),
    "management_staff": ("管理服务人员数", "名"),
    "full_time_staff": ("具备专业服务能力的专职人员数", "名"),
    "mentors": ("专兼职创业导师数", "名"),
    "investor_partners": ("合作投资机构数", "家"),
    "investment_projects": ("实际投资项目数", "个"),
    "contracted_residents_last_year": ("近一年协议入驻的创业团队和企业数", "家"),
    "new_enterprises_last_year": ("近一年入驻团队注册成为新企业数", "家"),
    "financed_teams_last_year": ("近一年获得投融资的团队数", "家"),
    "typical_cases_last_year": ("近一年典型孵化案例数", "个"),
    "events_last_year": ("近一年举办活动次数", "次"),
}
# key -> label; the yes/no keys of CONTRACTS §1.
BOOL_FACTS: dict[str, str] = {
    "independent_legal_person": "具有独立法人资格",
    "commercial_premises": "商业经营性场所",
    "infrastructure_complete": "配套设施齐备",
    "separate_accounting": "财务单独核算",
    "hosted_by_operating_unit": "依托运营单位建设",
    "seed_fund": "设立种子基金",
    "online_platform": "开放式互联网线上平台",
    "rd_facilities": "专业化研发设计等设备设施",
}
OPERATORS = {">=": "不低于", "<=": "不高于", "==": "等于", "true": "须为“是”"}
