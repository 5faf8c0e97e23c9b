"""Placeholder: filled in with the policy's provisions."""
from core import hookimpl


@hookimpl
def zc_criteria(jurisdiction, category, policy):
    return None
