"""docs/plugins.md stays in step with core/hookspecs.py (the datasette meta-tests):
every hook is documented under a heading with its signature, every hook is
implemented by at least one built-in plugin, and every example in the doc runs."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from core import hookspecs
from core.plugins import make_plugin_manager

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HOOKS = sorted(
    name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(fn, hookspecs.PROJECT + "_spec")
)
BUILT_INS = ("mile", "kunming", "yunnan", "xuzhou")


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def headings() -> set[str]:
    return {m.group(1).strip() for m in re.finditer(r"^#{2,4} (.+)$", doc_text(), re.MULTILINE)}


def signature(name: str) -> str:
    params = inspect.signature(getattr(hookspecs, name)).parameters
    return f"{name}({', '.join(params)})"


def test_there_are_hooks():
    assert "zc_jurisdiction" in HOOKS and len(HOOKS) >= 8


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_signature(hook):
    assert signature(hook) in headings(), f"docs/plugins.md lacks the heading '### {signature(hook)}'"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_implemented_by_a_built_in_plugin(hook):
    pm, broken = make_plugin_manager()
    assert broken == {}
    implementers = {pm.get_name(impl.plugin) for impl in getattr(pm.hook, hook).get_hookimpls()}
    assert implementers & set(BUILT_INS), f"no built-in plugin implements {hook}"


def test_the_documented_firstresult_hooks_are_the_firstresult_hooks():
    text = doc_text()
    for hook in HOOKS:
        section = text.split(f"### {signature(hook)}", 1)[1].split("\n### ", 1)[0]
        first = getattr(getattr(hookspecs, hook), hookspecs.PROJECT + "_spec").get("firstresult", False)
        assert ("First result wins" in section) == first, hook
        assert ("Collected" in section) == (not first), hook


def test_every_data_type_of_core_policy_is_documented():
    from core import policy

    text = doc_text()
    for name, obj in inspect.getmembers(policy, inspect.isclass):
        if obj.__module__ == policy.__name__:
            assert f"| `{name}` |" in text, f"docs/plugins.md lacks the data type {name}"


EXAMPLES = re.findall(r"^```python\n(.*?)^```", doc_text(), re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_the_examples_run(code):
    exec(compile(code, str(DOC), "exec"), {"__name__": "docs_example"})
