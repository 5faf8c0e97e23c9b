"""Where the page templates live: the site's layout in the top-level ``templates/`` folder
(installed beside ``core/``), each domain package's own pages in ``core/<package>/templates``,
so that a wheel carries every page with the code that renders it.  Template names are
unchanged by where they live (``portal/draft.html`` is in ``core/intake/templates``)."""
from __future__ import annotations

from pathlib import Path

CORE = Path(__file__).resolve().parent.parent
SITE_TEMPLATES = CORE.parent / "templates"  # the checkout, or site-packages


def folders() -> list[Path]:
    """The site's layout first, then the packages' folders in a fixed order."""
    return [SITE_TEMPLATES, *sorted(p for p in CORE.glob("*/templates") if p.is_dir())]
