# Figure "memory": peak RSS (VmHWM) of each system's daemon while three agents write MEMORY_BYTES in
# total. A fresh daemon per run, so that each peak belongs to one run. The harness runs with its
# default JVM options and with the options listed in MEMORY_HARNESS_OPTS.

# The daemon options tried besides the default; one label each, as LABEL=OPTIONS. Each runs on a
# database the daemon creates itself, and once more on one that already exists (which is what a
# daemon usually finds): the two differ in the SQLite page cache the daemon ends up with.
MEMORY_HARNESS_OPTS=(
  "-Xmx64m -XX:+UseSerialGC=-Xmx64m -XX:+UseSerialGC"
)

# memory_record SYSTEM RUN PID JSON
memory_record() {
  local sys=$1 r=$2 pid=$3 json=$4 hwm
  hwm=$(vmhwm "$pid")
  log "memory $sys run $r: VmHWM ${hwm} KiB; $json"
  echo "{\"system\":\"$sys\",\"run\":$r,\"vmhwmKiB\":${hwm:-null},\"capture\":$json}" >>"$RES/memory.jsonl"
  rec memory "$sys" 3-agent vmhwm_kib "$r" "$hwm" KiB
  rec memory "$sys" 3-agent mbps "$r" "$(json_field "$json" mbps)" MB/s
  check memory "$sys" 3-agent "$r" "bytes stored" "$((MEMORY_EACH * 3))" "$(json_field "$json" bytesTotal)"
}

memory_harness() { # memory_harness LABEL OPTIONS [existing]
  local label=$1 opts=$2 existing=${3:-} home="$OUT/memory/harness" r json pid
  for r in $(seq 1 "$RUNS"); do
    settle_caches
    if [[ -n "$existing" ]]; then
      # The database already exists: a first daemon creates it and stops; the measured one reopens it.
      fresh_home "$home"
      stop_home "$home"
      HARNESS_DAEMON_JAVA_OPTS="$opts" h --home "$home" run -q -- true
    else
      HARNESS_DAEMON_JAVA_OPTS="$opts" fresh_home "$home"
    fi
    pid=$(daemon_pid "$home")
    json=$(tool Capture harness "$HARNESS" "$home" 3 "$MEMORY_EACH" "$CLASSES" mem-h)
    memory_record "$label" "$r" "$pid" "$json"
    stop_home "$home"
    rm -rf "$home"
  done
}

memory_supervisord() {
  local dir="$OUT/memory/supervisord" r json i
  rm -rf "$dir"
  for i in 1 2 3; do
    printf 'g%s\tjava -Dbench.tag=mem-s -cp %s Gen %s\n' "$i" "$CLASSES" "$MEMORY_EACH"
  done | sv_conf "$dir"
  for r in $(seq 1 "$RUNS"); do
    settle_caches
    rm -f "$dir"/g*.out
    sv_start "$dir"
    json=$(tool Capture supervisord "$dir/supervisord.conf" 3 "$MEMORY_EACH" "$dir" mem-s)
    memory_record supervisord "$r" "$(cat "$dir/supervisord.pid")" "$json"
    sv_stop "$dir"
  done
  rm -rf "$dir"
}

memory_pm2() {
  local dir="$OUT/memory/pm2" r json i
  rm -rf "$dir"
  for i in 1 2 3; do
    printf 'g%s\tjava\t-Dbench.tag=mem-p\t-cp\t%s\tGen\t%s\n' "$i" "$CLASSES" "$MEMORY_EACH"
  done | pm2_eco "$dir"
  for r in $(seq 1 "$RUNS"); do
    settle_caches
    rm -rf "$dir"/g*.out "$dir/pm2home"
    pm2_start_daemon "$dir"
    json=$(PM2_HOME="$dir/pm2home" tool Capture pm2 "$dir/ecosystem.json" 3 "$MEMORY_EACH" "$dir" mem-p)
    memory_record pm2 "$r" "$(cat "$dir/pm2home/pm2.pid")" "$json"
    pm2_stop_daemon "$dir"
  done
  rm -rf "$dir"
}

fig_memory() {
  begin_figure memory
  rm -f "$RES/memory.jsonl"
  MEMORY_EACH=$(((MEMORY_BYTES + 2) / 3))
  meta memory bytes_total "$((MEMORY_EACH * 3))"
  meta memory bytes_each "$MEMORY_EACH"
  rm -rf "$OUT/memory"
  mkdir -p "$OUT/memory"
  local pair
  memory_harness "harness (default JVM options)" ""
  for pair in "${MEMORY_HARNESS_OPTS[@]}"; do
    memory_harness "harness ${pair%%=*}" "${pair#*=}"
    memory_harness "harness ${pair%%=*}, existing database" "${pair#*=}" existing
  done
  memory_supervisord
  memory_pm2
  rm -rf "$OUT/memory"
  end_figure memory
}
