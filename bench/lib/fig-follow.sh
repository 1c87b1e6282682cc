# Figure "follow": how long a line takes from the agent's write to a live follower in another process.
# Tick prints TICKS timestamped lines, one every 10 ms, after a start delay that lets the follower
# attach; the follower's output goes through a FIFO into Stamp, which prints p50/p99/max in ms.


# follow_measure SYSTEM RUN DIR FOLLOWER-COMMAND...: runs the follower into Stamp and records the result.
follow_measure() {
  local sys=$1 r=$2 dir=$3 fifo json fpid limit
  shift 3
  fifo="$dir/fifo"
  rm -f "$fifo"
  mkfifo "$fifo"
  limit=$((TICK_DELAY_MS / 1000 + TICKS / 100 + 30))
  # timeout ends a follower that never stops by itself (supervisorctl, pm2) or that misses lines.
  timeout -s TERM "$limit" "$@" >"$fifo" 2>"$dir/follower.err" &
  fpid=$!
  json=$(java -cp "$CLASSES" Stamp "$TICKS" <"$fifo")
  kill "$fpid" 2>/dev/null || true
  wait "$fpid" 2>/dev/null || true
  log "follow $sys run $r: $json"
  echo "{\"system\":\"$sys\",\"run\":$r,\"result\":$json}" >>"$RES/follow.jsonl"
  rec follow "$sys" "$TICKS-lines" p50 "$r" "$(json_field "$json" p50)" ms
  rec follow "$sys" "$TICKS-lines" p99 "$r" "$(json_field "$json" p99)" ms
  rec follow "$sys" "$TICKS-lines" max "$r" "$(json_field "$json" max)" ms
  check follow "$sys" "$TICKS-lines" "$r" "distinct lines seen" "$TICKS" "$(json_field "$json" lines)"
  check follow "$sys" "$TICKS-lines" "$r" "duplicate lines" 0 "$(json_field "$json" duplicates)"
}

follow_harness() {
  local home="$OUT/follow/harness" r id
  fresh_home "$home"
  for r in $(seq "$FIRST_RUN" "$RUNS"); do
    id=$(h --home "$home" start -- java -cp "$CLASSES" Tick "$TICKS" 10 "$TICK_DELAY_MS")
    follow_measure harness "$r" "$OUT/follow" "$HARNESS" --home "$home" tail -f "$id"
    # tail -f ends by itself with the session; make sure the agent has ended before the next run.
    h --home "$home" wait "$id" --timeout 60s >/dev/null
  done
  stop_home "$home"
}

follow_supervisord() {
  local dir="$OUT/follow/supervisord" r
  rm -rf "$dir"
  printf 'tick\tjava -cp %s Tick %s 10 %s\n' "$CLASSES" "$TICKS" "$TICK_DELAY_MS" | sv_conf "$dir"
  sv_start "$dir"
  for r in $(seq "$FIRST_RUN" "$RUNS"); do
    svctl "$dir" start tick >/dev/null
    follow_measure supervisord "$r" "$OUT/follow" supervisorctl -c "$dir/supervisord.conf" tail -f tick
    while svctl "$dir" status tick | grep -q RUNNING; do sleep 0.2; done
  done
  sv_stop "$dir"
}

follow_pm2() {
  local dir="$OUT/follow/pm2" r
  rm -rf "$dir"
  printf 'tick\tjava\t-cp\t%s\tTick\t%s\t10\t%s\n' "$CLASSES" "$TICKS" "$TICK_DELAY_MS" | pm2_eco "$dir"
  pm2_start_daemon "$dir"
  for r in $(seq "$FIRST_RUN" "$RUNS"); do
    pm2h "$dir" start "$dir/ecosystem.json" -s >/dev/null
    follow_measure pm2 "$r" "$OUT/follow" env PM2_HOME="$dir/pm2home" "$PM2" logs tick --raw --lines 0
    while pm2h "$dir" jlist | grep -q '"status":"online"'; do sleep 0.2; done
  done
  pm2_stop_daemon "$dir"
}

fig_follow() {
  begin_figure follow
  rm -f "$RES/follow.jsonl"
  meta follow ticks "$TICKS"
  meta follow tick_period_ms 10
  meta follow tick_delay_ms "$TICK_DELAY_MS"
  rm -rf "$OUT/follow"
  mkdir -p "$OUT/follow"
  follow_harness
  follow_supervisord
  follow_pm2
  end_figure follow
}
