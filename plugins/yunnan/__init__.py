"""云南省 (yunnan): 云科规〔2021〕1号 云南省众创空间认定管理办法, with the support
measures of the provincial opinion on 众创空间 serving the real economy."""
from core import hookimpl
from plugins.yunnan.policy import JURISDICTION, POLICIES

CODE = JURISDICTION.code


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == CODE:
        return POLICIES
