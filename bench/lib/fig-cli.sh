# Figure "cli": wall time of the status command of each system, each with three agents running
# (sleep 600), measured by hyperfine; plus JVM start-up floors for reference.

cli_hyperfine() { # cli_hyperfine NAME LABEL=COMMAND...
  local name=$1 json="$RES/cli-$1.hyperfine.json" args=() labels=() pair
  shift
  for pair in "$@"; do
    labels+=("${pair%%=*}")
    args+=(-n "${pair%%=*}" "${pair#*=}")
  done
  hyperfine -N --style basic --runs "$HYPERFINE_RUNS" --warmup "$HYPERFINE_WARMUP" --export-json "$json" "${args[@]}" >&2
  tool HyperTsv "$json" "${labels[@]}" | while IFS=$'\t' read -r label runs median min max mean sd; do
    rec cli "$label" "$name" median - "$median" ms
    rec cli "$label" "$name" min - "$min" ms
    rec cli "$label" "$name" max - "$max" ms
    rec cli "$label" "$name" mean - "$mean" ms
    rec cli "$label" "$name" stddev - "$sd" ms
    rec cli "$label" "$name" runs - "$runs" n
  done
}

fig_cli() {
  begin_figure cli
  local home="$OUT/cli/harness" sv="$OUT/cli/supervisord" pm="$OUT/cli/pm2" i running
  rm -rf "$OUT/cli"
  fresh_home "$home"
  for i in 1 2 3; do h --home "$home" start -- sleep 600 >/dev/null; done
  for i in 1 2 3; do printf 's%s\tsleep 600\n' "$i"; done | sv_conf "$sv"
  sv_start "$sv"
  svctl "$sv" start s1 s2 s3 >/dev/null
  for i in 1 2 3; do printf 's%s\tsleep\t600\n' "$i"; done | pm2_eco "$pm"
  pm2_start_daemon "$pm"
  pm2h "$pm" start "$pm/ecosystem.json" -s >/dev/null
  running=$(h --home "$home" ps --json | grep -c '"status" : "running"' || true)
  check cli harness status "-" "running sessions" 3 "$running"
  check cli supervisord status "-" "RUNNING programs" 3 "$(svctl "$sv" status | grep -c RUNNING || true)"
  check cli pm2 status "-" "online apps" 3 "$(pm2h "$pm" jlist | grep -o '"status":"online"' | wc -l)"

  export PM2_HOME="$pm/pm2home"
  cli_hyperfine status \
    "harness ps=$HARNESS --home $home ps" \
    "harness ps, own JVM=env HARNESS_NO_CLIENT=1 $HARNESS --home $home ps" \
    "supervisorctl status=supervisorctl -c $sv/supervisord.conf status" \
    "pm2 ls=$PM2 ls"
  cli_hyperfine floor \
    "java -version=java -version" \
    "java Hello=java -cp $CLASSES Hello" \
    "java Hello, launcher flags=java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto -cp $CLASSES Hello" \
    "harness --version=$HARNESS --version" \
    "python3 -c pass=python3 -c pass" \
    "node -e 0=node -e 0"
  unset PM2_HOME

  stop_home "$home" # stops the three sleeps too
  sv_stop "$sv"
  pm2_stop_daemon "$pm"
  end_figure cli
}
