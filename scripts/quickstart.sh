#!/usr/bin/env bash
# The quickstart that `make run` runs: two Concord nodes on loopback, UK and US, defending
# together. US publishes a ransomware crew (an intrusion set, its malware, indicators at
# TLP:CLEAR, GREEN, AMBER and one at RED); UK pulls what its agreement lets it have, scans its
# own telemetry, finds the crew, and its sightings flow back to US, which sees the shared
# adversary. Each node has its own data directory, agreement, certificate and credentials.
# Every step prints what it does; the script checks that the RED indicator never reached UK,
# stops both nodes and exits 0.
set -euo pipefail

concord=${1:-build/concord}
here=$(cd "$(dirname "$0")/.." && pwd)
work=${QUICKSTART_DIR:-$here/build/quickstart}
rm -rf "$work"
mkdir -p "$work"
uk_pid=""
us_pid=""
stop_nodes() {
  for pid in $uk_pid $us_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $uk_pid $us_pid; do wait "$pid" 2>/dev/null || true; done
  uk_pid=""
  us_pid=""
}
trap stop_nodes EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }
say() { printf '$ %s\n' "$*"; }
uk() { say "concord (UK) $*"; "$concord" --data-dir "$work/uk" --no-progress "$@"; }
us() { say "concord (US) $*"; "$concord" --data-dir "$work/us" --no-progress "$@"; }
fail() {
  echo "quickstart: $*" >&2
  echo "quickstart: node logs are in $work/uk/serve.log and $work/us/serve.log" >&2
  exit 1
}
# Waits up to 60 s for `$@` to succeed.
wait_for() {
  for _ in $(seq 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

readonly US_ID=identity--4a1c0000-0000-4000-8000-000000000001  # the crew bundle's publisher
readonly UK_ID=identity--0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f
readonly RED_INDICATOR=indicator--4a1c0000-0000-4000-8000-000000000011

step "Each node gets a TLS certificate for localhost (self-signed, as docs/taxii.md shows)"
for node in uk us; do
  mkdir -p "$work/$node/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$work/$node/tls/server.key" -out "$work/$node/tls/server.pem" 2>/dev/null
  chmod 600 "$work/$node/tls/server.key"
done

step "US publishes the crew's intelligence into its collection 'ransomware'"
us import --collection ransomware "$here/examples/ransomware-crew.json"

step "US's agreement with UK: it may read 'ransomware' up to TLP:AMBER and write sightings"
cat >"$work/us/agreements.toml" <<EOF
[node]
name = "us"
identity = "$US_ID"

[[partner]]
name = "uk"
identity = "$UK_ID"
max_tlp = "amber"
types = ["*"]
read = ["ransomware"]
write = ["sightings"]
EOF
cat "$work/us/agreements.toml"
us agreements check

step "US starts serving TAXII 2.1; it issues UK a token (stored only as a hash)"
"$concord" --data-dir "$work/us" --json serve --listen 127.0.0.1:0 --quiet \
  >"$work/us/serve.out" 2>"$work/us/serve.log" &
us_pid=$!
wait_for grep -q url "$work/us/serve.out" || fail "the US node did not start"
us_url=$(grep -o 'https://[^"]*' "$work/us/serve.out")
us_url=${us_url/127.0.0.1/localhost}
echo "US node: $us_url"
say "concord (US) token issue uk > $work/uk-token"
"$concord" --data-dir "$work/us" token issue uk >"$work/uk-token" 2>/dev/null
echo "(the token is in $work/uk-token, for UK's agreement)"

step "UK's agreement with US: pull 'ransomware', send sightings of US indicators back"
cat >"$work/uk/agreements.toml" <<EOF
[node]
name = "uk"
identity = "$UK_ID"
sync_interval = 5

[[partner]]
name = "us"
identity = "$US_ID"
max_tlp = "amber"
types = ["*"]
url = "$us_url/api/"
token_file = "$work/uk-token"
ca_file = "$work/us/tls/server.pem"

  [[partner.pull]]
  collection = "ransomware"
  into = "from-us"

  [partner.sightings]
  send = true
  evidence = "counts"
  collection = "sightings"
EOF
cat "$work/uk/agreements.toml"
uk agreements check

step "UK starts serving; its federation pulls from US every 5 seconds"
"$concord" --data-dir "$work/uk" --json serve --listen 127.0.0.1:0 --quiet \
  >"$work/uk/serve.out" 2>"$work/uk/serve.log" &
uk_pid=$!
wait_for grep -q url "$work/uk/serve.out" || fail "the UK node did not start"
pulled() { "$concord" --data-dir "$work/uk" --json sync status | grep -q '"direction":"pull"[^}]*"last_success":"'; }
wait_for pulled || fail "UK did not pull from US"
uk sync status
uk stats

step "The TLP:RED indicator never reached UK"
if "$concord" --data-dir "$work/uk" export --id "$RED_INDICATOR" | grep -q "$RED_INDICATOR"; then
  fail "the TLP:RED indicator $RED_INDICATOR reached UK"
fi
echo "UK holds no $RED_INDICATOR: US's agreement released everything else it may, never RED"

step "UK scans its own Zeek telemetry against every indicator it holds"
uk scan "$here/testdata/scan/sensor.json" || test $? = 1  # 1: the sample has a truncated line
uk export --type sighting --version last | grep -o '"sighting_of_ref":"[^"]*"' | sort -u

step "UK's sightings of US indicators flow back to US on the next round"
sent() { "$concord" --data-dir "$work/uk" --json sync status | grep -q '"direction":"push"[^}]*"objects":[1-9]'; }
wait_for sent || fail "UK's sightings did not reach US"
uk sync status
us stats | grep -E "sighting|partner:uk" || true

step "US scans its own Suricata telemetry too"
us scan "$here/testdata/scan/eve.json" || test $? = 1

step "US sees the shared adversary: sighted by both nodes"
us adversaries
shared=$("$concord" --data-dir "$work/us" --json adversaries)
grep -q "Glass Viper" <<<"$shared" || fail "US does not show Glass Viper as a shared adversary"
grep -q "$UK_ID" <<<"$shared" || fail "UK's sightings are not among the shared adversary's"

step "Both nodes stop"
stop_nodes
echo "stopped; the nodes' data is in $work/uk and $work/us"
printf '\nQuickstart done: US published, UK pulled what it may (never RED), UK found the crew\n'
printf 'in its telemetry, and the sightings came back to US, which now sees the shared\n'
printf 'adversary. Try: %s --data-dir %s adversaries --json\n' "$concord" "$work/us"
