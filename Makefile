# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install convnet-tui into it and open the explorer
#   make test   create/reuse .venv and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test smoke check rounding bench bundled-model clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[train,test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/convnet-tui

# ruff (lint and format), mypy and the import-linter layer contracts.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Three workers on two cores: a Pilot test waits for the app to go idle after every key (Textual's
# wait_for_idle sleeps 20 ms at a time), so two workers left the cores idle a quarter of the time.
test: check
	$(BIN)/python -m pytest -n 3 --dist worksteal -q --reruns 1 --reruns-delay 1

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

# Retrain the model shipped in assets/model/ (seed 0, 5 epochs on the bundled sample; ~30 s).
bundled-model: $(STAMP)
	$(BIN)/python scripts/train_bundled_model.py

clean:
	rm -rf $(VENV) .smoke build dist *.egg-info .pytest_cache
