"""弥勒市 (mile): 弥政办发〔2017〕5号 附件1 弥勒市众创空间认定管理办法（试行）.

The plugin module registered under the entry point: it only gathers the hook
implementations, each defined in the submodule of its idea.
"""
from plugins.mile.assessment import zc_assessment_scheme
from plugins.mile.criteria import zc_criteria
from plugins.mile.documents import zc_document_templates
from plugins.mile.forms import zc_application_form
from plugins.mile.materials import zc_required_materials
from plugins.mile.policy import zc_jurisdiction, zc_policies
from plugins.mile.steps import zc_review_steps
from plugins.mile.subsidies import zc_subsidy_rules

__all__ = [
    "zc_assessment_scheme",
    "zc_application_form",
    "zc_criteria",
    "zc_document_templates",
    "zc_jurisdiction",
    "zc_policies",
    "zc_required_materials",
    "zc_review_steps",
    "zc_subsidy_rules",
]
