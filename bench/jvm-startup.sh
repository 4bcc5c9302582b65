#!/usr/bin/env bash
# JVM start-to-ready time and memory of the packaged jar (target/quarkus-app/quarkus-run.jar).
#
# Reuses the demo's surroundings: starts ./mvnw exec:java (DemoLauncher: embedded PostgreSQL, Keycloak,
# TLS certificate, and one mailgate), waits for target/demo/demo.env, then starts ANOTHER mailgate of its
# own RUNS times against the same database and Keycloak on free ports, and for each run reports
#   - start-to-ready: from exec of java to the first 200 of /q/health/ready (database, Keycloak keys and
#     SMTP listeners all up), polled every 20 ms;
#   - Quarkus' own "started in" figure from the log;
#   - RSS right after ready and after 10 s idle (ps, KiB -> MiB).
# Needs: a built jar (./mvnw package -DskipTests), curl, ps. Run on a quiet machine: figures on a busy one
# mean nothing. Usage: bench/jvm-startup.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
JAR=target/quarkus-app/quarkus-run.jar
OUT=bench/results/jvm-startup-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -B package -DskipTests first" >&2; exit 1; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (cores: $(nproc))"
rm -f target/demo/demo.env
./mvnw -B -q exec:java > "$OUT/demo.log" 2>&1 &
DEMO_PID=$!
cleanup() { kill "$DEMO_PID" 2>/dev/null || true; wait "$DEMO_PID" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 600); do
  [ -s target/demo/demo.env ] && break
  kill -0 "$DEMO_PID" 2>/dev/null || { echo "demo failed:"; tail -40 "$OUT/demo.log"; exit 1; }
  sleep 1
done
[ -s target/demo/demo.env ] || { echo "demo not ready after 10 min" >&2; exit 1; }
# shellcheck disable=SC1091
source target/demo/demo.env
# The demo mailgate's own settings (database, Keycloak, TLS) as the bench instance's settings.
DEMO_ARGS=$(tr '\0' '\n' < "/proc/$MAILGATE_PID/cmdline" | grep '^-D' | grep -v -E 'port=|http.port' | tr '\n' ' ')

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }
rss_mib() { awk '{printf "%.0f", $1/1024}' < <(ps -o rss= -p "$1"); }

printf "%-4s %-18s %-16s %-18s %-18s\n" run start-to-ready-ms quarkus-started rss-ready-MiB rss-idle10s-MiB | tee "$OUT/summary.txt"
for run in $(seq 1 "$RUNS"); do
  HTTP=$(free_port); S587=$(free_port); S465=$(free_port)
  LOG="$OUT/run-$run.log"
  start=$(now_ms)
  # shellcheck disable=SC2086
  java $DEMO_ARGS -Dquarkus.http.port="$HTTP" -Dmailgate.smtp.submission-port="$S587" \
    -Dmailgate.smtp.submissions-port="$S465" -jar "$JAR" > "$LOG" 2>&1 &
  APP=$!
  ready=""
  for _ in $(seq 1 3000); do
    if curl -fsS -o /dev/null "http://localhost:$HTTP/q/health/ready" 2>/dev/null; then ready=$(now_ms); break; fi
    kill -0 "$APP" 2>/dev/null || break
    sleep 0.02
  done
  if [ -z "$ready" ]; then echo "run $run: not ready"; tail -30 "$LOG"; kill "$APP" 2>/dev/null || true; exit 1; fi
  rss_ready=$(rss_mib "$APP")
  sleep 10
  rss_idle=$(rss_mib "$APP")
  started=$(grep -o 'started in [0-9.]*s' "$LOG" | head -1 | cut -d' ' -f3)
  printf "%-4s %-18s %-16s %-18s %-18s\n" "$run" "$((ready - start))" "$started" "$rss_ready" "$rss_idle" | tee -a "$OUT/summary.txt"
  kill "$APP"; wait "$APP" 2>/dev/null || true
done
echo "java: $(java -version 2>&1 | head -1); load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
echo "results in $OUT"
