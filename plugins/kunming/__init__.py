"""昆明市 (kunming): 昆科发〔2017〕55号 昆明市众创空间认定管理办法.

The plugin module registered under the entry point: it only gathers the hook
implementations, each defined in the submodule of its idea (``core.plugins.gather_hookimpls``).
"""
from core.plugins import gather_hookimpls

__all__ = gather_hookimpls(__name__)
