package engine

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// A standby engine (leader election's follower) keeps its informers synced and exports nothing;
// SetExporting(true) exports at once; SetExporting(false) cancels the cycle in flight, which then
// hands no further batch on and reports no failure.
func TestStandbyAndSetExporting(t *testing.T) {
	batches := make(chan context.Context, 100)
	release := make(chan struct{})
	next := consumerFunc(func(ctx context.Context, _ pmetric.Metrics) error {
		batches <- ctx
		select {
		case <-release:
		case <-ctx.Done():
		}
		return ctx.Err()
	})
	h := newHarness(t, 30, 1, Config{Standby: true, CycleOnSync: true, MaxDataPointsPerBatch: 10, ExportTimeout: time.Minute}, next)
	defer close(release)
	if h.eng.Tick() || h.eng.Exporting() {
		t.Fatal("a standby engine started a cycle")
	}
	select {
	case <-batches:
		t.Fatal("a standby engine handed a batch on")
	default:
	}
	if n := h.eng.Objects()["configmaps"]; n != 30 {
		t.Fatalf("standby informers hold %d objects, want 30 (a hot standby)", n)
	}

	h.eng.SetExporting(true) // becomes leader: a cycle starts at once
	var first context.Context
	select {
	case first = <-batches:
	case <-time.After(30 * time.Second):
		t.Fatal("SetExporting(true) started no cycle")
	}
	h.eng.SetExporting(false) // leadership lost with the first of 3 batches in flight
	select {
	case <-first.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the batch in flight was not cancelled when exporting stopped")
	}
	s := h.cycle()
	if !s.Withheld || len(s.Errors) != 0 || s.Batches != 1 {
		t.Fatalf("cycle cut by SetExporting(false): withheld=%v errors=%v batches=%d; want withheld, no errors, no batch after the first", s.Withheld, s.Errors, s.Batches)
	}
	if h.eng.Tick() {
		t.Fatal("a tick after SetExporting(false) started a cycle")
	}
}

// With ResendInterval, engine cycles send only what changed plus the heartbeats due; the first
// cycle after exporting is turned on (a new leader) sends every record, since a consumer may have
// dropped what this engine sent before it stopped.
func TestResendIntervalAndNewLeaderSendsAll(t *testing.T) {
	next := consumerFunc(func(context.Context, pmetric.Metrics) error { return nil })
	h := newHarness(t, 40, 2, Config{ResendInterval: 4 * time.Hour, MaxDataPointsPerBatch: 10}, next) // every 4 cycles
	run := func() CycleStats {
		t.Helper()
		if !h.eng.Tick() {
			t.Fatal("tick started no cycle")
		}
		return h.cycle()
	}
	if s := run(); s.Unchanged != 0 || s.Points != 80 {
		t.Fatalf("first cycle: %d points sent, %d unchanged; want all 80 sent", s.Points, s.Unchanged)
	}
	s := run()
	if s.Unchanged == 0 || s.Points+s.Unchanged != 80 || s.Points > 40 {
		t.Fatalf("second cycle: %d points sent, %d unchanged; want about a quarter sent (heartbeats)", s.Points, s.Unchanged)
	}
	h.eng.SetExporting(false)
	h.eng.SetExporting(true) // starts a cycle at once
	if s := h.cycle(); s.Unchanged != 0 || s.Points != 80 {
		t.Fatalf("first cycle after SetExporting(true): %d points sent, %d unchanged; want all 80 sent", s.Points, s.Unchanged)
	}
}
