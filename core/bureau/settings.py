"""Policies as versioned data, with the bureau's own data applied.

A plugin declares its policy versions, parameters and criteria; a bureau adds, in
the database, what the encoded policy leaves open or what it decides later:

* ``BureauSetting`` — a value the policy leaves to the bureau (Yunnan's 公示期
  ``notice_days``, Xuzhou's evaluation award) or the bureau's override of a
  parameter, cited to the document the bureau names;
* ``BureauPolicyVersion`` — a version the bureau registers (a successor to a lapsed
  one), reusing the categories, parameters and criteria of the version it is
  ``based_on``;
* ``BureauCriterion`` — an auto criterion built from data (a fact key, a comparison,
  a threshold) where the encoded policy has none;
* ``CalendarDay`` / ``CalendarYear`` — the bureau's working-day calendar for years the
  holiday package does not know: single days, and a year's whole arrangement marked
  complete (only then is the year known, CONTRACTS §3).

The engines (eligibility, notice, subsidies) read everything through this module, so
the plugin's data and the bureau's are one mechanism.  The bureau rows of a
jurisdiction are read once into a :class:`BureauData` snapshot (plain values, no
session), which a command passes around instead of querying per criterion.

The write operations (``set_bureau_setting`` …) validate, write an audit event and
commit; the admin and the CLI share them.

This module is the package's front: one module per job, re-exported here under the names
its callers have always used —

* ``fact_catalogue``  the facts a bureau criterion may read;
* ``data``            the setting keys and the snapshot of a jurisdiction's bureau rows;
* ``versions``        policy-version resolution and parameters;
* ``bureau_criteria`` the bureau's own criteria;
* ``setting_checks``  what a setting may be (kind, range, shape) and ``SettingsError``;
* ``operations``      the validated, audited writes.
"""
from __future__ import annotations

from core.bureau.bureau_criteria import criteria
from core.bureau.data import (CERTIFICATE_FORMAT, DECISION_MEETING, NOTICE_DAYS, REVIEW_DIMENSIONS, STAFF_TWO_FACTOR,
                              BureauData, SettingValue, bureau_setting, calendar, known_setting_keys,
                              load_bureau_data)
from core.bureau.fact_catalogue import BOOL_FACTS, NUMERIC_FACTS, OPERATORS
from core.bureau.operations import (CALENDAR_YEARS, add_bureau_criterion, add_bureau_policy_version,
                                    parse_calendar_lines, set_bureau_setting, set_calendar_day, set_calendar_year)
from core.bureau.setting_checks import NOTICE_DAYS_MAX, SettingBound, SettingsError, out_of_bound, setting_bound
from core.bureau.versions import base_policy, nearest_policy, parameter_rows, parameters, policies, policy_in_force

__all__ = [
    "SettingsError",
    "SettingValue",
    "BureauData",
    "load_bureau_data",
    "policies",
    "policy_in_force",
    "nearest_policy",
    "base_policy",
    "parameters",
    "parameter_rows",
    "criteria",
    "bureau_setting",
    "known_setting_keys",
    "calendar",
    "NUMERIC_FACTS",
    "BOOL_FACTS",
    "OPERATORS",
    "set_bureau_setting",
    "SettingBound",
    "setting_bound",
    "out_of_bound",
    "NOTICE_DAYS_MAX",
    "add_bureau_policy_version",
    "add_bureau_criterion",
    "set_calendar_day",
    "set_calendar_year",
    "parse_calendar_lines",
    "CALENDAR_YEARS",
]
__all__ += ["NOTICE_DAYS", "CERTIFICATE_FORMAT", "REVIEW_DIMENSIONS", "DECISION_MEETING", "STAFF_TWO_FACTOR"]
