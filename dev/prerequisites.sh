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
  procps iproute2 curl python3 unzip jq
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
