# Two commands: `make run` (set up everything and serve the demo) and `make test` (the whole suite);
# `make serve` is the production web server of README "Several machines".
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# gunicorn processes × threads for `make serve`: one process per core; threads overlap a request's
# waits on the database (gunicorn's usual 2 × cores + 1 processes crowd a small machine).
WEB_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
WEB_THREADS ?= 4

.PHONY: run serve test lint setup demo worker lock bench clean messages

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || ($(PYTHON) -m pip install --user virtualenv && $(PYTHON) -m virtualenv $(VENV))
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

setup: $(STAMP) .env

# The local demo's settings, written once: DEBUG off as in production (real error pages, static files
# by whitenoise), a generated secret, plain HTTP on localhost. Production sets real environment variables.
.env:
	@$(PYTHON) -c "import secrets; print('DEBUG=false\nSECRET_KEY=' + secrets.token_urlsafe(50) + '\nALLOWED_HOSTS=127.0.0.1,localhost\nSECURE_SSL_REDIRECT=false\nSECURE_COOKIES=false')" > .env
	@echo "wrote .env (DEBUG off, a new SECRET_KEY)"

demo: $(STAMP) .env
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) seed_demo_residents
	$(MANAGE) seed_demo_safety
	$(MANAGE) seed_demo_staff
	$(MANAGE) seed_demo_inspections
	$(MANAGE) seed_demo_claims
	$(MANAGE) seed_demo_custody_notices
	$(MANAGE) seed_demo_accountability

# The web server, plus a Celery worker with an embedded beat that runs the periodic schedule.
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the worker)"
	@$(MANAGE) collectstatic --noinput -v0
	@$(BIN)/celery -A config worker -B --pool=solo --loglevel=WARNING & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

# Production: one web machine of several behind a load balancer (README "Several machines"). It only
# serves: no install, no migrations, no demo data, no .env; the environment must be configured
# (DEBUG=false, SECRET_KEY, DATABASE_URL, …). No access log: a query string can carry an ID number
# (the app's own access log masks them).
serve:
	exec $(BIN)/gunicorn config.wsgi --config python:config.gunicorn --bind $(HOST):$(PORT) \
	  --workers $(WEB_WORKERS) --threads $(WEB_THREADS) --worker-class gthread

test: $(STAMP)
	$(BIN)/python -m pytest -n auto

# ruff (its defaults and the Django rules) and the layers of ARCHITECTURE.md (import-linter contracts in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Province-scale benchmarks (bench/, DESIGN §6) on PostgreSQL, not part of `make test`: creates and
# seeds its own database on first use (carehome_bench; BENCH_SCALE=0.1 for a quick run on a smaller one).
bench: $(STAMP)
	$(BIN)/python -m bench.run

# Regenerate the pinned lock from pyproject.toml (no index URLs are written).
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --strip-extras --extra dev --no-emit-index-url --no-emit-find-links \
	  --no-emit-trusted-host --output-file requirements.lock pyproject.toml

# Refresh the English catalog from the code: sorted, without source locations, so that parallel
# changes merge; then compile it.
messages: $(STAMP)
	DEBUG=true $(MANAGE) makemessages -l en --ignore=.venv --ignore=tests --ignore=var --ignore=bench \
	  --no-obsolete --add-location=never -v0
	msgcat --sort-output --output-file=locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	sed -i '/^"POT-Creation-Date: /d' locale/en/LC_MESSAGES/django.po
	DEBUG=true $(MANAGE) compilemessages -l en -l zh_Hans -v0

clean:
	rm -rf var/ .pytest_cache
