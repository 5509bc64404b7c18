# The two commands: `make demo` and `make test`. Both install what they need into .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= greenroom-data
SCALE ?= small

.PHONY: install demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml requirements-dev.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/greenroom --data-dir $(DATA_DIR) demo --scale $(SCALE)
	$(BIN)/greenroom --data-dir $(DATA_DIR) serve --demo --host 127.0.0.1 --port $${PORT:-8000}

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/residuals.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/review.py
	$(BIN)/python bench/web_load.py

clean:
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache .mypy_cache .ruff_cache
