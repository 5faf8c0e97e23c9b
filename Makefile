# 众创空间认定管理平台 — the two commands of the README:
#   make run    creates .venv, installs the project, migrates, loads demo data, serves on http://127.0.0.1:$(PORT)
#   make test   creates .venv, installs the project with its test extras, runs the whole test suite
# Needs only python3 (>= 3.11).  PostgreSQL tests run too when TEST_DATABASE_URL is set.

PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 5000
BIN    := $(VENV)/bin

.PHONY: run test install install-test clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Plain http on the loopback interface: cookies cannot be Secure-only here.
run: $(VENV)/.installed
	ZHONGCHUANG_SECURE_COOKIES=0 $(BIN)/zhongchuang db upgrade
	ZHONGCHUANG_SECURE_COOKIES=0 $(BIN)/zhongchuang demo
	$(BIN)/python -c "from core.documents.render import ensure_fonts; ensure_fonts()"  # the PDFs' font, cut once
	ZHONGCHUANG_SECURE_COOKIES=0 exec $(BIN)/zhongchuang run --host $(HOST) --port $(PORT)

# The browser test (tests/browser) drives Debian's chromium: installed by
# scripts/setup_browser.sh with apt-get when missing (root with apt); without it that
# test is skipped and says why.
# One pytest worker per core (-n auto), each with its own SQLite template, instance folder and
# PostgreSQL database (<db>_gw0, …: tests/conftest.py).  --dist loadfile keeps a file's tests on
# one worker, so a module-scoped fixture (the wheel's venv, the browser's server and demo
# database, a plugin's registry) is built once rather than once per worker.  The 20 slowest
# tests are printed at the end of every run.
test: $(VENV)/.installed-test
	sh scripts/setup_pdf_tools.sh $(BIN)/python
	bash scripts/setup_browser.sh
	$(BIN)/python -m pytest -q -n auto --dist loadfile --no-loadscope-reorder --durations=20

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

# The dependency rule of docs/architecture.md: import-linter's contracts of pyproject.toml
# (also run by tests/unit/test_architecture.py).
.PHONY: lint-imports
lint-imports: $(VENV)/.installed-test
	$(BIN)/lint-imports --no-cache

# The province-scale benchmarks of issue 15 (docs/benchmarks.md): wrk, gunicorn and the font
# (scripts/setup_bench.sh), BENCH_DB filled once (benchmarks/fill.py: about a minute;
# left alone when already filled), then the three benchmarks, each printing its tables.
BENCH_DB ?= postgresql://postgres@127.0.0.1:5432/bench
.PHONY: bench
bench: | $(BIN)/python
	sh scripts/setup_bench.sh $(VENV)
	$(BIN)/python benchmarks/fill.py --db $(BENCH_DB)
	$(BIN)/python benchmarks/admin_pages.py --db $(BENCH_DB)
	$(BIN)/python benchmarks/exports.py --db $(BENCH_DB)
	$(BIN)/python benchmarks/public_pages.py --db $(BENCH_DB)
