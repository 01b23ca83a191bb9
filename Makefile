# The two commands that matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000

.PHONY: run test lint bench messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

## make run: the whole site on one machine, no servers (SQLite and a filesystem broker in var/).
run: $(VENV)/.installed
	mkdir -p $${VAR_DIR:-var}
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	@echo ""
	@echo "  LoanMarket: http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  Demo logins, password loanmarket-demo: admin@demo.test (staff), borrower@demo.test,"
	@echo "  partner@demo.test (lender owner, /partner/); more in README.md"
	@echo "  Two-factor code: .venv/bin/python manage.py demo_totp <email>"
	@echo "  Ctrl-C stops the web server, the Celery worker and Celery beat."
	@echo ""
	LOANMARKET_PORT=$(PORT) SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/honcho start -f Procfile

## make test: the whole suite on PostgreSQL and Redis, browser tests in headless Chromium.
test: $(VENV)/.installed-dev
	scripts/ensure-services
	$(BIN)/ruff check .
	$(BIN)/pip check
	DJANGO_SETTINGS_MODULE=loanmarket.settings.test \
		DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres \
		$(PY) manage.py makemigrations --check --dry-run
	scripts/check-messages
	$(BIN)/pytest -n 2 --create-db $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

## make messages: extract strings and compile both languages' catalogues.
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

## make bench: production settings under gunicorn on PostgreSQL, driven by wrk.
BENCH_DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/loanmarket_bench
bench: $(VENV)/.installed-dev
	scripts/ensure-services
	psql "$(BENCH_DATABASE_URL)" -qAtc "select 1" >/dev/null 2>&1 || \
		createdb "$$(basename $(BENCH_DATABASE_URL))" --maintenance-db="$(dir $(BENCH_DATABASE_URL))postgres"
	DJANGO_SETTINGS_MODULE=loanmarket.settings.test DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) manage.py migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=loanmarket.settings.test DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) manage.py bench_site --products 5000 --duration 15

clean:
	rm -rf var
