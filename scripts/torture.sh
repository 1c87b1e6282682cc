#!/usr/bin/env bash
# Runs the torture tests (cli/src/test/java/dev/agentharness/cli/torture) at the given size and renders
# docs/RELIABILITY.md from the tallies they write to cli/target/torture/*.json.
#
#   scripts/torture.sh [ITERATIONS] [SOAK_SECONDS]     default 20 and 15, the size ./mvnw verify runs
#
# Extra Maven options go in MAVEN_ARGS (e.g. MAVEN_ARGS=-o for offline). The document is rendered even
# when a test fails (it then says so); commit it only from a passing run.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
iterations="${1:-20}"
soak="${2:-15}"
cmd=(./mvnw -B verify -pl cli -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false '-Dit.test=*TortureIT'
  "-Dharness.torture.iterations=$iterations" "-Dharness.torture.soakSeconds=$soak")

rm -rf cli/target/torture
status=0
"${cmd[@]}" || status=$?

shown="scripts/torture.sh $iterations $soak"
if [[ -n "${MAVEN_ARGS:-}" ]]; then
  shown="MAVEN_ARGS='$MAVEN_ARGS' $shown"
fi
java scripts/RenderReliability.java cli/target/torture docs/RELIABILITY.md \
  "$shown
# which runs: ${cmd[*]}"
exit "$status"
