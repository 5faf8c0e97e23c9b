"""The roles of DESIGN.md and what separates staff from applicants.

A user has one role; staff roles are scoped to one or more jurisdictions
(``UserScope``), the admin sees everything.
"""
from core.platform import labels

APPLICANT = "applicant"
RECOMMENDER = "recommender"
OFFICER = "officer"
EXPERT = "expert"
LEADER = "leader"
ADMIN = "admin"

ROLES = (APPLICANT, RECOMMENDER, OFFICER, EXPERT, LEADER, ADMIN)
STAFF_ROLES = (RECOMMENDER, OFFICER, EXPERT, LEADER, ADMIN)

# Their names: the label catalogue (core.platform.labels), one definition for every page.
ROLE_LABELS = labels.ROLE_LABELS
