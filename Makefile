# Blue Beret: the two commands a user needs are `make run` and `make test`; a department's
# server runs `make serve` (docs/deployment.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests run on two workers: the machines have two cores.
TEST_WORKERS ?= 2

.PHONY: run serve test setup lint migrate demo bench clean schema messages

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Blue Beret needs $(PYTHON)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The Python packages, then the system libraries WeasyPrint draws PDFs with: installed when
# missing if run as root, otherwise the command to run is printed; never stops the setup.
setup: $(STAMP)
	@sh scripts/system_packages.sh

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo --if-empty

# The demo server on a laptop shows tracebacks (DEBUG); a real server never does (make serve).
# A background worker runs beside it (imports, the planner, workbooks); Ctrl-C stops both.
run: demo
	$(PY) manage.py demo_logins
	DEBUG=$${DEBUG:-True} $(PY) scripts/run_demo.py $(HOST):$(PORT)

# The production server: gunicorn on HOST:PORT, settings from the environment (see
# deploy/blueberet.env.example); refuses the demo key, DEBUG, the demo hosts and SQLite
# (SERVE_ARGS=--allow-sqlite to try it on one machine). Migrates and collects static files first.
serve: setup
	HOST=$(HOST) PORT=$(PORT) STATIC_COLLECTED=true $(PY) manage.py serve $(SERVE_ARGS)

test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .pytest_cache

# Page times and query counts on the scale data (100,000 people, 500,000 deployments).
# The first run generates the data into bench/bench.sqlite3 (a few minutes), later runs reuse it.
# Readiness engine against a per-person loop: its own pool in bench/bench.sqlite3.readiness.
# The load benchmark's tools (locust), on top of the test set: only `make bench` needs them.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) bench/pages.py
	$(PY) bench/api.py
	$(PY) bench/readiness.py
	$(PY) bench/people_import.py
	$(PY) bench/hostile_files.py
	$(PY) bench/planner.py
	$(PY) bench/un_import.py
	$(PY) bench/dashboards.py
	$(PY) bench/backup.py
	# Many users at once on PostgreSQL (database blueberet_bench; DB_PASSWORD etc. from the
	# environment), the production server beside the development one: about 7 minutes.
	$(PY) bench/load.py

# The REST API's OpenAPI schema, committed so that CI can tell when code and schema disagree
# (scripts/check_schema.sh). Run after changing a serializer, a view set or a filterset.
schema: $(STAMP)
	$(PY) manage.py spectacular --validate --file schema/openapi.yaml

# The Vietnamese catalogues: gather new strings into each app's locale/vi/.../django.po, then,
# once they are translated, compile the .mo files (both committed). Needs GNU gettext
# (apt-get install gettext); running the application does not.
messages: $(STAMP)
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=bench \
		--ignore=staticfiles --ignore=test-artifacts --ignore="*/tests/*"
	$(PY) manage.py compilemessages -l vi --ignore=.venv
