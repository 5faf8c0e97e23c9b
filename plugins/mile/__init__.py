"""弥勒市 (mile): 弥政办发〔2017〕5号 附件1 弥勒市众创空间认定管理办法（试行）."""
from core import hookimpl
from plugins.mile.policy import JURISDICTION, POLICIES

CODE = JURISDICTION.code


@hookimpl
def zc_jurisdiction():
    return JURISDICTION


@hookimpl
def zc_policies(jurisdiction):
    if jurisdiction == CODE:
        return POLICIES
