# Shared by bench/run.sh and the figure scripts in bench/lib. Sourced, never run.
# Expects: ROOT, OUT (bench/out or bench/out/quick), RES (results dir), CLASSES, QUICK (0/1), RUNS.

PM2_VERSION=7.0.4
PEERS="$ROOT/bench/out/peers"
export PM2="$PEERS/node_modules/.bin/pm2"
HARNESS="$ROOT/harness"
JAR="$ROOT/cli/target/harness.jar"
# The native SQLite library the launcher points sqlite-jdbc at, so that our JDBC helpers do not unpack one to /tmp.
case "$(uname -m)" in
  x86_64 | amd64) NATIVE_ARCH=x86_64 ;;
  aarch64 | arm64) NATIVE_ARCH=aarch64 ;;
  *) NATIVE_ARCH=unknown ;;
esac
NATIVE_DIR="$ROOT/cli/target/sqlite-native/org/sqlite/native/Linux/$NATIVE_ARCH"
JAVA_NATIVE=()
if [[ -f "$NATIVE_DIR/libsqlitejdbc.so" ]]; then
  JAVA_NATIVE=(-Dorg.sqlite.lib.path="$NATIVE_DIR" -Dorg.sqlite.lib.name=libsqlitejdbc.so)
fi

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# A tool of bench/tools on the harness jar's classpath (JDBC, the store API).
tool() { java "${JAVA_NATIVE[@]}" -cp "$CLASSES:$JAR" "$@"; }

# rec FIGURE SYSTEM SCENARIO METRIC RUN VALUE UNIT: one measured value. RUN 0 is a warm-up.
rec() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RES/$1.tsv"
}

# check FIGURE SYSTEM SCENARIO RUN WHAT EXPECTED ACTUAL: a correctness check, recorded pass or fail.
check() {
  local fig=$1 sys=$2 scen=$3 run=$4 what=$5 want=$6 got=$7 verdict=ok
  if [[ "$want" != "$got" ]]; then
    verdict=FAIL
    log "CHECK FAILED: $sys $scen run $run: $what: expected $want, got $got"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$fig" "$sys" "$scen" "$run" "$what" "$want" "$got" >>"$RES/checks.tsv"
  printf '%s\t%s\t%s\t%s\t%s\n' "$verdict" "$fig" "$sys" "$scen" "$what" >>"$RES/verdicts.tsv"
}

# meta FIGURE KEY VALUE: facts about a figure's run (date, load, sizes).
meta() {
  printf '%s\t%s\n' "$2" "$3" >>"$RES/$1.meta"
}

begin_figure() {
  local fig=$1
  rm -f "$RES/$fig.tsv" "$RES/$fig.meta"
  sed -i "/\t$fig\t/d" "$RES/verdicts.tsv" 2>/dev/null || true
  [[ -f "$RES/checks.tsv" ]] && awk -F'\t' -v f="$fig" '$1 != f' "$RES/checks.tsv" >"$RES/checks.tmp" && mv "$RES/checks.tmp" "$RES/checks.tsv"
  meta "$fig" date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  meta "$fig" loadavg_before "$(cut -d' ' -f1-3 /proc/loadavg)"
  meta "$fig" runs "$RUNS"
  meta "$fig" command "bench/run.sh${ARGS[*]:+ ${ARGS[*]}}"
  log "figure $fig: start (load $(cut -d' ' -f1-3 /proc/loadavg))"
}

end_figure() {
  meta "$1" loadavg_after "$(cut -d' ' -f1-3 /proc/loadavg)"
  log "figure $1: done"
}

# settle_caches: before a timed run that writes a lot, write back what is dirty and evict from the page
# cache the big files the systems wrote (databases, logs), so that every system starts from the same
# memory. Without it, on this VM, once the page cache held about 5 GB every writer paid for reclaim in
# system time: the harness's database keeps growing over a scenario's runs while the peers' log files
# are deleted before each run, so the harness alone got there (its daemon's system time per 3-agent run
# tripled from the 5th run of a home on). Only those files are evicted: dropping the whole cache would
# make every start command read its interpreter or JVM from disk again, which is another benchmark.
settle_caches() {
  sync
  find "$OUT" -type f -size +1M \( -path '*/capture/*' -o -path '*/keeper/*' -o -path '*/memory/*' -o -path '*/profile/*' \) -print0 2>/dev/null |
    while IFS= read -r -d '' f; do
      dd if=/dev/null of="$f" oflag=nocache conv=notrunc,fdatasync count=0 status=none 2>/dev/null || true
    done
}

# --- the harness ------------------------------------------------------------------------------

# Every home whose daemon we may have started, so that cleanup can shut each one down.
STARTED_HOMES="$OUT/.started-homes"
h() { HARNESS_NO_BUILD=1 "$HARNESS" "$@"; }

# fresh_home DIR: an empty harness home with a daemon already running (started by a trivial session).
fresh_home() {
  local home=$1
  rm -rf "$home"
  mkdir -p "$home"
  echo "$home" >>"$STARTED_HOMES"
  h --home "$home" run -q -- true
}

daemon_pid() { cat "$1/daemon.lock" 2>/dev/null || true; }

stop_home() {
  local home=$1
  if [[ -S "$home/harness.sock" ]]; then
    h --home "$home" shutdown --timeout 60s >/dev/null 2>&1 || log "shutdown of $home failed"
  fi
}

# --- supervisord ------------------------------------------------------------------------------

STARTED_SV="$OUT/.started-supervisord"

# sv_conf DIR: writes DIR/supervisord.conf with the programs given as "NAME<TAB>COMMAND" lines on stdin.
sv_conf() {
  local dir=$1 name cmd
  mkdir -p "$dir"
  {
    cat <<EOF
[unix_http_server]
file=$dir/supervisor.sock
chmod=0700

[supervisord]
logfile=$dir/supervisord.log
pidfile=$dir/supervisord.pid
childlogdir=$dir
directory=$dir
loglevel=warn

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$dir/supervisor.sock
EOF
    while IFS=$'\t' read -r name cmd; do
      cat <<EOF

[program:$name]
command=$cmd
autostart=false
autorestart=false
startsecs=0
stdout_logfile=$dir/$name.out
stdout_logfile_maxbytes=0
stdout_logfile_backups=0
stderr_logfile=$dir/$name.err
stderr_logfile_maxbytes=0
stderr_logfile_backups=0
EOF
    done
  } >"$dir/supervisord.conf"
}

sv_start() {
  local dir=$1
  echo "$dir" >>"$STARTED_SV"
  supervisord -c "$dir/supervisord.conf"
  local i
  for i in $(seq 100); do
    supervisorctl -c "$dir/supervisord.conf" pid >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "supervisord in $dir did not answer"
}

sv_stop() {
  local dir=$1 pid
  [[ -f "$dir/supervisord.pid" ]] || return 0
  pid=$(cat "$dir/supervisord.pid")
  supervisorctl -c "$dir/supervisord.conf" shutdown >/dev/null 2>&1 || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "supervisord $pid did not stop; SIGTERM"
  kill "$pid" 2>/dev/null || true
}

svctl() { local dir=$1; shift; supervisorctl -c "$dir/supervisord.conf" "$@"; }

# --- pm2 --------------------------------------------------------------------------------------

STARTED_PM2="$OUT/.started-pm2"

# pm2_eco DIR: writes DIR/ecosystem.json with the apps given as "NAME<TAB>SCRIPT<TAB>ARG..." lines on stdin.
pm2_eco() {
  local dir=$1 first=1 line
  mkdir -p "$dir"
  {
    echo '{"apps":['
    while IFS= read -r line; do
      IFS=$'\t' read -r -a f <<<"$line"
      local name=${f[0]} script=${f[1]} args="" a
      for a in "${f[@]:2}"; do args+="${args:+,}\"$a\""; done
      [[ $first == 1 ]] || echo ','
      first=0
      printf '{"name":"%s","script":"%s","args":[%s],"interpreter":"none","autorestart":false,"out_file":"%s","error_file":"%s","merge_logs":true,"time":false}' \
        "$name" "$script" "$args" "$dir/$name.out" "$dir/$name.err"
    done
    echo ']}'
  } >"$dir/ecosystem.json"
}

# pm2 with its home in DIR/pm2home.
pm2h() { local dir=$1; shift; PM2_HOME="$dir/pm2home" "$PM2" "$@"; }

pm2_start_daemon() {
  local dir=$1
  echo "$dir" >>"$STARTED_PM2"
  pm2h "$dir" ping >/dev/null
}

pm2_stop_daemon() {
  local dir=$1
  [[ -d "$dir/pm2home" ]] || return 0
  pm2h "$dir" kill >/dev/null 2>&1 || true
}

# --- cleanup ----------------------------------------------------------------------------------

cleanup_all() {
  local d
  if [[ -f "$STARTED_HOMES" ]]; then
    while read -r d; do stop_home "$d"; done < <(sort -u "$STARTED_HOMES")
    rm -f "$STARTED_HOMES"
  fi
  if [[ -f "$STARTED_SV" ]]; then
    while read -r d; do sv_stop "$d"; done < <(sort -u "$STARTED_SV")
    rm -f "$STARTED_SV"
  fi
  if [[ -f "$STARTED_PM2" ]]; then
    while read -r d; do pm2_stop_daemon "$d"; done < <(sort -u "$STARTED_PM2")
    rm -f "$STARTED_PM2"
  fi
}

# --- statistics helpers for the scripts' own logs (the report computes its own) ---------------

json_field() { # json_field JSON KEY -> the raw value of "KEY": (number or string, no nesting)
  sed -E 's/.*"'"$2"'":("?)([^",}]*).*/\2/' <<<"$1"
}

# CPU time (user + system) a process has used so far, in milliseconds.
cpu_ms() {
  local s
  s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  awk -v hz="$(getconf CLK_TCK)" '{print ($12 + $13) * 1000 / hz}' <<<"$s"
}

# Peak RSS of a /proc/PID/status in KiB (VmHWM), or empty.
vmhwm() { awk '/^VmHWM:/{print $2}' "/proc/$1/status" 2>/dev/null || true; }
