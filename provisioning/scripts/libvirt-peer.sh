#!/usr/bin/env bash
# Starts (or stops) a second, independent libvirtd on this machine: the "peer host" that live-migration tests
# and bench/migration migrate desktops to and from. The default daemon at qemu:///system must already run
# (scripts/start-libvirt.sh).
#
#   provisioning/scripts/libvirt-peer.sh start [dir]   # prints the peer's URI on the last line
#   provisioning/scripts/libvirt-peer.sh stop  [dir]   # destroys its domains, stops it, removes dir
#
# dir defaults to /run/deskport-libvirt-peer. How it is isolated (see README "Live migration"):
# - its own mount namespace (unshare -m) in which the per-driver state dirs under /run/libvirt
#   (qemu, storage, network, ... each holds a locked driver.pid), /var/lib/libvirt/qemu, /var/cache/libvirt,
#   /var/log/libvirt and /etc/libvirt are replaced by directories under dir. Everything else, in particular the
#   disk and image directories, is the same file system: that is the shared storage migration needs. The default
#   daemon's socket /run/libvirt/libvirt-sock stays visible inside the namespace, so the peer reaches it as
#   qemu:///system (peer-to-peer migration back);
# - its sockets live in dir/sock (unix_sock_dir), outside the namespace's mounts, so every process reaches it as
#   qemu+unix:///system?socket=<dir>/sock/libvirt-sock;
# - its own host UUID (libvirt refuses to migrate to a host with the same UUID as the source);
# - no cgroups (domain ids restart at 1 in each daemon, and the cgroup names qemu-<id>-<name> would clash);
# - QEMU's stdout/err to plain files (no virtlogd: the default daemon's virtlogd would share log file names);
# - VNC ports 6900-6999 and migration ports 49400-49463, away from the default daemon's 5900+ and 49152+.
set -euo pipefail

action="${1:?usage: libvirt-peer.sh start|stop [dir]}"
dir="${2:-/run/deskport-libvirt-peer}"
sock="$dir/sock/libvirt-sock"
uri="qemu+unix:///system?socket=$sock"
state_dirs=(common hostdevmgr interface network nodedev nwfilter nwfilter-binding qemu secrets storage)

stop() {
  if [ -S "$sock" ]; then
    for name in $(virsh -c "$uri" list --name 2>/dev/null); do virsh -c "$uri" destroy "$name" >/dev/null 2>&1 || true; done
    for name in $(virsh -c "$uri" list --all --name 2>/dev/null); do
      virsh -c "$uri" undefine "$name" --managed-save --snapshots-metadata >/dev/null 2>&1 || true
    done
  fi
  if [ -f "$dir/libvirtd.pid" ]; then
    pid="$(cat "$dir/libvirtd.pid")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  # The namespace dies with the daemon; its mounts are gone with it.
  rm -rf "$dir"
}

start() {
  if [ -S "$sock" ] && virsh -c "$uri" version >/dev/null 2>&1; then
    echo "$uri"
    return
  fi
  [ -S /run/libvirt/libvirt-sock ] || { echo "the default libvirtd is not running (scripts/start-libvirt.sh)" >&2; exit 1; }
  stop
  mkdir -p "$dir"/{sock,etc/qemu,etc/storage,lib-qemu,cache,log/qemu}
  for d in "${state_dirs[@]}"; do mkdir -p "$dir/run/$d" "/run/libvirt/$d"; done
  cat >"$dir/etc/libvirtd.conf" <<EOF
unix_sock_dir = "$dir/sock"
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
host_uuid = "$(cat /proc/sys/kernel/random/uuid)"
log_outputs = "3:file:$dir/log/libvirtd.log"
EOF
  cat >"$dir/etc/qemu.conf" <<EOF
cgroup_controllers = [ ]
stdio_handler = "file"
remote_display_port_min = 6900
remote_display_port_max = 6999
migration_port_min = 49400
migration_port_max = 49463
EOF
  mounts=""
  for d in "${state_dirs[@]}"; do mounts+="mount --bind '$dir/run/$d' '/run/libvirt/$d'; "; done
  mounts+="mount --bind '$dir/lib-qemu' /var/lib/libvirt/qemu; mount --bind '$dir/cache' /var/cache/libvirt; "
  mounts+="mount --bind '$dir/log' /var/log/libvirt; mount --bind '$dir/etc' /etc/libvirt; "
  unshare -m --propagation private sh -c "$mounts exec libvirtd -d --config '$dir/etc/libvirtd.conf' --pid-file '$dir/libvirtd.pid'"
  for _ in $(seq 1 300); do
    if [ -S "$sock" ] && virsh -c "$uri" version >/dev/null 2>&1; then
      echo "$uri"
      return
    fi
    sleep 0.2
  done
  echo "the peer libvirtd did not answer on $sock; its log: $dir/log/libvirtd.log" >&2
  exit 1
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: libvirt-peer.sh start|stop [dir]" >&2; exit 2 ;;
esac
