#!/usr/bin/env bash
# Schemathesis against the live API (docs/api.md): a throwaway SQLite database with the demo, one token per demo
# role, `manage.py runserver` on a free port, then `schemathesis run /api/schema/` once per token. It fails on any
# 5xx and on any response that breaks the schema. API_FUZZ_EXAMPLES sets the examples per operation (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=.venv/bin/python
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="sqlite:///$WORK/fuzz.sqlite3"
export API_THROTTLE_RATE="1000000/hour"  # the fuzzer's own rate, not the production one
export DEBUG=true CELERY_BROKER_URL=""
$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo >/dev/null

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
$PY - "$PORT" <<'WAIT'
import sys, time, urllib.request
for _ in range(120):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health/", timeout=2)
        break
    except OSError:
        time.sleep(0.5)
WAIT

# The information officer sees everything: the boundary values of every parameter (coverage) and random ones
# (fuzzing). The narrower roles: random values only, fewer of them, to keep the run near two minutes.
status=0
for user in info presidium tpo_vao ppo_vao juror; do
  key=$($PY manage.py api_token "$user" --name fuzz 2>/dev/null)
  if [ "$user" = info ]; then phases=coverage,fuzzing examples=${API_FUZZ_EXAMPLES:-20}
  else phases=fuzzing examples=${API_FUZZ_EXAMPLES_NARROW:-10}; fi
  echo "--- schemathesis as $user ($phases, $examples examples per operation)"
  # Run from the scratch folder: schemathesis keeps a cache folder in the current directory.
  if ! (cd "$WORK" && "$ROOT/.venv/bin/schemathesis" run "http://127.0.0.1:$PORT/api/schema/" \
      --header "Authorization: Token $key" \
      --checks not_a_server_error,response_schema_conformance,content_type_conformance \
      --max-examples "$examples" \
      --phases "$phases" \
      --workers 2 \
      --generation-database none \
      --generation-with-security-parameters false \
      --no-color); then
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 80 lines)"
  tail -80 "$WORK/server.log"
fi
exit "$status"
