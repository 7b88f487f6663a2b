# `make run` and `make test` work on a new machine: they build .venv from requirements.txt.
PY := .venv/bin/python
PIP := .venv/bin/pip
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kam
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
RUN_ADDR ?= 127.0.0.1:8000
# Two workers: one per core on the CI machine; each gets its own test database.
PYTEST_ARGS ?= -n 2

.PHONY: run test lint format messages venv bench worker

# DEBUG is off unless asked for (kam/settings.py); the local commands turn it on, so they run
# without a SECRET_KEY and show Django's error pages. `make test` runs as production does.
run bench worker messages: export DEBUG ?= true

venv: .venv/.installed

.venv/.installed: requirements.txt
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data --if-empty
	$(PY) manage.py run_jobs
	@echo "Open http://$(RUN_ADDR) and sign in with one of the logins above."
	$(PY) manage.py runserver --noreload $(RUN_ADDR)

test: venv
	scripts/test-machine
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: venv
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages: venv
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

worker: venv
	$(PY) -m celery -A kam worker --beat --loglevel=info

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kam_bench
BENCH_SCALES ?= 2000,20000

# Every menu page per role over HTTP (gunicorn, DEBUG=false) at both scales, the four-page mix
# under load, the rollup and the record export against openpyxl. The generated databases
# (kam_bench_2000, kam_bench_20000) are kept and reused.
bench: venv
	scripts/test-machine
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) scripts/bench_http.py --scales $(BENCH_SCALES)
