#!/usr/bin/env bash
# A focused probe of what keepers cost (issue 10), for when bench/run.sh --only keeper cannot be run:
#   1. `harness start -- true` wall time, 9 starts on a warm daemon;
#   2. three agents writing 1 GiB in total (3 x 341 MiB of 'a'): peak RSS of daemon + keepers (sum, sampled
#      every 300 ms), peak RSS of one keeper, and the time until all three sessions completed.
# Modes: native (the C keeper, cli/target/harness-keeper), jvm (HARNESS_KEEPER=jvm), inprocess
# (HARNESS_KEEPERS=0: agents inside the daemon, as before keepers).
# Usage: bench/tools/keeper-probe.sh [MODE...]   (default: native jvm inprocess; needs cli/target/harness.jar;
#        homes under /tmp)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export HARNESS_NO_BUILD=1
modes=("$@")
((${#modes[@]})) || modes=(native jvm inprocess)
for mode in "${modes[@]}"; do
  H=/tmp/keeper-probe-$mode; rm -rf "$H"; export HARNESS_HOME=$H
  unset HARNESS_KEEPERS HARNESS_KEEPER
  case $mode in
    inprocess) export HARNESS_KEEPERS=0 ;;
    jvm) export HARNESS_KEEPER=jvm ;;
    native) [[ -x cli/target/harness-keeper ]] || { echo "no native keeper (cli/target/harness-keeper): skipping native" >&2; continue; } ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  ./harness run -q -- true
  sleep 3 # the spare keeper boots
  for i in 1 2 3 4 5 6 7 8 9; do
    s=$(date +%s%N); id=$(./harness start -- true); e=$(date +%s%N)
    echo "start $mode $i $(( (e - s) / 1000000 )) ms"
    ./harness wait -q "$id" >/dev/null || true
    sleep 1
  done
  dp=$(tr -cd '0-9' <"$H/daemon.lock")
  t0=$(date +%s%N)
  for i in 1 2 3; do ./harness start --name "f$i" -- sh -c 'head -c 357913941 /dev/zero | tr "\0" "a"' >/dev/null; done
  peak=0; kpeak=0; kpss=0
  while [[ "$(./harness ps --json | tr -cd '{' | wc -c)" != 0 ]]; do
    tot=$(ps -o rss= -p "$dp")
    for k in $(pgrep -f "(KeeperMain|harness-keeper) $H " || true); do
      r=$(ps -o rss= -p "$k" || echo 0); r=${r// /}; tot=$((tot + ${r:-0})); ((${r:-0} > kpeak)) && kpeak=$r
      p=$(awk '/^Pss:/ {print $2}' "/proc/$k/smaps_rollup" 2>/dev/null || echo 0); ((${p:-0} > kpss)) && kpss=$p
    done
    ((tot > peak)) && peak=$tot
    sleep 0.3
  done
  t1=$(date +%s%N)
  echo "flood $mode: 1 GiB by 3 agents in $(( (t1 - t0) / 1000000 )) ms; peak daemon+keepers RSS $peak KiB; peak keeper RSS $kpeak KiB (PSS $kpss KiB)"
  ./harness shutdown >/dev/null
done
uptime
