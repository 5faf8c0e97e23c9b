"""Placeholder: filled in with the policy's provisions."""
from core import hookimpl


@hookimpl
def zc_document_templates(jurisdiction):
    return None
