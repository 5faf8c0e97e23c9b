"""zhongchuang — 众创空间认定管理平台: the core that runs jurisdiction plugins.

A plugin imports what it needs from here: ``from core import hookimpl`` and the
plain data types in :mod:`core.policy`.
"""
from core.hookspecs import hookimpl

__all__ = ["hookimpl"]
