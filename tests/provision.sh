#!/usr/bin/env bash
# What the tests run besides .NET, from Debian's packages. Installs only what is missing, with one
# apt-get update and one apt-get install, so that on a provisioned machine it costs a few
# `command -v`. Not root and something missing: fails, naming the apt-get command to run.
#   provision.sh            all the test suite needs (the test build runs this before it builds;
#                           -p:ObsProvision=false skips it)
#   provision.sh radosgw    only the S3 server (scripts/try.sh)
set -euo pipefail
scope=${1:-all}
case $scope in all | radosgw) ;; *) echo "provision.sh: unknown scope '$scope' (all or radosgw)" >&2; exit 2 ;; esac

install=()
missing() { ! command -v "$1" >/dev/null 2>&1; }
# need PACKAGES... -- COMMANDS...: the packages, when any of the commands is missing
need() {
  local packages=()
  while [ "$1" != -- ]; do packages+=("$1"); shift; done
  shift
  for c in "$@"; do
    if missing "$c"; then install+=("${packages[@]}"); return; fi
  done
}

# Ceph's radosgw as tests/s3/radosgw.sh runs it: a one-node cluster (mon, osd, the gateway)
need ceph-mon ceph-osd radosgw ceph-common -- radosgw radosgw-admin ceph ceph-mon ceph-osd ceph-authtool monmaptool
need curl -- curl
need python3 -- python3
if [ "$scope" = all ]; then
  # PostgreSQL 15 in a temp dir (tests/pg/postgres.sh); as root it runs as the postgres user, through runuser
  need postgresql-15 -- /usr/lib/postgresql/15/bin/initdb /usr/lib/postgresql/15/bin/pg_ctl
  need postgresql-client-15 -- /usr/lib/postgresql/15/bin/pg_dump /usr/lib/postgresql/15/bin/psql
  need util-linux -- runuser
  # links obs-backup, which the test build publishes as a native (AOT) executable
  need clang -- clang
  # the reference implementations the tests check ours against: age, Fernet by openssl, minisign
  need age -- age age-keygen
  need openssl -- openssl
  need minisign -- minisign
  # gzip by ISA-L (libisal2; igzip from isal, the reference it is checked against), pigz's output read
  # back, and libisal-dev's igzip_lib.h, which the struct layouts are checked against
  need isal libisal2 -- igzip
  need pigz -- pigz
  [ -f /usr/include/isa-l/igzip_lib.h ] || install+=(libisal-dev)
fi

root=false
[ "$(id -u)" = 0 ] && root=true

if [ ${#install[@]} -gt 0 ]; then
  command="apt-get update && apt-get install -y --no-install-recommends ${install[*]}"
  if ! $root; then
    echo "provision.sh: error: missing Debian packages ${install[*]}; as root, run: $command" >&2
    [ "$scope" = all ] && echo "provision.sh: error: or, on a machine provisioned otherwise, build the tests with -p:ObsProvision=false" >&2
    exit 1
  fi
  command -v apt-get >/dev/null || { echo "provision.sh: error: no apt-get here; install the equivalent of: ${install[*]}" >&2; exit 1; }
  echo "provision.sh: installing ${install[*]}"
  log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  # another apt on this machine holds the lock for a while: wait for it rather than fail
  if ! { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
         apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${install[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "provision.sh: error: $command failed" >&2
    exit 1
  fi
  rm -f "$log"
fi

# initdb and postgres refuse root: as root, tests/pg/postgres.sh runs them as the postgres system user
if [ "$scope" = all ] && $root && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi
exit 0
