#!/usr/bin/env bash
# bench/run.sh: the benchmark suite of agent-harness against supervisord and pm2, in one command.
#
#   bench/run.sh                 full run (about 30 minutes on 2 cores); writes docs/BENCHMARKS.md
#   bench/run.sh --quick         smoke-sized (tiny sizes, 1 run, under 2 minutes); writes
#                                bench/out/quick/BENCHMARKS.md, never docs/
#   bench/run.sh --only capture,follow
#                                runs only these figures (capture follow cli store memory profile
#                                ceiling keeper) and renders the report from these plus earlier results
#   bench/run.sh --runs N        measured runs per figure (default 5; --quick: 1)
#   bench/run.sh --report-only   renders the report from the results already in bench/out
#   --before DIR                 adds a before/after table against the results of an earlier run
#                                (a copy of an earlier bench/out/results)
#   --results DIR                with --report-only: render from DIR instead of bench/out/results.
#                                docs/BENCHMARKS.md is: bench/run.sh --report-only
#                                  --results bench/results/2026-12-06-08a978d
#                                  --before bench/results/2026-12-06-16f0b94
#
# Installs what is missing (apt-get: supervisor hyperfine time; npm: pm2 into bench/out/peers, never
# globally), builds the harness, runs the figures, writes raw results under bench/out/results
# (TSV + JSON), renders the markdown from them, and stops every daemon it started. Exits non-zero
# when a check of the harness (or of the plain-file reference) fails: a byte count, a checksum, a
# status, a followed line. The peers' failures (pm2 loses bytes at exit) are reported, not fatal,
# unless --strict-peers.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUICK=0
RUNS=""
ONLY=""
REPORT_ONLY=0
STRICT_PEERS=0
BEFORE=""
RESULTS=""
ARGS=("$@")
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --only) ONLY="$2"; shift ;;
    --only=*) ONLY="${1#--only=}" ;;
    --runs) RUNS="$2"; shift ;;
    --runs=*) RUNS="${1#--runs=}" ;;
    --report-only) REPORT_ONLY=1 ;;
    --strict-peers) STRICT_PEERS=1 ;;
    --before) BEFORE="$2"; shift ;;
    --results) RESULTS="$2"; shift ;;
    --results=*) RESULTS="${1#--results=}" ;;
    --before=*) BEFORE="${1#--before=}" ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

ALL_FIGURES=(capture follow cli store memory profile ceiling keeper)
if [[ $QUICK == 1 ]]; then
  OUT="$ROOT/bench/out/quick"
  RUNS=${RUNS:-1}
  CAPTURE_BYTES=$((4 * 1024 * 1024))
  TICKS=100
  STORE_ROWS=100000
  MEMORY_BYTES=$((24 * 1024 * 1024))
  HYPERFINE_RUNS=3
  HYPERFINE_WARMUP=1
  FIRST_RUN=1 # no warm-up runs
  TICK_DELAY_MS=1500
  REPORT="$OUT/BENCHMARKS.md"
else
  OUT="$ROOT/bench/out"
  RUNS=${RUNS:-5}
  CAPTURE_BYTES=$((256 * 1024 * 1024))
  TICKS=1000
  STORE_ROWS=10000000
  MEMORY_BYTES=$((1024 * 1024 * 1024))
  HYPERFINE_RUNS=20
  HYPERFINE_WARMUP=3
  FIRST_RUN=0 # run 0 of capture, follow and ceiling is an untimed warm-up
  TICK_DELAY_MS=3000
  REPORT="$ROOT/docs/BENCHMARKS.md"
fi
RES="${RESULTS:-$OUT/results}"
CLASSES="$ROOT/bench/out/classes"
mkdir -p "$OUT" "$RES"

# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
for f in "$ROOT"/bench/lib/fig-*.sh; do
  # shellcheck disable=SC1090
  source "$f"
done

FIGURES=("${ALL_FIGURES[@]}")
if [[ -n "$ONLY" ]]; then
  IFS=',' read -r -a FIGURES <<<"$ONLY"
  for f in "${FIGURES[@]}"; do
    [[ " ${ALL_FIGURES[*]} " == *" $f "* ]] || { echo "run.sh: unknown figure $f (one of: ${ALL_FIGURES[*]})" >&2; exit 2; }
  done
fi

# pm2 --version starts pm2's daemon in its home: a scratch home, killed after, never ~/.pm2.
pm2_version() {
  PM2_HOME="$OUT/pm2-version" "$PM2" --version 2>/dev/null | tail -1
  PM2_HOME="$OUT/pm2-version" "$PM2" kill >/dev/null 2>&1 || true
}

install_peers() {
  local need=()
  command -v supervisord >/dev/null || need+=(supervisor)
  command -v hyperfine >/dev/null || need+=(hyperfine)
  [[ -x /usr/bin/time ]] || need+=(time)
  if [[ ${#need[@]} -gt 0 ]]; then
    log "installing ${need[*]} with apt-get"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  fi
  if [[ ! -x "$PM2" ]] || [[ "$(pm2_version)" != "$PM2_VERSION" ]]; then
    log "installing pm2@$PM2_VERSION into $PEERS"
    mkdir -p "$PEERS"
    npm install --silent --no-audit --no-fund --prefix "$PEERS" "pm2@$PM2_VERSION" >&2
  fi
}

build() {
  log "building the harness (if stale) and the bench tools"
  "$HARNESS" --version >/dev/null
  rm -rf "$CLASSES"
  mkdir -p "$CLASSES"
  javac -nowarn -cp "$JAR" -d "$CLASSES" "$ROOT"/bench/tools/*.java
}

environment() {
  local f="$RES/environment.meta" command date commit earlier
  command="bench/run.sh${ARGS[*]:+ ${ARGS[*]}}"
  date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  # --only re-runs some figures over an earlier run's results: the report is then of both runs, so it
  # names both (each figure's own meta has its command and date).
  if [[ -n "$ONLY" && -s "$f" ]]; then
    earlier() { awk -F'\t' -v k="$1" '$1 == k {print $2; exit}' "$f"; }
    command="$(earlier command); then $command (figures $ONLY)"
    date="$(earlier date), then $date"
    commit="$(earlier git_commit), then $commit (figures $ONLY)"
  fi
  : >"$f"
  {
    printf 'command\t%s\n' "$command"
    printf 'date\t%s\n' "$date"
    printf 'git_commit\t%s\n' "$commit"
    printf 'git_dirty\t%s\n' "$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -qv '^??' && echo yes || echo no)"
    printf 'nproc\t%s\n' "$(nproc)"
    printf 'cpu\t%s\n' "$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
    printf 'memory\t%s\n' "$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    printf 'kernel\t%s\n' "$(uname -sr)"
    printf 'disk\t%s\n' "$(df -T "$OUT" | awk 'NR==2{print $2" on "$1}')"
    printf 'java\t%s\n' "$(java -version 2>&1 | head -1)"
    printf 'jvm\t%s\n' "$(java -version 2>&1 | sed -n 3p)"
    printf 'harness\t%s\n' "$(h --version 2>&1 | head -1)"
    printf 'supervisord\t%s\n' "$(supervisord --version 2>&1 | head -1)"
    printf 'pm2\t%s\n' "$(pm2_version)"
    printf 'node\t%s\n' "$(node --version)"
    printf 'python\t%s\n' "$(python3 --version 2>&1)"
    printf 'sqlite\t%s\n' "$(tool SqliteVersion 2>/dev/null || echo unknown)"
    printf 'hyperfine\t%s\n' "$(hyperfine --version)"
    printf 'quick\t%s\n' "$QUICK"
    printf 'runs\t%s\n' "$RUNS"
  } >>"$f"
}

render() {
  [[ -f "$CLASSES/Report.class" ]] || return 0
  tool Report "$RES" "$REPORT" "$QUICK" "$ROOT/bench/report/plan.md" "$ROOT/bench/report/left-out.md" ${BEFORE:+"$BEFORE"}
  log "report written to $REPORT"
}

verdict() {
  local bad
  [[ -f "$RES/verdicts.tsv" ]] || return 0
  if [[ $STRICT_PEERS == 1 ]]; then
    bad=$(awk -F'\t' '$1=="FAIL"' "$RES/verdicts.tsv")
  else
    bad=$(awk -F'\t' '$1=="FAIL" && ($3=="harness" || $3=="file")' "$RES/verdicts.tsv")
  fi
  if [[ -n "$bad" ]]; then
    log "FAILED checks:"
    echo "$bad" >&2
    return 1
  fi
  local peer
  peer=$(awk -F'\t' '$1=="FAIL"' "$RES/verdicts.tsv" | wc -l)
  [[ $peer == 0 ]] || log "peers failed $peer checks (reported, not fatal; --strict-peers makes them fatal)"
}

if [[ $REPORT_ONLY == 1 ]]; then
  render
  exit 0
fi

trap cleanup_all EXIT
trap 'exit 130' INT TERM
install_peers
build
export HARNESS_NO_BUILD=1
environment
for fig in "${FIGURES[@]}"; do
  "fig_$fig"
done
cleanup_all
render
verdict
