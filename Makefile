# Rounds: `make run` serves the demo hospital, `make test` proves it on SQLite and PostgreSQL.
# Both install what is missing first: a pinned uv in .tools/, then the locked packages in .venv/.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SIZE ?= hospital

TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint typecheck pytest jstest deps test-deps services browser webkit vendor clean docs pwa pwa-rules pwa-icons

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

deps: $(UV)
	$(UV) sync --frozen --inexact --python $(PYTHON) --quiet

test-deps: $(UV)
	$(UV) sync --frozen --extra test --python $(PYTHON) --quiet

run: deps
	$(BIN)/rounds db upgrade
	$(BIN)/rounds demo load --size $(DEMO_SIZE) --if-empty
	$(BIN)/rounds serve --host $(HOST) --port $(PORT)

# PostgreSQL and Redis must be up for the tests; start them when installed but down.
services:
	@if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  if command -v pg_ctlcluster >/dev/null; then \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start || true; \
	  fi; \
	fi
	@if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then \
	  if command -v redis-server >/dev/null; then \
	    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true; \
	  fi; \
	fi

lint: test-deps
	$(BIN)/ruff check server sync scanners tests
	$(BIN)/ruff format --check server sync scanners tests

typecheck: test-deps
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (never a browser downloaded by a test tool).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then APT=apt-get; else APT="sudo apt-get"; fi; \
	  $$APT install -y -q chromium >/dev/null 2>&1 || \
	  { $$APT update -q >/dev/null && $$APT install -y -q chromium >/dev/null; }; }
	@command -v chromium >/dev/null

# The WebKit browser tests (tests/e2e/webkit/) drive Debian's WebKitGTK: its WebDriver server
# (webkit2gtk-driver, which brings MiniBrowser) on a virtual screen (xvfb).
webkit:
	@{ command -v WebKitWebDriver && command -v Xvfb && ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser; } \
	  >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then APT=apt-get; else APT="sudo apt-get"; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$APT install -y -q webkit2gtk-driver xvfb >/dev/null 2>&1 || \
	  { $$APT update -q >/dev/null && $$APT install -y -q webkit2gtk-driver xvfb >/dev/null; }; }
	@command -v WebKitWebDriver >/dev/null && command -v Xvfb >/dev/null && \
	  ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser >/dev/null

pytest: test-deps services browser webkit
	$(BIN)/pytest

test: lint typecheck pytest jstest

# The field app's pure modules, IndexedDB schema and outbox (pwa/tests, Node's own runner,
# fake-indexeddb pinned in package-lock.json).
jstest:
	npm ci --no-audit --no-fund
	node --test tests/pwa/

# Copy the pinned browser libraries from npm into the repository (run after changing package.json).
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js server/static/vendor/htmx.min.js
	mkdir -p pwa/vendor/zxing-wasm/reader
	cp node_modules/zxing-wasm/dist/es/share.js pwa/vendor/zxing-wasm/share.js
	cp node_modules/zxing-wasm/dist/es/reader/index.js pwa/vendor/zxing-wasm/reader/index.js
	cp node_modules/zxing-wasm/dist/reader/zxing_reader.wasm pwa/vendor/zxing-wasm/zxing_reader.wasm
	cp node_modules/zxing-wasm/LICENSE pwa/vendor/zxing-wasm/LICENSE

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache

docs: deps
	$(BIN)/python -m server.docs > docs/errors.md

# The field app's offline shell: pwa/src/sw/precache.js lists every file the service worker
# caches, with a version hashed from them. Run after adding, changing or removing a file under
# pwa/ (a test fails while it is stale). pwa-icons redraws pwa/icons/, then rebuilds the list.
# pwa-rules writes pwa/src/shared/rules.js, the server's state machine, service levels and op
# roles for the phone's offline effects, and pwa/src/scan/gs1-ais.js, the GS1 rules of
# scanners/ for the phone's scan parser (a test fails while either is stale); pwa runs it first.
pwa: pwa-rules
	$(BIN)/python -m server.field_app precache

pwa-rules: deps
	$(BIN)/python -m server.field_app rules
	$(BIN)/python -m server.field_app gs1-ais

pwa-icons: deps
	$(BIN)/python -m server.field_app icons
	$(BIN)/python -m server.field_app precache

# Sync throughput as ratios against baselines measured in the same run, on SQLite and
# PostgreSQL, plus pouchdb-server as a peer (pinned in bench/package-lock.json), and the
# field app's cold start offline in Chromium against its bare shell. Prints a summary and
# keeps it in bench/last-run.txt; never fails on the figures.
# BENCH_ARGS=--quick for a smoke run; BENCH_ARGS="--only field-app" (or sync) for one part.
BENCH_ARGS ?=

.PHONY: bench

bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund || echo "bench: npm ci failed; the pouchdb-server peer will be skipped"

bench: test-deps services browser bench/node_modules/.package-lock.json
	$(BIN)/python -m bench.run $(BENCH_ARGS)
