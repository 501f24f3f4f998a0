# Helpers shared by the end-to-end tests of the binary; sourced after $tmp (a scratch directory)
# is set. check NAME CONDITION... counts a check; finish prints the counts and fails if any did.
passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $name" >&2
  fi
}
contains() { grep -q -- "$2" <<<"$1"; }
# Runs a command with its output in $tmp/out and $tmp/err; prints its exit status.
status_of() { "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }
finish() {
  echo "$passed passed, $failed failed"
  test "$failed" = 0
}
