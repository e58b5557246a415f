# The two commands are `make demo` and `make test`; the rest are helpers.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean migration

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ippledge demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -m "not slow"

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/pytest -m slow
	$(BIN)/python -m benchmarks.registry_bulk
	$(BIN)/python -m benchmarks.batch_query
	$(BIN)/python -m benchmarks.risk_simulation
	$(BIN)/python -m benchmarks.daily_close
	$(BIN)/python -m benchmarks.valuation_batch
	$(BIN)/python -m benchmarks.supervision
	$(BIN)/python -m benchmarks.api_fuzz
	$(BIN)/python -m benchmarks.console_pages
	$(BIN)/python -m benchmarks.auction
	$(BIN)/python -m benchmarks.api_load

# Regenerate the initial migration from the models (only while nothing is deployed).
migration: $(STAMP)
	$(BIN)/python -m ippledge.migrations.tools regenerate-initial

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache ippledge.db
