#!/usr/bin/env bash
# Installs and starts what the tests need on a fresh Debian 12 machine: Xvnc session hosts, QEMU +
# libvirt for desktop VMs (software emulation), the Debian kernel and busybox for the tiny test image.
# Idempotent: installs only what is missing; needs root (or sudo) when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  tigervnc-standalone-server tigervnc-tools openbox xterm x11-utils xdotool xclip
  qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients linux-image-amd64 busybox-static
  procps iproute2 curl python3
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ -x provisioning/scripts/start-libvirt.sh ]; then
  provisioning/scripts/start-libvirt.sh
fi
