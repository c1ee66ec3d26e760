# Watchpost on this machine: `make up` brings the suite up, `make test` runs the tests, `make down` stops it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install up down test unit bench clean

$(VENV)/.installed: requirements.txt constraints.txt shared/pyproject.toml $(wildcard services/*/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

install: $(VENV)/.installed

up: install
	$(BIN)/python tools/suite.py up

down:
	$(BIN)/python tools/suite.py down

test: install
	$(BIN)/pytest -q

fuzz: install  # schemathesis over the four served OpenAPI documents, many examples per operation (a few in `make test`)
	SCHEMATHESIS_EXAMPLES=$${SCHEMATHESIS_EXAMPLES:-200} $(BIN)/pytest -q tests/hardening/test_openapi.py

unit: install
	$(BIN)/pytest -q -m "not integration and not e2e"

bench: install
	$(BIN)/pip install -q -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/run.py

clean: down
	rm -rf $(VENV) .run

# `make demo` (after `make up`): simulates a quarter of the district through the services' HTTP APIs, prints the
# scorecards and verifies the logs. PERIOD=2026-Q1 (a quarter or a year; default the current one), SCALE=0.1.
.PHONY: demo
demo: install
	$(BIN)/python tools/simulate.py $(if $(PERIOD),--period $(PERIOD)) $(if $(SCALE),--scale $(SCALE))
