# Two commands on a fresh machine with only Python 3.11 and pip:
#   make run    the main job: the reference experiment on the shipped corpus
#   make test   the whole test suite (the same command .ci/run runs)
# Both bootstrap uv into .tools/ (unless uv is on PATH) and install the locked environment into .venv/.

UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
CONFIG ?= experiments/configs/vietnam.yaml
# Bytecode compiled once at install (uv sync and uv run's implicit sync): the environment may set
# PYTHONDONTWRITEBYTECODE=1, and then every fresh process would compile the libraries again
# (importing the topic-model stack: 17 CPU-s without .pyc files, 7 with them).
export UV_COMPILE_BYTECODE := 1

.PHONY: run test sync bench clean-env

run: sync
	$(UV) run --frozen topics run $(CONFIG)

test: sync
	$(UV) run --frozen pytest

sync: $(UV)
	$(UV) sync --frozen

# every benchmark, peers in the same run; results in benchmarks/results/ (BENCH_QUICK=1: ~5 min)
bench: sync
	$(UV) run --frozen python benchmarks/run.py $(if $(BENCH_QUICK),--quick)

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

clean-env:
	rm -rf .venv .tools
