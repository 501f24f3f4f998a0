#!/usr/bin/env bash
# End-to-end tests of the `concord` binary: exit statuses, messages, atomic imports, stdin, gzip,
# strict mode, export filters. Usage: cli_end_to_end_test.sh CONCORD_BINARY SOURCE_DIR
set -uo pipefail
concord=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CONCORD_HOME="$tmp/node"
. "$src/src/concord/cli/end_to_end_lib.sh"
objects_in_store() { "$concord" stats --json | grep -o '"versions":[0-9]*' | cut -d: -f2; }

crew=$src/examples/ransomware-crew.json

# Fresh import: everything added, exit 0.
check "import exits 0" test "$(status_of "$concord" import --collection glass-viper "$crew")" = 0
check "import reports 34 added" contains "$(cat "$tmp/out")" "34 added, 0 already stored, 0 invalid"
check "store holds 35 versions" test "$(objects_in_store)" = 34

# Importing again is idempotent.
"$concord" import "$crew" >"$tmp/out" 2>&1
check "re-import finds duplicates" contains "$(cat "$tmp/out")" "0 added, 34 already stored"

# --json output is one JSON object with counts.
out=$("$concord" --json import "$crew")
check "json import output" contains "$out" '"ok":true,"added":0,"duplicates":34,"invalid":0'

# An invalid object is reported with location, id, property and reason; the valid ones go in.
code=$(status_of "$concord" import "$src/examples/broken.json")
check "partly invalid bundle exits 1" test "$code" = 1
check "invalid: created after modified" contains "$(cat "$tmp/err")" "modified"
check "invalid: wrong id prefix named" contains "$(cat "$tmp/err")" "tool--"
check "invalid: location given" contains "$(cat "$tmp/err")" "broken.json:"
check "valid object of a bad bundle imported" contains "$(cat "$tmp/out")" "1 added"

# --strict: the whole file is rejected, nothing stored.
before=$(objects_in_store)
sed 's/Fine Org/Finer Org/; s/4a1c0000-0000-4000-8000-00000000005d/4a1c0000-0000-4000-8000-00000000005e/' \
  "$src/examples/broken.json" >"$tmp/broken2.json"
code=$(status_of "$concord" import --strict "$tmp/broken2.json")
check "strict import exits 1" test "$code" = 1
check "strict import stores nothing" test "$(objects_in_store)" = "$before"

# A truncated file: clear error, nothing of it stored.
head -c 9000 "$crew" | sed 's/4a1c/5b2d/g' >"$tmp/truncated.json"
code=$(status_of "$concord" import "$tmp/truncated.json")
check "truncated import exits 1" test "$code" = 1
check "truncated is explained" contains "$(cat "$tmp/err")" "truncated"
check "truncated import stores nothing" test "$(objects_in_store)" = "$before"

# Not JSON at all.
echo "this is not json" >"$tmp/notjson.json"
code=$(status_of "$concord" validate "$tmp/notjson.json")
check "non-JSON exits 1" test "$code" = 1
check "non-JSON error has a line" contains "$(cat "$tmp/err")" "line 1"

# Standard input and gzip.
sed 's/4a1c/6c3e/g' "$crew" | gzip >"$tmp/crew2.json.gz"
check "gzip import" test "$(status_of "$concord" import "$tmp/crew2.json.gz")" = 0
check "gzip objects added" contains "$(cat "$tmp/out")" "30 added, 4 already stored"
sed 's/4a1c/7d4f/g' "$crew" | "$concord" import - >"$tmp/out" 2>"$tmp/err"
check "stdin import" contains "$(cat "$tmp/out")" "30 added, 4 already stored"

# Export filters and atomic output.
"$concord" export --type indicator --version last --out "$tmp/ind.json"
check "export of latest indicators" test "$(grep -o '"type":"indicator"' "$tmp/ind.json" | wc -l)" = 24
check "exported bundle validates" test "$(status_of "$concord" validate "$tmp/ind.json")" = 0
"$concord" export --collection glass-viper --out "$tmp/coll.json"
check "export by collection" test "$(grep -c '"id":"' "$tmp/coll.json")" = 34
"$concord" export --marking marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1 --out "$tmp/red.json"
check "export by marking (TLP:RED)" test "$(grep -c "e828b379" "$tmp/red.json")" = 6  # 2 per import, 3 imports
check "export by marking holds only those" test "$(grep -c '"id":"' "$tmp/red.json")" = 6
code=$(status_of "$concord" export --added-after "not a time")
check "bad --added-after exits 2" test "$code" = 2
check "bad --added-after explained" contains "$(cat "$tmp/err")" "added-after"
code=$(status_of "$concord" export --collection no-such-collection)
check "unknown collection exits 2" test "$code" = 2

# A data directory that does not exist is explained, not created, by read commands.
code=$(status_of "$concord" --data-dir "$tmp/nowhere" stats)
check "stats without store exits 2" test "$code" = 2
check "stats without store explained" contains "$(cat "$tmp/err")" "no Concord data directory"
check "read command creates nothing" test ! -e "$tmp/nowhere"

# Patterns: check with positions, eval in the conformance line format, the batch form.
out=$("$concord" --json pattern check "[ipv4-addr:value = '1.2.3.4']" "[ipv4-addr:value = '1.2.3.4'")
check "pattern check json" test "$out" = '{"valid":true}
{"valid":false,"error":"expected '"']'"' to close the observation expression, found the end of the pattern","position":28}'
check "pattern check exit 1 when invalid" test "$(status_of "$concord" pattern check "[a:b = 1]")" = 1
printf '%s\n' "[domain-name:value = 'x.example']" "[ipv4-addr:value = '1.2.3.4']" | "$concord" pattern check >"$tmp/out"
check "pattern check from stdin" test "$(grep -c '^valid: ' "$tmp/out")" = 2
od='{"type":"observed-data","id":"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf","created":"2016-04-06T19:58:16.000Z","modified":"2016-04-06T19:58:16.000Z","first_observed":"2015-12-21T19:00:00Z","last_observed":"2015-12-21T19:00:00Z","number_observed":1,"objects":{"0":{"type":"domain-name","value":"x.example"}}}'
out=$(printf '%s\n' "{\"pattern\":\"[domain-name:value = 'x.example']\",\"observed_data\":[$od],\"stix_version\":\"2.0\"}" \
  "{\"pattern\":\"[domain-name:value = 'y.example']\",\"observed_data\":[$od],\"stix_version\":\"2.0\"}" \
  "{\"pattern\":\"[domain-name:value = \",\"observed_data\":[]}" "garbage" | "$concord" pattern eval)
check "pattern eval lines" test "$(tr '\n' ' ' <<<"$out")" = '{"matched":true} {"matched":false} {"error":"position 21: expected a value after the operator, found the end of the pattern"} {"error":"not JSON: byte 0 (line 1, column 1): expected a JSON value, found '"'"'g'"'"'"} '
echo "[$od]" >"$tmp/observed.json"
printf '%s\n' "[domain-name:value = 'x.example']" "[domain-name:value LIKE '%.example']" "[domain-name:value = 'z']" "[bad" >"$tmp/patterns.txt"
out=$("$concord" pattern eval --patterns "$tmp/patterns.txt" --observed "$tmp/observed.json")
check "pattern eval batch" test "$(tr '\n' ' ' <<<"$out")" = '{"pattern":0,"matched":true} {"pattern":1,"matched":true} {"pattern":2,"matched":false} {"pattern":3,"error":"position 4: expected '"'"':'"'"' after the object type '"'"'bad'"'"', found the end of the pattern"} '
out_ref=$("$concord" pattern eval --engine reference --patterns "$tmp/patterns.txt" --observed "$tmp/observed.json")
check "compiled and reference engines agree" test "$out" = "$out_ref"

# Plain feeds: a Zeek intel file is recognised by its #fields line; ids are deterministic and the
# feed time is the file's modification time, so importing it again stores nothing new.
intel=$src/testdata/feeds/intel-sample.intel
code=$(status_of "$concord" --no-progress import "$intel")
check "zeek intel with bad lines exits 1" test "$code" = 1
check "zeek intel counts" contains "$(cat "$tmp/out")" "16 added, 0 already stored, 6 invalid"
check "zeek intel bad line located" contains "$(cat "$tmp/err")" "intel-sample.intel:20: error: Intel::ADDR"
check "zeek intel scheme-less URL warned" contains "$(cat "$tmp/err")" "intel-sample.intel:8: warning:"
"$concord" --no-progress import "$intel" >"$tmp/out" 2>&1
check "zeek intel re-import stores nothing" contains "$(cat "$tmp/out")" "0 added, 16 already stored"
code=$(status_of "$concord" --no-progress import --format list --source-name e2e-list --tlp green \
  "$src/testdata/feeds/list.txt")
check "list with a bad line exits 1" test "$code" = 1
check "list bad line number given" contains "$(cat "$tmp/err")" "list.txt:9: error: 'what is this'"
check "list counts" contains "$(cat "$tmp/out")" "7 added, 0 already stored, 1 invalid"
"$concord" export --marking marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb --out "$tmp/green.json"
check "feed --tlp marking exported" test "$(grep -o '"name":"e2e-list: ' "$tmp/green.json" | wc -l)" = 7
code=$(status_of "$concord" --no-progress import --format csv --csv-column 2 "$src/testdata/feeds/indicators.csv")
check "csv feed counts" contains "$(cat "$tmp/out")" "4 added, 0 already stored, 2 invalid"
check "bad --tlp exits 2" test "$(status_of "$concord" import --tlp purple "$intel")" = 2


# Detection: a node with the crew's indicators and a feed whose 10.0.0.1 is on the built-in
# warning list; the same five events as Zeek and as Suricata log them (testdata/scan/README.md).
scan_home=$tmp/scan-node
scan() { "$concord" --data-dir "$scan_home" --no-progress "$@"; }
check "scan without a store exits 2" test "$(status_of scan scan "$src/testdata/scan/eve.json")" = 2
scan import "$crew" >/dev/null 2>&1
printf '10.0.0.1\n*.viper-c2.example\n' >"$tmp/feed.txt"
scan import --format list "$tmp/feed.txt" >"$tmp/out" 2>"$tmp/err"
check "import flags a warning-list hit" contains "$(cat "$tmp/err")" "'10.0.0.1' is on warning list 'reserved-ranges'"
check "import counts it" contains "$(cat "$tmp/out")" "1 indicators on warning lists"
for log in sensor.json eve.json; do
  code=$(status_of scan scan --no-sightings "$src/testdata/scan/$log")
  check "$log: a skipped line makes exit 1" test "$code" = 1
  check "$log: four alerts" test "$(wc -l <"$tmp/out")" = 4
  check "$log: C2 server" contains "$(sed -n 1p "$tmp/out")" '"id":"indicator--4a1c0000-0000-4000-8000-00000000000b"'
  check "$log: beacon on 8443" contains "$(sed -n 2p "$tmp/out")" '"path":"network-traffic:dst_port","op":"=","constant":"8443","observed":\["8443"\]'
  check "$log: C2 domain, normalised" contains "$(sed -n 3p "$tmp/out")" '"observed":\["update-viperlock.example"\]'
  check "$log: encryptor hash" contains "$(sed -n 4p "$tmp/out")" 'ViperLock encryptor'
  check "$log: line numbers" contains "$(sed -n 4p "$tmp/out")" '"line":5'
  check "$log: private address left out" test "$(grep -c '10.0.0.1' "$tmp/out")" = 0
  check "$log: skip reason located" contains "$(cat "$tmp/err")" "$log:4: not complete JSON"
  cp "$tmp/out" "$tmp/one-thread"
  scan scan --no-sightings --threads 2 "$src/testdata/scan/$log" >"$tmp/out" 2>/dev/null
  check "$log: two threads, same alerts" cmp -s "$tmp/out" "$tmp/one-thread"
done
scan scan --no-sightings --include-warned "$src/testdata/scan/sensor.json" >"$tmp/out" 2>/dev/null
check "--include-warned matches the private address" test "$(grep -c '"line":3' "$tmp/out")" = 1
scan scan --no-sightings --since 2024-03-01T10:00:01Z --until 2024-03-01T10:01:00Z \
  "$src/testdata/scan/eve.json" >"$tmp/out" 2>"$tmp/err"
check "--since/--until keep one alert" test "$(wc -l <"$tmp/out")" = 1
check "--since/--until counted" contains "$(cat "$tmp/err")" "2 outside the time range"
gzip -c "$src/testdata/scan/eve.json" >"$tmp/eve.json.gz"
scan scan --no-sightings - <"$tmp/eve.json.gz" >"$tmp/out" 2>/dev/null
check "gzip on stdin" test "$(wc -l <"$tmp/out")" = 4
scan scan --no-sightings --format zeek-tsv "$src/testdata/scan/eve.json" >"$tmp/out" 2>"$tmp/err"
check "a forced wrong format skips every line" contains "$(cat "$tmp/err")" "0 alerts, 5 skipped"
scan --json scan -o "$tmp/alerts.jsonl" --node-name uk-node "$src/testdata/scan/sensor.json" \
  "$src/testdata/scan/eve.json" >"$tmp/out" 2>"$tmp/err"
check "--out gets the alerts" test "$(wc -l <"$tmp/alerts.jsonl")" = 8
check "--json summary" contains "$(cat "$tmp/err")" '"events":10,"matched":8,"skipped":2'
scan export --type sighting >"$tmp/sightings.json"
check "one sighting per indicator seen" test "$(grep -o '"description":"concord scan of' "$tmp/sightings.json" | wc -l)" = 4
check "sighting counts both files" contains "$(cat "$tmp/sightings.json")" '"sighting_of_ref":"indicator--4a1c0000-0000-4000-8000-00000000000b","count":2'
check "sighted by this node" contains "$(cat "$tmp/sightings.json")" '"where_sighted_refs":\["identity--'
scan export --type identity >"$tmp/identity.json"
check "node identity stored" contains "$(cat "$tmp/identity.json")" '"name":"uk-node"'
# --follow: alerts appear as lines are appended; Ctrl-C (SIGINT) ends the scan cleanly.
: >"$tmp/growing.json"
# (the binary itself in the background, not the scan() function, so that $! is its pid)
"$concord" --data-dir "$scan_home" --no-progress scan --follow --no-sightings \
  -o "$tmp/followed.jsonl" "$tmp/growing.json" 2>"$tmp/follow.err" &
follower=$!
sleep 0.5
head -n 2 "$src/testdata/scan/sensor.json" >>"$tmp/growing.json"
for _ in $(seq 50); do test "$(wc -l <"$tmp/followed.jsonl" 2>/dev/null)" = 3 && break; sleep 0.1; done
check "--follow alerts on appended lines" test "$(wc -l <"$tmp/followed.jsonl")" = 3
kill -INT "$follower"
wait "$follower"
check "--follow ends cleanly on SIGINT" test $? = 0
check "--follow summary" contains "$(cat "$tmp/follow.err")" "2 events in 1 files"
scan warninglist add "$src/testdata/warninglists/google-dns-cidr.json" >/dev/null
check "warning list kept" contains "$(scan warninglist list)" "google-dns-cidr"
check "bad warning list refused" test "$(status_of scan warninglist add "$src/testdata/warninglists/bad-cidr.txt")" = 1
check "bad warning list located" contains "$(cat "$tmp/err")" "line 4"

# Usage errors exit 2.
check "unknown command exits 2" test "$(status_of "$concord" frobnicate)" = 2

finish
