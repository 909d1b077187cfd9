# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install convnet-tui into it and open the explorer
#   make test   create/reuse .venv and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test check bench bundled-model clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/convnet-tui

# ruff (lint and format), mypy and the import-linter layer contracts.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: check
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

# Retrain the model shipped in assets/model/ (seed 0, 5 epochs on the bundled sample; ~30 s).
bundled-model: $(STAMP)
	$(BIN)/python scripts/train_bundled_model.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
