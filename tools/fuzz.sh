#!/usr/bin/env bash
# fuzz.sh FUZZTIME PKG:FuzzTarget...: runs each Go fuzz target for FUZZTIME (e.g. 10s, 5m, 20000x).
#
# A target fails when it finds something: go test fails and writes the failing input to
# PKG/testdata/fuzz/FuzzTarget/ (commit it: it becomes a regression case that plain go test runs).
# Go 1.26's fuzz coordinator can also fail a target at the -fuzztime boundary with a bare
# "context deadline exceeded" and no input written, when a worker is busy as the deadline passes
# (go.dev/issue/75804, fixed in Go 1.27). That is not a finding: it is reported and ignored, after
# the target's seed and regression corpus has been re-run and passed.
#
# Hangs: Go's fuzzing has no per-input time limit, and a worker stuck on an input is killed at the
# end of -fuzztime without a word. So every target must start internal/watchdog in its fuzz
# function (checked here): an input running over watchdog.PerInput crashes the worker, and the
# fuzzer saves it and fails. Each go test run is also bounded (FUZZTIME plus FUZZ_SLACK, default
# 600 s for building and minimizing; FUZZ_LIMIT for an iteration count like 20000x): past it the
# target fails as hung.
set -u
fuzztime=$1; shift
go=${GO:-go}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
case $fuzztime in
  *[0-9]s) limit=${fuzztime%s} ;;
  *[0-9]m) limit=$(( ${fuzztime%m} * 60 )) ;;
  *[0-9]h) limit=$(( ${fuzztime%h} * 3600 )) ;;
  *) limit=${FUZZ_LIMIT:-1800} ;;
esac
case $fuzztime in *[smh]) limit=$(( limit + ${FUZZ_SLACK:-600} )) ;; esac
for target in "$@"; do
  pkg=${target%%:*}
  fn=${target##*:}
  dir=$pkg/testdata/fuzz/$fn
  body=$(awk -v fn="$fn" '$0 ~ "^func "fn"\\(" {on=1} on {print} on && /^}/ {exit}' "$pkg"/*_test.go)
  if [ -z "$body" ]; then
    echo "fuzz: no func $fn in ./$pkg"; exit 1
  fi
  if ! grep -q 'watchdog.Start(' <<<"$body"; then
    echo "fuzz: $fn (./$pkg) does not start internal/watchdog in its fuzz function: a hung input would pass unseen"; exit 1
  fi
  before=$(ls "$dir" 2>/dev/null | wc -l)
  echo ">> fuzz $fn (./$pkg) for $fuzztime"
  timeout -k 10 "$limit" $go test "./$pkg" -run='^$' -fuzz="^$fn\$" -fuzztime="$fuzztime" -fuzzminimizetime=10s >"$log" 2>&1
  rc=$?
  if [ "$rc" = 0 ]; then
    grep -E '^(ok|PASS)' "$log" | tail -1
    continue
  fi
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    tail -40 "$log"
    echo "fuzz: $fn did not finish within ${limit}s (fuzz time $fuzztime): hung"
    exit 1
  fi
  after=$(ls "$dir" 2>/dev/null | wc -l)
  if [ "$after" = "$before" ] && grep -q 'context deadline exceeded' "$log" && ! grep -q -E 'panic|Failing input|hung' "$log" &&
    $go test "./$pkg" -run="^$fn\$" -count=1 >/dev/null 2>&1; then
    echo "   $fn: Go fuzz coordinator deadline race at the end of -fuzztime (go.dev/issue/75804), no failing input; ignored"
    continue
  fi
  tail -40 "$log"
  echo "fuzz: $fn failed; the failing input (if any) is in $dir"
  exit 1
done
