"""The roles of DESIGN.md and what separates staff from applicants.

A user has one role; staff roles are scoped to one or more jurisdictions
(``UserScope``), the admin sees everything.
"""
from flask_babel import lazy_gettext as _l

APPLICANT = "applicant"
RECOMMENDER = "recommender"
OFFICER = "officer"
EXPERT = "expert"
LEADER = "leader"
ADMIN = "admin"

ROLES = (APPLICANT, RECOMMENDER, OFFICER, EXPERT, LEADER, ADMIN)
STAFF_ROLES = (RECOMMENDER, OFFICER, EXPERT, LEADER, ADMIN)

ROLE_LABELS = {
    APPLICANT: _l("申报单位"),
    RECOMMENDER: _l("推荐单位"),
    OFFICER: _l("业务经办人员"),
    EXPERT: _l("评审专家"),
    LEADER: _l("局领导（局务会）"),
    ADMIN: _l("系统管理员（省级）"),
}
