#!/usr/bin/env bash
# with-progress.sh LABEL CMD...: runs CMD, printing a line every 30s so long builds never look hung.
set -u
label=$1; shift
start=$SECONDS
"$@" &
pid=$!
trap 'kill $pid 2>/dev/null' INT TERM
while kill -0 $pid 2>/dev/null; do
  for _ in $(seq 30); do sleep 1; kill -0 $pid 2>/dev/null || break; done
  kill -0 $pid 2>/dev/null && echo "   ... $label: $((SECONDS - start))s"
done
wait $pid
rc=$?
[ $rc -eq 0 ] && echo ">> $label: done in $((SECONDS - start))s"
exit $rc
