//go:build reliability

package integration

import (
	"testing"
	"time"
)

// Long forms of the reliability tests, for `make reliability` (go test -tags reliability).

// TestChurnLong creates and deletes 30,000 pods in waves of 3,000 while the receiver snapshots
// every 250ms, with the checks of TestChurn.
func TestChurnLong(t *testing.T) {
	runChurn(t, churnSize{total: 30_000, wave: 3_000, workers: 32, interval: 250 * time.Millisecond})
}

// TestAPIServerRestartsLong restarts kube-apiserver three times under a receiver watching 3,000
// pods, deleting a third of them in etcd behind its back each time.
func TestAPIServerRestartsLong(t *testing.T) {
	apiserverRestarts(t, 3_000, 3)
}
