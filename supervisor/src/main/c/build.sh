#!/bin/sh
# Builds the native keeper (harness-keeper.c) into $1, for Maven (supervisor: target/harness-keeper for
# the contract test; cli: target/harness-keeper, next to harness.jar, where the launcher looks).
#
# Never fails the build: without gcc, sqlite3.h or libsqlite3 (Debian: gcc libsqlite3-dev) it prints
# one notice and leaves no binary, and the daemon runs JVM keepers. HARNESS_NATIVE_KEEPER=required
# (set by .ci/run) turns any of that into a failure, so that CI notices a keeper that stopped building.
set -u
out="$1"
src="$(cd "$(dirname "$0")" && pwd)/harness-keeper.c"
cc="${CC:-gcc}"
notice() {
  echo "[native keeper] NOTICE: $1; no native keeper is built and the JVM keeper is used (install gcc and libsqlite3-dev to build it)" >&2
  rm -f "$out"
  if [ "${HARNESS_NATIVE_KEEPER:-}" = required ]; then
    echo "[native keeper] HARNESS_NATIVE_KEEPER=required: failing the build" >&2
    exit 1
  fi
  exit 0
}
if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
  exit 0
fi
command -v "$cc" >/dev/null 2>&1 || notice "$cc not found"
printf '#include <sqlite3.h>\n' | "$cc" -E -x c - >/dev/null 2>&1 || notice "sqlite3.h not found"
mkdir -p "$(dirname "$out")"
if "$cc" -O2 -g -Wall -Wextra -Werror -o "$out.tmp" "$src" -lsqlite3 -lutil -lpthread; then
  mv -f "$out.tmp" "$out"
  echo "[native keeper] built $out" >&2
else
  rm -f "$out.tmp"
  notice "compiling $src failed (see above)"
fi
