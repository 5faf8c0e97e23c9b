"""Review: the workflow state machine, batches, expert review, the meeting rule and the decision.

Importing the package loads the modules that register into lower ones, so the
registrations hold whenever any part of review is imported (by the app, the CLI or a
test): ``experts`` registers the workflow's guard for ``conclude_expert_review``;
``batches`` registers the eligibility checklist's expert panel.
"""
from core.review import batches, experts  # noqa: F401  (registrations, see above)
