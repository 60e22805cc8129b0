# The two commands: `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: setup run test test-integration test-browser bench loadtest lint messages ci

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Set up, migrate SQLite, load the demo (idempotent) and serve on 127.0.0.1:$(PORT).
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite on SQLite (integration and browser stages need real services: see .ci/run).
test: setup
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -m "not integration and not browser"

test-integration: setup
	$(BIN)/python -m pytest -m integration tests/integration

test-browser: setup
	$(BIN)/python -m pytest -m browser tests/browser

bench: setup
	$(BIN)/python -m benchmarks.run

# 50 users for 60 s against gunicorn + PostgreSQL at federation scale (docs/loadtest.md). Needs PostgreSQL:
# LOADTEST_DATABASE_URL (default: the growth benchmark's unionportal_bench, built when missing).
loadtest: setup
	$(BIN)/pip install --quiet -e '.[load]'
	timeout 3600 $(BIN)/python -m loadtest.run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerate the .po files (needs GNU gettext) and compile them to the committed .mo files.
messages: setup
	$(BIN)/python manage.py makemessages_all
	$(BIN)/python manage.py compile_translations

ci:
	bash .ci/run
