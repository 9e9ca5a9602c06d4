#!/usr/bin/env bash
# Fails (exit 1) when the API code and the committed OpenAPI schema disagree.
# The schema is regenerated from the code into a temporary file and compared with
# schema/openapi.yaml; `make schema` writes a new one to commit with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
fresh=$(mktemp --suffix=.yaml)
log=$(mktemp)
trap 'rm -f "$fresh" "$log"' EXIT
if ! "$PY" manage.py spectacular --validate --file "$fresh" 2>"$log"; then
  cat "$log" >&2
  echo "The schema could not be generated or is not valid OpenAPI." >&2
  exit 1
fi
if ! diff -u schema/openapi.yaml "$fresh"; then
  echo "schema/openapi.yaml is out of date with the API code: run 'make schema' and commit it." >&2
  exit 1
fi
echo "schema/openapi.yaml matches the API code."
