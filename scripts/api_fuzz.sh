#!/usr/bin/env bash
# Property-based run of the REST API against its committed OpenAPI schema (schemathesis).
#
# Starts the application on 127.0.0.1 with a throw-away SQLite database holding a few records of
# two ministries, signs in with the token of an administrator of one of them (every model
# permission, so that writes are exercised too, with the scoping of a real user), generates
# requests from schema/openapi.yaml and fails when any answer is a server error (5xx).
# Bounded in time: FUZZ_EXAMPLES cases per operation, then fuzzing goes on until FUZZ_MAX_TIME
# seconds are spent. /api/me/token/ (and .../current/) are left out: they would revoke the very
# token the run uses.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
ST=${ST:-.venv/bin/schemathesis}
PORT=${FUZZ_PORT:-8765}
EXAMPLES=${FUZZ_EXAMPLES:-8}
MAX_TIME=${FUZZ_MAX_TIME:-240}
SEED=${FUZZ_SEED:-42}

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DB_ENGINE=sqlite DB_NAME="$work/fuzz.sqlite3" DEBUG=False ALLOWED_HOSTS=127.0.0.1
# The project's settings plus a log of every server error with its traceback, for the report.
cat >"$work/fuzz_settings.py" <<'PY'
from blueberet.settings import *  # noqa: F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
PY
export PYTHONPATH="$work${PYTHONPATH:+:$PYTHONPATH}" DJANGO_SETTINGS_MODULE=fuzz_settings
"$PY" manage.py migrate --noinput -v 0
token=$("$PY" - <<'PY'
import datetime
import os

import django

django.setup()
from django.contrib.auth.models import Permission

from core import roles, testing, tokens
from deployments import workflow
from missions.models import Location
from training.models import Course, CourseRun

mod = testing.organisation("Ministry of National Defence", short_name="MND")
hospital = testing.organisation("Military Hospital 175", mod, short_name="H175")
mps = testing.organisation("Ministry of Public Security", short_name="MPS")
user = testing.user("fuzz", roles.ADMINISTRATOR, mod)
user.user_permissions.set(Permission.objects.all())  # every model, still scoped to MND
for org in (hospital, mps):
    person = testing.person(org, "Nguyễn Thị Hương", sex="F", rank=testing.rank())
    rotation = testing.rotation(org, number=org.pk)
    workflow.nominate(person, rotation.positions.first(), by=user)
Location.objects.get_or_create(mission=testing.mission(), name="Bentiu")
course, _ = Course.objects.get_or_create(code="UN-CPTM", defaults={"title": "CPTM", "kind": "cptm"})
CourseRun.objects.create(
    course=course, organisation=hospital, starts_on=datetime.date(2025, 3, 3),
    ends_on=datetime.date(2025, 3, 14), place="Hà Nội", capacity=30,
)
print(tokens.issue(user)[1])  # a knox token: the key is shown this once
PY
)

# Ids of records that exist (the first few of each table: some in the user's scope, some not),
# and "*" for If-Match, often enough that reads and writes reach real records, not only 404/412.
cat >"$work/schemathesis.toml" <<'TOML'
[dictionaries.ids]
values = [1, 2, 3]

[dictionaries.versions]
values = ["*"]

[parameters]
"path.id" = { dictionary = "ids", probability = 0.7 }
"header.If-Match" = { dictionary = "versions", probability = 0.5 }
TOML

"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 60); do
  if "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/login/')" 2>/dev/null; then
    break
  fi
  sleep 0.5
done

root=$PWD
case "$ST" in /*) ;; *) ST="$root/$ST" ;; esac
set +e
# From the work folder, so that schemathesis's cache of past crashes stays out of the checkout.
(cd "$work" && "$ST" --config-file "$work/schemathesis.toml" run "$root/schema/openapi.yaml" \
  --url "http://127.0.0.1:$PORT" \
  --header "Authorization: Token $token" \
  --checks not_a_server_error \
  --exclude-path-regex '^/api/me/token/' \
  --phases examples,coverage,fuzzing \
  --max-examples "$EXAMPLES" \
  --max-time "$MAX_TIME" \
  --seed "$SEED" \
  --workers 1 \
  --request-timeout 30 \
  --suppress-health-check all \
  --no-color) 2>&1 | tee "$work/fuzz.log"
status=${PIPESTATUS[0]}
set -e
# One closing line in the plain "N passed, N failed" form, read by CI like a test runner's.
cases=$(grep -A1 '^Test cases:' "$work/fuzz.log" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
if [ "$status" -eq 0 ]; then
  echo "api-fuzz: ${cases:-0} passed, 0 failed"
else
  echo "== server errors"
  grep -v "^\[" "$work/server.log" | tail -n 400
  failed=$(grep -cE '^_+ [A-Z]+ /' "$work/fuzz.log" || true)
  echo "api-fuzz: ${cases:-0} passed, ${failed:-1} failed"
fi
exit "$status"
