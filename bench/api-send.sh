#!/usr/bin/env bash
# Measures accepted sends per second of POST /v1/messages against a running mailgate, with wrk:
# one client-credentials token reused for every request, a 1 KB text message each time, every 202
# answered only after the message is committed in PostgreSQL.
#
#   bench/api-send.sh                        # defaults below, secret of sender-app in SENDER_APP_SECRET
#   DURATION=60s CONNECTIONS=128 bench/api-send.sh
#   MAILGATE_IDEMPOTENCY=1 bench/api-send.sh # a unique Idempotency-Key on every request
#   DATABASE_URL=postgresql://postgres:postgres@localhost:5432/postgres bench/api-send.sh
#                                            # checks fsync and synchronous_commit are on first, and afterwards
#                                            # compares the 202s with the committed rows (psql; ./run-demo
#                                            # writes DATABASE_URL into target/demo/demo.env)
#
# Needs: wrk (Debian: apt-get update && apt-get install -y wrk), curl, and a mailgate with its Keycloak
# (./run-demo starts both and prints the sender-app secret).
set -euo pipefail
cd "$(dirname "$0")"

MAILGATE_URL=${MAILGATE_URL:-http://localhost:8080}
REALM_URL=${REALM_URL:-http://localhost:8180/realms/mail}
CLIENT_ID=${CLIENT_ID:-sender-app}
CLIENT_SECRET=${CLIENT_SECRET:-${SENDER_APP_SECRET:-}}
FROM=${FROM:-app@example.com}
TO=${TO:-bench@example.net}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-10s}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get update && apt-get install -y wrk" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 2; }
[ -n "$CLIENT_SECRET" ] || { echo "set CLIENT_SECRET (or SENDER_APP_SECRET) to the secret of $CLIENT_ID" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The token: fetched once, reused by every request (its lifetime must cover warm-up and run).
token=$(curl -sf -d grant_type=client_credentials -d client_id="$CLIENT_ID" -d client_secret="$CLIENT_SECRET" \
  "$REALM_URL/protocol/openid-connect/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "no token from $REALM_URL for $CLIENT_ID" >&2; exit 1; }

# A 1 KB plain-text message (16 lines of 63 characters + CRLF... as JSON "\n").
line=$(printf 'mailgate benchmark line of sixty-three characters, padded ..%03d' 0 | cut -c1-63)
text=""
for i in $(seq 1 16); do text="$text${line}\\n"; done
cat > "$work/body.json" <<JSON
{"from": "$FROM", "to": ["$TO"], "subject": "mailgate API benchmark", "text": "$text"}
JSON

# One request by hand first: a refusal here (401/403/422) would make the numbers meaningless.
status=$(curl -s -o "$work/first.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary @"$work/body.json" "$MAILGATE_URL/v1/messages")
if [ "$status" != 202 ]; then
  echo "first send answered $status, not 202:" >&2; cat "$work/first.json" >&2; echo >&2; exit 1
fi

export MAILGATE_TOKEN=$token MAILGATE_BODY_FILE=$work/body.json
echo "warm-up: $WARMUP, $THREADS threads, $CONNECTIONS connections"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s api-send.lua "$MAILGATE_URL" >/dev/null

before=""
if [ -n "${DATABASE_URL:-}" ]; then
  . ./durability-check.sh
  durability_check "$DATABASE_URL"
fi
if [ -n "${DATABASE_URL:-}" ] && command -v psql >/dev/null; then
  before=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM message WHERE door = 'api'")
fi

echo "run: $DURATION, $THREADS threads, $CONNECTIONS connections, POST $MAILGATE_URL/v1/messages (1 KB text)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s api-send.lua "$MAILGATE_URL" | tee "$work/wrk.out"

if [ -n "$before" ]; then
  after=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM message WHERE door = 'api'")
  accepted=$(sed -n 's/^accepted (202): *\([0-9]*\).*/\1/p' "$work/wrk.out")
  echo "committed API messages during the run: $((after - before)) (202 answers: $accepted)"
fi
