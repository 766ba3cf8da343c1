# Sourced by dev/run (and tested by the broker's DevRunUpToDateTest): decides which builds a start can skip.
# A build is skipped only when a stamp, written after its last successful run, holds the fingerprint of
# exactly the sources it would read now — any change to a file's content, a new file or a deleted one
# means a rebuild. Contents are hashed, not times: a checkout or an editor's touch alone rebuilds nothing.

# The sources the broker's jar is built from (`./mvnw -pl broker -am`), relative to the repository root.
DESKPORT_BROKER_SOURCES=(pom.xml .mvn mvnw db gateway provisioning session-host web-portal broker)
# The sources of the portal's npm ci + vite build.
DESKPORT_PORTAL_SOURCES=(web-portal)

# Prints one hash over the names and contents of the files under the given paths of repository $1 that
# git tracks or would track (untracked but not ignored); outside a git checkout, of every file but build
# output (target/, node_modules/, dist/).
deskport_fingerprint() {
  local root=$1
  shift
  (
    cd "$root" || exit 1
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
      git ls-files -z --cached --others --exclude-standard -- "$@"
    else
      find "$@" \( -name target -o -name node_modules -o -name dist \) -prune -o -type f -print0 2>/dev/null
    fi | sort -zu | while IFS= read -r -d '' file; do
      # a tracked file deleted in the working tree is listed by git but has no content: leave it out
      [ -f "$file" ] && printf '%s\0' "$file"
    done | xargs -0 -r sha256sum --
  ) | sha256sum | cut -d' ' -f1
}

# The fingerprint of what the broker's jar depends on: its sources, the JDK that compiles them.
deskport_broker_fingerprint() {
  { deskport_fingerprint "$1" "${DESKPORT_BROKER_SOURCES[@]}"; echo "${JAVA_HOME:-}"; } | sha256sum | cut -d' ' -f1
}

# The fingerprint of what the portal's files depend on: its sources and lock file, the Node.js that builds them.
deskport_portal_fingerprint() {
  { deskport_fingerprint "$1" "${DESKPORT_PORTAL_SOURCES[@]}"; node --version 2>/dev/null; } | sha256sum | cut -d' ' -f1
}

deskport_broker_stamp() { echo "$1/broker/target/dev-run-sources.sha256"; }
deskport_portal_stamp() { echo "$1/web-portal/target/portal-sources.sha256"; }

# The broker's runnable jar under repository $1 (empty when there is none).
deskport_broker_jar() {
  compgen -G "$1/broker/target/deskport-broker-*-exec.jar" | head -n 1
}

# Succeeds when stamp file $1 holds fingerprint $2 and every further argument names an existing file.
deskport_is_current() {
  local stamp=$1 fingerprint=$2
  shift 2
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ] || return 1
  local artifact
  for artifact in "$@"; do
    [ -n "$artifact" ] && [ -f "$artifact" ] || return 1
  done
}

# Decides what a start of repository $1 has to build: sets DESKPORT_BUILD_BROKER and DESKPORT_BUILD_PORTAL
# to `build` or `skip` (the portal is built only inside the broker's Maven build; `skip` reuses
# web-portal/dist), and the fingerprints the sources have now, DESKPORT_BROKER_FINGERPRINT and
# DESKPORT_PORTAL_FINGERPRINT (taken before building, so a file edited during the build is rebuilt next time).
deskport_plan_build() {
  local root=$1
  DESKPORT_BROKER_FINGERPRINT=$(deskport_broker_fingerprint "$root")
  DESKPORT_PORTAL_FINGERPRINT=$(deskport_portal_fingerprint "$root")
  DESKPORT_BUILD_BROKER=build
  DESKPORT_BUILD_PORTAL=build
  if deskport_is_current "$(deskport_broker_stamp "$root")" "$DESKPORT_BROKER_FINGERPRINT" "$(deskport_broker_jar "$root")"; then
    DESKPORT_BUILD_BROKER=skip
    DESKPORT_BUILD_PORTAL=skip
  elif deskport_is_current "$(deskport_portal_stamp "$root")" "$DESKPORT_PORTAL_FINGERPRINT" "$root/web-portal/dist/index.html"; then
    DESKPORT_BUILD_PORTAL=skip
  fi
}

# Builds what a start of repository $1 needs — nothing when nothing changed since the last successful
# build — and records the fingerprints once the build succeeded. Says what it does on stderr.
deskport_build() {
  local root=$1
  deskport_plan_build "$root"
  if [ "$DESKPORT_BUILD_BROKER" = skip ]; then
    echo "dev/run: broker and portal up to date, not rebuilt" >&2
    return 0
  fi
  local args=(-q -B -DskipTests -pl broker -am package)
  if [ "$DESKPORT_BUILD_PORTAL" = skip ]; then
    echo "dev/run: building the broker (portal up to date: no npm ci, no vite build)" >&2
    args+=(-Dportal.skipBuild=true)
  else
    echo "dev/run: building the portal and the broker" >&2
  fi
  (cd "$root" && ./mvnw "${args[@]}") || return
  mkdir -p "$(dirname "$(deskport_broker_stamp "$root")")" "$(dirname "$(deskport_portal_stamp "$root")")"
  echo "$DESKPORT_BROKER_FINGERPRINT" >"$(deskport_broker_stamp "$root")"
  echo "$DESKPORT_PORTAL_FINGERPRINT" >"$(deskport_portal_stamp "$root")"
}
