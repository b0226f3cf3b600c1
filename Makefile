# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format bench worker beat clean

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --requirement requirements-dev.txt
	touch $(INSTALLED)

setup: $(INSTALLED)

## Embedded default: SQLite, eager jobs, e-mail to the console, demo data.
run: setup
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## Browser tests need axe-core from npm and Debian's chromium; without them they skip.
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund && touch $@; fi

## The test suite; with DATABASE_URL, REDIS_URL set it runs against the full stack.
test: setup node_modules/.installed
	$(VENV)/bin/pytest -n auto

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Full stack only (REDIS_URL set): a Celery worker and the beat scheduler.
worker: setup
	$(VENV)/bin/celery -A hub worker --loglevel INFO

beat: setup
	$(VENV)/bin/celery -A hub beat --loglevel INFO --schedule $(VENV)/celerybeat-schedule

## Benchmark on PostgreSQL + Redis (bench/run.py --help): make bench BENCH_ARGS="--scale 2"
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
