# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format messages bench worker beat clean backup restore

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --requirement requirements-dev.txt
	touch $(INSTALLED)

setup: $(INSTALLED)

## Embedded default: SQLite, eager jobs, e-mail to the console, demo data.
## HOST and PORT reach the settings too: e-mails link to where the portal is served.
RUN_ENV = DEBUG=1 HOST=$(HOST) PORT=$(PORT)
run: setup
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

## Browser tests need axe-core from npm and Debian's chromium; without them they skip.
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund && touch $@; fi

## The test suite; with DATABASE_URL, REDIS_URL set it runs against the full stack.
test: setup node_modules/.installed
	$(VENV)/bin/pytest -n auto

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Translations (GNU gettext's tools): collect the texts to translate into locale/<lang>/, then
## compile. The compiled .mo files are committed, so `make run` serves French without gettext.
MESSAGES = DEBUG=1 $(PY) manage.py
messages: setup
	$(MESSAGES) makemessages --all --no-location --ignore=node_modules --ignore=staticfiles --ignore='bench/*'
	$(MESSAGES) compilemessages --ignore=node_modules --ignore=.venv

## Full stack only (REDIS_URL set): a Celery worker and the beat scheduler.
worker: setup
	$(VENV)/bin/celery -A hub worker --loglevel INFO

beat: setup
	$(VENV)/bin/celery -A hub beat --loglevel INFO --schedule $(VENV)/celerybeat-schedule

## Benchmark on PostgreSQL + Redis (bench/run.py --help): make bench BENCH_ARGS="--scale 2"
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

## PostgreSQL backups (pg_dump's custom format) of DATABASE_URL, and restoring one into it.
BACKUP_DIR ?= backups
backup:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL=postgres://..." >&2; exit 2; }
	mkdir -p $(BACKUP_DIR)
	pg_dump --format=custom --no-owner --no-privileges \
		--file=$(BACKUP_DIR)/hub-$$(date -u +%Y%m%dT%H%M%SZ).dump "$(DATABASE_URL)"
	@ls -t $(BACKUP_DIR)/hub-*.dump | head -n 1

restore:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL=postgres://..." >&2; exit 2; }
	@test -f "$(FILE)" || { echo "Set FILE=backups/hub-<timestamp>.dump" >&2; exit 2; }
	pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
		--single-transaction --dbname="$(DATABASE_URL)" "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
