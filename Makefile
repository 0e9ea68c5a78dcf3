# Sigap. Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH ?=

.PHONY: demo test install install-test assets chromium java serve bench lint typecheck messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed
install-test: $(VENV)/.installed-test node_modules/.installed

# Debian's Chromium for the browser tests; never a browser downloaded by a test tool.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# A Java runtime for the Spark (local mode) registry screening tests and benchmark, from Debian.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's Java runtime for the Spark tests…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_regions
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo
	@echo "Sigap is at http://$(HOST):$(PORT)/ (stop with Ctrl+C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-test chromium java
	$(BIN)/pytest -q

bench: install-test java
	$(PY) bench/run.py $(BENCH)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/mypy sigap bench

# Re-extract translatable strings and compile them (needs GNU gettext).
messages: install
	cd sigap && ../$(PY) ../manage.py makemessages -l en --no-obsolete && ../$(PY) ../manage.py compilemessages -l en

clean:
	rm -rf $(VENV) node_modules staticfiles
