# The two commands: `make serve` and `make test`. Both install first, once.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTTP_TOOLS := tests/http/node_modules/.installed

.PHONY: install serve test lint typecheck schema test-tools bench bench-quick clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: install
	$(BIN)/samverkan migrate
	$(BIN)/samverkan seed load --if-empty
	$(BIN)/samverkan serve

# npm packages for the GraphQL-over-HTTP audit; a machine without npm skips that test.
test-tools: $(HTTP_TOOLS)

$(HTTP_TOOLS): tests/http/package.json tests/http/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/http && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	elif [ "$$CI" = "true" ]; then \
		echo "npm is missing: the HTTP audit cannot run under CI" >&2; exit 1; \
	else \
		echo "npm not found: the HTTP audit test will be skipped"; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

test: install test-tools lint typecheck
	$(BIN)/pytest

schema: install
	$(BIN)/python -m api.schema > schema.graphql

clean:
	rm -rf $(VENV) data tests/http/node_modules
