#!/usr/bin/env bash
# make run: the distribution on the local control plane seeded with the demo cluster, or on the
# cluster KUBECONFIG names (or the one this pod runs in), serving 127.0.0.1:8889/metrics.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/bin
started_cluster=no
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null || true
  if [ "$started_cluster" = yes ]; then "$BIN/devcluster" down -state .local; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${KUBECONFIG:-}" ]; then
  echo ">> using the cluster of KUBECONFIG=$KUBECONFIG (nothing is seeded)"
  export KUBESTATE_AUTH_TYPE=kubeConfig KUBESTATE_KUBECONFIG=$KUBECONFIG
elif [ -n "${KUBERNETES_SERVICE_HOST:-}" ]; then
  echo ">> running in a pod: using its service account (nothing is seeded)"
  export KUBESTATE_AUTH_TYPE=serviceAccount KUBESTATE_KUBECONFIG=
else
  if ! "$BIN/devcluster" up -bin "$BIN" -state .local | tee /dev/stderr | grep -q "already running"; then
    started_cluster=yes
  fi
  echo ">> seeding the demo cluster from testdata/fixtures"
  "$BIN/devcluster" seed -kubeconfig .local/kubeconfig -fixtures testdata/fixtures
  echo ">> starting the simulator (pods restart, a deployment scales, jobs run and finish)"
  "$BIN/devcluster" simulate -kubeconfig .local/kubeconfig -interval 10s &
  sim_pid=$!
  export KUBESTATE_AUTH_TYPE=kubeConfig KUBESTATE_KUBECONFIG=$PWD/.local/kubeconfig
  echo ">> try: bin/kubectl --kubeconfig .local/kubeconfig create namespace hello"
fi
echo ">> metrics at http://127.0.0.1:8889/metrics  (Ctrl-C to stop)"
_build/otelcol-kubestate --config testdata/demo/config.yaml &
col_pid=$!
trap 'kill -INT $col_pid 2>/dev/null; wait $col_pid 2>/dev/null; exit 130' INT TERM
wait $col_pid
