"""昆明市 (kunming): 昆科发〔2017〕55号 昆明市众创空间认定管理办法."""
from core import hookimpl
from plugins.kunming.policy import JURISDICTION, POLICIES

CODE = JURISDICTION.code


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == CODE:
        return POLICIES
