# The shop's commands. From a fresh clone, with only Python 3.11+ and git:
#   make run    serve the demo shop at http://127.0.0.1:8000 (SQLite, debug on); PORT=8001 make run
#               serves on another port
#   make test   the whole test suite on every core (DATABASE_URL=postgres://... make test for
#               PostgreSQL), browser journeys included (they skip without /usr/bin/chromium,
#               except in CI); TEST_WORKERS=0 make test runs it in one process
#   make test-browser  the browser journeys alone; make test-fast  everything but them
#   make lint   ruff's lint and format checks
#   make bench  the benchmark of BENCH.md (PostgreSQL, Redis, gunicorn and wrk on this machine)
#   make audit  axe-core and Lighthouse on the main pages, and their screenshots (artifacts/audit/)

PYTHON ?= python3
PORT ?= 8000
# The suite runs in parallel, one worker per core (TEST_WORKERS=0 runs it in this process), each
# test file whole in one worker: module-wide servers and databases stay the file's own.
TEST_WORKERS ?= auto
PYTEST = $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test test-browser test-fast lint format messages bench audit clean

install: $(INSTALLED)

# Reinstall whenever requirements.txt changes.
$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

run: install
	DJANGO_DEBUG=1 DJANGO_HTTPS=0 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 DJANGO_HTTPS=0 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 DJANGO_HTTPS=0 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PYTEST)

test-browser: install
	$(PYTEST) -m browser

test-fast: install
	$(PYTEST) -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh locale/ru/LC_MESSAGES/django.po from the code, then compile it (needs GNU gettext).
messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --locale ru --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --locale ru --ignore '.venv/*'

# Redis database 1 by default: the run clears its cache.
bench: install
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1} $(BIN)/python -m bench.run

# Lighthouse comes from npm (audit/package.json, locked); axe-core from the Python requirements.
audit: install
	npm ci --prefix audit --no-audit --no-fund --silent
	$(BIN)/python -m audit.run

clean:
	rm -rf $(VENV) staticfiles artifacts audit/node_modules
