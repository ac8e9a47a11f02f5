# make run    — the app on SQLite with Celery tasks in-process and the demo district seeded
# make test   — the whole suite on SQLite, then on PostgreSQL when it is reachable (always under CI)
# make worker — a Celery worker and beat (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)
# make lint   — ruff, the apps' import layers (import-linter), and a check that no migration
#               is missing

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test worker lint venv

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	DEBUG=true $(PY) manage.py migrate --no-input -v0
	DEBUG=true $(PY) manage.py seed_demo --if-empty
	DEBUG=true $(PY) manage.py briefing_fonts
	@echo
	@echo "  先进性教育活动进度台账: http://127.0.0.1:8000/"
	@echo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: venv
	$(PY) -m pytest -n auto
	@if [ -n "$$CI" ] || pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		echo "== the same suite on PostgreSQL =="; \
		DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -n auto; \
	else \
		echo "PostgreSQL is not reachable on 127.0.0.1:5432: the PostgreSQL run was skipped."; \
	fi

worker: venv
	$(PY) manage.py briefing_fonts
	$(VENV)/bin/celery -A config worker --beat --loglevel=info

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
