"""Bureau data: policies as versioned data, with the bureau's own data applied.

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

The engines (eligibility, notice, subsidies) read everything through this package, so
the plugin's data and the bureau's are one mechanism.  The bureau rows of a
jurisdiction are read once into a ``data.BureauData`` snapshot (plain values, no
session), which a command passes around instead of querying per criterion.

The write operations (``set_bureau_setting`` …) validate, write an audit event and
commit; the admin and the CLI share them.

One module per job; callers import the module that does it —

* ``fact_catalogue``  the facts a bureau criterion may read;
* ``data``            the setting keys and the snapshot of a jurisdiction's bureau rows;
* ``versions``        policy-version resolution and parameters;
* ``bureau_criteria`` the bureau's own criteria;
* ``setting_checks``  what a setting may be (kind, range, shape) and ``SettingsError``;
* ``operations``      the validated, audited writes;
* ``admin_settings``, ``admin_calendar``  the admin pages over them.
"""
