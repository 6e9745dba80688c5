#!/usr/bin/env bash
# Runs the whole assistant on embedded defaults: returns backend (8000), action server
# (5055) and Rasa (5005). Ctrl-C stops all three.
#
# Nothing listens beyond this machine unless told to (BOOMERANG_RASA_HOST for Rasa,
# BOOMERANG_ACTIONS_HOST for the action server). Rasa's HTTP API needs RASA_AUTH_TOKEN,
# the action server answers only Rasa (BOOMERANG_ACTIONS_TOKEN); these and the backend's
# tokens come from the environment, else from var/secrets.env, drawn for this install on
# the first run (common/install_secrets.py) and never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PYTHONPATH="$PWD" SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false
export BOOMERANG_BACKEND_URL="${BOOMERANG_BACKEND_URL:-http://127.0.0.1:8000}"
eval "$($BIN/python -m common.install_secrets --export)"
RASA_HOST="${BOOMERANG_RASA_HOST:-127.0.0.1}"
# Browser origins allowed to open the web chat's socket.io connection to Rasa.
read -r -a CORS <<< "${BOOMERANG_RASA_CORS:-http://localhost:8000 http://127.0.0.1:8000}"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$BIN/python -m backend serve --host 127.0.0.1 --port 8000 & pids+=($!)
# config/logging.yml masks emails and phone numbers in every log line (common/log_masking.py).
$BIN/python -m actions.server --actions actions.actions --port 5055 \
    --logging-config-file config/logging.yml & pids+=($!)
# --auth-token=VALUE: a token drawn with a leading "-" would otherwise read as an option.
$BIN/rasa run --model models/boomerang.tar.gz --enable-api --auth-token="$RASA_AUTH_TOKEN" \
    --logging-config-file config/logging.yml \
    --interface "$RASA_HOST" --cors "${CORS[@]}" --port 5005 \
    --endpoints endpoints.yml --credentials credentials.yml & pids+=($!)

echo "Backend   http://localhost:8000  (API docs at /docs)"
echo "Web chat  http://localhost:8000/  (the chat page; embed it with the script tag shown there)"
echo "Assistant http://localhost:5005  (REST: POST /webhooks/rest/webhook {\"sender\": \"me\", \"message\": \"hi\"})"
echo "Staff     http://localhost:8000/agent  (admin@boomerang.local, agent@…, supervisor@…, warehouse@…;"
echo "          password: .venv/bin/python -m common.install_secrets --get BOOMERANG_DEMO_STAFF_PASSWORD)"
echo "Tokens    var/secrets.env  (service, staff, Rasa API: Authorization: Bearer \$RASA_AUTH_TOKEN)"
wait -n
