"""Policy cases: a jurisdiction's policy stated as cases a policy officer can read and the
platform runs (docs/plugins.md, "Policy cases").

A case file is YAML, a list of cases: each names the article it exercises, the command it
checks (eligibility, notice period, subsidies, standing), its date, the bureau settings it
assumes, what is given (facts or a record over a named base) and what is expected.

casefile (reading and checking a file), sources (where the installed plugins keep theirs; the
paths given on the command line), runner (one case run through the same functions as the
commands of CONTRACTS §2–§4 and §6, with only the settings the case states), report (the
table in Chinese), results (each jurisdiction's cases run once per process, by subject, for the
policy page), export (a judged application kept as a case), cli (`zhongchuang policy-test`).
"""
