"""徐州市 (xuzhou): 徐政发〔2016〕12号 市政府关于发展众创空间推进大众创新创业的实施意见.

The plugin module registered under the entry point: it only gathers the hook
implementations, each defined in the submodule of its idea (``core.plugins.gather_hookimpls``).
"""
from core.plugins import gather_hookimpls

__all__ = gather_hookimpls(__name__)
