"""云南省 (yunnan): 云科规〔2021〕1号 云南省众创空间认定管理办法, and the support
measures of the provincial opinion on 众创空间 serving the real economy.

The plugin module registered under the entry point: it only gathers the hook
implementations, each defined in the submodule of its idea.
"""
from plugins.yunnan.assessment import zc_assessment_scheme
from plugins.yunnan.criteria import zc_criteria
from plugins.yunnan.documents import zc_document_templates
from plugins.yunnan.forms import zc_application_form
from plugins.yunnan.materials import zc_required_materials
from plugins.yunnan.policy import zc_jurisdiction, zc_policies
from plugins.yunnan.steps import zc_review_steps
from plugins.yunnan.subsidies import zc_subsidy_rules

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
