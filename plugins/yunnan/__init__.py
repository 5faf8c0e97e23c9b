"""云南省 (yunnan): 云科规〔2021〕1号 云南省众创空间认定管理办法, and the support
measures of the provincial opinion on 众创空间 serving the real economy.

The plugin module registered under the entry point: it only gathers the hook
implementations, each defined in the submodule of its idea (``core.plugins.gather_hookimpls``).
"""
from core.plugins import gather_hookimpls

__all__ = gather_hookimpls(__name__)
