#!/bin/sh
# What the province-scale benchmarks need (docs/benchmarks.md "Province scale (issue 15)"):
#  - wrk from Debian, for the throughput runs, installed only when missing and only where
#    apt-get can run (root); without it the benchmarks fall back to a Python thread pool;
#  - the project with its bench and postgresql extras (gunicorn, psycopg; pyotp is a
#    dependency already) into the virtual environment;
#  - the PDFs' font, cut once, so that no timed PDF render waits for it.
# Idempotent: run it as often as you like.  Usage: scripts/setup_bench.sh [VENV]
set -e
VENV=${1:-.venv}
if ! command -v wrk >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get install -y -q wrk >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; } \
            || echo "setup_bench: wrk could not be installed; throughput is measured with threads" >&2
    else
        echo "setup_bench: wrk missing and apt-get not usable; throughput is measured with threads" >&2
    fi
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q -e '.[bench,postgresql]' gunicorn
"$VENV/bin/python" -c "from core.documents.render import ensure_fonts; ensure_fonts()"
