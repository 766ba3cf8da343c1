# Sourced by the dev scripts: selects a JDK >= 21 (these machines ship Temurin 25 beside the default 17).
pick_java_home() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[1-9]* /usr/lib/jvm/java-2[1-9]-openjdk-*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    local major
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "No JDK >= 21 found; install one (e.g. Temurin 25) under /usr/lib/jvm or set JAVA_HOME" >&2
  return 1
}
JAVA_HOME=$(pick_java_home)
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
