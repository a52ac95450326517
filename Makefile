# The front door: `make run` opens the TUI, `make test` runs the whole test suite
# (`make test-pg`: also against a throwaway PostgreSQL server).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-pg check lint format bench bench-readme

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

run: $(BIN)/.installed
	$(BIN)/kigo

# Lint, the layer contracts (pyproject.toml, [tool.importlinter]), the types (mypy, [tool.mypy]),
# the suite on both cores (worksteal: an idle core takes tests from the busy one; on this machine
# 498 s and 541 s, against 537 s with loadfile: no clear gain yet), then the tests that measure
# time or load the machine, alone.
test: $(BIN)/.installed
	$(BIN)/ruff check kigo_tui tests scripts benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "not serial"
	$(BIN)/python -m pytest -m serial

# The same suite with a throwaway PostgreSQL server (scripts/with_postgres.sh), as .ci/run runs it.
test-pg: $(BIN)/.installed
	bash scripts/with_postgres.sh $(MAKE) test

lint: $(BIN)/.installed
	$(BIN)/ruff check kigo_tui tests scripts benchmarks
	$(BIN)/ruff format --check kigo_tui tests scripts benchmarks

format: $(BIN)/.installed
	$(BIN)/ruff format kigo_tui tests scripts benchmarks
	$(BIN)/ruff check --fix kigo_tui tests scripts benchmarks

check: format test

# The benchmark suite (benchmarks/README.md): figures beside the floor, targets, comparisons.
bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks

# The README's "Ydeevne" table from benchmarks/results/latest.json.
bench-readme: $(BIN)/.installed
	$(BIN)/python -m benchmarks.render --readme
