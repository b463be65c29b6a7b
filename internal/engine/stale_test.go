package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/testenv/points"
)

// staleSource has one gauge family keyed by "x", one counter, and a labels family with per-object
// keys; objects are identified by namespace and name.
type staleSource struct{}

func (staleSource) Name() string         { return "things" }
func (staleSource) Namespaced() bool     { return true }
func (staleSource) PrefixKeys() []string { return []string{"namespace", "thing"} }
func (staleSource) Families() []FamilyDesc {
	return []FamilyDesc{
		{Name: "thing_info", Type: Gauge, Keys: []string{"x"}},
		{Name: "thing_restarts_total", Type: Counter},
		{Name: "thing_labels", Type: Gauge},
	}
}
func (staleSource) ListWatch(Clients, string, string) cache.ListerWatcher { return nil }
func (staleSource) Example() kruntime.Object                              { return nil }
func (staleSource) Transform(obj any) (any, error)                        { return obj, nil }
func (staleSource) Record(any) *Record                                    { return nil }

// exported is one point as a consumer sees it, in the order it was handed on.
type exported struct {
	series string // name{k=v,...}, keys sorted
	value  float64
	stale  bool
	ts     pcommon.Timestamp
}

func collectWith(t *testing.T, st *Store, last *lastExported) ([]exported, SnapshotStats) {
	t.Helper()
	return collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 3, Now: 2, Start: 1, Last: last}, nil)
}

// collectOpts runs one snapshot of st and returns the points of the batches consume accepted (nil:
// all), in order.
func collectOpts(ctx context.Context, st *Store, o batchOptions, consume func(batch int) error) ([]exported, SnapshotStats) {
	var out []exported
	batch := 0
	stats := collect(ctx, []Collection{{Source: staleSource{}, Stores: []*Store{st}}}, o, func(md pmetric.Metrics) error {
		batch++
		if consume != nil {
			if err := consume(batch); err != nil {
				return err
			}
		}
		points.Each(md, func(m pmetric.Metric, dp pmetric.NumberDataPoint) bool {
			var kv []string
			dp.Attributes().Range(func(k string, v pcommon.Value) bool {
				kv = append(kv, k+"="+v.Str())
				return true
			})
			slices.Sort(kv)
			out = append(out, exported{m.Name() + "{" + strings.Join(kv, ",") + "}", dp.DoubleValue(), dp.Flags().NoRecordedValue(), dp.Timestamp()})
			return true
		})
		return nil
	})
	return out, stats
}

func thing(ns, name string, xs []string, restarts float64, labels map[string]string) *Record {
	var pts []Point
	for _, x := range xs {
		pts = append(pts, Point{Family: 0, Values: []string{x}, Value: 1})
	}
	pts = append(pts, Point{Family: 1, Values: []string{}, Value: restarts})
	var keys, values []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range labels {
			if !yield(k) {
				return
			}
		}
	}) {
		keys, values = append(keys, "label_"+k), append(values, labels[k])
	}
	pts = append(pts, Point{Family: 2, Keys: keys, Values: values, Value: 1})
	return NewRecord([]string{ns, name}, pts)
}

func staleOnes(points []exported) []string {
	var out []string
	for _, p := range points {
		if p.stale {
			out = append(out, p.series)
		}
	}
	slices.Sort(out)
	return out
}

// A series exported by one cycle and absent from the next is exported once more, flagged
// NoRecordedValue with the staleness NaN: deleted objects, changed label values, changed label
// keys; unchanged series, changed values and objects deleted and created again under the same
// identity (in another slot) are never stale.
func TestStalePointsForVanishedSeries(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	st.Put("ns/a", thing("ns", "a", []string{"1", "2"}, 0, map[string]string{"app": "web"}))
	st.Put("ns/b", thing("ns", "b", []string{"1"}, 5, nil))
	st.Put("ns/d", thing("ns", "d", []string{"1"}, 0, nil))

	first, stats := collectWith(t, st, last)
	if got := staleOnes(first); len(got) != 0 || stats.Stale != 0 {
		t.Fatalf("first cycle: stale %v (%d), want none", got, stats.Stale)
	}
	if stats.Points != 10 {
		t.Fatalf("first cycle: %d points, want 10", stats.Points)
	}

	// a: x=2 goes, x=3 comes (in another position), its restart count changes, its label value
	// changes; b is deleted and c takes its slot; d is deleted, e takes d's slot, and d comes back
	// under the same labels in a new slot.
	st.Put("ns/a", thing("ns", "a", []string{"3", "1"}, 1, map[string]string{"app": "api"}))
	st.Delete("ns/b")
	st.Put("ns/c", thing("ns", "c", []string{"1"}, 0, nil))
	st.Delete("ns/d")
	st.Put("ns/e", thing("ns", "e", []string{"1"}, 0, nil))
	st.Put("ns/d", thing("ns", "d", []string{"1"}, 0, nil))

	second, stats := collectWith(t, st, last)
	want := []string{
		"thing_info{namespace=ns,thing=a,x=2}",
		"thing_info{namespace=ns,thing=b,x=1}",
		"thing_labels{label_app=web,namespace=ns,thing=a}",
		"thing_labels{namespace=ns,thing=b}",
		"thing_restarts_total{namespace=ns,thing=b}",
	}
	if got := staleOnes(second); !slices.Equal(got, want) {
		t.Fatalf("second cycle stale:\n got %v\nwant %v", got, want)
	}
	if stats.Stale != len(want) || stats.Points != 4+3+3+3 {
		t.Fatalf("second cycle stats: %d stale, %d points; want %d, 13", stats.Stale, stats.Points, len(want))
	}
	for _, p := range second {
		if p.stale && (math.Float64bits(p.value) != 0x7ff0000000000002) {
			t.Fatalf("stale point %s has value %v, want the staleness NaN", p.series, p.value)
		}
	}
	// d is live in its new slot and was never marked stale: a KSM scrape shows it throughout.
	if got := seriesOf(second, "d", false); len(got) != 3 {
		t.Fatalf("d: live series %v, want its 3", got)
	}
	// Nothing vanished: nothing stale, and stale points are sent once only.
	third, stats := collectWith(t, st, last)
	if got := staleOnes(third); len(got) != 0 || stats.Stale != 0 {
		t.Fatalf("third cycle: stale %v, want none", got)
	}
	// Without Last (Engine.Snapshot, the parity harness) nothing is ever stale.
	st.Delete("ns/a")
	if pts, stats := collectWith(t, st, nil); len(staleOnes(pts)) != 0 || stats.Stale != 0 {
		t.Fatalf("snapshot without Last: stale %v", staleOnes(pts))
	}
	fourth, _ := collectWith(t, st, last)
	if got := staleOnes(fourth); len(got) != 4 {
		t.Fatalf("after deleting a: stale %v, want its 4 series", got)
	}
}

// A refused batch may have carried stale points: the next snapshot compares with the last one
// delivered whole, so they are sent again rather than lost.
func TestStalePointsResentAfterRefusedBatch(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	st.Put("ns/a", thing("ns", "a", []string{"1"}, 0, nil))
	st.Put("ns/b", thing("ns", "b", []string{"1"}, 0, nil))
	if _, stats := collectWith(t, st, last); stats.Points != 6 {
		t.Fatalf("first cycle: %d points, want 6", stats.Points)
	}
	st.Delete("ns/b")
	refused := collect(context.Background(), []Collection{{Source: staleSource{}, Stores: []*Store{st}}},
		batchOptions{MaxDataPointsPerBatch: 3, Now: 3, Last: last}, func(pmetric.Metrics) error { return fmt.Errorf("backend down") })
	if refused.Stale != 3 || len(refused.Errors) == 0 {
		t.Fatalf("refused cycle: %d stale, %d errors; want 3 stale and errors", refused.Stale, len(refused.Errors))
	}
	pts, stats := collectWith(t, st, last)
	if got := staleOnes(pts); stats.Stale != 3 || len(got) != 3 || !strings.Contains(got[0], "thing=b") {
		t.Fatalf("after the refused cycle: stale %v, want b's 3 series again", got)
	}
	if pts, _ := collectWith(t, st, last); len(staleOnes(pts)) != 0 {
		t.Fatalf("once delivered, stale points are not sent again: %v", staleOnes(pts))
	}
}

// A cycle delivered whole counts as delivered even if its deadline passes right after its last
// batch: a series that first appeared in it gets its stale point when it goes.
func TestStaleBaseAdvancesWhenDeadlinePassesAfterDelivery(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	st.Put("ns/a", thing("ns", "a", []string{"1"}, 0, nil))
	collectWith(t, st, last)

	st.Put("ns/new", thing("ns", "new", []string{"1"}, 0, nil))
	ctx, cancel := context.WithCancel(context.Background())
	delivered := collect(ctx, []Collection{{Source: staleSource{}, Stores: []*Store{st}}},
		batchOptions{MaxDataPointsPerBatch: 1000, Now: 3, Last: last}, func(pmetric.Metrics) error {
			cancel() // the deadline passes as the consumer returns
			return nil
		})
	if delivered.Points != 6 || len(delivered.Errors) != 0 {
		t.Fatalf("delivered cycle: %d points, errors %v; want 6, none", delivered.Points, delivered.Errors)
	}

	st.Delete("ns/new")
	pts, _ := collectWith(t, st, last)
	if got := staleOnes(pts); len(got) != 3 || !strings.Contains(got[0], "thing=new") {
		t.Fatalf("after the object seen only in the late-finishing cycle went: stale %v, want its 3 series", got)
	}
}

// seriesOf lists the distinct series, stale or live, of points whose thing label is name.
func seriesOf(points []exported, name string, stale bool) []string {
	var out []string
	for _, p := range points {
		if p.stale == stale && (strings.Contains(p.series, "thing="+name+",") || strings.HasSuffix(p.series, "thing="+name+"}")) {
			out = append(out, p.series)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// An object first delivered by a cycle that was not delivered whole (a later batch refused) and
// deleted before the next whole cycle still gets its stale points: the consumer holds its series.
func TestStalePointsForSeriesFirstDeliveredByFailedCycle(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	st.Put("ns/a", thing("ns", "a", []string{"1"}, 0, nil))
	st.Put("ns/b", thing("ns", "b", []string{"1"}, 0, nil))
	collectWith(t, st, last)

	st.Put("ns/n", thing("ns", "n", []string{"1"}, 0, nil)) // a third slot: the third batch
	got, stats := collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 3, Now: 3, Last: last}, func(batch int) error {
		if batch == 2 {
			return fmt.Errorf("backend refused batch %d", batch)
		}
		return nil
	})
	if len(stats.Errors) != 1 || len(seriesOf(got, "n", false)) != 3 {
		t.Fatalf("failed cycle: errors %v, n delivered %v; want one error and n's 3 series delivered", stats.Errors, seriesOf(got, "n", false))
	}

	st.Delete("ns/n")
	pts, _ := collectWith(t, st, last)
	if got := seriesOf(pts, "n", true); len(got) != 3 {
		t.Fatalf("after deleting n, delivered only by a failed cycle: stale %v, want its 3 series", staleOnes(pts))
	}
	if got := staleOnes(pts); len(got) != 3 {
		t.Fatalf("stale %v, want only n's 3 series", got)
	}
	if pts, _ := collectWith(t, st, last); len(staleOnes(pts)) != 0 {
		t.Fatalf("once a whole cycle marked them, nothing more is stale: %v", staleOnes(pts))
	}
}

// The same for a cycle cut by its deadline after the batch that carried the new object, and for a
// label value that changed in the cut cycle and again before the next whole one: each value the
// consumer may hold is ended, once.
func TestStalePointsForSeriesFirstDeliveredByCutCycle(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	st.Put("ns/a", thing("ns", "a", []string{"1"}, 0, map[string]string{"v": "1"}))
	st.Put("ns/b", thing("ns", "b", []string{"1"}, 0, nil))
	collectWith(t, st, last)

	// n takes no new slot ahead of b: delete a first so n reuses slot 0, in the first batch.
	st.Delete("ns/a")
	st.Put("ns/n", thing("ns", "n", []string{"1"}, 0, map[string]string{"v": "1"}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got, stats := collectOpts(ctx, st, batchOptions{MaxDataPointsPerBatch: 6, Now: 3, Last: last}, func(int) error {
		cancel() // the deadline passes as the first batch is delivered
		return nil
	})
	// The cut is the cycle's error (b was never exported), though no batch was refused.
	if len(stats.Errors) != 1 || !errors.Is(stats.Errors[0], context.Canceled) || len(seriesOf(got, "n", false)) != 3 || len(seriesOf(got, "b", false)) != 0 {
		t.Fatalf("cut cycle: errors %v, delivered %v; want the cut, n's 3 series and not b's", stats.Errors, got)
	}

	st.Put("ns/n", thing("ns", "n", []string{"1"}, 0, map[string]string{"v": "2"}))
	if _, stats := collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 3, Now: 4, Last: last}, func(int) error {
		return fmt.Errorf("backend down")
	}); len(stats.Errors) == 0 {
		t.Fatal("the refused cycle reported no error")
	}
	st.Delete("ns/n")
	pts, stats := collectWith(t, st, last)
	want := []string{
		"thing_info{namespace=ns,thing=a,x=1}",
		"thing_info{namespace=ns,thing=n,x=1}",
		"thing_labels{label_v=1,namespace=ns,thing=a}",
		"thing_labels{label_v=1,namespace=ns,thing=n}",
		"thing_labels{label_v=2,namespace=ns,thing=n}",
		"thing_restarts_total{namespace=ns,thing=a}",
		"thing_restarts_total{namespace=ns,thing=n}",
	}
	if got := staleOnes(pts); !slices.Equal(got, want) || stats.Stale != len(want) {
		t.Fatalf("after deleting n: stale (%d)\n got %v\nwant %v (each once)", stats.Stale, got, want)
	}
}

// While no cycle is delivered whole, at most maxPending records per slot are remembered.
func TestStalePendingBoundedPerSlot(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	collectWith(t, st, last)
	for i := range 3 * maxPending {
		st.Put("ns/a", thing("ns", "a", []string{fmt.Sprint(i)}, 0, nil))
		collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 3, Now: pcommon.Timestamp(3 + i), Last: last}, func(int) error {
			return fmt.Errorf("backend down")
		})
	}
	if n := len(last.pending[st][0]); n != maxPending {
		t.Fatalf("%d records pending for the slot, want %d", n, maxPending)
	}
	collectWith(t, st, last)
	if len(last.pending) != 0 {
		t.Fatalf("a whole cycle leaves records pending: %v", last.pending)
	}
}

// An object deleted and created again under the same identity within one interval takes another
// slot: its series that it still has are not marked stale (which would end them for an instant, or,
// stamped like the live point, give a TSDB two values for one timestamp), only the one it lost is.
// Stale points are stamped in an earlier millisecond (Prometheus' resolution) than the cycle's live
// points, after the previous cycle's.
func TestRecreatedObjectKeepsItsSeriesAndStaleStampsPrecedeLive(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	now := pcommon.Timestamp(1_764_000_000_000_000_000)
	st.Put("ns/d", thing("ns", "d", []string{"1"}, 0, map[string]string{"v": "1"}))
	st.Put("ns/f", thing("ns", "f", []string{"1"}, 0, nil))
	collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 100, Now: now, Last: last}, nil)

	st.Delete("ns/d")
	st.Delete("ns/f")
	// Freed slots are reused last-in first-out: d takes f's slot, e takes d's.
	st.Put("ns/d", thing("ns", "d", []string{"1"}, 0, map[string]string{"v": "2"}))
	st.Put("ns/e", thing("ns", "e", []string{"1"}, 0, nil))
	next := now + pcommon.Timestamp(30e9)
	pts, _ := collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 100, Now: next, Last: last}, nil)
	want := []string{
		"thing_info{namespace=ns,thing=f,x=1}",
		"thing_labels{label_v=1,namespace=ns,thing=d}",
		"thing_labels{namespace=ns,thing=f}",
		"thing_restarts_total{namespace=ns,thing=f}",
	}
	if got := staleOnes(pts); !slices.Equal(got, want) {
		t.Fatalf("stale after re-creating d and deleting f:\n got %v\nwant %v", got, want)
	}
	if got := seriesOf(pts, "d", false); len(got) != 3 {
		t.Fatalf("d: live series %v, want its 3", got)
	}
	if slot := last.prev[st]; len(slot) < 2 || slot[1] == nil || slot[1].Prefix()[1] != "d" {
		t.Fatalf("d did not move to f's slot: the test no longer tests a re-created object in another slot")
	}
	for _, p := range pts {
		if p.stale && (p.ts/1e6 >= next/1e6 || p.ts <= now) {
			t.Errorf("%s: stale point at %d, want after the last cycle (%d) and in an earlier millisecond than this one's live points (%d)", p.series, p.ts, now, next)
		}
		if !p.stale && p.ts != next {
			t.Errorf("%s: live point at %d, want %d", p.series, p.ts, next)
		}
	}
}

// flipCtx is a context that ends once end is called: Collect's own checks see it at once.
type flipCtx struct {
	context.Context
	ended bool
}

func (c *flipCtx) Err() error {
	if c.ended {
		return context.DeadlineExceeded
	}
	return nil
}

// endingSource ends ctx when a snapshot reaches it (Collect asks each Source for its families).
type endingSource struct {
	staleSource
	ctx *flipCtx
}

func (s endingSource) Families() []FamilyDesc {
	s.ctx.ended = true
	return s.staleSource.Families()
}

// Records whose batch was never handed on (the deadline passed before it was) cannot be at a
// consumer: a cycle cut that way remembers none of them, so it adds no stale points later.
func TestStalePendingOnlyRecordsHandedOn(t *testing.T) {
	st, other := NewStore(), NewStore()
	last := newLastExported()
	st.Put("ns/a", thing("ns", "a", []string{"1"}, 0, nil))
	collectWith(t, st, last)

	st.Put("ns/n", thing("ns", "n", []string{"1"}, 0, nil))
	other.Put("ns/o", thing("ns", "o", []string{"1"}, 0, nil))
	ctx := &flipCtx{Context: context.Background()}
	emitted := 0
	stats := collect(ctx, []Collection{{Source: staleSource{}, Stores: []*Store{st}}, {Source: endingSource{ctx: ctx}, Stores: []*Store{other}}},
		batchOptions{MaxDataPointsPerBatch: 1000, Now: 3, Last: last}, func(pmetric.Metrics) error {
			emitted++
			return fmt.Errorf("batch dropped: %w", ctx.Err())
		})
	if emitted != 1 || stats.Points != 6 || len(last.pending) != 0 {
		t.Fatalf("cycle cut before its only batch was handed on: %d batches, %d points, pending %v; want 1, 6, none", emitted, stats.Points, last.pending)
	}
	st.Delete("ns/n")
	if pts, _ := collectWith(t, st, last); len(staleOnes(pts)) != 0 {
		t.Fatalf("stale points for a series no consumer was sent: %v", staleOnes(pts))
	}
}

// Consumers group points by cycle as the README says: a stale point is stamped 1 ms before its
// cycle's live points (testenv/points.Cycle reads it so, for every test and the harness).
func TestStalePointsReadAsTheirCycle(t *testing.T) {
	st := NewStore()
	last := newLastExported()
	st.Put("ns/a", thing("ns", "a", []string{"1"}, 0, nil))
	st.Put("ns/b", thing("ns", "b", []string{"1"}, 0, nil))
	collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 100, Now: 4e9, Last: last}, nil)
	st.Delete("ns/b")
	const now = pcommon.Timestamp(5e9)
	stale, live := 0, 0
	collect(context.Background(), []Collection{{Source: staleSource{}, Stores: []*Store{st}}},
		batchOptions{MaxDataPointsPerBatch: 100, Now: now, Last: last}, func(md pmetric.Metrics) error {
			points.Each(md, func(_ pmetric.Metric, dp pmetric.NumberDataPoint) bool {
				if dp.Flags().NoRecordedValue() {
					stale++
				} else {
					live++
				}
				if got := points.Cycle(dp); got != now {
					t.Errorf("point (stale %v) stamped %d reads as cycle %d, want %d", dp.Flags().NoRecordedValue(), dp.Timestamp(), got, now)
				}
				return true
			})
			return nil
		})
	if stale == 0 || live == 0 {
		t.Fatalf("%d stale and %d live points, want some of each", stale, live)
	}
}

// With ResendEvery, a record goes out when the consumer may not hold it (new, changed, or after a
// failed delivery) and otherwise on its slot's heartbeat, every ResendEvery cycles; a record
// rebuilt with the same content (an update no family reads) is not new; stale points are unchanged.
func TestResendChangesAndHeartbeats(t *testing.T) {
	const every = 3
	st := NewStore()
	last := newLastExported()
	for i := range 6 {
		st.Put(fmt.Sprintf("ns/o%d", i), thing("ns", fmt.Sprintf("o%d", i), []string{"1"}, 0, nil))
	}
	seq := uint64(0)
	cycle := func(consume func(int) error) ([]exported, SnapshotStats) {
		seq++
		return collectOpts(context.Background(), st, batchOptions{MaxDataPointsPerBatch: 100, Now: pcommon.Timestamp(seq), Last: last, ResendEvery: every, Seq: seq}, consume)
	}
	sentObjects := func(pts []exported) []string {
		var out []string
		for _, p := range pts {
			if !p.stale && strings.HasPrefix(p.series, "thing_info{") {
				out = append(out, p.series[strings.Index(p.series, "thing=")+6:strings.Index(p.series, ",x=")])
			}
		}
		slices.Sort(out)
		return out
	}

	first, stats := cycle(nil)
	if got := sentObjects(first); len(got) != 6 || stats.Unchanged != 0 {
		t.Fatalf("first cycle sent %v (unchanged %d points), want all 6 objects", got, stats.Unchanged)
	}
	// Over the next `every` cycles each object goes out exactly once (its heartbeat).
	seen := map[string]int{}
	for range every {
		pts, stats := cycle(nil)
		for _, o := range sentObjects(pts) {
			seen[o]++
		}
		if stats.Unchanged == 0 {
			t.Fatal("a heartbeat cycle resent every record")
		}
	}
	for i := range 6 {
		if o := fmt.Sprintf("o%d", i); seen[o] != 1 {
			t.Errorf("%s sent %d times in %d cycles, want once (its heartbeat)", o, seen[o], every)
		}
	}

	// o1 changes, o2 is rebuilt with the same content, o3 is deleted: the next cycle sends o1 (and
	// the heartbeats due), not o2 unless due, and o3's stale points.
	st.Put("ns/o1", thing("ns", "o1", []string{"1"}, 7, nil))
	st.Put("ns/o2", thing("ns", "o2", []string{"1"}, 0, nil))
	st.Delete("ns/o3")
	pts, _ := cycle(nil)
	got := sentObjects(pts)
	due := func(slot int) bool { return (seq+uint64(slot))%every == 0 }
	if !slices.Contains(got, "o1") {
		t.Errorf("changed o1 not sent (sent %v)", got)
	}
	if slices.Contains(got, "o2") != due(2) {
		t.Errorf("o2 rebuilt unchanged: sent=%v, due=%v (sent %v)", slices.Contains(got, "o2"), due(2), got)
	}
	if s := staleOnes(pts); len(s) == 0 || !strings.Contains(strings.Join(s, " "), "thing=o3") {
		t.Errorf("deleted o3 got no stale points: %v", s)
	}

	// o4 changes and the cycle's only batch is refused: o4 is sent again by the next cycle, due or not.
	st.Put("ns/o4", thing("ns", "o4", []string{"2"}, 0, nil))
	if _, stats := cycle(func(int) error { return errors.New("backend down") }); len(stats.Errors) == 0 {
		t.Fatal("refused batch not reported")
	}
	if pts, _ := cycle(nil); !slices.Contains(sentObjects(pts), "o4") {
		t.Errorf("o4, changed in a refused cycle, not sent again (sent %v)", sentObjects(pts))
	}
}
