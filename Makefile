# Watchpost on this machine: `make up` brings the suite up, `make test` runs the tests, `make down` stops it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# this machine is a development machine: the built-in development keys are allowed (docs/operations.md, "Keys")
export WATCHPOST_ENV ?= development

.PHONY: install up down test unit integration e2e lint fuzz bench clean rabbit-management

$(VENV)/.installed: requirements.txt constraints.txt shared/pyproject.toml $(wildcard services/*/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

# the official AsyncAPI parser, for tests/test_asyncapi_parser.py (node 20 and npm)
ASYNCAPI_CHECK := tools/asyncapi/node_modules/.installed
$(ASYNCAPI_CHECK): tools/asyncapi/package.json tools/asyncapi/package-lock.json
	npm ci --prefix tools/asyncapi --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed $(ASYNCAPI_CHECK)

up: install
	$(BIN)/python tools/suite.py up

down:
	$(BIN)/python tools/suite.py down

# the tests make a vhost per test through RabbitMQ's management API: switch the plugin on if it is off (first: fail fast)
rabbit-management:
	$(PYTHON) tools/rabbit_management.py

# test: the README's test command. Lint first (fast), then the unit tier with no network and no database (the proof
# that it needs neither), then the integration and end-to-end tiers; every test runs exactly once.
test: rabbit-management install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -m "not integration and not e2e" -p socket --disable-socket --allow-unix-socket
	$(BIN)/pytest -q -m "integration or e2e"

fuzz: install  # schemathesis over the four served OpenAPI documents, many examples per operation (a few in `make test`)
	SCHEMATHESIS_EXAMPLES=$${SCHEMATHESIS_EXAMPLES:-200} $(BIN)/pytest -q tests/hardening/test_openapi.py

# unit: no network and no database, proved on every run: pytest-socket refuses every socket but a Unix one, and
# the watchpost plugin makes psycopg2.connect fail (libpq's sockets are not Python's), so an unmarked test that
# needs the broker or the database fails here instead of passing quietly.
unit: install
	$(BIN)/pytest -q -m "not integration and not e2e" -p socket --disable-socket --allow-unix-socket

# integration: the real PostgreSQL and RabbitMQ, services in nameko containers; e2e: the services as processes.
integration: install
	$(BIN)/pytest -q -m integration

e2e: install
	$(BIN)/pytest -q -m e2e

# lint: ruff's checks and its formatting (configured in ruff.toml); `make test` runs them first.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/pip install -q -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/run.py

clean: down
	rm -rf $(VENV) .run tools/asyncapi/node_modules

# `make demo` (after `make up`): simulates a quarter of the district through the services' HTTP APIs, prints the
# scorecards and verifies the logs. PERIOD=2026-Q1 (a quarter or a year; default the current one), SCALE=0.1.
.PHONY: demo
demo: install
	$(BIN)/python tools/simulate.py $(if $(PERIOD),--period $(PERIOD)) $(if $(SCALE),--scale $(SCALE))
