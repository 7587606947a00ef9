# The two commands a user needs: `make run` and `make test`. Both set up what is missing first.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test test-fast lint bench clean

setup:
	@bash scripts/setup.sh

run: setup
	@$(BIN)/neck-coach

test: setup lint
	$(BIN)/pytest

# The edit loop: unit tests only (no speech model, synthesis or sound devices), in seconds.
test-fast:
	$(BIN)/pytest -q -m "not slow"

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# make bench BENCH_ARGS="--quick"; `python -m bench --help` lists the options.
bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) models bench/out .pytest_cache .mypy_cache .ruff_cache
