# Figure "capture": capture throughput of 1 and 3 agents writing CAPTURE_BYTES each as fast as they can.
# Every system: one daemon per scenario, run 0 is an untimed warm-up, runs 1..RUNS are measured.

capture_ref() {
  # The generator's own output, for byte-exact comparison, and its sha256.
  if [[ ! -f "$OUT/gen-$CAPTURE_BYTES.sha256" ]]; then
    java -cp "$CLASSES" Gen "$CAPTURE_BYTES" | sha256sum | cut -d' ' -f1 >"$OUT/gen-$CAPTURE_BYTES.sha256"
  fi
  cat "$OUT/gen-$CAPTURE_BYTES.sha256"
}

# capture_record SYSTEM AGENTS RUN JSON [DAEMON_CPU_MS]
capture_record() {
  local sys=$1 n=$2 r=$3 json=$4 scen="${2}-agent" cpu=${5:-}
  log "capture $sys x$n run $r: $json"
  echo "$json" >>"$RES/capture.jsonl"
  rec capture "$sys" "$scen" seconds "$r" "$(json_field "$json" seconds)" s
  rec capture "$sys" "$scen" mbps "$r" "$(json_field "$json" mbps)" MB/s
  rec capture "$sys" "$scen" start_command "$r" "$(json_field "$json" startCommandSeconds)" s
  rec capture "$sys" "$scen" bytes_total "$r" "$(json_field "$json" bytesTotal)" B
  if [[ -n "$cpu" ]]; then
    # The daemon's own CPU time for this run, per GiB captured: independent of what else the machine runs.
    rec capture "$sys" "$scen" daemon_cpu_s "$r" "$(awk -v c="$cpu" 'BEGIN{printf "%.3f", c/1000}')" s
    rec capture "$sys" "$scen" daemon_cpu_s_per_gib "$r" \
      "$(awk -v c="$cpu" -v b="$(json_field "$json" bytesTotal)" 'BEGIN{printf "%.3f", (b > 0 ? c/1000/(b/1073741824) : 0)}')" s
  fi
}

# capture_verify_file SYSTEM AGENTS RUN FILE... : byte count and sha256 of each log file.
capture_verify_files() {
  local sys=$1 n=$2 r=$3 f sha want
  shift 3
  want=$(capture_ref)
  for f in "$@"; do
    check capture "$sys" "${n}-agent" "$r" "bytes in $(basename "$f")" "$CAPTURE_BYTES" "$(stat -c %s "$f")"
    sha=$(sha256sum "$f" | cut -d' ' -f1)
    check capture "$sys" "${n}-agent" "$r" "sha256 of $(basename "$f")" "$want" "$sha"
  done
}

# Each system has setup, one run, teardown; fig_capture interleaves the runs of all systems, so that a
# slow patch of this shared machine does not land on one system only.

capture_harness_setup() { fresh_home "$OUT/capture/harness-$1"; }

capture_harness_run() {
  local n=$1 r=$2 home="$OUT/capture/harness-$1" json ids id got count sha want pid c0
  want=$(capture_ref)
  pid=$(daemon_pid "$home")
  c0=$(cpu_ms "$pid")
  json=$(tool Capture harness "$HARNESS" "$home" "$n" "$CAPTURE_BYTES" "$CLASSES" "cap-h$n")
  capture_record harness "$n" "$r" "$json" "$(awk -v a="$c0" -v b="$(cpu_ms "$pid")" 'BEGIN{print b-a}')"
  ids=$(sed -E 's/.*"ids":\[([^]]*)\].*/\1/; s/[",]/ /g' <<<"$json")
  for id in $ids; do
    got=$(h --home "$home" show "$id" --json)
    check capture harness "${n}-agent" "$r" "bytes counter of ${id:0:12}" "$CAPTURE_BYTES" \
      "$(sed -nE 's/^  "bytes" : ([0-9]+),?/\1/p' <<<"$got")"
    check capture harness "${n}-agent" "$r" "status of ${id:0:12}" completed \
      "$(sed -nE 's/^  "status" : "([a-z_]+)",?/\1/p' <<<"$got")"
    sha=$(h --home "$home" tail -n all "$id" | tee >(wc -c >"$OUT/capture/tail-count") | sha256sum | cut -d' ' -f1)
    sleep 0.1 # the process substitution writes its count asynchronously
    count=$(tr -d ' ' <"$OUT/capture/tail-count")
    check capture harness "${n}-agent" "$r" "tail -n all bytes of ${id:0:12}" "$CAPTURE_BYTES" "$count"
    check capture harness "${n}-agent" "$r" "tail -n all sha256 of ${id:0:12}" "$want" "$sha"
  done
}

capture_harness_teardown() {
  local home="$OUT/capture/harness-$1"
  rec capture harness "${1}-agent" db_bytes "$RUNS" "$(du -cb "$home"/harness.db* | tail -1 | cut -f1)" B
  stop_home "$home"
  rm -rf "$home"
}

capture_supervisord_setup() {
  local n=$1 dir="$OUT/capture/supervisord-$1" i
  rm -rf "$dir"
  for i in $(seq "$n"); do
    printf 'g%s\tjava -Dbench.tag=cap-s%s -cp %s Gen %s\n' "$i" "$n" "$CLASSES" "$CAPTURE_BYTES"
  done | sv_conf "$dir"
  sv_start "$dir"
}

capture_supervisord_run() {
  local n=$1 r=$2 dir="$OUT/capture/supervisord-$1" json i files=() pid c0
  for i in $(seq "$n"); do rm -f "$dir/g$i.out"; files+=("$dir/g$i.out"); done
  pid=$(cat "$dir/supervisord.pid")
  c0=$(cpu_ms "$pid")
  json=$(tool Capture supervisord "$dir/supervisord.conf" "$n" "$CAPTURE_BYTES" "$dir" "cap-s$n")
  capture_record supervisord "$n" "$r" "$json" "$(awk -v a="$c0" -v b="$(cpu_ms "$pid")" 'BEGIN{print b-a}')"
  for i in $(seq "$n"); do
    check capture supervisord "${n}-agent" "$r" "status of g$i" EXITED \
      "$(sed -E 's/.*"status":\[([^]]*)\].*/\1/' <<<"$json" | tr -d '"' | cut -d, -f"$i")"
  done
  capture_verify_files supervisord "$n" "$r" "${files[@]}"
}

capture_supervisord_teardown() {
  sv_stop "$OUT/capture/supervisord-$1"
  rm -rf "$OUT/capture/supervisord-$1"
}

capture_pm2_setup() {
  local n=$1 dir="$OUT/capture/pm2-$1" i
  rm -rf "$dir"
  for i in $(seq "$n"); do
    printf 'g%s\tjava\t-Dbench.tag=cap-p%s\t-cp\t%s\tGen\t%s\n' "$i" "$n" "$CLASSES" "$CAPTURE_BYTES"
  done | pm2_eco "$dir"
  pm2_start_daemon "$dir"
}

capture_pm2_run() {
  local n=$1 r=$2 dir="$OUT/capture/pm2-$1" json i files=() pid c0
  for i in $(seq "$n"); do rm -f "$dir/g$i.out"; files+=("$dir/g$i.out"); done
  pid=$(cat "$dir/pm2home/pm2.pid")
  c0=$(cpu_ms "$pid")
  json=$(PM2_HOME="$dir/pm2home" tool Capture pm2 "$dir/ecosystem.json" "$n" "$CAPTURE_BYTES" "$dir" "cap-p$n")
  capture_record pm2 "$n" "$r" "$json" "$(awk -v a="$c0" -v b="$(cpu_ms "$pid")" 'BEGIN{print b-a}')"
  for i in $(seq "$n"); do
    check capture pm2 "${n}-agent" "$r" "status of g$i" stopped \
      "$(sed -E 's/.*"status":\[([^]]*)\].*/\1/' <<<"$json" | tr -d '"' | cut -d, -f"$i")"
  done
  capture_verify_files pm2 "$n" "$r" "${files[@]}"
}

capture_pm2_teardown() {
  pm2_stop_daemon "$OUT/capture/pm2-$1"
  rm -rf "$OUT/capture/pm2-$1"
}

capture_file_setup() { rm -rf "$OUT/capture/file-$1"; mkdir -p "$OUT/capture/file-$1"; }

capture_file_run() {
  local n=$1 r=$2 dir="$OUT/capture/file-$1" json i files=()
  for i in $(seq "$n"); do rm -f "$dir/g$i.out"; files+=("$dir/g$i.out"); done
  json=$(tool Capture file "$n" "$CAPTURE_BYTES" "$dir" "$CLASSES" "cap-f$n")
  capture_record file "$n" "$r" "$json"
  capture_verify_files file "$n" "$r" "${files[@]}"
}

capture_file_teardown() { rm -rf "$OUT/capture/file-$1"; }

CAPTURE_SYSTEMS=(file harness supervisord pm2)

fig_capture() {
  begin_figure capture
  rm -f "$RES/capture.jsonl"
  meta capture bytes_each "$CAPTURE_BYTES"
  meta capture drop_caches yes
  mkdir -p "$OUT/capture"
  capture_ref >/dev/null
  local n r sys
  for n in 1 3; do
    for sys in "${CAPTURE_SYSTEMS[@]}"; do "capture_${sys}_setup" "$n"; done
    for r in $(seq "$FIRST_RUN" "$RUNS"); do
      for sys in "${CAPTURE_SYSTEMS[@]}"; do
        settle_caches
        "capture_${sys}_run" "$n" "$r"
      done
    done
    for sys in "${CAPTURE_SYSTEMS[@]}"; do "capture_${sys}_teardown" "$n"; done
  done
  end_figure capture
}
