package customresource_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/kubestate/kubestate/internal/customresource"
	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/testenv"
)

// TestDiscoveryLeakFreeOverCRDRounds: rounds of CRD create (an object, a cycle), update (a
// second served version: a second source), delete (sources removed, a cycle of stale points)
// leave no goroutine and no heap behind: goroutines are exactly the baseline's (goleak) and the
// live heap within 1 MiB of it. KUBESTATE_CRD_ROUNDS sets the rounds (default 50).
func TestDiscoveryLeakFreeOverCRDRounds(t *testing.T) {
	rounds := 50
	if n, err := strconv.Atoi(os.Getenv("KUBESTATE_CRD_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dyn, err := dynamic.NewForConfig(testenv.RESTConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := customresource.Parse([]byte(`spec:
  resources:
    - groupVersionKind: {group: leak.kubestate.test, version: "*", kind: Gadget}
      labelsFromPath: {name: [metadata, name]}
      metrics:
        - {name: gadget_size, help: size, each: {type: Gauge, gauge: {path: [spec, size]}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	resources, err := customresource.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cycles := make(chan engine.CycleStats, 4)
	eng := engine.New(engine.Options{
		Clients: engine.Clients{Dynamic: dyn},
		Config:  engine.Config{CollectionInterval: time.Hour, ExportTimeout: time.Minute, MaxDataPointsPerBatch: 1000},
		Next:    consumertest.NewNop(),
		Hooks:   engine.Hooks{CycleDone: func(s engine.CycleStats) { cycles <- s }},
	})
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = eng.Shutdown(context.Background()) }()
	d := customresource.NewDiscovery(resources, eng, dyn, zap.NewNop())
	d.Start()
	defer func() { _ = d.Stop(context.Background()) }()
	waitFor(t, "discovery to list the CRDs", d.Applied)
	cycle := func() engine.CycleStats {
		t.Helper()
		if !eng.Tick() {
			t.Fatal("tick refused")
		}
		select {
		case s := <-cycles:
			return s
		case <-time.After(time.Minute):
			t.Fatal("no cycle")
			return engine.CycleStats{}
		}
	}
	crds := dyn.Resource(customresource.CRDs)
	const crdName = "gadgets.leak.kubestate.test"
	gadgets := dyn.Resource(schema.GroupVersionResource{Group: "leak.kubestate.test", Version: "v1", Resource: "gadgets"}).Namespace("default")
	round := func() {
		t.Helper()
		if _, err := crds.Create(ctx, crdObject("leak.kubestate.test", "Gadget", "gadgets", "v1"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the v1 source", func() bool { return len(d.Sources()) == 1 })
		g := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "leak.kubestate.test/v1", "kind": "Gadget",
			"metadata": map[string]any{"name": "g"}, "spec": map[string]any{"size": int64(1)}}}
		waitFor(t, "the gadget created", func() bool { _, err := gadgets.Create(ctx, g, metav1.CreateOptions{}); return err == nil })
		waitFor(t, "the gadget's record", func() bool { return eng.Objects()["gadgets.v1.leak.kubestate.test"] == 1 })
		if st := cycle(); st.Points != 1 {
			t.Fatalf("cycle with the gadget: %d points, want 1", st.Points)
		}
		cur, err := crds.Get(ctx, crdName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cur.Object["spec"] = crdObject("leak.kubestate.test", "Gadget", "gadgets", "v1", "v2").Object["spec"]
		if _, err := crds.Update(ctx, cur, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the v2 source", func() bool { return len(d.Sources()) == 2 })
		if err := crds.Delete(ctx, crdName, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "every source gone", func() bool { return len(d.Sources()) == 0 })
		if st := cycle(); st.Points != 0 {
			t.Fatalf("cycle after the CRD was deleted: %d live points", st.Points)
		}
		cycle() // delivered whole: nothing of the removed sources is remembered
		// The CRD's finalizer deletes its objects first: slower than the rest on a loaded machine.
		waitForWithin(t, 3*time.Minute, "the CRD gone", func() bool {
			_, err := crds.Get(ctx, crdName, metav1.GetOptions{})
			return err != nil
		})
	}
	round() // warm-up: connections, caches and pools reach their steady size
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	baseGoroutines, baseHeap := goleak.IgnoreCurrent(), heap()
	start := time.Now()
	for range rounds {
		round()
	}
	took := time.Since(start)
	if err := goleak.Find(baseGoroutines); err != nil {
		t.Errorf("after %d rounds, goroutines beyond the baseline: %v", rounds, err)
	}
	after := heap()
	t.Logf("%d CRD rounds in %s: live heap %d KiB before, %d KiB after (%+d KiB), goroutines %d", rounds, took.Round(time.Second),
		baseHeap/1024, after/1024, (int64(after)-int64(baseHeap))/1024, runtime.NumGoroutine())
	if after > baseHeap+1<<20 {
		t.Errorf("live heap grew by %d KiB over %d rounds", (after-baseHeap)/1024, rounds)
	}
}
