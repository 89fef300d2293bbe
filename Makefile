# Anxin — `make run` starts the platform, `make test` runs every test. `make help` lists the rest.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.DEFAULT_GOAL := help

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create .venv and install Anxin with its dev tools

.PHONY: setup
setup: install ## Migrate, create the cache table, collect static files (no demo logins; idempotent)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v 0

# The demo runs with DEBUG on: only then do demo logins (password anxin-demo) and demo webhook
# secrets exist. seed_demo prints them; production (ANXIN_ENV=production) refuses both.
.PHONY: run
run: setup ## Start the DEMO (DEBUG on, demo logins) on http://127.0.0.1:8000 (PORT=, VERBOSE=1 to log every request)
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py serve $(if $(VERBOSE),--verbose)

.PHONY: test
test: install ## Run the whole test suite (unit, API, browser)
	@scripts/ensure-browser
	$(PY) -m pytest -q -n 2 --dist loadfile --durations=25

.PHONY: lint
lint: install ## ruff check + format check, import layering, mypy, function size/complexity, Django checks, migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports pyproject.toml
	$(VENV)/bin/mypy
	$(PY) scripts/check_complexity.py
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

.PHONY: fmt
fmt: install ## Format the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Tabler's stylesheet cut to the classes our templates, JS and forms use (ADR 24). Run after adding or
# restyling templates; tests/static/test_css_subset.py fails until you do.
.PHONY: css
css: install ## Rebuild static/vendor/tabler/tabler.subset.css from the templates (after adding pages)
	$(PY) scripts/build_css.py

.PHONY: messages
messages: install ## Refresh and compile translation catalogues (needs GNU gettext)
	$(PY) manage.py makemessages -l en --ignore '.venv/*' --ignore 'data/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'
