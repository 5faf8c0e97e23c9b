"""弥勒市's documents: the 申报书 of 弥政办发〔2017〕5号 附件2 as printed.

The notice and the certificate use the core's templates.
"""
from pathlib import Path

from core import hookimpl

TEMPLATES = Path(__file__).resolve().parent / "templates"


@hookimpl
def zc_document_templates(jurisdiction):
    if jurisdiction != "mile":
        return None
    return {"application": str(TEMPLATES / "mile_application.html")}
