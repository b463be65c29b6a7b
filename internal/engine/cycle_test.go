package engine

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/kubestate/kubestate/internal/testenv/points"
)

// fanout calls each consumer in turn with the same context, as the Collector's fanoutconsumer does
// for the exporters of one pipeline, and joins their errors.
type fanout []consumer.Metrics

func (f fanout) ConsumeMetrics(ctx context.Context, md pmetric.Metrics) error {
	var errs []error
	for _, c := range f {
		errs = append(errs, c.ConsumeMetrics(ctx, md))
	}
	return errors.Join(errs...)
}
func (fanout) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

// A queue-less exporter that hangs until its deadline, beside a healthy one: every batch of every
// cycle reaches the healthy one, and the hung one costs at most ExportTimeout per cycle.
func TestHungSiblingCostsEachBatchItsShareNeverBatches(t *testing.T) {
	const objects, points, perBatch = 20, 5, 7 // 100 points: 15 batches a cycle
	const timeout = 600 * time.Millisecond
	var hungCalls atomic.Int32
	hung := consumerFunc(func(ctx context.Context, _ pmetric.Metrics) error {
		hungCalls.Add(1)
		<-ctx.Done() // honours its context, never answers before it
		return ctx.Err()
	})
	var mu sync.Mutex
	got := 0 // points the healthy exporter received in the current cycle
	healthy := consumerFunc(func(_ context.Context, md pmetric.Metrics) error {
		mu.Lock()
		got += md.DataPointCount()
		mu.Unlock()
		return nil
	})
	h := newHarness(t, objects, points, Config{ExportTimeout: timeout, MaxDataPointsPerBatch: perBatch}, fanout{hung, healthy})
	for c := range 3 {
		mu.Lock()
		got = 0
		mu.Unlock()
		if !h.eng.Tick() {
			t.Fatalf("cycle %d: tick skipped", c)
		}
		st := h.cycle()
		mu.Lock()
		n := got
		mu.Unlock()
		if n != objects*points {
			t.Errorf("cycle %d: the healthy exporter got %d of %d points (%d batches handed on, %d failed: %v)",
				c, n, objects*points, st.Batches, len(st.Errors), errors.Join(st.Errors...))
		}
		if st.Batches != 15 || len(st.Errors) != 15 {
			t.Errorf("cycle %d: %d batches, %d failed; want 15 handed on, each failed by the hung exporter", c, st.Batches, len(st.Errors))
		}
		t.Logf("cycle %d: %d batches, %s in the consumers, %s in all", c, st.Batches, st.ExportDuration.Round(time.Millisecond), st.Duration.Round(time.Millisecond))
		// Time inside the consumer: every batch's deadline is within the cycle's (the margin is
		// for waking up from each of the 15 deadlines on a busy machine).
		if st.ExportDuration > timeout+300*time.Millisecond {
			t.Errorf("cycle %d spent %s in the consumer; a hung sibling may cost at most export_timeout (%s)", c, st.ExportDuration, timeout)
		}
	}
	if n := hungCalls.Load(); n != 45 {
		t.Errorf("the hung exporter was called %d times over 3 cycles, want every batch (45)", n)
	}
}

// A cycle can make more batches than the stores' points announce (stale points of deleted objects
// come on top): the batches beyond the estimate still get a share of the time left, and a hung
// consumer still sees every one of them.
func TestFairShareCoversBatchesBeyondTheEstimate(t *testing.T) {
	var hang atomic.Bool
	var calls atomic.Int32
	next := consumerFunc(func(ctx context.Context, _ pmetric.Metrics) error {
		if !hang.Load() {
			return nil
		}
		calls.Add(1)
		<-ctx.Done()
		return ctx.Err()
	})
	h := newHarness(t, 10, 2, Config{ExportTimeout: 2 * time.Second, MaxDataPointsPerBatch: 4}, next)
	h.eng.Tick()
	if st := h.cycle(); st.Sent != 20 {
		t.Fatalf("first cycle sent %d of 20 points", st.Sent)
	}
	// Replace every object: the next cycle has 20 live points (5 batches counted) and 20 stale ones.
	for i := range 10 {
		h.src.watcher.Delete(configMap(i, 0))
		h.src.watcher.Add(configMap(100+i, 0))
	}
	waitFor(t, "the objects replaced", func() bool {
		seen := map[string]map[float64]bool{}
		h.eng.Snapshot(context.Background(), func(md pmetric.Metrics) error { objectValues(md, seen); return nil })
		return len(seen) == 10 && seen["cm-109"] != nil
	})
	hang.Store(true)
	h.eng.Tick()
	st := h.cycle()
	if st.Stale != 20 || st.Batches != 10 || int(calls.Load()) != st.Batches {
		t.Fatalf("%d stale points, %d batches built, %d handed on; want 20 stale, 10 batches, every one handed on", st.Stale, st.Batches, calls.Load())
	}
	for i, err := range st.Errors {
		if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "batch dropped") {
			t.Fatalf("batch %d: %v; want it handed on and cut at its share", i, err)
		}
	}
}

// A consumer that ignores its context holds the cycle past ExportTimeout: once StuckAfter has
// passed the engine says so (Hooks.Stuck, StuckFor), later ticks are skipped without adding a
// goroutine or a batch, and when the consumer returns, the rest of the old cycle is dropped and the
// next cycle is a fresh snapshot.
func TestStuckConsumerIsReportedAndTheNextCycleIsFresh(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	var mu sync.Mutex
	seen := map[string]map[float64]bool{}
	var stamps []time.Time
	stuckHook := make(chan time.Duration, 4)
	next := consumerFunc(func(_ context.Context, md pmetric.Metrics) error {
		if calls.Add(1) == 1 {
			blockUntil(release) // ignores its context
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		objectValues(md, seen)
		points.Each(md, func(_ pmetric.Metric, dp pmetric.NumberDataPoint) bool {
			stamps = append(stamps, dp.Timestamp().AsTime())
			return false
		})
		return nil
	})
	src := newFakeSource(10, 3)
	eng := New(Options{
		Sources: []Source{src},
		Config:  Config{CollectionInterval: time.Hour, ExportTimeout: 100 * time.Millisecond, StuckAfter: 200 * time.Millisecond, MaxDataPointsPerBatch: 4},
		Next:    next,
		Hooks:   Hooks{Stuck: func(d time.Duration) { stuckHook <- d }},
		Logger:  zap.NewNop(),
		Scope:   "test",
		Version: "v0",
	})
	cycles := make(chan CycleStats, 4)
	eng.hooks.CycleDone = func(s CycleStats) { cycles <- s }
	startSynced(t, eng)
	if d := eng.StuckFor(); d != 0 {
		t.Fatalf("StuckFor = %s before any cycle", d)
	}
	eng.Tick()
	var overdue time.Duration
	select {
	case overdue = <-stuckHook:
	case <-time.After(10 * time.Second):
		t.Fatal("no Stuck report while the consumer ignored its context")
	}
	if overdue < 200*time.Millisecond || eng.StuckFor() < overdue {
		t.Fatalf("Stuck(%s), StuckFor %s; want at least StuckAfter (200ms), growing", overdue, eng.StuckFor())
	}
	before := runtime.NumGoroutine()
	for range 20 {
		if eng.Tick() {
			t.Fatal("a tick started a cycle while one was stuck")
		}
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("goroutines grew from %d to %d over 20 skipped ticks", before, after)
	}
	select {
	case d := <-stuckHook:
		t.Fatalf("a second Stuck report (%s) for the same cycle", d)
	default:
	}
	// State moves on while the cycle is stuck.
	src.watcher.Modify(configMap(3, 42))
	waitFor(t, "the update applied", func() bool {
		v := false
		eng.Snapshot(context.Background(), func(md pmetric.Metrics) error {
			seen := map[string]map[float64]bool{}
			objectValues(md, seen)
			v = v || seen["cm-3"][42]
			return nil
		})
		return v
	})
	released := time.Now()
	close(release)
	var st CycleStats
	select {
	case st = <-cycles:
	case <-time.After(10 * time.Second):
		t.Fatal("the stuck cycle did not end after its consumer returned")
	}
	if n := calls.Load(); n != 1 || st.Sent != 4 || len(st.Errors) == 0 {
		t.Fatalf("the stuck cycle made %d calls, sent %d points, %d errors; want its first batch only, the rest dropped", n, st.Sent, len(st.Errors))
	}
	if d := eng.StuckFor(); d != 0 {
		t.Fatalf("StuckFor = %s after the cycle ended", d)
	}
	if !eng.Tick() {
		t.Fatal("the tick after the consumer returned was skipped")
	}
	select {
	case st = <-cycles:
	case <-time.After(10 * time.Second):
		t.Fatal("no cycle after the consumer returned")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(st.Errors) > 0 || st.Sent != 30 || !seen["cm-3"][42] || seen["cm-3"][0] {
		t.Fatalf("the cycle after the consumer returned: sent %d of 30, errors %v, cm-3 values %v; want all of it, fresh", st.Sent, st.Errors, seen["cm-3"])
	}
	for _, ts := range stamps {
		if ts.Before(released.Add(-time.Millisecond)) {
			t.Fatalf("a point stamped %s, before the consumer returned (%s): not a fresh cycle", ts, released)
		}
	}
}

// Shutdown stays bounded while a consumer ignores its context: it returns when its context ends,
// saying why, and the engine's goroutines end once the consumer returns.
func TestShutdownBoundedWhileConsumerIgnoresContext(t *testing.T) {
	release, entered := make(chan struct{}), make(chan struct{})
	src := newFakeSource(5, 2)
	eng := New(Options{
		Sources: []Source{src},
		Config:  Config{CollectionInterval: time.Hour, ExportTimeout: 50 * time.Millisecond, StuckAfter: 50 * time.Millisecond, MaxDataPointsPerBatch: 10},
		Next: consumerFunc(func(context.Context, pmetric.Metrics) error {
			close(entered)
			blockUntil(release)
			return nil
		}),
		Hooks:   Hooks{Stuck: func(time.Duration) {}},
		Logger:  zap.NewNop(),
		Scope:   "test",
		Version: "v0",
	})
	if err := eng.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	eng.WaitForSync(ctx)
	eng.Tick()
	await(t, entered, "the export")
	short, cancelShort := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancelShort()
	start := time.Now()
	err := eng.Shutdown(short)
	if d := time.Since(start); err == nil || d > 2*time.Second {
		t.Fatalf("Shutdown with a consumer ignoring its context: %v after %s; want an error at its deadline", err, d)
	}
	close(release)
	if err := eng.Shutdown(ctx); err != nil {
		t.Fatalf("second Shutdown after the consumer returned: %v", err)
	}
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

// Telemetry may read the engine at any time, also while Start is still setting up (-race).
func TestReadersDuringStart(t *testing.T) {
	var sources []Source
	for range 30 {
		sources = append(sources, newFakeSource(2, 1))
	}
	eng := New(Options{
		Sources: sources,
		Config:  Config{CollectionInterval: time.Hour, ExportTimeout: time.Minute, MaxDataPointsPerBatch: 100},
		Next:    consumerFunc(func(context.Context, pmetric.Metrics) error { return nil }),
		Hooks:   Hooks{},
		Logger:  zap.NewNop(),
		Scope:   "test",
		Version: "v0",
	})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	reads := 0
	go func() {
		defer wg.Done()
		for {
			_, _, _, _ = eng.Objects(), eng.Synced(), eng.HasSynced(), eng.ReadErr()
			reads++
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	if err := eng.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if !eng.WaitForSync(ctx) {
		t.Fatal("no sync")
	}
	close(stop)
	wg.Wait()
	if err := eng.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if n := eng.Objects()["configmaps"]; n != 60 || reads == 0 {
		t.Fatalf("objects = %d after sync, reads %d; want 60", n, reads)
	}
}

// A cycle whose deadline passes between two batches (the consumer took the last one whole) is
// cut all the same: it must say so, or a consumer sees a prefix of the snapshot as a whole cycle.
func TestCycleCutBetweenBatchesIsAFailure(t *testing.T) {
	const timeout = 200 * time.Millisecond
	var calls atomic.Int32
	slow := consumerFunc(func(context.Context, pmetric.Metrics) error {
		if calls.Add(1) == 1 {
			time.Sleep(timeout + 50*time.Millisecond) // a slow consumer that answers after the cycle's deadline
		}
		return nil
	})
	// Records of 2 points in batches of 2: every batch ends at a record's end.
	h := newHarness(t, 5, 2, Config{ExportTimeout: timeout, MaxDataPointsPerBatch: 2}, slow)
	h.eng.Tick()
	st := h.cycle()
	if st.Sent != 2 || calls.Load() != 1 {
		t.Fatalf("sent %d points in %d calls; want the first batch only", st.Sent, calls.Load())
	}
	if len(st.Errors) == 0 || !errors.Is(st.Errors[0], context.DeadlineExceeded) {
		t.Fatalf("a cycle that exported 2 of 10 points reports errors %v; want the cut", st.Errors)
	}
}
