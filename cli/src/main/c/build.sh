#!/bin/sh
# Builds the native client (harness-client.c) into $1, next to harness.jar, where the ./harness
# launcher looks for it.
#
# Never fails the build: without a C compiler it prints one notice and leaves no binary, and every
# command runs in a JVM of its own, as before the client existed. HARNESS_NATIVE_KEEPER=required
# (set by .ci/run) turns that into a failure, so that CI notices a client that stopped building.
set -u
out="$1"
src="$(cd "$(dirname "$0")" && pwd)/harness-client.c"
cc="${CC:-gcc}"
notice() {
  echo "[native client] NOTICE: $1; no native client is built and every command starts a JVM (install gcc to build it)" >&2
  rm -f "$out"
  if [ "${HARNESS_NATIVE_KEEPER:-}" = required ]; then
    echo "[native client] HARNESS_NATIVE_KEEPER=required: failing the build" >&2
    exit 1
  fi
  exit 0
}
if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
  exit 0
fi
command -v "$cc" >/dev/null 2>&1 || notice "$cc not found"
mkdir -p "$(dirname "$out")"
if "$cc" -O2 -g -Wall -Wextra -Werror -o "$out.tmp" "$src"; then
  mv -f "$out.tmp" "$out"
  echo "[native client] built $out" >&2
else
  rm -f "$out.tmp"
  notice "compiling $src failed (see above)"
fi
