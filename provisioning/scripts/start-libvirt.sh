#!/usr/bin/env bash
# Starts virtlogd and libvirtd by hand (machines without systemd) and waits until
# qemu:///system answers. Idempotent: daemons already running are left alone.
# Usage: provisioning/scripts/start-libvirt.sh [timeout-seconds]
set -euo pipefail

timeout_seconds="${1:-60}"
socket=/run/libvirt/libvirt-sock

if ! command -v libvirtd >/dev/null 2>&1; then
  echo "libvirtd is not installed; install: apt-get install -y qemu-system-x86 qemu-utils \\" >&2
  echo "  libvirt-daemon-system libvirt-clients linux-image-amd64 busybox-static cpio" >&2
  exit 2
fi

mkdir -p /run/libvirt /var/log/libvirt/qemu /var/lib/libvirt/images

if ! pgrep -x virtlogd >/dev/null 2>&1; then
  echo "starting virtlogd"
  virtlogd -d
fi

if ! pgrep -x libvirtd >/dev/null 2>&1; then
  # A stale socket or pid file from a killed daemon would make the new one refuse to start.
  rm -f /run/libvirtd.pid "$socket" /run/libvirt/libvirt-sock-ro /run/libvirt/libvirt-admin-sock
  echo "starting libvirtd"
  libvirtd -d
fi

deadline=$((SECONDS + timeout_seconds))
until [ -S "$socket" ] && virsh -c qemu:///system version >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "libvirtd did not answer on $socket within ${timeout_seconds}s" >&2
    exit 1
  fi
  sleep 0.5
done
echo "libvirtd is up: $(virsh -c qemu:///system version --daemon 2>/dev/null | tr '\n' ' ')"
