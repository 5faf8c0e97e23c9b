"""Placeholder: filled in with the policy's provisions."""
from core import hookimpl


@hookimpl
def zc_application_form(jurisdiction, category):
    return None
