#!/usr/bin/env bash
# Installs and starts what the tests need on a fresh Debian 12 machine: Xvnc session hosts, QEMU +
# libvirt for desktop VMs (software emulation), the Debian kernel and busybox for the tiny test image, and the
# Keycloak distribution the identity tests start (from Maven Central into ./data/keycloak/).
# Idempotent: installs only what is missing; needs root (or sudo) when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  tigervnc-standalone-server tigervnc-tools openbox xterm x11-utils xdotool xclip
  qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients linux-image-amd64 busybox-static
  procps iproute2 util-linux curl python3 unzip jq
  chromium chromium-driver
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

# promtool and prometheus for the alert rules' checks and the real scrape of a test broker (the tests start their own
# prometheus on a free port with its data under target/). Debian's package would start a daemon on :9090: a
# policy-rc.d that refuses service starts is in place during its installation, and a daemon that runs anyway is stopped.
if ! dpkg-query -W -f='${Status}' prometheus 2>/dev/null | grep -q "install ok installed"; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends prometheus || {
    [ -z "$own_policy" ] || $sudo_cmd rm -f /usr/sbin/policy-rc.d; exit 1; }
  [ -z "$own_policy" ] || $sudo_cmd rm -f /usr/sbin/policy-rc.d
  if [ -x /etc/init.d/prometheus ] && /etc/init.d/prometheus status >/dev/null 2>&1; then
    $sudo_cmd /etc/init.d/prometheus stop || true
  fi
fi

# The web portal is built with the machine's Node.js and npm (Vite 7 needs Node >= 20.19; Debian 12's own
# nodejs is 18, so these machines carry NodeSource's nodejs 20).
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null \
    || ! command -v npm >/dev/null; then
  echo "web-portal needs Node.js >= 20.19 with npm on the PATH (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# Keycloak for the identity tests and dev/run --keycloak (does nothing when it is there)
dev/keycloak fetch

if [ -x provisioning/scripts/start-libvirt.sh ]; then
  provisioning/scripts/start-libvirt.sh
fi
