#!/usr/bin/env bash
# Runs the whole assistant on embedded defaults: returns backend (8000), action server
# (5055) and Rasa (5005). Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PYTHONPATH="$PWD" SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false
export BOOMERANG_BACKEND_URL="${BOOMERANG_BACKEND_URL:-http://127.0.0.1:8000}"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$BIN/python -m backend serve --host 127.0.0.1 --port 8000 & pids+=($!)
$BIN/rasa run actions --actions actions.actions --port 5055 & pids+=($!)
$BIN/rasa run --model models/boomerang.tar.gz --enable-api --cors "*" --port 5005 \
    --endpoints endpoints.yml --credentials credentials.yml & pids+=($!)

echo "Backend   http://localhost:8000  (API docs at /docs)"
echo "Web chat  http://localhost:8000/  (the chat page; embed it with the script tag shown there)"
echo "Assistant http://localhost:5005  (REST: POST /webhooks/rest/webhook {\"sender\": \"me\", \"message\": \"hi\"})"
wait -n
