# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install convnet-tui into it and open the explorer
#   make test   create/reuse .venv, run the checks and the quick tier of the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test test-slow test-all smoke check rounding bench bundled-model clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[train,test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/convnet-tui

# ruff (lint and format), mypy and the import-linter layer contracts. The benchmarks and scripts import their
# siblings (and two test helpers) through sys.path: a second mypy run with those folders on its path.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	MYPYPATH=benchmarks:tests:tests/images $(BIN)/mypy benchmarks scripts
	$(BIN)/lint-imports

# The suite has two tiers (docs/development.md, "The suite's time"): `make test` runs the quick tier, every
# test but the slow ones (real training, a real TensorFlow worker process, snapshots in every look, Chromium);
# `make test-slow` runs those; `make test-all` both at once. CI runs `make test`, then `make test-slow`.
# Three workers on two cores: a Pilot test waits for the app to go idle after every key (Textual's
# wait_for_idle sleeps 20 ms at a time), so two workers left the cores idle a quarter of the time.
# PYTHONDONTWRITEBYTECODE (set on some machines) is dropped for the run: without the bytecode cache every
# worker compiled the package and rewrote the test modules again, 4 s of CPU per worker.
PYTEST = env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 3 --dist worksteal -q --reruns 1 --reruns-delay 1

test: check
	$(PYTEST) -m "not slow"

test-slow: $(STAMP)
	$(PYTEST) -m slow

test-all: check
	$(PYTEST)

# The installed command on a real pseudo-terminal, every screen and serve, on each Python found (3.11 with
# everything in .venv, 3.12 and 3.13 with the base install in .smoke/): see scripts/smoke_all.sh.
smoke: $(STAMP)
	bash scripts/smoke_all.sh

# The UI, core and lesson tests (snapshots and exact texts) again on other float kernels, as on another CPU: OpenBLAS' AVX2
# (Haswell) kernels with TensorFlow's oneDNN held to AVX2 (an AVX2-only machine such as an AMD EPYC), then
# OpenBLAS' SSE (Prescott) kernels with oneDNN off. A screen that shows float rounding fails here.
rounding: $(STAMP)
	OPENBLAS_CORETYPE=Haswell ONEDNN_MAX_CPU_ISA=AVX2 $(BIN)/python -m pytest -n 3 --dist worksteal -q -p no:cacheprovider tests/ui tests/core tests/lessons tests/explore
	OPENBLAS_CORETYPE=Prescott TF_ENABLE_ONEDNN_OPTS=0 $(BIN)/python -m pytest -n 3 --dist worksteal -q -p no:cacheprovider tests/ui tests/core tests/lessons tests/explore

bench: $(STAMP)
	failed=; for b in benchmarks/bench_*.py; do $(BIN)/python $$b || failed="$$failed $$b"; done; \
	$(BIN)/python benchmarks/bench_startup.py --phases; \
	if [ -n "$$failed" ]; then echo "targets not met:$$failed"; exit 1; fi

# Retrain the model shipped in assets/model/ (seed 0, 8 epochs on the bundled sample and its augmented copies; ~6 min on 2 cores).
bundled-model: $(STAMP)
	$(BIN)/python scripts/train_bundled_model.py

clean:
	rm -rf $(VENV) .smoke build dist *.egg-info .pytest_cache
