#!/usr/bin/env bash
# Sourced by the bench scripts: refuses to measure against a PostgreSQL that acknowledges a COMMIT
# before its WAL is on disk (fsync or synchronous_commit off), since every 250/202 must be durable.
# usage: durability_check "$DATABASE_URL"
durability_check() {
  local url=$1 settings
  command -v psql >/dev/null || { echo "psql is missing (apt-get install -y postgresql-client): cannot check durability" >&2; return 1; }
  settings=$(psql "$url" -Atc "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')") || return 1
  if [ "$settings" != "on on" ]; then
    echo "PostgreSQL runs with fsync/synchronous_commit = $settings: commits are not durable, refusing to measure" >&2
    return 1
  fi
  echo "PostgreSQL durability: fsync=on synchronous_commit=on"
}
