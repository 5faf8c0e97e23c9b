"""弥勒市 (mile): 弥政办发〔2017〕5号 附件1 弥勒市众创空间认定管理办法（试行）.

The plugin module registered under the entry point: it only gathers the hook
implementations, each defined in the submodule of its idea (``core.plugins.gather_hookimpls``).
"""
from core.plugins import gather_hookimpls

__all__ = gather_hookimpls(__name__)
