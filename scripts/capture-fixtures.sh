#!/usr/bin/env bash
# Re-records the fixture captures against a private Samba on loopback (see fixtures/README.md).
# Needs root, samba, smbclient, samba-common-bin and tshark. Writes fixtures/captures/recaptured/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures/captures/recaptured
mkdir -p "$out"
host="127.77.$((RANDOM % 200 + 20)).$((RANDOM % 200 + 20))"
dir=$(mktemp -d /tmp/netsend-capture-XXXXXX)
chmod 755 "$dir"
mkdir -p "$dir"/{private,lock,state,cache,pid,ncalrpc,binddns,msgs}
chmod 777 "$dir/msgs"
user=nsalice pass='Passw0rd!'
id -u "$user" >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin "$user"

write_conf() { # $1 = extra global lines
  cat > "$dir/smb.conf" <<CONF
[global]
  netbios name = NETSENDSRV
  workgroup = NETSENDLAB
  interfaces = $host/8
  bind interfaces only = yes
  smb ports = 445 139
  server min protocol = NT1
  private dir = $dir/private
  lock directory = $dir/lock
  state directory = $dir/state
  cache directory = $dir/cache
  pid directory = $dir/pid
  ncalrpc dir = $dir/ncalrpc
  binddns dir = $dir/binddns
  log file = $dir/log.%m
  passdb backend = tdbsam:$dir/private/passdb.tdb
  load printers = no
  disable spoolss = yes
$1
CONF
}

smbd_pid=
start_smbd() {
  smbd -F --debug-stdout -d 0 -s "$dir/smb.conf" > "$dir/smbd.out" 2>&1 &
  smbd_pid=$!
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/$host/445") 2>/dev/null && return 0; sleep 0.1; done
  echo "smbd did not start" >&2; cat "$dir/smbd.out" >&2; exit 1
}
stop_smbd() {
  [ -f "$dir/pid/samba-dcerpcd.pid" ] && kill "$(cat "$dir/pid/samba-dcerpcd.pid")" 2>/dev/null || true
  kill "$smbd_pid" 2>/dev/null || true; wait "$smbd_pid" 2>/dev/null || true
}
capture() { # $1 = file name, rest = command
  local name=$1; shift
  tshark -q -i lo -f "host $host" -w "$out/$name" >/dev/null 2>&1 &
  local tpid=$!
  sleep 1.5
  "$@" || true
  sleep 1
  kill -INT "$tpid"; wait "$tpid" 2>/dev/null || true
  echo "wrote $out/$name"
}
trap 'stop_smbd; rm -rf "$dir"' EXIT

write_conf "  message command = /bin/sh -c 'cat %s > $dir/msgs/last; rm -f %s'"
start_smbd
printf '%s\n%s\n' "$pass" "$pass" | smbpasswd -c "$dir/smb.conf" -s -a "$user" >/dev/null
capture smbclient-M-port139.pcap sh -c "echo 'hello from smbclient' | smbclient -M NETSENDSRV -I $host -p 139 -U alice -N"
capture smbclient-M-port445.pcap sh -c "echo 'hello from smbclient' | smbclient -M NETSENDSRV -I $host -p 445 -U alice -N"
capture smbclient-M-port139-nonascii.pcap sh -c "echo 'Grüße café' | smbclient -M NETSENDSRV -I $host -p 139 -U alice -N"
capture rpcclient-wkssvc-messagebuffersend.pcap rpcclient -U "$user%$pass" "$host" -c 'wkssvc_messagebuffersend "hello"'
capture smbclient-open-pipe-msgsvc-smb1.pcap smbclient -m NT1 --option="client min protocol=NT1" -U "$user%$pass" "//$host/IPC\$" -c 'open msgsvc'
capture smbclient-open-pipe-msgsvc-smb3.pcap smbclient -m SMB3 -U "$user%$pass" "//$host/IPC\$" -c 'open msgsvc'
stop_smbd

write_conf ""
start_smbd
capture smbclient-M-port139-no-message-command.pcap sh -c "echo 'refused' | smbclient -M NETSENDSRV -I $host -p 139 -U alice -N"
