"""Placeholder: filled in with the policy's provisions."""
from core import hookimpl


@hookimpl
def zc_subsidy_rules(jurisdiction, policy):
    return None
