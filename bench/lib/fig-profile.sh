# Figure "profile": where the daemon's time goes while it captures itself (no keepers). One daemon with a JFR recording
# (Java and native method samples every 2 ms) and native memory tracking; one untimed warm-up
# capture, then PROFILE_CAPTURES captures of PROFILE_AGENTS agents writing CAPTURE_BYTES each, back to back
# (three agents: the case that misses its target). Records the
# CPU time of each daemon thread in that window (from /proc), the hot methods per thread (JfrTop),
# and the daemon's native memory summary afterwards (jcmd VM.native_memory).

PROFILE_CAPTURES=3
PROFILE_AGENTS=3

# thread_cpu PID: "thread-name<TAB>ticks" for each thread (digits folded), summed.
thread_cpu() {
  local t c s
  for t in /proc/"$1"/task/*; do
    c=$(cat "$t/comm" 2>/dev/null) || continue
    s=$(sed 's/.*) //' "$t/stat" 2>/dev/null) || continue
    # fields after the comm: state is 1, utime 12, stime 13
    awk -v c="$c" '{gsub(/[0-9]+/, "N", c); print c "\t" $12 + $13}' <<<"$s"
  done | awk -F'\t' '{a[$1] += $2} END {for (k in a) print k "\t" a[k]}' | sort
}

fig_profile() {
  begin_figure profile
  local home="$OUT/profile/harness" jfc="$OUT/profile/bench.jfc" jfr="$OUT/profile/daemon.jfr" pid r json
  local t0 t1 ms0 ms1 hz
  rm -rf "$OUT/profile"
  mkdir -p "$OUT/profile"
  sed -e '/jdk.ExecutionSample"/,/<\/event>/ s/>10 ms</>2 ms</' \
    -e '/jdk.NativeMethodSample"/,/<\/event>/ s/>20 ms</>2 ms</' \
    "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" >"$jfc"
  # In-process capture (HARNESS_KEEPERS=0): with keepers the daemon writes no output, and there would be nothing
  # to profile but its idle threads. This is the JVM writer code that the JVM keeper runs too.
  HARNESS_KEEPERS=0 HARNESS_DAEMON_JAVA_OPTS="-XX:StartFlightRecording=filename=$jfr,settings=$jfc,dumponexit=true -XX:NativeMemoryTracking=summary" \
    fresh_home "$home"
  pid=$(daemon_pid "$home")
  hz=$(getconf CLK_TCK)
  meta profile agents "$PROFILE_AGENTS"
  json=$(tool Capture harness "$HARNESS" "$home" "$PROFILE_AGENTS" "$CAPTURE_BYTES" "$CLASSES" prof) # warm-up
  log "profile warm-up: $json"

  thread_cpu "$pid" >"$OUT/profile/cpu-before"
  t0=$(date +%s%N)
  ms0=$(date +%s%3N)
  for r in $(seq 1 "$PROFILE_CAPTURES"); do
    settle_caches
    json=$(tool Capture harness "$HARNESS" "$home" "$PROFILE_AGENTS" "$CAPTURE_BYTES" "$CLASSES" prof)
    log "profile capture $r: $json"
    rec profile harness capture mbps "$r" "$(json_field "$json" mbps)" MB/s
    check profile harness capture "$r" "bytes stored" "$((CAPTURE_BYTES * PROFILE_AGENTS))" "$(json_field "$json" bytesTotal)"
  done
  t1=$(date +%s%N)
  ms1=$(date +%s%3N)
  thread_cpu "$pid" >"$OUT/profile/cpu-after"
  rec profile harness window seconds - "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')" s
  join -t $'\t' "$OUT/profile/cpu-before" "$OUT/profile/cpu-after" |
    awk -F'\t' -v hz="$hz" '{d = ($3 - $2) * 1000 / hz; if (d > 0) print $1 "\t" d}' |
    while IFS=$'\t' read -r thread ms; do
      rec profile "$thread" thread-cpu cpu_ms - "$ms" ms
    done

  jcmd "$pid" VM.native_memory summary >"$RES/profile-nmt.txt" 2>&1 || true
  rec profile harness nmt vmrss_kib - "$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status")" KiB
  rec profile harness nmt vmhwm_kib - "$(vmhwm "$pid")" KiB
  # "Total: reserved=..KB, committed=..KB" and "-  Java Heap (reserved=..KB, committed=..KB)"
  awk '/^Total:/ {match($0, /committed=[0-9]+KB/); print "Total\t" substr($0, RSTART+10, RLENGTH-12)}
       /^-/ {name=$0; sub(/^- */, "", name); sub(/ *\(.*/, "", name);
             if (match($0, /committed=[0-9]+KB/)) print name "\t" substr($0, RSTART+10, RLENGTH-12)}' \
    "$RES/profile-nmt.txt" | while IFS=$'\t' read -r cat kb; do
    rec profile "$cat" nmt committed_kib - "$kb" KiB
  done

  stop_home "$home"
  if [[ -s "$jfr" ]]; then
    java -cp "$CLASSES" JfrTop "$jfr" "$ms0" "$ms1" 10 >"$RES/profile-jfr.tsv"
    cp "$jfc" "$RES/profile-settings.jfc"
  else
    log "no JFR recording at $jfr"
  fi
  rm -rf "$home"
  end_figure profile
}
