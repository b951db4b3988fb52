# Two commands on a fresh machine with only Python 3.11 and pip:
#   make run    the main job: the reference experiment on the shipped corpus
#   make test   the whole test suite (the same command .ci/run runs)
# Both bootstrap uv into .tools/bin/uv (a link to your uv if one is on PATH) and install the locked
# environment into .venv/.
#   make lab    JupyterLab on notebooks/, from the same locked environment (nothing downloaded)

UV_VERSION := 0.13.9
UV := .tools/bin/uv
CONFIG ?= experiments/configs/vietnam.yaml
# offline: no announcements feed, no update check, no PyPI extension manager (JupyterLab would ask
# the network for each); --allow-root where make runs as root (containers, CI)
LAB_FLAGS := --notebook-dir=notebooks --LabApp.news_url=None \
	--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	--LabApp.extension_manager=readonly $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=
# Bytecode compiled once at install (uv sync and uv run's implicit sync): the environment may set
# PYTHONDONTWRITEBYTECODE=1, and then every fresh process would compile the libraries again
# (importing the topic-model stack: 17 CPU-s without .pyc files, 7 with them). uv compiles what it
# installs into .venv; the package itself is installed editable from src/, so it is compiled here
# (89 modules: ~0.2 CPU-s of every fresh process that imports them).
export UV_COMPILE_BYTECODE := 1

.PHONY: run test sync bench catalogue lab clean-env

run: sync
	$(UV) run --frozen topics run $(CONFIG)

test: sync
	$(UV) run --frozen pytest

sync: $(UV)
	$(UV) sync --frozen
	$(UV) run --frozen --no-sync python -m compileall -q src

lab: sync
	$(UV) run --frozen jupyter lab $(LAB_FLAGS) $(LAB_ARGS)

# every benchmark, peers in the same run; results in benchmarks/results/ (BENCH_QUICK=1: ~5 min)
bench: sync
	$(UV) run --frozen python benchmarks/run.py $(if $(BENCH_QUICK),--quick)

# the error catalogue (issue 10): bad inputs and faults, a table and totals (CATALOGUE_QUICK=1: < 1 min)
catalogue: sync
	$(UV) run --frozen python scripts/error_catalogue.py $(if $(CATALOGUE_QUICK),--quick)

# the README's commands call .tools/bin/uv: link the uv on PATH there, or install one
.tools/bin/uv:
	@if command -v uv >/dev/null 2>&1; then \
		mkdir -p .tools/bin && ln -sf "$$(command -v uv)" .tools/bin/uv; \
	else \
		python3 -m venv .tools && \
		.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); \
	fi

clean-env:
	rm -rf .venv .tools
