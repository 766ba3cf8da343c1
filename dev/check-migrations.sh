#!/usr/bin/env bash
# Fails when this branch adds a database migration whose version is not higher than every version on main as
# it is now (main may have moved on since the branch left it), or when two migrations share a version. Production runs Flyway in order; a migration landing below one
# that databases have applied already would be skipped there (dev/run alone allows out-of-order, for the
# development databases that have seen several branches). Run by dev/test before the build.
# Usage: dev/check-migrations.sh [base ref, default origin/main, else main]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=db/migrations/src/main/resources/db/migration

base=${1:-}
if [ -z "$base" ]; then
  for ref in origin/main main; do
    if git rev-parse -q --verify "$ref^{commit}" >/dev/null; then base=$ref; break; fi
  done
fi
if [ -z "$base" ] || ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
  echo "check-migrations: no main branch to compare with; skipped" >&2
  exit 0
fi

version() { basename "$1" | sed -n 's/^V\([0-9][0-9]*\)__.*\.sql$/\1/p'; }

highest=0
while IFS= read -r f; do
  v=$(version "$f")
  [ -n "$v" ] && [ "$v" -gt "$highest" ] && highest=$v
done < <(git ls-tree -r --name-only "$base" -- "$dir")

status=0
declare -A seen=()
while IFS= read -r f; do
  [ -f "$f" ] || continue
  v=$(version "$f")
  if [ -z "$v" ]; then
    echo "check-migrations: $f is not named V<version>__<description>.sql" >&2
    status=1
    continue
  fi
  if [ -n "${seen[$v]:-}" ]; then
    echo "check-migrations: $f and ${seen[$v]} share version $v" >&2
    status=1
  fi
  seen[$v]=$f
  if ! git cat-file -e "$base:$f" 2>/dev/null && [ "$v" -le "$highest" ]; then
    echo "check-migrations: $f is new on this branch but its version $v is not above V$highest on $base;" \
      "renumber it to V$((highest + 1)) or higher" >&2
    status=1
  fi
done < <(git ls-files --cached --others --exclude-standard -- "$dir" | sort)
[ "$status" -eq 0 ] && echo "check-migrations: new migrations are above V$highest of $base" >&2
exit "$status"
