#!/usr/bin/env bash
# Load test with wrk against gunicorn on loopback: the public States API and the public /status page
# (map and 197 rows) compared with the floor (a static file served by the same workers) in the same
# run. Needs Debian's wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

DURATION=${DURATION:-10s}
PORT=${BENCH_PORT:-5099}
work=$(mktemp -d)
export DATABASE_URL="sqlite:///$work/bench.sqlite3" SECRET_KEY=benchmark OUTREACH_ENV=production
.venv/bin/flask --app outreach db upgrade >/dev/null 2>&1
.venv/bin/flask --app outreach seed >/dev/null
.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$PORT" --log-level warning 'outreach:create_app()' &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/static/app.css" >/dev/null && break; sleep 0.2; done

rate() {  # requests per second of one wrk run
  wrk -t2 -c8 -d"$DURATION" "http://127.0.0.1:$PORT$1" | awk '/Requests\/sec/ {print $2}'
}
floor=$(rate /static/app.css)
states=$(rate /api/v1/public/states)
status=$(rate /status)
echo "floor   /static/app.css         ${floor} req/s"
echo "public  /api/v1/public/states   ${states} req/s"
echo "public  /status                 ${status} req/s"
awk -v f="$floor" -v s="$states" 'BEGIN { printf "public States API costs %.1fx the floor\n", f / s }'
awk -v f="$floor" -v s="$status" 'BEGIN { printf "public status page costs %.1fx the floor\n", f / s }'
