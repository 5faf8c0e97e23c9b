"""徐州市: 申报材料 are set by 徐政发〔2015〕73号, which we do not have: none is
encoded (an empty list, not a guess); the bureau's call for applications names them."""
from core import hookimpl
from plugins.xuzhou.policy import JURISDICTION


@hookimpl
def zc_required_materials(jurisdiction, category):
    if jurisdiction == JURISDICTION.code:
        return []
