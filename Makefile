# The two commands: `make serve` and `make test`. Both install first, once.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTTP_TOOLS := tests/http/node_modules/.installed
SCHEMA_TOOLS := tests/schema/node_modules/.installed
RELAY_TOOLS := tests/relay/node_modules/.installed
WEB_BUILT := web/dist/vendor/.built

.PHONY: install serve test lint typecheck schema test-tools web browser fuzz bench bench-quick bench-tools soak drill clean

install: $(STAMP) web

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: install
	$(BIN)/samverkan migrate
	$(BIN)/samverkan seed load --if-empty
	$(BIN)/samverkan serve

# npm packages for the GraphQL-over-HTTP audit, the schema linter and the Relay check
# (tests/test_relay.py); a machine without npm skips those tests (under CI: fails).
test-tools: $(HTTP_TOOLS) $(SCHEMA_TOOLS) $(RELAY_TOOLS)

$(RELAY_TOOLS): tests/relay/package.json tests/relay/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/relay && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	elif [ "$$CI" = "true" ]; then \
		echo "npm is missing: the Relay check cannot run under CI" >&2; exit 1; \
	else \
		echo "npm not found: the Relay check will be skipped"; \
	fi

$(HTTP_TOOLS): tests/http/package.json tests/http/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/http && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	elif [ "$$CI" = "true" ]; then \
		echo "npm is missing: the HTTP audit cannot run under CI" >&2; exit 1; \
	else \
		echo "npm not found: the HTTP audit test will be skipped"; \
	fi

$(SCHEMA_TOOLS): tests/schema/package.json tests/schema/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/schema && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	elif [ "$$CI" = "true" ]; then \
		echo "npm is missing: the schema linter cannot run under CI" >&2; exit 1; \
	else \
		echo "npm not found: the schema linter test will be skipped"; \
	fi

# The browser assets the app serves (GraphiQL, React: web/README.md) and the browser test's npm
# tools, from web/package-lock.json. Without npm the pages answer 503 and the web tests skip
# (under CI: fail).
web: $(WEB_BUILT)

$(WEB_BUILT): web/package.json web/package-lock.json web/build.mjs web/charts.mjs
	@if command -v npm >/dev/null 2>&1; then \
		cd web && npm ci --no-audit --no-fund --loglevel=error && node build.mjs && touch dist/vendor/.built; \
	elif [ "$$CI" = "true" ]; then \
		echo "npm is missing: the web assets cannot be built under CI" >&2; exit 1; \
	else \
		echo "npm not found: GraphiQL and the dashboard will answer 503, their tests will be skipped"; \
	fi

# Debian's chromium for the browser test (tests/test_dashboard_browser.py), installed when missing.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)) \
		|| ([ "$$CI" = "true" ] && echo "chromium could not be installed" >&2 && exit 1) || true; \
	elif [ "$$CI" = "true" ]; then \
		echo "chromium is missing (apt-get install chromium): the browser test cannot run under CI" >&2; exit 1; \
	else \
		echo "chromium not found (apt-get install chromium): the browser test will be skipped"; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# Three workers (pytest-xdist) on two cores: the suite waits on databases, servers, subprocesses and
# the browser as much as it computes (two workers kept 1.1 of the 2 cores busy on average), so a
# third fills the waits: 722 tests in 307 s on the idle 2-core machine; two took 474 s just before
# (before the whole-country corpus drew fewer statistics; 446 s at the start of 2026-12-01).
# TEST_WORKERS=0 runs it in this process (a debugger).
TEST_WORKERS ?= 3
test: install test-tools browser lint typecheck
	$(BIN)/pytest -n $(TEST_WORKERS)

schema: install
	$(BIN)/python -m api.schema > schema.graphql

# Schema fuzzing (tests/fuzz.py): hypothesis-graphql documents over every root field, with and
# without tokens, for a time budget on both databases; fails on any 5xx or "Unexpected error".
# Then the compiled path's generated corpus (tests/compiled_corpus.py) ten times as large as in
# `make test`, on the seed content of both databases and on the whole country.
FUZZ_SECONDS ?= 180
fuzz: install
	$(BIN)/python -m tests.fuzz --seconds $(FUZZ_SECONDS)
	COMPILED_CORPUS_DOCUMENTS=1250 COMPILED_CORPUS_COUNTRY_DOCUMENTS=600 $(BIN)/pytest -q -p no:randomly tests/test_compiled.py -k corpus

# The benchmark against PostGraphile 5 (bench/run.py): wrk from Debian, PostGraphile and Node 22
# from npm into bench/postgraphile, py-spy for the profile. Needs PostgreSQL at 127.0.0.1:5432.
BENCH_TOOLS := bench/postgraphile/node_modules/.installed

$(BENCH_TOOLS): bench/postgraphile/package.json bench/postgraphile/package-lock.json
	cd bench/postgraphile && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed

bench-tools: install $(BENCH_TOOLS)
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	@test -x $(BIN)/py-spy || $(BIN)/python -m pip install --quiet py-spy

bench: bench-tools
	$(BIN)/python -m bench.run

bench-quick: bench-tools
	$(BIN)/python -m bench.run --quick

# A minute of 16 readers and 4 racing writers against 2 API processes on a throwaway PostgreSQL
# database (tests/soak.py); checks that every acknowledged write is in the history exactly once.
# Not part of `make test`. SOAK_SECONDS sets the duration.
soak: install
	$(BIN)/python -m tests.soak
# Failure drill (bench/drill.py, not part of `make test`): kill -9 during a load and during
# writes, PostgreSQL stopped and started under readers, on a throwaway cluster of its own.
drill: install
	$(BIN)/python -m bench.drill

clean:
	rm -rf $(VENV) data tests/http/node_modules tests/schema/node_modules tests/relay/node_modules web/node_modules web/dist test-output
