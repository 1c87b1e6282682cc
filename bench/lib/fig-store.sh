# Figure "store": one database with STORE_ROWS output rows of 100 bytes in session "big", a 10x
# smaller session "small" and 200 little ones, built through the store API; then the read commands
# (no daemon: they read the file directly), purge, and the size on disk.

# store_timed LABEL RUN COMMAND...: runs under /usr/bin/time -v, output counted; records s, MB/s, RSS.
store_timed() {
  local label=$1 r=$2 tv="$OUT/store/time-v.txt" bytes secs rss
  shift 2
  bytes=$(/usr/bin/time -v -o "$tv" "$@" | wc -c)
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tv")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$tv")
  rec store harness "$label" seconds "$r" "$secs" s
  rec store harness "$label" rss_kib "$r" "$rss" KiB
  rec store harness "$label" bytes "$r" "$bytes" B
  rec store harness "$label" mbps "$r" "$(awk -v b="$bytes" -v s="$secs" 'BEGIN{printf "%.1f", (s > 0 ? b/1e6/s : 0)}')" MB/s
  echo "$bytes"
}

fig_store() {
  begin_figure store
  local home="$OUT/store/harness" ids big small r got t0 t1 big_bytes small_bytes
  rm -rf "$OUT/store"
  mkdir -p "$OUT/store"
  meta store rows_big "$STORE_ROWS"
  meta store rows_small "$((STORE_ROWS / 10))"
  meta store extra_sessions 200

  log "building a database of $STORE_ROWS + $((STORE_ROWS / 10)) rows"
  t0=$(date +%s%N)
  ids=$(tool StoreBuild "$home" "$STORE_ROWS" 200 2>"$OUT/store/build.err")
  t1=$(date +%s%N)
  cat "$OUT/store/build.err" >&2
  big=$(awk '$1=="big"{print $2}' <<<"$ids")
  small=$(awk '$1=="small"{print $2}' <<<"$ids")
  big_bytes=$((STORE_ROWS * 100))
  small_bytes=$((STORE_ROWS / 10 * 100))
  rec store harness build seconds - "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", (b-a)/1e9}')" s
  rec store harness build rows - "$((STORE_ROWS + STORE_ROWS / 10 + 2000))" n
  rec store harness size captured_bytes - "$((big_bytes + small_bytes + 200 * 1000))" B
  rec store harness size db_bytes - "$(stat -c %s "$home/harness.db")" B
  rec store harness size wal_bytes - "$(stat -c %s "$home/harness.db-wal" 2>/dev/null || echo 0)" B
  check store harness big - "bytes counter" "$big_bytes" \
    "$(h --home "$home" show big --json | sed -nE 's/^  "bytes" : ([0-9]+),?/\1/p')"

  log "store: latency of short commands"
  local hf="$RES/store.hyperfine.json"
  hyperfine -N --style basic --runs "$HYPERFINE_RUNS" --warmup "$HYPERFINE_WARMUP" --export-json "$hf" \
    -n "tail -n 100 big" "$HARNESS --home $home tail -n 100 big" \
    -n "tail -n 100 small" "$HARNESS --home $home tail -n 100 small" \
    -n "ps" "$HARNESS --home $home ps" \
    -n "ps --all" "$HARNESS --home $home ps --all" \
    -n "show big" "$HARNESS --home $home show big" >&2
  tool HyperTsv "$hf" "tail -n 100 big" "tail -n 100 small" "ps" "ps --all" "show big" |
    while IFS=$'\t' read -r label runs median min max mean sd; do
      rec store harness "$label" median - "$median" ms
      rec store harness "$label" min - "$min" ms
      rec store harness "$label" max - "$max" ms
    done
  got=$(h --home "$home" tail -n 100 big | wc -l)
  check store harness "tail -n 100 big" - "lines" 100 "$got"
  got=$(h --home "$home" ps --all | wc -l)
  check store harness "ps --all" - "lines (header + sessions)" 203 "$got"

  log "store: tail -n all, big and small"
  for r in $(seq 1 "$RUNS"); do
    got=$(store_timed "tail -n all big" "$r" "$HARNESS" --home "$home" tail -n all big)
    check store harness "tail -n all big" "$r" "bytes" "$big_bytes" "$got"
    got=$(store_timed "tail -n all small" "$r" "$HARNESS" --home "$home" tail -n all small)
    check store harness "tail -n all small" "$r" "bytes" "$small_bytes" "$got"
  done
  # The same with a 32 MiB heap: proves the stream needs constant memory, whatever the default heap does.
  got=$(HARNESS_JAVA_OPTS=-Xmx32m store_timed "tail -n all big, -Xmx32m" 1 "$HARNESS" --home "$home" tail -n all big)
  check store harness "tail -n all big, -Xmx32m" 1 "bytes" "$big_bytes" "$got"
  h --home "$home" tail -n all big | cmp -s - <(java -cp "$CLASSES" Gen "$big_bytes") && got=same || got=different
  check store harness "tail -n all big" - "content vs Gen" same "$got"

  log "store: purge the big session"
  local tv="$OUT/store/time-v.txt" out
  out=$(/usr/bin/time -v -o "$tv" "$HARNESS" --home "$home" purge --older-than 1d)
  log "purge: $out"
  rec store harness purge seconds 1 "$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tv")" s
  rec store harness purge rss_kib 1 "$(awk -F': ' '/Maximum resident set size/{print $2}' "$tv")" KiB
  check store harness purge - "sessions purged" "purged 1 session" "$(head -1 <<<"$out" | grep -o 'purged 1 session')"
  rec store harness size db_bytes_after_purge - "$(stat -c %s "$home/harness.db")" B
  rec store harness size wal_bytes_after_purge - "$(stat -c %s "$home/harness.db-wal" 2>/dev/null || echo 0)" B
  rm -rf "$OUT/store"
  end_figure store
}
