#!/usr/bin/env bash
# bench/end-to-end.sh [GB]   the whole-backup benchmark of issue 11, one command.
# Builds a sample database of about GB gigabytes (default 1), starts the tests' own PostgreSQL and
# radosgw on loopback, and measures, in one run and on the same servers:
#   pg_dump > /dev/null (the limit), pg_dump | gzip -6, obs-backup (native, and portable under dotnet; plain and
#   encrypted with age) and
#   Invoke-ObsBackup at each codec, gunzip | psql, and obs-backup restore (staged), with wall time and
#   peak RSS (GNU time). Each row is the median of RUNS runs (default 3; gzip -6 runs once), and every
#   measured backup is deleted at once, so the store holds one at a time.
# Prints a table with each ratio; removes everything it started and made. Measures; never fails a build.
# AB=age RUNS=7 bash bench/end-to-end.sh measures only what encryption costs, in alternating pairs.
# AB=restore bash bench/end-to-end.sh measures the restores of issue 21 in alternating rounds (gunzip | psql,
#   obs-backup restore --jobs 1, 2, 4, and pg_dump -Fc restored by pg_restore -j 2), after the backups (limit, gzip, zstd).
#   BEFORE_CLI=path/to/obs-backup (another build) adds its --jobs 1 and 2 to the rounds; each restore's server CPU
#   seconds (the cluster's processes, read from /proc, up to the CHECKPOINT after it) are printed too.
# ENTROPY=realistic makes the database of research records (text bodies from a large vocabulary, URLs,
#   JSON, hashes) that gzip -6 shrinks about 3.4:1, instead of the default's easier 5.5:1: two tables
#   (content, and link: a row per record with its URL and hash) and three indexes.
# AB=bounds bash bench/end-to-end.sh measures issue 30's bounds in one run: backups (pg_dump -f /dev/null, obs-backup
#   gzip and zstd) and restores at the default jobs (gunzip | psql, obs-backup, pg_restore -j 2 of pg_dump -Fc), each
#   restore into a new database and timed to a CHECKPOINT, in alternating rounds, medians, with each side's CPU seconds
#   and peak RSS, the output sizes against GNU gzip -4's, and a verdict per bound.
# AB=rss bash bench/end-to-end.sh 10 measures the CLI's peak RSS at 10 GB (backups with gzip and zstd, a restore at the
#   default jobs), for the bound's "flat from 1 GB to 10 GB".
set -euo pipefail
gb=${1:-1}
runs=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/obs-bench-XXXXXX)
chmod 755 "$work" # the postgres user, which runs the server, must reach its data directory inside
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pwsh=$(command -v pwsh || ls -d "$HOME"/.nuget/packages/powershell/*/tools/net10.0/any/unix/pwsh 2>/dev/null | sort -V | tail -n 1)
password="bench-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port); s3_port=$(free_port)
cleanup() {
  bash "$root/tests/pg/postgres.sh" stop "$work/pg" >/dev/null 2>&1 || true
  bash "$root/tests/s3/radosgw.sh" stop "$work/s3" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "bench: $*" >&2; }

say "building (Release): obs-backup native and portable, and the module"
portable="$root/src/ObservatoryBackup.Cli/bin/Release/net10.0/obs-backup.dll"
dotnet build -c Release "$root/src/ObservatoryBackup.Cli" -v q -nologo >/dev/null
if [ "${AB:-}" = contain ]; then # portable both sides: no native build needed
  mkdir -p "$work/cli"; printf '#!/bin/sh\nexec dotnet "%s" "$@"\n' "$portable" > "$work/cli/obs-backup"; chmod +x "$work/cli/obs-backup"
else
  dotnet publish -c Release --use-current-runtime "$root/src/ObservatoryBackup.Cli" -o "$work/cli" -v q -nologo >/dev/null
  dotnet build -c Release "$root/src/ObservatoryBackup.PowerShell" -v q -nologo >/dev/null
fi
cli="$work/cli/obs-backup"
module="$root/src/ObservatoryBackup.PowerShell/bin/Release/net10.0/module/ObservatoryBackup/ObservatoryBackup.psd1"

say "starting PostgreSQL on :$pg_port and radosgw on :$s3_port"
printf '%s' "$password" | PG_BIN=$pg_bin bash "$root/tests/pg/postgres.sh" start "$work/pg" "$pg_port" observatory >/dev/null
# room for a few compressed copies of the dump, in the radosgw's RAM (measured backups are deleted)
OBS_S3_MEMSTORE_BYTES=$(( (gb + 1) * 1073741824 )) \
  bash "$root/tests/s3/radosgw.sh" start "$work/s3" "$s3_port" BENCHACCESSKEY000001 >/dev/null
(umask 077; printf '127.0.0.1:%s:*:observatory:%s\n' "$pg_port" "$password" > "$work/pgpass")
export PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=observatory PGPASSFILE=$work/pgpass PGDATABASE=postgres
export MINIO_ENDPOINT=127.0.0.1:$s3_port MINIO_ACCESS_KEY=BENCHACCESSKEY000001 MINIO_SECRET_KEY="$(cat "$work/s3/secret_key")" MINIO_BUCKET=bench
export OBS_PG_DUMP=$pg_bin OBS_PSQL=$pg_bin OBS_LOG_FORMAT=json BACKUP_RETENTION_DAYS=0
unset OBS_COMPRESSION OBS_METRICS_FILE

rows=${ROWS:-$(( gb * 2200000 ))} # ROWS: a smaller database, to try the script
"$pg_bin/psql" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE bench"
if [ "${ENTROPY:-}" = realistic ]; then
rows=${ROWS:-$(( gb * 1200000 ))}
say "making a database of about $gb GB ($rows rows of research records: realistic entropy, bench/research_records.py)"
"$pg_bin/psql" -q -v ON_ERROR_STOP=1 -d bench -c "CREATE TABLE content (id bigint, uuid uuid, created timestamptz, url text, title text, body text, meta jsonb, sha text)"
python3 "$root/bench/research_records.py" "$rows" | "$pg_bin/psql" -q -v ON_ERROR_STOP=1 -d bench -c "COPY content FROM STDIN"
"$pg_bin/psql" -q -v ON_ERROR_STOP=1 -d bench -c "ALTER TABLE content ADD PRIMARY KEY (id)" -c "CREATE INDEX content_created ON content (created)"
"$pg_bin/psql" -q -v ON_ERROR_STOP=1 -d bench -c "CREATE TABLE link (id bigint PRIMARY KEY, content_id bigint, url text, sha text, seen timestamptz)" \
  -c "INSERT INTO link SELECT id, id, url, sha, created FROM content"
else
say "making a database of about $gb GB ($rows rows of dump-like content)"
"$pg_bin/psql" -q -v ON_ERROR_STOP=1 -d bench <<SQL
CREATE TABLE content (id bigint PRIMARY KEY, uuid uuid, created timestamptz, url text, title text, body text, meta jsonb);
INSERT INTO content
SELECT g, md5(g::text)::uuid, timestamptz '2026-01-01' + g * interval '7 seconds',
       'https://example.org/platform/' || (g % 5000) || '/post/' || g,
       (ARRAY['climate','election','vaccine','housing','energy','migration'])[1 + g % 6] || ' debate ' || (g % 977),
       repeat((ARRAY['the observatory collects ','public posts about ','many topics from ','several platforms and ','keeps them for research '])[1 + g % 5], 8) || md5((g * 7)::text),
       jsonb_build_object('lang', (ARRAY['da','en','de'])[1 + g % 3], 'score', g % 1000, 'tags', jsonb_build_array(g % 13, g % 17))
FROM generate_series(1, $rows) g;
SQL
fi
export DATABASE_URL="postgresql://observatory:$password@127.0.0.1:$pg_port/bench"
db_size=$("$pg_bin/psql" -At -d bench -c "SELECT pg_database_size('bench')")

measure_once() { # command...: prints seconds and peak RSS (KiB)
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$work/out" 2>"$work/err" || { say "$* failed:"; cat "$work/err" >&2; exit 1; }
  cat "$work/time"
}
uploaded() { grep -o '"event": "upload_complete".*"size": [0-9]*' "$work/out" | grep -o '[0-9]*$'; }
uploaded_name() { grep -o '"event": "backup_finished".*"object_name": "[^"]*"' "$work/out" | grep -o '[^"]*"$' | tr -d '"'; }
forget() { # removes a measured backup from the store and frees its memory there, so the next run finds room
  CEPH_CONF="$work/s3/ceph.conf" radosgw-admin object rm --bucket=bench --object="$1" >/dev/null 2>&1
  CEPH_CONF="$work/s3/ceph.conf" radosgw-admin gc process --include-all >/dev/null 2>&1 || true
}
measure() { # label, command...: prints "label median-seconds max-RSS-KiB bytes-uploaded" over $runs runs
  local label=$1; shift
  local times=() rss=0 bytes=- n
  for ((n = 0; n < runs; n++)); do
    eval "${prepare:-}" # untimed
    read -r secs kib < <(measure_once "$@")
    times+=("$secs"); (( kib > rss )) && rss=$kib
    if name=$(uploaded_name) && [ -n "$name" ]; then bytes=$(uploaded); forget "$name"; sleep 1; fi
  done
  echo "$label $(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p") $rss $bytes"
}

# untimed: the first request creates the bucket (seconds on radosgw), which no measured run should pay
DATABASE_URL="postgresql://observatory:$password@127.0.0.1:$pg_port/postgres" "$cli" backup > /dev/null

# AB=age: only the cost of encryption, as alternating pairs (plain, then --recipient) at each codec:
# one restore's or backup's aftermath (a checkpoint, radosgw's gc) slows whatever runs next, so
# pairs run back to back and each side gets its median.
if [ "${AB:-}" = age ]; then
  recipient=$("$cli" new-age-key --output "$work/age.key")
  for codec in gzip zstd; do
    plain=(); sealed=()
    for ((n = 0; n < runs; n++)); do
      read -r secs _ < <(measure_once "$cli" backup --compression "$codec"); plain+=("$secs"); forget "$(uploaded_name)"; sleep 1
      read -r secs _ < <(measure_once "$cli" backup --compression "$codec" --recipient "$recipient"); sealed+=("$secs"); forget "$(uploaded_name)"; sleep 1
    done
    p=$(printf '%s\n' "${plain[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    a=$(printf '%s\n' "${sealed[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    printf '%s: plain %s s, age %s s (median of %s pairs): %+.1f%%   plain runs: %s   age runs: %s\n' \
      "$codec" "$p" "$a" "$runs" "$(echo "($a / $p - 1) * 100" | bc -l)" "${plain[*]}" "${sealed[*]}"
  done
  exit 0
fi

# AB=contain BEFORE=path/to/obs-backup.dll: what the contained load (issue 27) costs, in alternating pairs
# of staged restores by the portable CLI of this tree and by BEFORE (the same CLI built from the commit
# before), under dotnet both, at --jobs 1 and 2; each side gets its median.
if [ "${AB:-}" = contain ]; then
  "$cli" backup > "$work/out"; name=$(uploaded_name)
  restore_url="postgresql://observatory:$password@127.0.0.1:$pg_port/restored"
  for jobs in 1 2; do
    before=(); after=()
    for ((n = 0; n < runs; n++)); do
      "$pg_bin/psql" -q -c "DROP DATABASE IF EXISTS restored" -c "CHECKPOINT" >/dev/null
      read -r secs _ < <(measure_once env DATABASE_URL="$restore_url" dotnet "$BEFORE" restore "$name" --yes --jobs "$jobs"); before+=("$secs")
      "$pg_bin/psql" -q -c "DROP DATABASE IF EXISTS restored" -c "CHECKPOINT" >/dev/null
      read -r secs _ < <(measure_once env DATABASE_URL="$restore_url" dotnet "$portable" restore "$name" --yes --jobs "$jobs"); after+=("$secs")
    done
    b=$(printf '%s\n' "${before[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    a=$(printf '%s\n' "${after[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    printf 'jobs %s: before %s s, contained %s s (median of %s pairs): %+.1f%%   before: %s   contained: %s\n' \
      "$jobs" "$b" "$a" "$runs" "$(echo "($a / $b - 1) * 100" | bc -l)" "${before[*]}" "${after[*]}"
  done
  exit 0
fi

# AB=restore: issue 21's restores, in alternating rounds (a restore's checkpoint slows the next one,
# whichever it is), each the median of its rounds; the backups first, for the same data's figures.
if [ "${AB:-}" = restore ]; then
  backups=()
  # RESTORES_ONLY=1: the backups once each, for the restores' sources and the limit, not as rows of their own
  backup_runs=$([ "${RESTORES_ONLY:-}" = 1 ] && echo 1 || echo "$runs")
  backups+=("$(runs=$backup_runs measure limit bash -c "'$pg_bin/pg_dump' -d bench > /dev/null")")
  gzip6=$(runs=1 measure gzip6 bash -c "'$pg_bin/pg_dump' -d bench | gzip -6 > '$work/dump.sql.gz'")
  if [ "${RESTORES_ONLY:-}" != 1 ]; then
    backups+=("$(measure cli-gzip "$cli" backup)")
    backups+=("$(measure cli-zstd "$cli" backup --compression zstd)")
  fi
  "$pg_bin/pg_dump" -Fc -d bench -f "$work/dump.custom"
  "$cli" backup > "$work/out"; name=$(uploaded_name)
  sql_bytes=$(gunzip < "$work/dump.sql.gz" | wc -c)
  declare -A took=() peak=() own=() all=() srv=()
  busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; } # jiffies the machine spent working
  server() { # jiffies the cluster's processes spent: the postmaster with the backends it reaped, and those alive
    local pm t c; pm=$(head -n 1 "$work/pg/data/postmaster.pid"); t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
    for c in $(pgrep -P "$pm"); do t=$(( t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0) )); done
    echo "$t"
  }
  restore_with() { # label, command...: one timed run into a fresh database "restored"
    local label=$1; shift
    "$pg_bin/psql" -q -c "DROP DATABASE IF EXISTS restored" >/dev/null
    # gunzip | psql and pg_restore load into an existing database; obs-backup creates its own
    case $label in plain|pgrestore2) "$pg_bin/psql" -q -c "CREATE DATABASE restored" >/dev/null ;; esac
    local before; before=$(busy); local server_before; server_before=$(server)
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" > "$work/out" 2>"$work/err" || { say "$* failed:"; cat "$work/err" >&2; exit 1; }
    local after; after=$(busy)
    read -r secs kib user sys < "$work/time"
    took[$label]="${took[$label]:-} $secs"; (( kib > ${peak[$label]:-0} )) && peak[$label]=$kib
    # CPU seconds: the command with its children (psql, gunzip), and the whole machine (so the server too)
    own[$label]="${own[$label]:-} $(echo "$user + $sys" | bc -l)"; all[$label]="${all[$label]:-} $(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l)"
    "$pg_bin/psql" -q -c "CHECKPOINT" >/dev/null
    sleep 0.3 # the last backends reaped
    srv[$label]="${srv[$label]:-} $(echo "($(server) - $server_before) / $(getconf CLK_TCK)" | bc -l)"
  }
  restore_url="postgresql://observatory:$password@127.0.0.1:$pg_port/restored"
  run_kind() { # one restore of a kind
    case $1 in
      plain) restore_with plain bash -c "gunzip < '$work/dump.sql.gz' | '$pg_bin/psql' -q -X -v ON_ERROR_STOP=1 -d restored > /dev/null" ;;
      jobs[0-9]*) restore_with "$1" env DATABASE_URL="$restore_url" "$cli" restore "$name" --yes --jobs "${1#jobs}" ;;
      pgrestore2) restore_with pgrestore2 "$pg_bin/pg_restore" -j 2 -d restored "$work/dump.custom" ;;
      before[0-9]*) [ -z "${BEFORE_CLI:-}" ] || restore_with "$1" env DATABASE_URL="$restore_url" "$BEFORE_CLI" restore "$name" --yes --jobs "${1#before}" ;;
    esac
  }
  # KINDS="plain jobs2 before2" runs only those (plain, the ratios' base, always); ORDER=abba reverses every
  # second round, so a drift of the machine's load falls on each kind alike
  order=(plain); for k in ${KINDS:-jobs1 jobs2 jobs4 pgrestore2 before1 before2}; do [ "$k" = plain ] || order+=("$k"); done
  for ((n = 0; n < runs; n++)); do
    if [ "${ORDER:-}" = abba ] && (( n % 2 == 1 )); then
      for ((i = ${#order[@]} - 1; i >= 0; i--)); do run_kind "${order[i]}"; done
    else
      for k in "${order[@]}"; do run_kind "$k"; done
    fi
  done
  [ -n "${KINDS:-}" ] || run_kind jobs8 # memory at the most connections the default gives
  median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | sed -n "$(( ($(tr ' ' '\n' <<<"$1" | grep -c .) + 1) / 2 ))p"; }
  limit=$(awk '{print $2}' <<<"${backups[0]}")
  printf '\nDatabase %s MB on disk (%s), dump %s MB, gzip -6 %.1f:1; %s cores; %s; medians of %s alternating rounds\n\n' \
    "$(( db_size / 1000000 ))" "${ENTROPY:-default}" "$(( sql_bytes / 1000000 ))" "$(echo "$sql_bytes / $(stat -c %s "$work/dump.sql.gz")" | bc -l)" "$(nproc)" "$(date -u +%Y-%m-%d)" "$runs"
  printf '| %-44s | %8s | %8s | %12s | %s\n' "" "wall s" "ratio" "peak RSS MB" "runs"
  printf '|%s|%s|%s|%s|\n' "----------------------------------------------" "----------" "----------" "--------------"
  for line in "${backups[@]}"; do
    read -r label secs rss _ <<<"$line"
    case $label in limit) what='backup: pg_dump > /dev/null (the limit)' ;; cli-gzip) what='backup: obs-backup backup (gzip 4)' ;; cli-zstd) what='backup: obs-backup backup --compression zstd' ;; esac
    printf '| %-44s | %8s | %7.2fx | %12s |\n' "$what" "$secs" "$(echo "$secs / $limit" | bc -l)" "$(( rss / 1024 ))"
  done
  base=$(median "${took[plain]}")
  for label in plain jobs1 jobs2 jobs4 jobs8 pgrestore2 ${BEFORE_CLI:+before1 before2}; do
    [ -n "${took[$label]:-}" ] || continue
    case $label in
      plain) what='restore: gunzip | psql' ;; jobs1) what='restore: obs-backup restore --jobs 1' ;;
      jobs2) what='restore: obs-backup restore --jobs 2' ;; jobs4) what='restore: obs-backup restore --jobs 4' ;;
      jobs8) what='restore: obs-backup restore --jobs 8 (1 run)' ;; pgrestore2) what='restore: pg_restore -j 2 (from pg_dump -Fc)' ;;
      before1) what='restore: BEFORE_CLI restore --jobs 1' ;; before2) what='restore: BEFORE_CLI restore --jobs 2' ;;
    esac
    m=$(median "${took[$label]}")
    printf '| %-44s | %8s | %7.2fx | %12s |%s (CPU s, command: %s; server: %s; machine: %s)\n' "$what" "$m" "$(echo "$m / $base" | bc -l)" "$(( ${peak[$label]} / 1024 ))" "${took[$label]}" \
      "$(printf '%.1f ' ${own[$label]})" "$(printf '%.1f ' ${srv[$label]})" "$(printf '%.1f ' ${all[$label]})"
  done
  exit 0
fi

# AB=rss: the CLI's peak RSS at this size (issue 30: at most 120 MB for backups and 150 MB for restores, flat from
# 1 GB to 10 GB): backups with gzip and zstd, and a restore at the default jobs into a new database, RUNS times each.
# Memory, not speed: it may run beside other work. bash bench/end-to-end.sh 10 with AB=rss, and again with 1.
if [ "${AB:-}" = rss ]; then
  restore_url="postgresql://observatory:$password@127.0.0.1:$pg_port/restored"
  rss_rows=()
  rss() { # label, command...: its wall seconds, peak RSS (KiB) and CPU seconds over RUNS runs
    local label=$1; shift; local n
    for ((n = 0; n < runs; n++)); do
      [ "$label" != restore ] || "$pg_bin/psql" -q -c "DROP DATABASE IF EXISTS restored" -c "CHECKPOINT" >/dev/null
      /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" > "$work/out" 2>"$work/err" || { say "$* failed:"; cat "$work/err" >&2; exit 1; }
      read -r secs kib user sys < "$work/time"
      rss_rows+=("$label $secs $(( kib / 1024 )) $(echo "$user + $sys" | bc -l) $(uploaded || echo -)")
      if name=$(uploaded_name) && [ -n "$name" ]; then [ "$label" != gzip ] || [ -n "${source:-}" ] || { source=$name; continue; }; forget "$name"; sleep 1; fi
    done
  }
  source=
  rss gzip "$cli" backup
  rss zstd "$cli" backup --compression zstd
  rss restore env DATABASE_URL="$restore_url" "$cli" restore "$source" --yes
  printf '\nDatabase %s MB on disk (%s); %s cores (%s); %s; %s; restore jobs: the default\n\n' "$(( db_size / 1000000 ))" "${ENTROPY:-default}" \
    "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$(date -u +%Y-%m-%d)" "$("$cli" --version | tr '\n' ' ')"
  printf '| %-8s | %8s | %12s | %8s | %12s |\n' "" "wall s" "peak RSS MB" "CPU s" "uploaded MB"
  printf '|%s|%s|%s|%s|%s|\n' "----------" "----------" "--------------" "----------" "--------------"
  for line in "${rss_rows[@]}"; do
    read -r label secs mb cpu bytes <<<"$line"
    printf '| %-8s | %8s | %12s | %8.1f | %12s |\n' "$label" "$secs" "$mb" "$cpu" "$([ "$bytes" = - ] && echo - || echo $(( bytes / 1000000 )))"
  done
  exit 0
fi

# AB=bounds: issue 30's bounds, one row each, in alternating rounds (baseline, then ours), medians.
if [ "${AB:-}" = bounds ]; then
  "$pg_bin/pg_dump" -d bench -f "$work/dump.sql"
  sql_bytes=$(stat -c %s "$work/dump.sql")
  gzip -4 < "$work/dump.sql" > "$work/dump.sql.gz"; gzip4_bytes=$(stat -c %s "$work/dump.sql.gz")
  "$pg_bin/pg_dump" -Fc -d bench -f "$work/dump.custom"
  rm -f "$work/dump.sql"
  declare -A took=() peak=() own=() all=() size=()
  busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; } # jiffies the machine spent working
  run() { # label, command...: one timed run; the restores' CHECKPOINT inside the time
    local label=$1; shift
    local before; before=$(busy)
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" > "$work/out" 2>"$work/err" || { say "$* failed:"; cat "$work/err" >&2; exit 1; }
    local after; after=$(busy)
    read -r secs kib user sys < "$work/time"
    took[$label]="${took[$label]:-} $secs"; (( kib > ${peak[$label]:-0} )) && peak[$label]=$kib
    own[$label]="${own[$label]:-} $(echo "$user + $sys" | bc -l)"; all[$label]="${all[$label]:-} $(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l)"
    local written; if written=$(uploaded_name) && [ -n "$written" ]; then size[$label]=$(uploaded); forget "$written"; sleep 1; fi
  }
  restore_url="postgresql://observatory:$password@127.0.0.1:$pg_port/restored"
  fresh() { "$pg_bin/psql" -q -c "DROP DATABASE IF EXISTS restored" -c "CHECKPOINT" >/dev/null; [ -z "${1:-}" ] || "$pg_bin/psql" -q -c "CREATE DATABASE restored" >/dev/null; }
  checkpointed() { "$@" && "$pg_bin/psql" -q -X -c CHECKPOINT >/dev/null; }
  "$cli" backup > "$work/out"; source=$(uploaded_name) # the restores' source, kept
  for ((n = 0; n < runs; n++)); do
    run limit "$pg_bin/pg_dump" -d bench -f /dev/null
    run gzip "$cli" backup
    run limit "$pg_bin/pg_dump" -d bench -f /dev/null
    run zstd "$cli" backup --compression zstd
    fresh create; run plain bash -c "gunzip < '$work/dump.sql.gz' | '$pg_bin/psql' -q -X -v ON_ERROR_STOP=1 -d restored > /dev/null && '$pg_bin/psql' -q -X -c CHECKPOINT"
    fresh; run restore bash -c "DATABASE_URL='$restore_url' '$cli' restore '$source' --yes && '$pg_bin/psql' -q -X -c CHECKPOINT"
    fresh create; run pgrestore bash -c "'$pg_bin/pg_restore' -j 2 -d restored '$work/dump.custom' && '$pg_bin/psql' -q -X -c CHECKPOINT"
    fresh; run restore bash -c "DATABASE_URL='$restore_url' '$cli' restore '$source' --yes && '$pg_bin/psql' -q -X -c CHECKPOINT"
  done
  median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | sed -n "$(( ($(tr ' ' '\n' <<<"$1" | grep -c .) + 1) / 2 ))p"; }
  m() { median "${took[$1]}"; }
  cpu() { printf '%.1f' "$(median "${own[$1]}")"; }
  machine_cpu() { printf '%.1f' "$(median "${all[$1]}")"; }
  verdict() { if (( $(echo "$1" | bc -l) )); then echo met; else echo "NOT met"; fi; }
  codec=$("$cli" --version | tr '\n' ' ')
  printf '\nDatabase %s MB on disk (%s), dump %s MB, GNU gzip -4 %s MB; %s cores (%s); %s; %s; medians of %s alternating rounds\n\n' \
    "$(( db_size / 1000000 ))" "${ENTROPY:-default}" "$(( sql_bytes / 1000000 ))" "$(( gzip4_bytes / 1000000 ))" "$(nproc)" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$(date -u +%Y-%m-%d)" "$codec" "$runs"
  printf '| %-56s | %7s | %7s | %9s | %9s | %7s | %s |\n' "bound" "ours s" "base s" "ratio" "CPU s" "RSS MB" "verdict"
  printf '|%s|%s|%s|%s|%s|%s|%s|\n' "----------------------------------------------------------" "---------" "---------" "-----------" "-----------" "---------" "------"
  row() { # what, ours, base, bound, rss-label
    local ratio; ratio=$(echo "$(m "$2") / $(m "$3")" | bc -l)
    printf '| %-56s | %7s | %7s | %8.2fx | %4s/%-4s | %7s | %s |\n' "$1" "$(m "$2")" "$(m "$3")" "$ratio" "$(cpu "$2")" "$(cpu "$3")" \
      "$(( ${peak[$2]} / 1024 ))" "$(verdict "$ratio <= $4")"
  }
  row "backup gzip ≤ 1.3× pg_dump -f /dev/null" gzip limit 1.3
  row "backup zstd ≤ 1.15× pg_dump -f /dev/null" zstd limit 1.15
  row "restore (default jobs) ≤ 0.9× gunzip | psql" restore plain 0.9
  row "restore (default jobs) ≤ 1.0× pg_restore -j 2 (-Fc)" restore pgrestore 1.0
  printf '| %-56s | %7s | %7s | %9s | %9s | %7s | %s |\n' "gzip output ≤ GNU gzip -4's" "$(( ${size[gzip]} / 1000000 )) MB" "$(( gzip4_bytes / 1000000 )) MB" \
    "$(printf '%.3fx' "$(echo "${size[gzip]} / $gzip4_bytes" | bc -l)")" "" "" "$(verdict "${size[gzip]} <= $gzip4_bytes")"
  backup_rss=$(( ${peak[gzip]} > ${peak[zstd]} ? ${peak[gzip]} : ${peak[zstd]} ))
  printf '| %-56s | %7s | %7s | %9s | %9s | %7s | %s |\n' "CLI peak RSS ≤ 120 MB (backups)" "" "" "" "" "$(( backup_rss / 1024 ))" "$(verdict "$backup_rss <= 120 * 1024")"
  printf '| %-56s | %7s | %7s | %9s | %9s | %7s | %s |\n' "CLI peak RSS ≤ 150 MB (restores)" "" "" "" "" "$(( ${peak[restore]} / 1024 ))" "$(verdict "${peak[restore]} <= 150 * 1024")"
  printf '\nCPU s: the command and its children, ours/base (the server'"'"'s share is in the machine column below)\n'
  for label in limit gzip zstd plain restore pgrestore; do
    printf '  %-10s wall: %s   command CPU: %s   machine CPU: %s\n' "$label" "${took[$label]}" "$(printf '%.1f ' ${own[$label]})" "$(printf '%.1f ' ${all[$label]})"
  done
  exit 0
fi

results=()
results+=("$(measure limit bash -c "'$pg_bin/pg_dump' -d bench > /dev/null")")
gzip6=$(runs=1 measure gzip6 bash -c "'$pg_bin/pg_dump' -d bench | gzip -6 > '$work/dump.sql.gz'")
results+=("${gzip6% -} $(stat -c %s "$work/dump.sql.gz")")
results+=("$(measure cli-gzip "$cli" backup)")
results+=("$(measure cli-zstd "$cli" backup --compression zstd)")
# encrypted with age (issue 19): the key pair the CLI makes; the identity file stays in $work
recipient=$("$cli" new-age-key --output "$work/age.key")
results+=("$(measure cli-gzip-age "$cli" backup --recipient "$recipient")")
results+=("$(measure cli-zstd-age "$cli" backup --compression zstd --recipient "$recipient")")
results+=("$(measure cli-portable dotnet "$portable" backup)")
results+=("$(measure pwsh-alone "$pwsh" -NoProfile -NonInteractive -Command "Import-Module '$module'; 1")")
results+=("$(measure cmdlet-gzip "$pwsh" -NoProfile -NonInteractive -Command "Import-Module '$module'; Invoke-ObsBackup | Out-Null")")
results+=("$(measure cmdlet-zstd "$pwsh" -NoProfile -NonInteractive -Command "Import-Module '$module'; Invoke-ObsBackup -Compression Zstd | Out-Null")")
# the restores' source: one gzip backup, kept
"$cli" backup > "$work/out"; name=$(uploaded_name)
prepare='"$pg_bin/psql" -q -c "DROP DATABASE IF EXISTS restored_plain" -c "CREATE DATABASE restored_plain"' \
  results+=("$(measure restore-plain bash -c "gunzip < '$work/dump.sql.gz' | '$pg_bin/psql' -q -X -v ON_ERROR_STOP=1 -d restored_plain > /dev/null")")
prepare='"$pg_bin/psql" -q -c "DROP DATABASE IF EXISTS restored_obs"' \
  results+=("$(measure restore-obs env DATABASE_URL="postgresql://observatory:$password@127.0.0.1:$pg_port/restored_obs" "$cli" restore "$name" --yes)")
"$cli" backup --recipient "$recipient" > "$work/out"; name_age=$(uploaded_name)
prepare='"$pg_bin/psql" -q -c "DROP DATABASE IF EXISTS restored_age"' \
  results+=("$(measure restore-obs-age env DATABASE_URL="postgresql://observatory:$password@127.0.0.1:$pg_port/restored_age" OBS_AGE_IDENTITY_FILE="$work/age.key" "$cli" restore "$name_age" --yes)")

row() { printf '%s\n' "${results[@]}" | awk -v label="$1" -v field="$2" '$1 == label {print $field}'; }
limit=$(row limit 2)
plain=$(row restore-plain 2)
pwsh_rss=$(row pwsh-alone 3)
printf '\nDatabase %s MB on disk; %s cores; %s; median of %s runs\n\n' "$(( db_size / 1000000 ))" "$(nproc)" "$(date -u +%Y-%m-%d)" "$runs"
printf '| %-40s | %8s | %8s | %10s | %12s |\n' "" "wall s" "ratio" "output MB" "peak RSS MB"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------------" "----------" "----------" "------------" "--------------"
for line in "${results[@]}"; do
  read -r label secs rss bytes <<<"$line"
  case $label in
    limit) what='pg_dump > /dev/null (the limit)'; base=$limit ;;
    gzip6) what='pg_dump | gzip -6 > file'; base=$limit ;;
    cli-gzip) what='obs-backup backup (gzip 4)'; base=$limit ;;
    cli-zstd) what='obs-backup backup --compression zstd'; base=$limit ;;
    cli-gzip-age) what='obs-backup backup --recipient (gzip 4, age)'; base=$limit ;;
    cli-zstd-age) what='obs-backup backup --compression zstd --recipient'; base=$limit ;;
    cli-portable) what='dotnet obs-backup.dll backup (portable)'; base=$limit ;;
    pwsh-alone) what='pwsh importing the module'; base=$limit ;;
    cmdlet-gzip) what='Invoke-ObsBackup (gzip 4)'; base=$limit ;;
    cmdlet-zstd) what='Invoke-ObsBackup -Compression Zstd'; base=$limit ;;
    restore-plain) what='restore: gunzip | psql'; base=$plain ;;
    restore-obs) what='restore: obs-backup restore (staged)'; base=$plain ;;
    restore-obs-age) what='restore: obs-backup restore (staged, age)'; base=$plain ;;
  esac
  out=$([ "$bytes" = - ] && echo - || echo $(( bytes / 1000000 )))
  printf '| %-40s | %8s | %7.2fx | %10s | %12s |\n' "$what" "$secs" "$(echo "$secs / $base" | bc -l)" "$out" "$(( rss / 1024 ))"
done
printf '\n(pwsh alone: %s MB; the cmdlet bound is pwsh + 100 MB)\n' "$(( pwsh_rss / 1024 ))"
