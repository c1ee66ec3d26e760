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

unit: install
	$(BIN)/pytest -q -m "not integration and not e2e"

bench: install
	$(BIN)/python benchmarks/run.py

clean: down
	rm -rf $(VENV) .run
