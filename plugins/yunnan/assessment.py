"""Placeholder: filled in with the policy's provisions."""
from core import hookimpl


@hookimpl
def zc_assessment_scheme(jurisdiction, policy):
    return None
