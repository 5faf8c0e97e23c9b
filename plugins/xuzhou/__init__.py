"""徐州市 (xuzhou): 徐政发〔2016〕12号 市政府关于发展众创空间推进大众创新创业的实施意见."""
from core import hookimpl
from plugins.xuzhou.policy import JURISDICTION, POLICIES

CODE = JURISDICTION.code


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == CODE:
        return POLICIES
