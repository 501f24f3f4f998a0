#!/usr/bin/env bash
# End-to-end test of sharing between two nodes with the `concord` binary, as docs/taxii.md tells
# operators to do it: the UK node serves TAXII 2.1 over HTTPS (a self-signed pair made with
# openssl), the US node pulls and pushes with its token. Usage: taxii_end_to_end_test.sh
# CONCORD_BINARY SOURCE_DIR
set -uo pipefail
concord=$1
src=$2
tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$src/src/concord/cli/end_to_end_lib.sh"
uk() { "$concord" --data-dir "$tmp/uk" --no-progress "$@"; }
us() { "$concord" --data-dir "$tmp/us" --no-progress "$@"; }

# The UK node: a shared collection (the crew, two objects of it TLP:RED), an inbox, a partner,
# and the agreement with it (docs/agreements.md), which serve applies (partner, grants).
uk collection create shared --title "Shared with the US" >/dev/null
uk collection create inbox >/dev/null
uk import --collection shared "$src/examples/ransomware-crew.json" >/dev/null
cat >"$tmp/uk/agreements.toml" <<'EOF'
[node]
name = "uk-node"
identity = "identity--4a1c0000-0000-4000-8000-000000000001"
unmarked = "clear"

[[partner]]
name = "us-node"
identity = "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283"
max_tlp = "amber"
types = ["*"]
read = ["shared"]
write = ["inbox"]
EOF
check "agreements check" contains "$(uk agreements check)" "us-node: receives up to TLP:amber"
check "release for us-node: RED withheld" \
  contains "$(uk export --for us-node 2>&1 >/dev/null)" "withheld by the agreement"
uk partner add us-node --identity identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283 >/dev/null
uk token issue us-node >"$tmp/token" 2>"$tmp/issue.err"
check "token shown once" contains "$(cat "$tmp/token")" "^cct_[0-9a-f]\{16\}_"
check "token id told" contains "$(cat "$tmp/issue.err")" "stored only as a hash"
check "unknown partner has no token" test "$(status_of uk token issue nobody)" = 1
check "bad partner name refused" test "$(status_of uk partner add 'bad name')" = 1
check "reserved api root refused" test "$(status_of uk api-root create taxii2)" = 1

mkdir -p "$tmp/uk/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$tmp/uk/tls/server.key" -out "$tmp/uk/tls/server.pem" 2>/dev/null
# A partner authenticated by a client certificate: mapped by its SHA-256, as openssl prints it.
uk partner add cert-node --cert "$tmp/uk/tls/server.pem" >/dev/null
fingerprint=$(openssl x509 -in "$tmp/uk/tls/server.pem" -noout -fingerprint -sha256 |
  cut -d= -f2 | tr -d : | tr 'A-F' 'a-f')
check "certificate fingerprint recorded" contains "$(uk partner list)" "cert $fingerprint"
check "not a certificate refused" test "$(status_of uk partner add key-node --cert "$tmp/uk/tls/server.key")" = 1
check "plain http refused off loopback" \
  test "$(status_of uk serve --plain-http --listen 0.0.0.0:0)" = 2
# Started directly (not through the uk function) so that $! is the server itself.
"$concord" --data-dir "$tmp/uk" --json serve --listen 127.0.0.1:0 >"$tmp/serve.out" \
  2>"$tmp/serve.err" &
server=$!
for _ in $(seq 100); do grep -q url "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'https://[^"]*' "$tmp/serve.out")
url=${url/127.0.0.1/localhost}
check "server started" test -n "$url"
check "serve applied the agreements" contains "$(uk grant --list)" "us-node"
ca=(--ca-file "$tmp/uk/tls/server.pem")
export CONCORD_TAXII_TOKEN
CONCORD_TAXII_TOKEN=$(cat "$tmp/token")

# The US node looks around.
check "discover" contains "$(us taxii discover "$url" "${ca[@]}")" "$url/api/  (default)"
check "untrusted server refused, not retried" test "$(status_of us taxii discover "$url")" = 1
check "untrusted server named" contains "$(cat "$tmp/err")" "not trusted"
check "no retries for a trust failure" test "$(grep -c retry "$tmp/err")" = 0
collections=$(us --json taxii collections "$url" "${ca[@]}")
shared=$(grep -o '"id":"[^"]*","title":"Shared' <<<"$collections" | cut -d'"' -f4)
inbox=$(grep -o '"id":"[^"]*","title":"inbox' <<<"$collections" | cut -d'"' -f4)
check "sees shared and inbox" test -n "$shared" -a -n "$inbox"

# Pull: the latest version of every object but the TLP:RED ones (34 versions of 33 objects, two
# of them TLP:RED), with provenance; a second pull resumes (nothing new).
code=$(status_of us taxii pull "$url" "${ca[@]}" --collection "$shared" --into from-uk --limit 5 \
  --partner uk-node)
check "pull exits 0" test "$code" = 0
check "pull counts" contains "$(cat "$tmp/out")" "pulled 31 object(s) in 7 page(s)"
check "TLP:RED stayed home" test "$(us export --collection from-uk | grep -c '4a1c0000-0000-4000-8000-000000000011')" = 0
check "provenance recorded" contains "$(us stats)" "partner:uk-node"
us taxii pull "$url" "${ca[@]}" --collection "$shared" --into from-uk >"$tmp/out" 2>"$tmp/err"
check "second pull resumes" contains "$(cat "$tmp/err")" "continuing after"
check "second pull finds nothing new" contains "$(cat "$tmp/out")" "pulled 0 object(s)"

# Push into the inbox (write-only for us-node), as the US node's agreement with the UK allows,
# then check it arrived on the UK node.
cat >"$tmp/us/agreements.toml" <<'EOF'
[node]
name = "us-node"
identity = "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283"
unmarked = "green"

[[partner]]
name = "uk-node"
identity = "identity--4a1c0000-0000-4000-8000-000000000001"
max_tlp = "amber"
types = ["indicator", "malware", "relationship"]
EOF
us import --collection mine "$src/examples/legacy-stix20.json" >/dev/null 2>&1
check "push needs --for" test "$(status_of us taxii push "$url" "${ca[@]}" --collection "$inbox")" = 2
code=$(status_of us taxii push "$url" "${ca[@]}" --collection "$inbox" --from mine --for uk-node)
check "push exits 0" test "$code" = 0
check "push accepted" contains "$(cat "$tmp/out")" "accepted, 0 refused"
check "pushed objects on the UK node" test "$(uk export --collection inbox | grep -c '"id"')" -gt 0
check "pushed objects from the partner" contains "$(uk stats)" "partner:us-node"
check "reading a write-only collection is refused" \
  test "$(status_of us taxii pull "$url" "${ca[@]}" --collection "$inbox" --restart)" = 1
check "refusal says 403" contains "$(cat "$tmp/err")" "HTTP 403"

# The access log says who did what.
check "access log names the partner" contains "$(cat "$tmp/serve.err")" " us-node POST "

# Revoked: refused at once. Rotated: the new token works.
token_id=$(cut -d_ -f2 "$tmp/token")
uk token revoke "$token_id" >/dev/null
check "revoked token refused" test "$(status_of us taxii collections "$url" "${ca[@]}")" = 1
check "revoked token: 401" contains "$(cat "$tmp/err")" "HTTP 401"
uk token rotate us-node >"$tmp/token2" 2>/dev/null
CONCORD_TAXII_TOKEN=$(cat "$tmp/token2")
check "rotated token works" test "$(status_of us taxii collections "$url" "${ca[@]}")" = 0
check "token list shows both" test "$(uk token list us-node | wc -l)" = 2

# Agreements are reloaded without a restart: a bad file is refused with its line and the
# agreements in force stay; a good one takes effect (here: the US may no longer read "shared").
wait_for_log() {
  for _ in $(seq 100); do grep -q "$1" "$tmp/serve.err" && return 0; sleep 0.1; done
  return 1
}
cp "$tmp/uk/agreements.toml" "$tmp/agreements.good"
sed -i 's/max_tlp = "amber"/max_tlp = "red"/' "$tmp/uk/agreements.toml"
check "bad agreements refused with the line" wait_for_log "agreements.toml:9: .*TLP:RED never leaves"
check "agreements in force kept" contains "$(cat "$tmp/serve.err")" "stay in force"
check "still readable after a bad reload" \
  test "$(status_of us taxii pull "$url" "${ca[@]}" --collection "$shared" --into from-uk)" = 0
sed 's/read = \["shared"\]/read = []/' "$tmp/agreements.good" >"$tmp/uk/agreements.toml"
check "good agreements reloaded" wait_for_log "agreements reloaded"
check "reload took the right away" \
  test "$(status_of us taxii pull "$url" "${ca[@]}" --collection "$shared" --into from-uk)" = 1
check "refusal is 404 now" contains "$(cat "$tmp/err")" "HTTP 404"

# SIGTERM: the server finishes and exits 0.
kill -TERM "$server"
wait "$server"
code=$?
server=""
check "serve exits 0 on SIGTERM" test "$code" = 0
check "serve says it stopped" contains "$(cat "$tmp/serve.err")" "stopped"

finish
