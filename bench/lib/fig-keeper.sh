# Figure "keeper" (issue 10, docs/design/keeper.md): what keepers cost. Three agents write
# MEMORY_BYTES in total as fast as they can, through keepers (the default), with HARNESS_KEEPERS=0
# (the daemon's own capture, as before keepers) and under supervisord, interleaved per run.
# Recorded: capture throughput, the `harness start` wall time, the peak of the summed RSS of the
# daemon and its keepers (sampled every 100 ms from /proc), and the peak RSS of any one keeper.

# keeper_sample HOME FILE: appends "totalKiB maxKeeperKiB" every 100 ms until FILE.stop exists.
keeper_sample() {
  local home=$1 file=$2 dpid p r total maxk
  while [[ ! -e "$file.stop" ]]; do
    dpid=$(daemon_pid "$home")
    total=0
    maxk=0
    for p in $dpid $(pgrep -f "KeeperMain $home " || true); do
      r=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null || true)
      r=${r:-0}
      total=$((total + r))
      if [[ "$p" != "$dpid" && $r -gt $maxk ]]; then maxk=$r; fi
    done
    echo "$total $maxk" >>"$file"
    sleep 0.1
  done
}

keeper_harness() { # keeper_harness MODE RUN EACH
  local mode=$1 r=$2 each=$3 home="$OUT/keeper/harness-$1" samples json sp
  settle_caches
  if [[ "$mode" == inprocess ]]; then
    HARNESS_KEEPERS=0 fresh_home "$home"
  else
    fresh_home "$home"
  fi
  samples="$OUT/keeper/$mode-$r.rss"
  rm -f "$samples" "$samples.stop"
  keeper_sample "$home" "$samples" &
  sp=$!
  json=$(tool Capture harness "$HARNESS" "$home" 3 "$each" "$CLASSES" "kp-$mode")
  touch "$samples.stop"
  wait "$sp" || true
  log "keeper harness-$mode run $r: $json"
  rec keeper "harness-$mode" 3-agent mbps "$r" "$(json_field "$json" mbps)" MB/s
  rec keeper "harness-$mode" 3-agent start_command "$r" "$(json_field "$json" startCommandSeconds)" s
  rec keeper "harness-$mode" 3-agent rss_total_peak_kib "$r" "$(awk '$1>m{m=$1} END{print m+0}' "$samples")" KiB
  rec keeper "harness-$mode" 3-agent keeper_rss_peak_kib "$r" "$(awk '$2>m{m=$2} END{print m+0}' "$samples")" KiB
  check keeper "harness-$mode" 3-agent "$r" "bytes stored" "$((each * 3))" "$(json_field "$json" bytesTotal)"
  stop_home "$home"
  rm -rf "$home"
}

keeper_supervisord() { # keeper_supervisord RUN EACH
  local r=$1 each=$2 dir="$OUT/keeper/supervisord" json i
  rm -rf "$dir"
  for i in 1 2 3; do
    printf 'g%s\tjava -Dbench.tag=kp-s -cp %s Gen %s\n' "$i" "$CLASSES" "$each"
  done | sv_conf "$dir"
  settle_caches
  sv_start "$dir"
  json=$(tool Capture supervisord "$dir/supervisord.conf" 3 "$each" "$dir" kp-s)
  log "keeper supervisord run $r: $json"
  rec keeper supervisord 3-agent mbps "$r" "$(json_field "$json" mbps)" MB/s
  rec keeper supervisord 3-agent rss_total_peak_kib "$r" "$(vmhwm "$(cat "$dir/supervisord.pid")")" KiB
  check keeper supervisord 3-agent "$r" "bytes stored" "$((each * 3))" "$(json_field "$json" bytesTotal)"
  sv_stop "$dir"
  rm -rf "$dir"
}

fig_keeper() {
  begin_figure keeper
  local each=$(((MEMORY_BYTES + 2) / 3)) r
  mkdir -p "$OUT/keeper"
  for r in $(seq 0 "$RUNS"); do
    keeper_harness keepers "$r" "$each"
    keeper_harness inprocess "$r" "$each"
    keeper_supervisord "$r" "$each"
  done
  end_figure keeper
}
