#!/usr/bin/env bash
# Delivery throughput to a local sink: queued messages -> DKIM (RSA 2048) -> MX lookup (in-process
# DNS) -> SMTP + STARTTLS to a local subethasmtp server, PostgreSQL (embedded) underneath.
# Usage: bench/delivery-throughput.sh [MESSAGES] [WORKER_COUNTS]   e.g. bench/delivery-throughput.sh 2000 1,4,16
# Results: printed, and appended to target/bench/delivery-throughput.txt
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES="${1:-1000}"
WORKERS="${2:-1,4,16}"
rm -f target/bench/delivery-throughput.txt
./mvnw -B ${MVN_OFFLINE:--o} test -Dtest=DeliveryThroughputBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.delivery=true -Dbench.messages="$MESSAGES" -Dbench.workers="$WORKERS" \
  | grep -E '^BENCH|Tests run:|BUILD' || true
echo "--- target/bench/delivery-throughput.txt"
cat target/bench/delivery-throughput.txt
