#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: `scripts/with_postgres.sh make test`.
#
# Creates a cluster in a temporary folder (owned by a non-root user when run as root: the server
# refuses to run as root), starts it on 127.0.0.1 on a free port with password authentication and
# a Danish ICU collation and time zone (as a kommune's server would have), exports
#   KIGO_TEST_PG_URL=postgresql+psycopg://kigo:PASSWORD@127.0.0.1:PORT/postgres
# to the command, and removes the cluster afterwards. Exits non-zero when the server cannot be
# started, and with the command's exit code otherwise.
#
# The server is a test server: it skips fsync (PostgreSQL's "non-durable settings"), which makes
# creating a database per test several times faster on a busy disk. Visibility, locking and
# isolation are unchanged; only a crash of the machine could lose commits. KIGO_PG_DURABLE=1 keeps
# PostgreSQL's defaults (for measuring throughput as a real server would have it).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "brug: $0 KOMMANDO [ARGUMENTER …]" >&2
  exit 2
fi

bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
  bindir="$(dirname "$(command -v initdb)")"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "with_postgres: PostgreSQL-serveren er ikke installeret (Debian: apt-get install postgresql)" >&2
  exit 1
fi

start_dir="$PWD"
workdir="$(mktemp -d "${TMPDIR:-/tmp}/kigo-pg.XXXXXX")"
cd "$workdir"  # the server's user may not be allowed into the caller's folder
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  owner="postgres"
  if ! id "$owner" >/dev/null 2>&1; then
    owner="kigo-pg"
    id "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
  fi
  chown "$owner" "$workdir"
  as_owner=(runuser -u "$owner" --)
fi

cleanup() {
  if [ -f "$workdir/data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
printf '%s\n' "$password" >"$workdir/pw"
[ "${#as_owner[@]}" -eq 0 ] || chown "$owner" "$workdir/pw"

locale_args=(--encoding=UTF8 --locale=C.UTF-8)
initdb_help="$("$bindir/initdb" --help)"
if [[ "$initdb_help" == *--locale-provider* ]]; then
  locale_args+=(--locale-provider=icu --icu-locale=da-DK)
fi
if ! "${as_owner[@]}" "$bindir/initdb" --no-sync -D "$workdir/data" -U kigo --pwfile="$workdir/pw" \
  --auth=scram-sha-256 "${locale_args[@]}" >"$workdir/initdb.log" 2>&1; then
  cat "$workdir/initdb.log" >&2
  echo "with_postgres: initdb mislykkedes" >&2
  exit 1
fi
rm -f "$workdir/pw"

options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$workdir"
options+=" -c max_connections=200 -c timezone=Europe/Copenhagen"
if [ "${KIGO_PG_DURABLE:-}" != "1" ]; then
  options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
if ! "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
  -o "$options" start >/dev/null; then
  cat "$workdir/server.log" >&2 || true
  echo "with_postgres: PostgreSQL-serveren kunne ikke startes" >&2
  exit 1
fi

version="$("$bindir/postgres" --version)"
durability="uden fsync"
[ "${KIGO_PG_DURABLE:-}" != "1" ] || durability="med fsync"
echo "with_postgres: $version på 127.0.0.1:$port, $durability (klynge i $workdir)" >&2
export KIGO_TEST_PG_URL="postgresql+psycopg://kigo:$password@127.0.0.1:$port/postgres"
cd "$start_dir"
set +e
"$@"
status=$?
set -e
exit "$status"
