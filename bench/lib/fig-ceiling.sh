# Figure "ceiling": the capture path taken apart, in one JVM each (no daemon, no CLI).
#  - StoreCeiling: one thread storing CAPTURE_BYTES of Gen's output in 64 KiB chunks and 4 MiB
#    transactions: through OutputStore.appendBatch, through plain sqlite-jdbc (text and blob), and
#    as plain file writes.
#  - PipelineProbe: a real Gen process captured by the supervisor's own classes (NuProcess,
#    OutputPump, ByteBudget, BatchWriter) with the daemon's defaults and with other tunables.
# Round 0 of each JVM is its warm-up; rounds 1..RUNS are measured, the modes interleaved.

CEILING_MODES=(store store-existing jdbc-schema jdbc-schema-nockpt jdbc-text jdbc-blob file)
# Peak RSS of each storing path, one JVM per mode and run, with a small heap (so that the JVM's
# heap sizing does not hide the native memory): the store path against plain JDBC on its own schema.
RSS_MODES=(store store-existing jdbc-schema jdbc-text file)
RSS_JVM=(-Xmx64m -XX:+UseSerialGC)
# SOURCE:WINDOW_MS:BATCH_KIB:BUFFER_KIB; the first is the daemon's default configuration.
PROBE_VARIANTS=(
  nuprocess:20:4096:8192
  read64:20:4096:8192
  nuprocess:20:16384:32768
  nuprocess:5:4096:8192
  read64:20:16384:32768
)

fig_ceiling() {
  begin_figure ceiling
  rm -f "$RES/ceiling.jsonl"
  local dir="$OUT/ceiling" args=() r i line mode
  rm -rf "$dir"
  mkdir -p "$dir"
  meta ceiling bytes "$CAPTURE_BYTES"

  for r in $(seq "$FIRST_RUN" "$RUNS"); do args+=("${CEILING_MODES[@]}"); done
  i=0
  while IFS= read -r line; do
    echo "$line" >>"$RES/ceiling.jsonl"
    mode=$(json_field "$line" mode)
    r=$((i / ${#CEILING_MODES[@]} + FIRST_RUN))
    log "ceiling round $r: $line"
    rec ceiling "$mode" store mbps "$r" "$(json_field "$line" mbps)" MB/s
    rec ceiling "$mode" store cpu_s_per_gib "$r" "$(json_field "$line" cpuSecondsPerGiB)" s
    i=$((i + 1))
  done < <(tool StoreCeiling "$dir/store" "$CAPTURE_BYTES" 65536 4194304 "${args[@]}")

  args=()
  for r in $(seq "$FIRST_RUN" "$RUNS"); do args+=("${PROBE_VARIANTS[@]}"); done
  i=0
  while IFS= read -r line; do
    echo "$line" >>"$RES/ceiling.jsonl"
    mode=$(json_field "$line" variant)
    r=$((i / ${#PROBE_VARIANTS[@]} + FIRST_RUN))
    log "probe round $r: $line"
    rec ceiling "$mode" probe mbps "$r" "$(json_field "$line" mbps)" MB/s
    rec ceiling "$mode" probe cpu_s_per_gib "$r" "$(json_field "$line" cpuSecondsPerGiB)" s
    rec ceiling "$mode" probe batches "$r" "$(json_field "$line" batches)" n
    rec ceiling "$mode" probe backpressure_waits "$r" "$(json_field "$line" backpressureWaits)" n
    check ceiling harness "probe $mode" "$r" "bytes stored" "$CAPTURE_BYTES" "$(json_field "$line" stored)"
    i=$((i + 1))
  done < <(tool PipelineProbe "$dir/probe" "$CLASSES" "$CAPTURE_BYTES" "${args[@]}" 2> >(grep -v '^SLF4J' >&2))

  local tv="$dir/time-v.txt" rss
  for r in $(seq 1 "$RUNS"); do
    for mode in "${RSS_MODES[@]}"; do
      /usr/bin/time -f %M -o "$tv" java "${RSS_JVM[@]}" "${JAVA_NATIVE[@]}" -cp "$CLASSES:$JAR" StoreCeiling "$dir/rss" "$CAPTURE_BYTES" 65536 4194304 "$mode" >/dev/null
      rss=$(tail -1 "$tv")
      log "ceiling rss $mode run $r: $rss KiB"
      rec ceiling "$mode" rss rss_kib "$r" "$rss" KiB
    done
  done
  meta ceiling rss_jvm "${RSS_JVM[*]}"

  # A 100-byte agent: the fixed cost of one capture from spawn to committed, by source. NuProcess
  # notices an exit that races the pipes' closing only on its dead-pool poll: 250 ms by default
  # (com.zaxxer.nuprocess.deadPoolPollMs, at least 100); the daemon sets 100 ms, and so does the
  # probe unless told otherwise.
  local jvm
  for jvm in "" "-Dcom.zaxxer.nuprocess.deadPoolPollMs=250"; do
    args=()
    for r in $(seq "$FIRST_RUN" "$RUNS"); do args+=(nuprocess:20:4096:8192); [[ -z "$jvm" ]] && args+=(read64:20:4096:8192); done
    i=0
    while IFS= read -r line; do
      echo "$line" >>"$RES/ceiling.jsonl"
      mode=$(json_field "$line" variant)
      mode=${mode%%:*}
      [[ $mode == nuprocess ]] && mode+=${jvm:+", NuProcess's default 250 ms poll"}
      [[ $mode == nuprocess ]] && mode+=", the daemon's 100 ms poll"
      if [[ -z "$jvm" ]]; then r=$((i / 2 + FIRST_RUN)); else r=$((i + FIRST_RUN)); fi
      rec ceiling "$mode" tiny ms "$r" "$(awk -v s="$(json_field "$line" seconds)" 'BEGIN{printf "%.1f", s*1000}')" ms
      check ceiling harness "tiny $mode" "$r" "bytes stored" 100 "$(json_field "$line" stored)"
      i=$((i + 1))
    done < <(java "${JAVA_NATIVE[@]}" $jvm -cp "$CLASSES:$JAR" PipelineProbe "$dir/probe" "$CLASSES" 100 "${args[@]}" 2> >(grep -v '^SLF4J' >&2))
  done
  rm -rf "$dir"
  end_figure ceiling
}
