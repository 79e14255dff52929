# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Two test workers; browser tests stay together on one of them.
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: run test lint typecheck architecture pytest venv dev-venv benchmarks screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

run: venv
	$(BIN)/worldcafe db upgrade
	$(BIN)/worldcafe demo --if-missing --base-url "$${WORLDCAFE_BASE_URL:-http://$(HOST):$(PORT)}"
	$(BIN)/worldcafe run --host $(HOST) --port $(PORT)

lint: dev-venv
	$(BIN)/ruff check worldcafe worldcafe_loadtest tests benchmarks run.py
	$(BIN)/ruff format --check worldcafe worldcafe_loadtest tests benchmarks run.py

typecheck: dev-venv
	$(BIN)/mypy

architecture: dev-venv
	$(BIN)/lint-imports

pytest: dev-venv
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck architecture pytest

benchmarks: dev-venv
	$(BIN)/python benchmarks/seating.py
	$(BIN)/python benchmarks/synthesis.py
	$(BIN)/python benchmarks/live_notes.py

screenshots: dev-venv
	$(BIN)/python scripts/screenshots.py

.PHONY: translations
translations: dev-venv
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ -k _plural_forms:1,2 \
		--no-location --sort-output --project worldcafe -o worldcafe/translations/messages.pot .
	$(BIN)/pybabel update -i worldcafe/translations/messages.pot -d worldcafe/translations \
		--ignore-obsolete --no-fuzzy-matching --width 100
	$(BIN)/pybabel compile -d worldcafe/translations

clean:
	rm -rf $(VENV) instance .mypy_cache .ruff_cache .pytest_cache
