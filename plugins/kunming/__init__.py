"""昆明市 (kunming): 昆科发〔2017〕55号 昆明市众创空间认定管理办法.

The plugin module registered under the entry point: it only gathers the hook
implementations, each defined in the submodule of its idea.
"""
from plugins.kunming.assessment import zc_assessment_scheme
from plugins.kunming.criteria import zc_criteria
from plugins.kunming.documents import zc_document_templates
from plugins.kunming.forms import zc_application_form
from plugins.kunming.materials import zc_required_materials
from plugins.kunming.policy import zc_jurisdiction, zc_policies
from plugins.kunming.steps import zc_review_steps
from plugins.kunming.subsidies import zc_subsidy_rules

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
