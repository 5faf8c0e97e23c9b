"""The application form's base for plugins (``from core.forms import ...``), a path plugins
import: the code lives in :mod:`core.facts.forms`."""
from core.facts.forms import *  # noqa: F401,F403
from core.facts.forms import __all__  # noqa: F401
