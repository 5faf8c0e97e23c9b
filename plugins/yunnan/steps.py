"""Placeholder: filled in with the policy's provisions."""
from core import hookimpl


@hookimpl
def zc_review_steps(jurisdiction, category, policy):
    return None
