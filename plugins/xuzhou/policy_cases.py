"""The policy cases of xuzhou (docs/plugins.md, "Policy cases"): the YAML files of the folder
``cases/`` beside this module, shipped as package data so an installed copy finds them too."""
from importlib.resources import files

from core import hookimpl


@hookimpl
def zc_policy_cases(jurisdiction):
    if jurisdiction == "xuzhou":
        return [files(__package__) / "cases"]
