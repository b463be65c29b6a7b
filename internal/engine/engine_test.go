package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/points"
)

func TestMain(m *testing.M) { testenv.Main(m, func() error { return goleak.Find() }) }

// fakeSource turns ConfigMaps into pointsPerObject points of family "test_version", all valued with
// the object's data["v"], so a torn object shows as mixed values.
type fakeSource struct {
	initial []corev1.ConfigMap
	watcher *watch.FakeWatcher
	points  int
}

func newFakeSource(objects, points int) *fakeSource {
	s := &fakeSource{watcher: watch.NewFakeWithChanSize(64, false), points: points}
	for i := 0; i < objects; i++ {
		s.initial = append(s.initial, *configMap(i, 0))
	}
	return s
}

func configMap(i, version int) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%d", i), Namespace: "ns", ResourceVersion: strconv.Itoa(version + 2)},
		Data:       map[string]string{"v": strconv.Itoa(version)},
	}
}

func (s *fakeSource) Name() string             { return "configmaps" }
func (s *fakeSource) Namespaced() bool         { return false }
func (s *fakeSource) PrefixKeys() []string     { return []string{"namespace", "configmap"} }
func (s *fakeSource) Example() kruntime.Object { return &corev1.ConfigMap{} }
func (s *fakeSource) Families() []FamilyDesc {
	return []FamilyDesc{{Name: "test_version", Help: "h", Type: Gauge}, {Name: "test_total", Help: "c", Type: Counter}}
}
func (s *fakeSource) Transform(obj any) (any, error) { return obj, nil }

// noWatchList makes the reflector list then watch: the fake watcher cannot stream an initial list.
type noWatchList struct{ *cache.ListWatch }

func (noWatchList) IsWatchListSemanticsUnSupported() bool { return true }

func (s *fakeSource) ListWatch(Clients, string, string) cache.ListerWatcher {
	return noWatchList{&cache.ListWatch{
		ListFunc: func(metav1.ListOptions) (kruntime.Object, error) {
			return &corev1.ConfigMapList{ListMeta: metav1.ListMeta{ResourceVersion: "1"}, Items: s.initial}, nil
		},
		WatchFunc: func(metav1.ListOptions) (watch.Interface, error) { return s.watcher, nil },
	}}
}

var pointKeys = []string{"i"}

func (s *fakeSource) Record(obj any) *Record {
	cm := obj.(*corev1.ConfigMap)
	v, _ := strconv.ParseFloat(cm.Data["v"], 64)
	var points []Point
	for i := 0; i < s.points; i++ {
		fam := 0
		if i == s.points-1 {
			fam = 1
		}
		points = append(points, Point{Family: fam, Keys: pointKeys, Values: []string{strconv.Itoa(i)}, Value: v})
	}
	return NewRecord([]string{cm.Namespace, cm.Name}, points)
}

// consumerFunc adapts a function to consumer.Metrics.
type consumerFunc func(ctx context.Context, md pmetric.Metrics) error

func (f consumerFunc) ConsumeMetrics(ctx context.Context, md pmetric.Metrics) error {
	return f(ctx, md)
}
func (consumerFunc) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

type harness struct {
	t      *testing.T
	src    *fakeSource
	eng    *Engine
	cycles chan CycleStats
}

func newHarness(t *testing.T, objects, points int, cfg Config, next consumer.Metrics) *harness {
	t.Helper()
	h := &harness{t: t, src: newFakeSource(objects, points), cycles: make(chan CycleStats, 100)}
	if cfg.CollectionInterval == 0 {
		cfg.CollectionInterval = time.Hour // tests drive cycles with Tick
	}
	if cfg.ExportTimeout == 0 {
		cfg.ExportTimeout = time.Minute
	}
	if cfg.MaxDataPointsPerBatch == 0 {
		cfg.MaxDataPointsPerBatch = 1000
	}
	h.eng = New(Options{
		Sources: []Source{h.src},
		Config:  cfg,
		Next:    next,
		Hooks:   Hooks{CycleDone: func(s CycleStats) { h.cycles <- s }},
		Logger:  zap.NewNop(),
		Scope:   "test",
		Version: "v0",
	})
	startSynced(t, h.eng)
	return h
}

// startSynced starts eng, shuts it down when the test ends, and waits until its informers synced.
func startSynced(t *testing.T, eng *Engine) {
	t.Helper()
	if err := eng.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := eng.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if !eng.WaitForSync(ctx) {
		t.Fatal("informers did not sync")
	}
}

// waitFor polls a condition the engine cannot signal (an informer handler having run).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// await receives from ch, failing the test if nothing comes within 30 s.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// blockUntil is a consumer stuck until the test releases it, or for a minute at most if the test
// failed before releasing it (so Shutdown and goleak still end).
func blockUntil(release <-chan struct{}) {
	select {
	case <-release:
	case <-time.After(time.Minute):
	}
}

func (h *harness) cycle() CycleStats {
	h.t.Helper()
	select {
	case s := <-h.cycles:
		return s
	case <-time.After(30 * time.Second):
		h.t.Fatal("no cycle finished")
		return CycleStats{}
	}
}

// objectValues collects, per object, the set of values its points carry in md.
func objectValues(md pmetric.Metrics, into map[string]map[float64]bool) {
	points.Each(md, func(_ pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		name, _ := dp.Attributes().Get("configmap")
		if into[name.Str()] == nil {
			into[name.Str()] = map[float64]bool{}
		}
		into[name.Str()][dp.DoubleValue()] = true
		return true
	})
}

func TestStoreConcurrentReadersAndWriter(t *testing.T) {
	s := NewStore()
	for i := 0; i < 1000; i++ {
		s.Put(strconv.Itoa(i), NewRecord([]string{strconv.Itoa(i)}, nil))
	}
	// A reader parked inside Range must not hold up the writer (invariant 2).
	parked, release := make(chan struct{}), make(chan struct{})
	go s.Range(func(*Record) bool {
		close(parked)
		blockUntil(release)
		return false
	})
	await(t, parked, "the reader parked in Range")
	for i := 0; i < 10000; i++ {
		k := strconv.Itoa(i % 3000)
		if i%7 == 0 {
			s.Delete(k)
		} else {
			s.Put(k, NewRecord([]string{k}, nil))
		}
	}
	close(release)

	// Many readers concurrently with the writer: every record seen is whole, counts stay sane (-race).
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := 0
				s.Range(func(rec *Record) bool {
					if len(rec.Prefix()) != 1 {
						t.Error("record without its prefix")
					}
					n++
					return true
				})
				if n > 3000 {
					t.Errorf("range saw %d records, more than ever existed", n)
				}
			}
		}()
	}
	for i := 0; i < 20000; i++ {
		k := strconv.Itoa(i % 3000)
		if i%5 == 0 {
			s.Delete(k)
		} else {
			s.Put(k, NewRecord([]string{k}, nil))
		}
	}
	close(stop)
	wg.Wait()
	n := 0
	s.Range(func(*Record) bool { n++; return true })
	if n != s.Len() {
		t.Fatalf("Range saw %d records, Len says %d", n, s.Len())
	}
}

func TestSnapshotNeverTearsAnObject(t *testing.T) {
	h := newHarness(t, 50, 8, Config{MaxDataPointsPerBatch: 37}, consumerFunc(func(context.Context, pmetric.Metrics) error { return nil }))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := 1; v <= 300; v++ {
			h.src.watcher.Modify(configMap(v%50, v))
		}
	}()
	snapshots := 0
	for {
		seen := map[string]map[float64]bool{}
		h.eng.Snapshot(context.Background(), func(md pmetric.Metrics) error { objectValues(md, seen); return nil })
		snapshots++
		for name, values := range seen {
			if len(values) != 1 {
				t.Fatalf("snapshot %d: object %s has points from %d versions: %v", snapshots, name, len(values), values)
			}
		}
		select {
		case <-done:
			return
		default:
		}
	}
}

func TestBatchesBoundedByMaxDataPointsPerBatch(t *testing.T) {
	var batches []int
	h := newHarness(t, 100, 5, Config{MaxDataPointsPerBatch: 7}, consumerFunc(func(_ context.Context, md pmetric.Metrics) error {
		batches = append(batches, md.DataPointCount())
		return nil
	}))
	if !h.eng.Tick() {
		t.Fatal("first tick skipped")
	}
	st := h.cycle()
	total := 0
	for i, n := range batches {
		if n > 7 || n == 0 {
			t.Fatalf("batch %d has %d points; want 1..7", i, n)
		}
		total += n
	}
	if total != 500 || st.Points != 500 || st.Sent != 500 || st.Batches != len(batches) {
		t.Fatalf("total %d, stats %+v over %d batches; want 500 points", total, st, len(batches))
	}
}

func TestExportCutAtTimeoutWhileHandlersKeepApplying(t *testing.T) {
	var block atomic.Bool
	block.Store(true)
	entered := make(chan struct{}, 10)
	seen := map[string]map[float64]bool{}
	var mu sync.Mutex
	h := newHarness(t, 10, 3, Config{ExportTimeout: 300 * time.Millisecond}, consumerFunc(func(ctx context.Context, md pmetric.Metrics) error {
		if block.Load() {
			entered <- struct{}{}
			<-ctx.Done() // a consumer stuck until its deadline
			return ctx.Err()
		}
		mu.Lock()
		objectValues(md, seen)
		mu.Unlock()
		return nil
	}))
	h.eng.Tick()
	await(t, entered, "the export")
	// While the export hangs, handlers keep publishing.
	h.src.watcher.Add(configMap(10, 7))
	h.src.watcher.Modify(configMap(3, 9))
	waitFor(t, "new object in the store", func() bool { return h.eng.Objects()["configmaps"] == 11 })
	st := h.cycle()
	if len(st.Errors) == 0 || !errors.Is(st.Errors[0], context.DeadlineExceeded) {
		t.Fatalf("hung export not cut at export_timeout: %+v", st)
	}
	block.Store(false)
	h.eng.Tick()
	if st := h.cycle(); len(st.Errors) > 0 {
		t.Fatalf("next cycle failed: %v", st.Errors)
	}
	if !seen["cm-10"][7] || !seen["cm-3"][9] {
		t.Fatalf("next snapshot lacks the updates applied during the hung export: %v", seen)
	}
}

func TestSkippedTicksNotQueuedNoGoroutineGrowth(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	h := newHarness(t, 5, 2, Config{ExportTimeout: 50 * time.Millisecond}, consumerFunc(func(context.Context, pmetric.Metrics) error {
		select {
		case entered <- struct{}{}:
		default:
		}
		blockUntil(release) // ignores its context entirely
		return nil
	}))
	if !h.eng.Tick() {
		t.Fatal("first tick skipped")
	}
	await(t, entered, "the export")
	before := runtime.NumGoroutine()
	for i := 0; i < 50; i++ {
		if h.eng.Tick() {
			t.Fatal("a tick started a second cycle while one was in flight")
		}
	}
	if got := h.eng.skipped.Load(); got != 50 {
		t.Fatalf("skipped = %d, want 50", got)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("goroutines grew from %d to %d over 50 skipped ticks", before, after)
	}
	close(release)
	h.cycle()
	if !h.eng.Tick() {
		t.Fatal("tick after the stuck cycle ended was skipped")
	}
	h.cycle()
}

func TestHandlersNeverWaitOnConsumer(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	h := newHarness(t, 20, 2, Config{}, consumerFunc(func(context.Context, pmetric.Metrics) error {
		entered <- struct{}{}
		blockUntil(release)
		return nil
	}))
	h.eng.Tick()
	await(t, entered, "the export")
	for v := 1; v <= 2000; v++ {
		h.src.watcher.Modify(configMap(v%20, v))
	}
	h.src.watcher.Add(configMap(99, 1))
	// All 2001 events are applied while the consumer is still stuck.
	waitFor(t, "events applied", func() bool {
		latest := map[string]float64{}
		h.eng.Snapshot(context.Background(), func(md pmetric.Metrics) error {
			seen := map[string]map[float64]bool{}
			objectValues(md, seen)
			for k, vs := range seen {
				for v := range vs {
					latest[k] = v
				}
			}
			return nil
		})
		return latest["cm-0"] == 2000 && latest["cm-99"] == 1
	})
	close(release)
	h.cycle()
}

func TestShutdownDuringHungExport(t *testing.T) {
	src := newFakeSource(5, 2)
	entered := make(chan struct{})
	eng := New(Options{
		Sources: []Source{src},
		Config:  Config{CollectionInterval: time.Hour, ExportTimeout: time.Hour, MaxDataPointsPerBatch: 10},
		Next: consumerFunc(func(ctx context.Context, _ pmetric.Metrics) error {
			close(entered)
			<-ctx.Done()
			return ctx.Err()
		}),
		Hooks:   Hooks{},
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
	start := time.Now()
	if err := eng.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("shutdown took %s with an export in flight", d)
	}
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
	if eng.Tick() {
		t.Fatal("tick after shutdown started a cycle")
	}
}

func TestTimerDrivesCycles(t *testing.T) {
	got := make(chan int, 10)
	h := newHarness(t, 3, 2, Config{CollectionInterval: 20 * time.Millisecond, ExportTimeout: 10 * time.Millisecond}, consumerFunc(func(_ context.Context, md pmetric.Metrics) error {
		select {
		case got <- md.DataPointCount():
		default:
		}
		return nil
	}))
	_ = h
	if n := await(t, got, "a timer cycle"); n != 6 {
		t.Fatalf("timer cycle exported %d points, want 6", n)
	}
}

// Every batch carries the configured resource attributes (over OTLP, Prometheus' job and instance),
// and none by default, so exporters that read them (the Prometheus exporter's job label) see none.
func TestBatchesCarryResourceAttributes(t *testing.T) {
	for _, attrs := range []map[string]string{nil, {"service.name": "kube-state-metrics", "k8s.cluster.name": "prod"}} {
		var got []map[string]any
		h := newHarness(t, 20, 5, Config{MaxDataPointsPerBatch: 7, ResourceAttributes: attrs}, consumerFunc(func(_ context.Context, md pmetric.Metrics) error {
			for i := range md.ResourceMetrics().Len() {
				got = append(got, md.ResourceMetrics().At(i).Resource().Attributes().AsRaw())
			}
			return nil
		}))
		if !h.eng.Tick() {
			t.Fatal("first tick skipped")
		}
		h.cycle()
		if len(got) < 2 {
			t.Fatalf("%d batches, want several", len(got))
		}
		for i, r := range got {
			if len(r) != len(attrs) {
				t.Fatalf("batch %d: resource %v, want %v", i, r, attrs)
			}
			for k, v := range attrs {
				if r[k] != v {
					t.Fatalf("batch %d: resource %v, want %v", i, r, attrs)
				}
			}
		}
	}
}
