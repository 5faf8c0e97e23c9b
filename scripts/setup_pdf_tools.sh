#!/bin/sh
# PDF tools for the tests and the documents (docs/documents.md):
#  - poppler-utils (pdftoppm, pdftotext) from Debian, for the page images of the tests,
#    installed only when missing and only where apt-get can run (root);
#  - the Regular and Bold font files, cut once from the variable Noto Sans SC font of
#    the PyPI package justmytype-intl-cjk into the font cache (core.documents.render.font_dir).
# Usage: scripts/setup_pdf_tools.sh [PYTHON]
PYTHON=${1:-.venv/bin/python}
if ! command -v pdftoppm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get install -y -q poppler-utils >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q poppler-utils >/dev/null 2>&1; } \
            || echo "setup_pdf_tools: poppler-utils could not be installed; the page-image test will be skipped" >&2
    else
        echo "setup_pdf_tools: pdftoppm missing and apt-get not usable; the page-image test will be skipped" >&2
    fi
fi
exec "$PYTHON" -c "from core.documents.render import ensure_fonts; ensure_fonts()"
