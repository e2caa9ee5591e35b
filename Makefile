# Outreach: `make run` serves the app on the embedded default; `make test` runs the whole suite.

PORT ?= 5000
HOST ?= 127.0.0.1
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app outreach
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: run test install chromium lint format bench bench-load clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Outreach needs Python 3.11 or newer; none was found." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

## Set up the database, load the treaty data, create the first administrator, and serve.
run: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) users ensure-admin
	@echo "Outreach is at http://$(HOST):$(PORT) (Ctrl+C stops it and the mail worker)."
	@# The mail worker runs beside the web server, on the same instance folder and database;
	@# Ctrl+C stops both; when the web server stops for any reason, the worker is stopped too.
	@$(FLASK) mail work & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) --access-logfile - 'outreach:create_app()'

## The browser tests drive Debian's chromium; install it when missing and we are root.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's chromium for the browser tests…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need /usr/bin/chromium. Install it with: sudo apt-get install chromium" >&2; \
			exit 1; \
		fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install chromium lint
	$(BIN)/pytest -n 3

bench: install
	$(BIN)/pytest bench --benchmark-only -p no:cacheprovider

bench-load: install
	bench/wrk.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
