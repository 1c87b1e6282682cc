# Figure "keeper" (issue 10, docs/design/keeper.md): what keepers cost. Three agents write
# MEMORY_BYTES in total as fast as they can, in three modes of the harness and under supervisord,
# interleaved per run (run r of every mode, then run r+1):
#   native     the default: one native keeper per session (cli/target/harness-keeper, C)
#   jvm        HARNESS_KEEPER=jvm: one small JVM keeper per session (KeeperMain)
#   inprocess  HARNESS_KEEPERS=0: no keepers, the daemon captures its agents itself (as before keepers)
# The daemon reads both variables when it starts (daemon/.../KeeperCommand.java), so each mode gets its
# own home and its own daemon, started with the mode's environment.
# Recorded per run: capture throughput, the wall time of the three parallel `harness start` commands
# (Capture's startCommandSeconds), the peak of the summed RSS of the daemon and its keepers (sampled
# every 100 ms from /proc), and the peak RSS (VmHWM) of any one keeper. Then, per mode, on a warm
# daemon: `harness start -- true` by hyperfine (one start at a time, the previous session ended and
# a spare keeper booted before each), which is where the start cost a keeper adds is read.

KEEPER_MODES=(native jvm inprocess)
# A start may only begin once the previous `true` session has ended and the daemon has booted its
# next spare keeper (a JVM keeper takes up to about 1.5 s on a loaded machine).
KEEPER_START_PAUSE=2

# keeper_env MODE: the `env` arguments that select MODE (a stray variable in the caller's environment
# must not change another mode).
keeper_env() {
  case "$1" in
    native) echo "-u HARNESS_KEEPER -u HARNESS_KEEPERS" ;;
    jvm) echo "-u HARNESS_KEEPERS HARNESS_KEEPER=jvm" ;;
    inprocess) echo "-u HARNESS_KEEPER HARNESS_KEEPERS=0" ;;
  esac
}

# keeper_home MODE HOME: an empty home whose daemon runs in MODE (started by a trivial session).
keeper_home() {
  local mode=$1 home=$2
  rm -rf "$home"
  mkdir -p "$home"
  echo "$home" >>"$STARTED_HOMES"
  local rc=0
  # shellcheck disable=SC2046
  env $(keeper_env "$mode") HARNESS_NO_BUILD=1 "$HARNESS" --home "$home" run -q -- true || rc=$?
  # A failed first session is the harness's failure, recorded, not the end of the bench (its daemon runs).
  check keeper "harness-$mode" home - "exit code of the home's first session (run -- true)" 0 "$rc"
}

# keeper_pids HOME: the keepers of that home's daemon, native (harness-keeper HOME ID|--spare) and JVM
# (... KeeperMain HOME ID|--spare).
keeper_pids() {
  pgrep -f "(harness-keeper|KeeperMain) $1 " || true
}

# keeper_sample FILE (--home HOME | --pid PID): appends "totalKiB maxKeeperHwmKiB nativeKeepers jvmKeepers"
# every 100 ms until FILE.stop exists (bench/tools/rss_sample.py). Both systems' runs are sampled the
# same way, so that both pay the same sampler.
keeper_sample() {
  python3 "$ROOT/bench/tools/rss_sample.py" "$@"
}

keeper_harness() { # keeper_harness MODE RUN EACH
  local mode=$1 r=$2 each=$3 home="$OUT/keeper/harness-$1" samples json sp kinds
  settle_caches
  keeper_home "$mode" "$home"
  samples="$OUT/keeper/$mode-$r.rss"
  rm -f "$samples" "$samples.stop"
  keeper_sample "$samples" --home "$home" &
  sp=$!
  # shellcheck disable=SC2046
  json=$(env $(keeper_env "$mode") java "${JAVA_NATIVE[@]}" -cp "$CLASSES:$JAR" Capture harness "$HARNESS" "$home" 3 "$each" "$CLASSES" "kp-$mode") || json="{}"
  touch "$samples.stop"
  wait "$sp" || true
  rm -f "$samples.stop"
  log "keeper harness-$mode run $r: $json"
  rec keeper "harness-$mode" 3-agent mbps "$r" "$(json_field "$json" mbps)" MB/s
  rec keeper "harness-$mode" 3-agent seconds "$r" "$(json_field "$json" seconds)" s
  rec keeper "harness-$mode" 3-agent start_command "$r" "$(json_field "$json" startCommandSeconds)" s
  rec keeper "harness-$mode" 3-agent rss_total_peak_kib "$r" "$(awk '$1>m{m=$1} END{print m+0}' "$samples")" KiB
  if [[ $mode != inprocess ]]; then
    rec keeper "harness-$mode" 3-agent keeper_rss_peak_kib "$r" "$(awk '$2>m{m=$2} END{print m+0}' "$samples")" KiB
  fi
  check keeper "harness-$mode" 3-agent "$r" "bytes stored" "$((each * 3))" "$(json_field "$json" bytesTotal)"
  # That the mode really ran: which kinds of keeper the sampler saw.
  kinds=$(awk '$3>0{n=1} $4>0{j=1} END{printf "%s", (n ? "native" : "") (n && j ? "+" : "") (j ? "jvm" : ""); if (!n && !j) printf "none"}' "$samples")
  case "$mode" in
    native) check keeper "harness-$mode" 3-agent "$r" "keepers seen" native "$kinds" ;;
    jvm) check keeper "harness-$mode" 3-agent "$r" "keepers seen" jvm "$kinds" ;;
    inprocess) check keeper "harness-$mode" 3-agent "$r" "keepers seen" none "$kinds" ;;
  esac
  stop_home "$home"
  rm -rf "$home"
}

keeper_supervisord() { # keeper_supervisord RUN EACH
  local r=$1 each=$2 dir="$OUT/keeper/supervisord" json i samples sp
  rm -rf "$dir"
  for i in 1 2 3; do
    printf 'g%s\tjava -Dbench.tag=kp-s -cp %s Gen %s\n' "$i" "$CLASSES" "$each"
  done | sv_conf "$dir"
  settle_caches
  sv_start "$dir"
  samples="$OUT/keeper/supervisord-$r.rss"
  rm -f "$samples" "$samples.stop"
  keeper_sample "$samples" --pid "$(cat "$dir/supervisord.pid")" &
  sp=$!
  json=$(tool Capture supervisord "$dir/supervisord.conf" 3 "$each" "$dir" kp-s)
  touch "$samples.stop"
  wait "$sp" || true
  rm -f "$samples.stop"
  log "keeper supervisord run $r: $json"
  rec keeper supervisord 3-agent mbps "$r" "$(json_field "$json" mbps)" MB/s
  rec keeper supervisord 3-agent seconds "$r" "$(json_field "$json" seconds)" s
  rec keeper supervisord 3-agent start_command "$r" "$(json_field "$json" startCommandSeconds)" s
  rec keeper supervisord 3-agent rss_total_peak_kib "$r" "$(vmhwm "$(cat "$dir/supervisord.pid")")" KiB
  check keeper supervisord 3-agent "$r" "bytes stored" "$((each * 3))" "$(json_field "$json" bytesTotal)"
  sv_stop "$dir"
  rm -rf "$dir"
}

# keeper_start MODE: `harness start -- true` on a warm daemon of that mode, by hyperfine; one start at a
# time, with KEEPER_START_PAUSE seconds (untimed, --prepare) for the previous session to end. A start
# that fails does not stop hyperfine (-i); the check of completed sessions counts it.
keeper_start() {
  local mode=$1 home="$OUT/keeper/start-$1" json="$RES/keeper-start-$1.hyperfine.json" label="harness-$1"
  keeper_home "$mode" "$home"
  sleep "$KEEPER_START_PAUSE"
  # shellcheck disable=SC2046
  env $(keeper_env "$mode") HARNESS_NO_BUILD=1 hyperfine -N -i --style basic --runs "$HYPERFINE_RUNS" --warmup "$HYPERFINE_WARMUP" \
    --prepare "sleep $KEEPER_START_PAUSE" --export-json "$json" -n "$label" "$HARNESS --home $home start -- true" >&2
  tool HyperTsv "$json" "$label" | while IFS=$'\t' read -r l runs median min max mean sd; do
    rec keeper "$l" start-true median - "$median" ms
    rec keeper "$l" start-true min - "$min" ms
    rec keeper "$l" start-true max - "$max" ms
    rec keeper "$l" start-true mean - "$mean" ms
    rec keeper "$l" start-true stddev - "$sd" ms
    rec keeper "$l" start-true runs - "$runs" n
  done
  # Every start ran its `true` to completion: the home's first session, the warm-up runs and the runs.
  check keeper "$label" start-true - "completed sessions" "$((1 + HYPERFINE_RUNS + HYPERFINE_WARMUP))" \
    "$(h --home "$home" ps --all --limit 1000 --json | grep -c '"status" : "completed"' || true)"
  stop_home "$home"
  rm -rf "$home"
}

fig_keeper() {
  begin_figure keeper
  local each=$(((MEMORY_BYTES + 2) / 3)) r mode
  meta keeper bytes_each "$each"
  meta keeper bytes_total "$((each * 3))"
  meta keeper modes "${KEEPER_MODES[*]}"
  meta keeper start_pause_s "$KEEPER_START_PAUSE"
  meta keeper hyperfine_runs "$HYPERFINE_RUNS"
  meta keeper hyperfine_warmup "$HYPERFINE_WARMUP"
  meta keeper native_keeper "$([[ -x "$ROOT/cli/target/harness-keeper" ]] && echo yes || echo no)"
  [[ -x "$ROOT/cli/target/harness-keeper" ]] || log "figure keeper: no cli/target/harness-keeper; the native mode falls back to JVM keepers (its check fails)"
  mkdir -p "$OUT/keeper"
  for r in $(seq "$FIRST_RUN" "$RUNS"); do
    for mode in "${KEEPER_MODES[@]}"; do
      keeper_harness "$mode" "$r" "$each"
    done
    keeper_supervisord "$r" "$each"
  done
  for mode in "${KEEPER_MODES[@]}"; do
    keeper_start "$mode"
  done
  end_figure keeper
}
