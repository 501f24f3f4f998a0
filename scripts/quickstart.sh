#!/usr/bin/env bash
# The quickstart that `make run` runs: a fresh node imports a (fictional) ransomware crew's
# intelligence, shows what it holds, exports part of it, and shows what validation says of
# a legacy STIX 2.0 bundle and of a broken one. Every step prints what it does.
set -euo pipefail

concord=${1:-build/concord}
here=$(cd "$(dirname "$0")/.." && pwd)
work=${QUICKSTART_DIR:-$here/build/quickstart}
rm -rf "$work"
mkdir -p "$work"
export CONCORD_HOME="$work/node"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; }
run() { step "$@"; "${@:2}"; }

run "Validate the crew's bundle before importing it" \
  "$concord" validate "$here/examples/ransomware-crew.json"

run "Import it into the node's store (SQLite in $CONCORD_HOME), into collection 'glass-viper'" \
  "$concord" import --collection glass-viper "$here/examples/ransomware-crew.json"

run "Import it again: nothing changes, every object is recognised as already stored" \
  "$concord" import "$here/examples/ransomware-crew.json"

run "Import a STIX 2.0 bundle from an older tool: upgraded to 2.1 with warnings" \
  "$concord" import "$here/examples/legacy-stix20.json"

run "What the store holds" "$concord" stats

run "Export the latest version of every indicator as a STIX 2.1 bundle" \
  "$concord" export --type indicator --version last --out "$work/indicators.json"
printf 'exported indicator names:\n'
grep -o '"name":"[^"]*"' "$work/indicators.json" | sed 's/"name":/  /'

step "A bundle with mistakes: every error says which object, which property and why" \
  "$concord" validate "$here/examples/broken.json"
if "$concord" validate "$here/examples/broken.json"; then
  echo "quickstart: broken.json was expected to fail validation" >&2
  exit 1
fi

run "Round trip: export everything and validate the export" \
  "$concord" export --out "$work/everything.json"
"$concord" validate "$work/everything.json"

step "Scan a Zeek sensor's log against every active indicator: alerts as JSON lines" \
  "$concord" --no-progress scan --node-name quickstart-node "$here/testdata/scan/sensor.json"
"$concord" --no-progress scan --node-name quickstart-node "$here/testdata/scan/sensor.json" \
  || test $? = 1  # 1: the sample log has a truncated line, reported in the summary

run "The same events as Suricata logs them, on two threads, without writing sightings again" \
  "$concord" --no-progress scan --threads 2 --no-sightings "$here/testdata/scan/eve.json" \
  || true

printf '\nQuickstart done. The node lives in %s; try:\n' "$CONCORD_HOME"
printf '  CONCORD_HOME=%s %s export --collection glass-viper | head -c 600\n' "$CONCORD_HOME" "$concord"
