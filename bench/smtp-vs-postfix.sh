#!/usr/bin/env bash
# mailgate vs Postfix as SMTP submission servers on this machine, in one run, alternating targets
# so both see the same machine. Workloads (issue 3): STARTTLS 1 KB 10x20, STARTTLS 100 KB 10x20,
# implicit TLS 1 KB 50 one-message sessions. mailgate authenticates with XOAUTH2 and a real
# Keycloak client-credentials token; Postfix with PLAIN against Cyrus sasldb.
#
# usage: bench/smtp-vs-postfix.sh [REPS]        (default 3)
# env:   SHARED_BENCH   the shared bench folder (default ../shared/bench)
#        OUT_DIR        where raw.jsonl, table.md, rss.txt go (default bench/results/smtp-<stamp>)
#        QUIET_PCT/QUIET_WAIT  as in shared/bench/run-peers.sh
# Needs root (apt-get for Postfix). Everything is on 127.0.0.1; every run is bounded (-n, -t).
# Durability: Postfix fsyncs its queue file before 250; mailgate answers 250 after the PostgreSQL
# COMMIT (fsync on, synchronous_commit on) of message + recipients.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" && pwd)}
. "$SHARED/common.sh"
REPS=${1:-3}
OUT_DIR=${OUT_DIR:-$ROOT/bench/results/smtp-$(date -u +%Y%m%dT%H%M%SZ)}
RAW=$OUT_DIR/raw.jsonl
mkdir -p "$OUT_DIR"; : > "$RAW"

bash "$SHARED/postfix-setup.sh"
sink_start

# mailgate with its real surroundings (PostgreSQL, Keycloak) through the demo launcher; like Postfix
# it relays what it accepts to the smtp-sink, so both do their delivery work during the runs
export MAILGATE_DELIVERY_MODE=relay MAILGATE_DELIVERY_RELAY_HOST=127.0.0.1 MAILGATE_DELIVERY_RELAY_PORT=$SINK_PORT
# one principal sends everything here: lift its per-minute limit (still counted in PostgreSQL, as in production)
export MAILGATE_LIMITS_MESSAGES_PER_MINUTE=${MAILGATE_LIMITS_MESSAGES_PER_MINUTE:-100000000}
# the generator opens 50 sessions from one address (workload c): above the per-address default of 20
export MAILGATE_SMTP_MAX_CONNECTIONS_PER_ADDRESS=${MAILGATE_SMTP_MAX_CONNECTIONS_PER_ADDRESS:-200}
# the message size limit Postfix runs with here (its default message_size_limit), so both accept the same
export MAILGATE_LIMITS_MAX_MESSAGE_SIZE=${MAILGATE_LIMITS_MAX_MESSAGE_SIZE:-10240000}
# a small heap, as a memory-limited container would set (the JVM otherwise sizes itself from the host's
# RAM); 96 MB leaves a quarter (the content budget) for 10 MB messages being received and delivered.
# glibc keeps freed native memory (the JIT's arenas) unless trimmed; two arenas instead of one per thread.
# C2 only (no tiered C1 stage): about 25 MB less RSS (no profiled C1 code, fewer method profiles); the
# price is start-up (about 8 s instead of 5 s here). C2 then compiles a method after 1,000 calls instead
# of 10,000: with the default, a tenth of mailgate's CPU was still in the interpreter after the warm-up
# and 1 KB throughput trailed the tiered JIT's; with 1,000 the interpreter had 0.3% of the machine.
export MAILGATE_JAVA_OPTS=${MAILGATE_JAVA_OPTS:--Xmx96m -XX:+UseSerialGC -XX:TrimNativeHeapInterval=1000 -XX:-TieredCompilation -XX:CompileThreshold=1000}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
(cd "$ROOT" && ./mvnw -B -q package -DskipTests)
rm -f "$ROOT/target/demo/demo.env"
(cd "$ROOT" && setsid ./mvnw -B -q -o org.codehaus.mojo:exec-maven-plugin:3.5.0:java > "$OUT_DIR/demo.log" 2>&1 &)
for _ in $(seq 1 300); do [ -s "$ROOT/target/demo/demo.env" ] && break; sleep 1; done
[ -s "$ROOT/target/demo/demo.env" ] || { echo "mailgate did not come up"; tail -50 "$OUT_DIR/demo.log"; exit 1; }
. "$ROOT/target/demo/demo.env"
. "$ROOT/bench/durability-check.sh"
durability_check "$DATABASE_URL" | tee -a "$OUT_DIR/table.md" || { pkill -TERM -f 'exec-maven-plugin:3.5.0:java'; exit 1; }
cleanup() { pkill -TERM -f 'exec-maven-plugin:3.5.0:java' || true; }
trap cleanup EXIT

TOKEN_FILE=$OUT_DIR/token
token() { # a fresh client-credentials token (they live 5 minutes)
  curl -s -d grant_type=client_credentials -d client_id=sender-app -d "client_secret=$SENDER_APP_SECRET" \
    "$KEYCLOAK_REALM_URL/protocol/openid-connect/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' > "$TOKEN_FILE"
}

declare -A WL=(
  [a-starttls-1k-c10x20]="starttls --mode starttls -s 1k -c 10 -m 20 -n 1000"
  [b-starttls-100k-c10x20]="starttls --mode starttls -s 100k -c 10 -m 20 -n 400"
  [c-implicit-1k-c50x1]="implicit --mode implicit-tls -s 1k -c 50 -m 1 -n 1000"
)
ORDER="a-starttls-1k-c10x20 b-starttls-100k-c10x20 c-implicit-1k-c50x1"

rss_watch() { # max RSS (KB) of mailgate while the run lasts
  local max=0 r
  while kill -0 "$1" 2>/dev/null; do
    r=$(ps -o rss= -p "$MAILGATE_PID" 2>/dev/null | tr -d ' '); [ -n "$r" ] && [ "$r" -gt "$max" ] && max=$r
    sleep 0.3
  done
  echo "$max"
}

run() { # target workload rep
  local args=(${WL[$2]}) port auth bg json rss
  if [ "$1" = postfix ]; then
    [ "${args[0]}" = starttls ] && port=10587 || port=10465
    auth=(--auth plain --user "$BENCH_USER" --password "$BENCH_PASS" --cafile "$CERT")
  else
    [ "${args[0]}" = starttls ] && port=$SUBMISSION_PORT || port=$SUBMISSIONS_PORT
    token
    auth=(--auth xoauth2 --user app@example.com --token-file "$TOKEN_FILE" --cafile "$TLS_CERT" -f app@example.com)
  fi
  bg=$(wait_quiet "${QUIET_WAIT:-60}")
  "$LOAD" -H 127.0.0.1 --sni localhost -p "$port" "${args[@]:1}" "${auth[@]}" -r bench@example.net -t 120 \
    --label "$1/$2/$3" > "$OUT_DIR/last.txt" &
  local load=$!
  rss=$(rss_watch $load)
  wait $load || true
  json=$(tail -1 "$OUT_DIR/last.txt")
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(target=sys.argv[2], workload=sys.argv[3], tool="smtp-load", rep=int(sys.argv[4]), bg_busy_pct=int(sys.argv[5]), mailgate_rss_kb=int(sys.argv[6])); print(json.dumps(r, sort_keys=True))' \
    "$json" "$1" "$2" "$3" "$bg" "$rss" >> "$RAW"
  tail -1 "$RAW" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%-8s %-24s rep%d %7.1f msgs/s ok=%d fail=%d DATA-end p50=%s p99=%s ms mailgate RSS=%d MB" % (r["target"], r["workload"], r["rep"], r["msgs_per_s"], r["accepted"], r["failed"], r.get("data_end_p50_ms"), r.get("data_end_p99_ms"), r["mailgate_rss_kb"]//1024))'
}

# warm-up: the JIT compiles the hot paths before anything is measured, 60 s of each workload's shape
# (measured: the JVM keeps getting faster for about a minute of each shape; Postfix needs none)
token
for shape in "--mode starttls -p $SUBMISSION_PORT -s 1k -c 10 -m 20" "--mode starttls -p $SUBMISSION_PORT -s 100k -c 10 -m 20" \
    "--mode implicit-tls -p $SUBMISSIONS_PORT -s 1k -c 50 -m 1"; do
  # shellcheck disable=SC2086
  "$LOAD" -H 127.0.0.1 --sni localhost $shape -n 1000000 -t 60 \
    --auth xoauth2 --user app@example.com --token-file "$TOKEN_FILE" --cafile "$TLS_CERT" -f app@example.com -r bench@example.net > /dev/null || true
done

sink_now() { local c; c=$(sink_count 2>/dev/null) || c=0; echo "${c:-0}"; }  # 0 before the first message
# the warm-up's messages are still being relayed: count from when the sink has been quiet for 3 s
quiet=0 last=$(sink_now)
for _ in $(seq 1 240); do
  sleep 0.5; now=$(sink_now)
  if [ "$now" = "$last" ]; then quiet=$((quiet + 1)); [ $quiet -ge 6 ] && break; else quiet=0 last=$now; fi
done
sink_before=$(sink_now)
# The warm-up wrote about 3 GB of WAL (a minute of 100 KB messages), far more than all measured runs
# together; the checkpoints it forces would otherwise still be writing during the first measured runs,
# of either server. One CHECKPOINT now pays that debt before anything is measured (as is usual before
# a database benchmark); the measured runs still pay for their own WAL, fsyncs and timed checkpoints.
psql "$DATABASE_URL" -qc CHECKPOINT
for rep in $(seq 1 "$REPS"); do
  for w in $ORDER; do
    run postfix "$w" "$rep"; sleep 1
    run mailgate "$w" "$rep"; sleep 1
  done
done
python3 "$ROOT/bench/summarize.py" "$RAW" | tee "$OUT_DIR/table.md"
# every accepted message (both servers relay to the one sink) must arrive: wait for the queues to drain
accepted=$(python3 -c 'import json,sys; print(sum(json.loads(l)["accepted"] for l in open(sys.argv[1])))' "$RAW")
for _ in $(seq 1 240); do [ $(( $(sink_now) - sink_before )) -ge "$accepted" ] && break; sleep 0.5; done
sleep 3 # a duplicate delivery would arrive after the last expected one
echo "accepted by both servers: $accepted, arrived at the sink: $(( $(sink_now) - sink_before ))" | tee -a "$OUT_DIR/table.md"
