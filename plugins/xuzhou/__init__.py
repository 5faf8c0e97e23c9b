"""徐州市 (xuzhou): 徐政发〔2016〕12号 市政府关于发展众创空间推进大众创新创业的实施意见.

The plugin module registered under the entry point: it only gathers the hook
implementations, each defined in the submodule of its idea.
"""
from plugins.xuzhou.assessment import zc_assessment_scheme
from plugins.xuzhou.criteria import zc_criteria
from plugins.xuzhou.documents import zc_document_templates
from plugins.xuzhou.forms import zc_application_form
from plugins.xuzhou.materials import zc_required_materials
from plugins.xuzhou.policy import zc_jurisdiction, zc_policies
from plugins.xuzhou.steps import zc_review_steps
from plugins.xuzhou.subsidies import zc_subsidy_rules

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
