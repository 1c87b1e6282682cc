#!/bin/sh
# Builds one of the harness's C programs, for Maven:
#
#   build-native.sh OUT SRC "WHAT HAPPENS WITHOUT IT" [LIB...]
#
# the native keeper (supervisor: target/harness-keeper for the contract test; cli: next to
# harness.jar, where KeeperCommand looks) with -lsqlite3 -lutil -lpthread, and the native client (cli:
# next to harness.jar, where ./harness looks) with no library.
#
# Never fails the build: without gcc, or sqlite3.h for a program that links libsqlite3 (Debian: gcc
# libsqlite3-dev), it prints one notice and leaves no binary, and the harness does without it.
# HARNESS_NATIVE_KEEPER=required (set by .ci/run) turns any of that into a failure, so that CI notices
# a program that stopped building.
set -u
out="$1"
src="$2"
without="$3"
shift 3
name="$(basename "$out")"
cc="${CC:-gcc}"
notice() {
  echo "[$name] NOTICE: $1; no $name is built and $without" >&2
  rm -f "$out"
  if [ "${HARNESS_NATIVE_KEEPER:-}" = required ]; then
    echo "[$name] HARNESS_NATIVE_KEEPER=required: failing the build" >&2
    exit 1
  fi
  exit 0
}
if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
  exit 0
fi
command -v "$cc" >/dev/null 2>&1 || notice "$cc not found (install gcc)"
for lib in "$@"; do
  if [ "$lib" = -lsqlite3 ]; then
    printf '#include <sqlite3.h>\n' | "$cc" -E -x c - >/dev/null 2>&1 || notice "sqlite3.h not found (install libsqlite3-dev)"
  fi
done
mkdir -p "$(dirname "$out")"
if "$cc" -O2 -g -Wall -Wextra -Werror -o "$out.tmp" "$src" "$@"; then
  mv -f "$out.tmp" "$out"
  echo "[$name] built $out" >&2
else
  rm -f "$out.tmp"
  notice "compiling $src failed (see above)"
fi
