#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster on loopback with scram-sha-256 password auth,
# the database server the tests and scripts/try.sh run against.
#   postgres.sh start DIR PORT USER      password on stdin; prints "ready"
#   postgres.sh stop DIR
# PG_BIN picks the server binaries (default: the newest /usr/lib/postgresql/*/bin); PG_MAX_CONNECTIONS its
# max_connections (default 50).
# initdb and postgres refuse to run as root: as root they run as the postgres system user.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?dir}
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server binaries (set PG_BIN)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "$cmd" = stop ]; then
  [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

port=${3:?port}; user=${4:?user}
mkdir -p "$dir"
chmod 700 "$dir"
# the password comes on stdin so that it is never on a command line
(umask 077; cat > "$dir/pwfile")
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
as_pg "$bin/initdb" -D "$dir/data" -U "$user" --pwfile "$dir/pwfile" --auth=scram-sha-256 \
  --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${PG_MAX_CONNECTIONS:-50}" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
echo ready
