# The commands the README names. Each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium

.PHONY: run test lint format browser messages lock bench-growth

LOCK := requirements.lock

# Installs exactly what the lock file names, then Expo itself; `make lock` refreshes it.
$(INSTALLED): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Expo needs Python 3.11 or newer (set PYTHON=python3.x)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Resolve pyproject.toml's ranges (with the dev extra) to exact versions for every
# supported Python and platform, with uv.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--custom-compile-command 'make lock' --quiet -o $(LOCK)

# The task worker that sends the outbox's e-mail runs beside the server and stops with it.
run: $(INSTALLED) messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(INSTALLED) browser messages
	$(BIN)/python -m pytest

# The Swedish, Finnish and Danish catalogues are compiled with GNU gettext's msgfmt;
# install it when it is missing and we can.
messages: $(INSTALLED)
	@if ! command -v msgfmt >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing gettext to compile the translations"; \
			apt-get update -q && apt-get install -y -q gettext; \
		else \
			echo "No msgfmt: pages stay in English (apt-get install gettext)"; exit 0; \
		fi; \
	fi; \
	$(BIN)/python manage.py compilemessages --ignore '.venv' -v0

# The browser tests drive Debian's chromium package; install it when it is missing.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests"; \
			apt-get update -q && apt-get install -y -q chromium; \
		else \
			echo "No $(CHROMIUM): the browser tests will be skipped (apt-get install chromium)"; \
		fi; \
	fi

# How everyday operations grow from a season of 10,000 visitors to 100,000, on
# PostgreSQL; fails when one grows like a scan of the season (bench/growth.py).
bench-growth: $(INSTALLED)
	$(BIN)/python bench/growth.py --sizes 10000,100000

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
