# Boomerang: the two commands a fresh machine needs are `make run` and `make test`.
# Everything else here is what they are made of.
SHELL := /bin/bash
PYTHON ?= python3.10
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export BOOMERANG_DATABASE_URL ?= sqlite:///$(CURDIR)/var/boomerang.db
# PostgreSQL used by the test suite when reachable (the suite also runs on SQLite).
export BOOMERANG_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test setup venv db bench clean help

help:
	@echo "make run    - set up everything and run the assistant on embedded defaults"
	@echo "make test   - set up everything and run the whole test suite"
	@echo "make bench  - speed figures (policy decisions/s, label generation time)"

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.10 is required ($(PYTHON) not found; see README)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=23" wheel
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

db: venv
	$(PY) -m backend setup

setup: db

run: setup
	$(PY) -m backend serve --host 127.0.0.1 --port 8000

test: venv
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/backend_bench.py

clean:
	rm -rf $(VENV) var
