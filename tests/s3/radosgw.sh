#!/usr/bin/env bash
# Starts or stops a throwaway one-node Ceph cluster (mon + memstore osd + radosgw) on loopback,
# the S3 server the integration tests run against.
#   radosgw.sh start DIR PORT ACCESS_KEY SECRET_KEY   prints "ready" once S3 answers
#   radosgw.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?dir}

if [ "$cmd" = stop ]; then
  for p in "$dir"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  sleep 1
  for p in "$dir"/*.pid; do [ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null || true; done
  rm -rf "$dir"
  exit 0
fi

port=${3:?port}; access=${4:?access key}; secret=${5:?secret key}
monport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((port + 1)))
mkdir -p "$dir"/{mon,osd,rgw,run,log}
fsid=$(cat /proc/sys/kernel/random/uuid)
conf="$dir/ceph.conf"
cat > "$conf" <<CONF
[global]
fsid = $fsid
mon host = 127.0.0.1:$monport
mon initial members = a
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/\$name.keyring
run dir = $dir/run
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
pid file = $dir/\$name.pid
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
ms bind ipv6 = false
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.0/8
[mon]
mon data = $dir/mon
[osd]
osd objectstore = memstore
osd data = $dir/osd
memstore device bytes = ${OBS_S3_MEMSTORE_BYTES:-2147483648}
osd max object name len = 256
osd max object namespace len = 64
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$port
rgw data = $dir/rgw
rgw dns name = localhost
rgw enable usage log = false
CONF
export CEPH_CONF="$conf"
log() { echo "radosgw.sh: $*" >&2; }
fail() { log "$1"; tail -n 20 "$dir"/log/*.log >&2 || true; exit 1; }

ceph-authtool --create-keyring "$dir/mon.a.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool --create-keyring "$dir/client.admin.keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
ceph-authtool "$dir/mon.a.keyring" --import-keyring "$dir/client.admin.keyring" >/dev/null
ceph-authtool --create-keyring "$dir/osd.0.keyring" --gen-key -n osd.0 \
  --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' >/dev/null
ceph-authtool --create-keyring "$dir/client.rgw.keyring" --gen-key -n client.rgw \
  --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
ceph-authtool "$dir/mon.a.keyring" --import-keyring "$dir/osd.0.keyring" >/dev/null
ceph-authtool "$dir/mon.a.keyring" --import-keyring "$dir/client.rgw.keyring" >/dev/null
monmaptool --create --add a "127.0.0.1:$monport" --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/mon.a.keyring" 2>>"$dir/log/mon.stderr"
ceph-mon -i a 2>>"$dir/log/mon.stderr"
log "mon up on $monport"

osdkey=$(ceph-authtool -p -n osd.0 "$dir/osd.0.keyring")
osduuid=$(cat /proc/sys/kernel/random/uuid)
ceph osd new "$osduuid" 0 >/dev/null
ceph-osd -i 0 --mkfs --osd-uuid "$osduuid" --key "$osdkey" >/dev/null 2>&1
# --mkfs --key does not write the keyring where the osd reads it
ceph-authtool --create-keyring "$dir/osd.0.keyring" -n osd.0 --add-key "$osdkey" >/dev/null
ceph-osd -i 0 2>>"$dir/log/osd.stderr"
log "osd started"

osd_up=
for _ in $(seq 60); do  # up to 30 s
  if ceph osd stat 2>/dev/null | grep -q '1 up'; then osd_up=1; break; fi; sleep 0.5
done
# without an OSD radosgw would wait minutes before giving up
[ -n "$osd_up" ] || fail "the OSD did not come up within 30 s"

radosgw -n client.rgw 2>>"$dir/log/rgw.stderr"
rgw_up=
for _ in $(seq 120); do  # up to 60 s
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then rgw_up=1; break; fi; sleep 0.5
done
[ -n "$rgw_up" ] || fail "radosgw did not answer on 127.0.0.1:$port within 60 s"
radosgw-admin user create --uid=obs-test --display-name="obs test" \
  --access-key="$access" --secret="$secret" >/dev/null
echo ready
