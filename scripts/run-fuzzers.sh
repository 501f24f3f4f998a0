#!/usr/bin/env bash
# Runs every fuzz target that `make fuzz` built in BUILD_DIR (its corpora prepared there), JOBS
# at a time: each libFuzzer run is single-threaded, so one per core takes the wall time of the
# longest batch instead of the sum. Each run gets the libFuzzer flags in $FUZZ_FLAGS and its
# corpus directories; its output goes to BUILD_DIR/<target>.log, printed once all have finished,
# in the order below. Fails when any target fails (a crash, a leak, a timeout, out of memory).
#
#   FUZZ_FLAGS='-max_total_time=60 ...' scripts/run-fuzzers.sh BUILD_DIR JOBS
set -euo pipefail
dir=$1
jobs=$2
targets=(
  "stix_reader_fuzz $dir/corpus/stix testdata/stix/valid testdata/stix/invalid"
  "pattern_parser_fuzz $dir/corpus/pattern"
  "ingest_fuzz $dir/corpus/ingest"
  "warning_list_fuzz $dir/corpus/warninglists testdata/warninglists"
  "taxii_query_fuzz $dir/corpus/taxii"
  "taxii_request_fuzz $dir/corpus/requests"
  "policy_fuzz $dir/corpus/policy"
)

# One target: its log, and its exit status in a file (a job already reaped by `wait -n` leaves
# no status for a later `wait`).
run() {
  local name=$1
  shift
  local rc=0
  # shellcheck disable=SC2086  # the flags are words
  "$dir/fuzz/$name" ${FUZZ_FLAGS:-} "$@" >"$dir/$name.log" 2>&1 || rc=$?
  echo "$rc" >"$dir/$name.rc"
}

for target in "${targets[@]}"; do
  read -r -a words <<<"$target"
  rm -f "$dir/${words[0]}.rc"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run "${words[@]}" &
done
wait

failed=0
for target in "${targets[@]}"; do
  name=${target%% *}
  echo "==== $name"
  cat "$dir/$name.log"
  rc=$(cat "$dir/$name.rc" 2>/dev/null || echo "no status")
  if [ "$rc" != 0 ]; then
    echo "==== $name FAILED ($rc)"
    failed=1
  fi
done
exit "$failed"
