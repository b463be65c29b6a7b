package engine

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/goleak"

	"github.com/kubestate/kubestate/internal/testenv/points"
)

// namedSource is a fakeSource under another name and family, as a custom resource would be.
type namedSource struct {
	*fakeSource
	name string
}

func (s namedSource) Name() string { return s.name }
func (s namedSource) Families() []FamilyDesc {
	return []FamilyDesc{{Name: s.name + "_version", Help: "h", Type: Gauge}, {Name: s.name + "_total", Help: "c", Type: Counter}}
}

// recordingConsumer keeps, per cycle, each point's family name and whether it is stale.
type recordingConsumer struct {
	mu     sync.Mutex
	points map[string][2]int // family -> live, stale
}

func (c *recordingConsumer) take() map[string][2]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.points
	c.points = map[string][2]int{}
	return out
}

func (c *recordingConsumer) consume(_ context.Context, md pmetric.Metrics) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	points.Each(md, func(m pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		n := c.points[m.Name()]
		if dp.Flags().NoRecordedValue() {
			n[1]++
		} else {
			n[0]++
		}
		c.points[m.Name()] = n
		return true
	})
	return nil
}

// TestSourceAddedAndRemovedAtRuntime (invariant 9): a source added to a running engine is
// snapshotted once synced; removed, its goroutines are gone when RemoveSource returns, the next
// cycle ends each series it delivered with a stale point, and then nothing of it is left, neither
// in the snapshot nor in what the engine remembers of earlier cycles.
func TestSourceAddedAndRemovedAtRuntime(t *testing.T) {
	rc := &recordingConsumer{points: map[string][2]int{}}
	cfg := Config{CollectionInterval: time.Hour, ExportTimeout: time.Minute, MaxDataPointsPerBatch: 1000}
	cycles := make(chan CycleStats, 10)
	eng := New(Options{
		Sources: []Source{newFakeSource(2, 2)},
		Config:  cfg,
		Next:    consumerFunc(rc.consume),
		Hooks:   Hooks{CycleDone: func(s CycleStats) { cycles <- s }},
	})
	startSynced(t, eng)
	cycle := func() map[string][2]int {
		t.Helper()
		if !eng.Tick() {
			t.Fatal("tick refused")
		}
		if st := await(t, cycles, "a cycle"); len(st.Errors) > 0 {
			t.Fatalf("cycle errors: %v", st.Errors)
		}
		return rc.take()
	}
	before := goleak.IgnoreCurrent()

	extra := namedSource{newFakeSource(3, 2), "foos"}
	if err := eng.AddSource(extra); err != nil {
		t.Fatal(err)
	}
	if err := eng.AddSource(extra); err == nil {
		t.Error("a second source named foos was accepted")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if !eng.WaitForSync(ctx) {
		t.Fatal("added source did not sync")
	}
	got := cycle()
	if got["foos_version"] != [2]int{3, 0} || got["test_version"] != [2]int{2, 0} {
		t.Fatalf("after AddSource: %v, want 3 live foos_version and 2 test_version points", got)
	}

	if err := eng.RemoveSource(ctx, "foos"); err != nil {
		t.Fatal(err)
	}
	if err := goleak.Find(before); err != nil {
		t.Errorf("goroutines left by the removed source: %v", err)
	}
	if _, ok := eng.Synced()["foos"]; ok {
		t.Error("removed source still listed")
	}
	got = cycle()
	if got["foos_version"] != [2]int{0, 3} || got["foos_total"] != [2]int{0, 3} || got["test_version"] != [2]int{2, 0} {
		t.Fatalf("cycle after RemoveSource: %v, want 3 stale points per foos family and test's live", got)
	}
	if n := len(eng.last.srcs); n != 1 {
		t.Errorf("the engine still remembers %d stores, want 1 (the removed source's forgotten)", n)
	}
	got = cycle()
	if _, ok := got["foos_version"]; ok || got["test_version"] != [2]int{2, 0} {
		t.Fatalf("second cycle after RemoveSource: %v, want nothing of foos", got)
	}
	if err := eng.RemoveSource(ctx, "foos"); err == nil {
		t.Error("removing an absent source succeeded")
	}
}
