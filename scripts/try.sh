#!/usr/bin/env bash
# Try ObservatoryBackup in one command: builds it, starts a throwaway PostgreSQL and S3 server on
# loopback (the harness the tests use), loads a sample database, backs it up, lists the bucket,
# restores into a second database, compares row counts, and stops everything it started.
# Needs the .NET SDK and PostgreSQL server binaries; installs Ceph's radosgw from Debian's
# packages when it is missing and this runs as root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Everything below is configured here: whatever the caller's shell points libpq, the store or the
# tool at (PGPASSWORD would win over the passfile, DATABASE_URL over ours) must not reach it.
unset DATABASE_URL BACKUP_RETENTION_DAYS $(compgen -e | grep -E '^(PG|MINIO_|OBS_|CREDENTIAL_ENCRYPTION_KEY)' || true)
say() { printf '\n==> %s\n' "$*"; }

command -v dotnet >/dev/null || { echo "try.sh: the .NET SDK (dotnet) is required" >&2; exit 1; }
# Ceph's radosgw from Debian's packages when missing (as root; otherwise it names the apt-get command)
bash "$root/tests/provision.sh" radosgw
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pg_bin/psql" ] || { echo "try.sh: PostgreSQL binaries not found (set PG_BIN)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/obs-try.XXXXXX)
chmod 755 "$work"
pg_dir=$work/pg s3_dir=$work/s3
cleanup() {
  say "stopping what try.sh started"
  bash "$root/tests/pg/postgres.sh" stop "$pg_dir" || true
  bash "$root/tests/s3/radosgw.sh" stop "$s3_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT

say "building obs-backup"
dotnet build -c Release -v quiet -nologo "$root/src/ObservatoryBackup.Cli" >/dev/null
obs() { dotnet "$root/src/ObservatoryBackup.Cli/bin/Release/net10.0/obs-backup.dll" "$@"; }

pg_port=$(free_port) s3_port=$(free_port)
random() { head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
password="try-$(random)"
say "starting PostgreSQL on 127.0.0.1:$pg_port and radosgw on 127.0.0.1:$s3_port"
printf '%s' "$password" | PG_BIN=$pg_bin bash "$root/tests/pg/postgres.sh" start "$pg_dir" "$pg_port" observatory >/dev/null
bash "$root/tests/s3/radosgw.sh" start "$s3_dir" "$s3_port" TRYACCESSKEY00000001 >/dev/null
s3_secret=$(cat "$s3_dir/secret_key")

# psql reads the password from a private passfile: never on a command line
(umask 077; printf '127.0.0.1:%s:*:observatory:%s\n' "$pg_port" "$password" > "$work/pgpass")
export PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=observatory PGPASSFILE=$work/pgpass
psql_q() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
say "loading a sample database 'observatory'"
psql_q -d postgres -c "CREATE DATABASE observatory"
psql_q -d observatory <<'SQL'
CREATE TABLE queries (id serial PRIMARY KEY, term text NOT NULL, created timestamptz DEFAULT now());
CREATE TABLE content_records (id bigserial PRIMARY KEY, query_id int REFERENCES queries(id), platform text, url text, body text, metadata jsonb);
INSERT INTO queries (term) SELECT 'search term ' || g FROM generate_series(1, 100) g;
INSERT INTO content_records (query_id, platform, url, body, metadata)
  SELECT 1 + g % 100, (ARRAY['reddit','youtube','telegram'])[1 + g % 3], 'https://example.org/post/' || g,
         repeat('observatory content ' || g || ' ', 5), jsonb_build_object('likes', g % 500)
  FROM generate_series(1, 50000) g;
SQL

export DATABASE_URL="postgresql+asyncpg://observatory:$password@127.0.0.1:$pg_port/observatory"
export MINIO_ENDPOINT=127.0.0.1:$s3_port MINIO_ACCESS_KEY=TRYACCESSKEY00000001 MINIO_SECRET_KEY="$s3_secret"

say "obs-backup backup"
obs backup
say "obs-backup list"
obs list
object=$(obs list | awk 'NR == 3 { print $1 }')

say "obs-backup restore $object into observatory_restore_test"
DATABASE_URL="postgresql://observatory:$password@127.0.0.1:$pg_port/observatory_restore_test" obs restore "$object" --yes

counts() {
  psql_q -d "$1" -At -c \
    "SELECT 'queries', count(*) FROM queries UNION ALL SELECT 'content_records', count(*) FROM content_records"
}
say "row counts: observatory | observatory_restore_test"
source_counts=$(counts observatory) restored_counts=$(counts observatory_restore_test)
paste -d' ' <(echo "$source_counts") <(echo "$restored_counts") | sed 's/^/    /'
if [ "$source_counts" = "$restored_counts" ]; then
  say "row counts match: backup and restore work"
else
  say "row counts differ"; exit 1
fi
