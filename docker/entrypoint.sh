#!/bin/sh
# Container entrypoint: wait for the database, prepare it for the web role,
# then hand PID 1 to the real command (gunicorn, celery worker, celery beat).
#
# The role comes from CASEBOOK_ROLE (web, worker, beat; compose sets it) or,
# when unset, from the command: gunicorn means web. Only the web role runs
# migrate and collectstatic, so a worker or beat starting at the same time
# never races it on the schema.
set -eu

role="${CASEBOOK_ROLE:-}"
if [ -z "$role" ]; then
  case "${1:-}" in
    gunicorn) role=web ;;
    *) role=other ;;
  esac
fi

echo "entrypoint: role=$role, waiting for the database"
python - <<'PY'
import os
import sys
import time

import django

django.setup()
from django.db import OperationalError, connection  # noqa: E402

deadline = time.monotonic() + float(os.environ.get("DATABASE_WAIT_SECONDS", "60"))
while True:
    try:
        connection.ensure_connection()
        break
    except OperationalError as error:
        if time.monotonic() > deadline:
            print(f"entrypoint: the database did not answer: {error}", file=sys.stderr)
            sys.exit(1)
        time.sleep(1)
connection.close()
PY

if [ "$role" = web ]; then
  echo "entrypoint: migrate"
  python manage.py migrate --no-input
  echo "entrypoint: collectstatic"
  python manage.py collectstatic --no-input -v0
fi

exec "$@"
