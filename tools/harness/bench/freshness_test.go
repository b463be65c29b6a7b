package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// restarts builds one export holding the restart count of (ns, pod, container) as name, in the
// shape of either path: kubestate (a double sum, labels as point attributes) or the Prometheus
// receiver (job and instance on the resource).
func restarts(name, ns, pod, container string, v float64, stale bool) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "kube-state-metrics")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName(name)
	dp := m.SetEmptySum().DataPoints().AppendEmpty()
	dp.Attributes().PutStr("namespace", ns)
	dp.Attributes().PutStr("pod", pod)
	dp.Attributes().PutStr("container", container)
	dp.Attributes().PutStr("uid", "u-1")
	dp.SetDoubleValue(v)
	if stale {
		dp.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))
	}
	return md
}

func TestWatchMatchesOnlyTheProbedSeries(t *testing.T) {
	w := &Watch{Probe: ContainerRestartsProbe("synth-0", "p-1", "app")}
	t0 := time.Unix(100, 0)
	w.Observe(restarts("kube_pod_container_status_restarts_total", "synth-0", "p-1", "sidecar", 7, false), t0)
	w.Observe(restarts("kube_pod_container_status_restarts_total", "synth-0", "p-10", "app", 7, false), t0)
	w.Observe(restarts("kube_pod_container_status_restarts_total", "synth-1", "p-1", "app", 7, false), t0)
	w.Observe(restarts("kube_pod_container_status_ready", "synth-0", "p-1", "app", 7, false), t0)
	w.Observe(restarts("kube_pod_container_status_restarts_total", "synth-0", "p-1", "app", 7, true), t0)
	if at, ok := w.FirstSeen(7); ok {
		t.Fatalf("value 7 seen at %v from another series or a stale marker", at)
	}

	w.Observe(restarts("kube_pod_container_status_restarts_total", "synth-0", "p-1", "app", 7, false), t0.Add(2*time.Second))
	w.Observe(restarts("kube_pod_container_status_restarts_total", "synth-0", "p-1", "app", 7, false), t0.Add(time.Second))
	w.Observe(restarts("kube_pod_container_status_restarts_total", "synth-0", "p-1", "app", 7, false), t0.Add(3*time.Second))
	if at, ok := w.FirstSeen(7); !ok || !at.Equal(t0.Add(time.Second)) {
		t.Fatalf("first seen %v %v, want the earliest arrival %v", at, ok, t0.Add(time.Second))
	}

	// A receiver that drops the counter's _total, and an integer value.
	md := restarts("kube_pod_container_status_restarts", "synth-0", "p-1", "app", 0, false)
	dp := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints().At(0)
	dp.SetIntValue(8)
	w.Observe(md, t0)
	if _, ok := w.FirstSeen(8); !ok {
		t.Fatal("the normalised name with an integer value was not matched")
	}

	// Labels the receiver put on the resource count too.
	md = restarts("kube_pod_container_status_restarts_total", "synth-0", "p-1", "app", 9, false)
	rm := md.ResourceMetrics().At(0)
	rm.ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints().At(0).Attributes().Remove("namespace")
	rm.Resource().Attributes().PutStr("namespace", "synth-0")
	w.Observe(md, t0)
	if _, ok := w.FirstSeen(9); !ok {
		t.Fatal("a label on the resource was not matched")
	}

	var nilWatch *Watch
	nilWatch.Observe(md, t0) // a sink without a probe
}

func TestFreshnessTrialsTimeEachPathAndCountMisses(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "synth-0", Name: "p-1"},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "sidecar"}, {Name: "app", RestartCount: 3}}}}
	// A pod an earlier run on the same cluster (a reused -state) left at a count it had set.
	reused := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "synth-0", Name: "p-2"},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "sidecar"}, {Name: "app", RestartCount: 1_000_001}}}}
	cs := fake.NewClientset(pod, reused)
	probe := ContainerRestartsProbe("synth-0", "p-1", "app")
	fast, never := &Watch{Probe: probe}, &Watch{Probe: probe}
	var counts []int32
	// The fast path delivers every new value as soon as the status is written; the other never does.
	cs.PrependReactor("update", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() != "status" {
			return false, nil, nil
		}
		p := a.(k8stesting.UpdateAction).GetObject().(*corev1.Pod)
		n := p.Status.ContainerStatuses[1].RestartCount
		counts = append(counts, n)
		if p.Status.ContainerStatuses[0].RestartCount != 0 {
			t.Errorf("another container changed: %+v", p.Status.ContainerStatuses[0])
		}
		fast.Observe(restarts(probe.Metric, "synth-0", p.Name, "app", float64(n), false), time.Now())
		return false, nil, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var paused []int
	got, err := FreshnessTrials(ctx, cs, probe, []*Watch{fast, never}, 3,
		func(trial int) time.Duration { paused = append(paused, trial); return 0 }, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 3 || counts[0] != 4 || counts[1] != 5 || counts[2] != 6 {
		t.Fatalf("restart counts written %v, want 4, 5, 6 (one more each trial)", counts)
	}
	if len(paused) != 3 {
		t.Errorf("paused before trials %v, want 1,2,3", paused)
	}
	if len(got[0].Delays) != 3 || got[0].Missed != 0 {
		t.Errorf("fast path %+v, want 3 delays", got[0])
	}
	for _, d := range got[0].Delays {
		if d < 0 || d > 300*time.Millisecond {
			t.Errorf("fast path delay %v out of [0, deadline]", d)
		}
	}
	if len(got[1].Delays) != 0 || got[1].Missed != 3 || got[1].Median() != -1 {
		t.Errorf("silent path %+v (median %v), want 3 misses and no median", got[1], got[1].Median())
	}
	stored, err := cs.CoreV1().Pods("synth-0").Get(ctx, "p-1", metav1.GetOptions{})
	if err != nil || stored.Status.ContainerStatuses[1].RestartCount != 6 {
		t.Errorf("stored pod %v %v", stored, err)
	}

	// A second run on the same cluster (a reused -state) times values new to it, never one already
	// delivered, which would read as a zero delay.
	// Its current value reached the sink at start-up, before any trial.
	probe2 := ContainerRestartsProbe("synth-0", "p-2", "app")
	early := time.Now().Add(-time.Hour)
	w2 := &Watch{Probe: probe2}
	w2.Observe(restarts(probe.Metric, "synth-0", "p-2", "app", 1_000_001, false), early)
	fast = w2
	counts = nil
	again, err := FreshnessTrials(ctx, cs, probe2, []*Watch{w2}, 1, func(int) time.Duration { return 0 }, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0] != 1_000_002 {
		t.Errorf("second run wrote %v, want 1000002 (on from the pod's count, so new to the sink)", counts)
	}
	if at, _ := w2.FirstSeen(float64(counts[0])); !at.After(early) || len(again[0].Delays) != 1 {
		t.Errorf("second run timed %+v, the value first seen at %v: a value delivered before the change", again, at)
	}

	// A probe naming a container the pod does not have is an error naming it.
	_, err = FreshnessTrials(ctx, cs, ContainerRestartsProbe("synth-0", "p-1", "nope"), []*Watch{fast}, 1,
		func(int) time.Duration { return 0 }, time.Second)
	if err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("err %v, want one naming the container", err)
	}
}

func TestFreshnessMedian(t *testing.T) {
	f := Freshness{Delays: []time.Duration{5, 1, 3, 4}}
	if f.Median() != 4 {
		t.Errorf("median %v", f.Median())
	}
}

func TestReservedPodLeavesTheChurn(t *testing.T) {
	var objs []runtime.Object
	for _, n := range []string{"a", "b", "c"} {
		objs = append(objs, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "synth-0", Name: n}})
	}
	objs = append(objs, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "x"}})
	c := &Churn{Client: fake.NewClientset(objs...), NamespacePrefix: "synth-"}
	if n, err := c.Load(context.Background()); err != nil || n != 3 {
		t.Fatalf("Load: %d %v", n, err)
	}
	ns, name, ok := c.Reserve()
	if !ok || ns != "synth-0" || name != "a" {
		t.Fatalf("Reserve: %s/%s %v, want synth-0/a (the first listed)", ns, name, ok)
	}
	for range 200 {
		if _, ref := c.pick(); ref.name == name {
			t.Fatal("the churn picked the reserved pod")
		}
	}
	c.Reserve()
	if _, _, ok := c.Reserve(); ok {
		t.Fatal("Reserve took the churn's last pod")
	}
}

// otelRestarts is one export of a container's restart count as the contrib k8s_cluster receiver
// (and kubestate under schema k8s_cluster or semconv) shapes it: an int gauge whose pod and
// container are resource attributes.
func otelRestarts(name, ns, pod, container string, v int64) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("k8s.namespace.name", ns)
	rm.Resource().Attributes().PutStr("k8s.pod.name", pod)
	rm.Resource().Attributes().PutStr("k8s.pod.uid", "u-1")
	rm.Resource().Attributes().PutStr("k8s.container.name", container)
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName(name)
	m.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(v)
	return md
}

// Each path's freshness is timed on the restart count under its own names: KSM's probe never sees
// a k8s_cluster export (every trial of kubestate under -schema k8s_cluster, or of the k8s_cluster
// peer, would be missed).
func TestContainerRestartsProbeFor(t *testing.T) {
	t0 := time.Unix(100, 0)
	watch := func(schema string) *Watch {
		p, err := ContainerRestartsProbeFor(schema, "synth-0", "p-1", "app")
		if err != nil {
			t.Fatal(err)
		}
		return &Watch{Probe: p}
	}
	ksm, k8s, semconv := watch("ksm"), watch("k8s_cluster"), watch("semconv")
	for _, w := range []*Watch{ksm, k8s, semconv} {
		w.Observe(otelRestarts("k8s.container.restarts", "synth-0", "p-1", "app", 4), t0)
		w.Observe(otelRestarts("k8s.container.restarts", "synth-0", "p-1", "sidecar", 5), t0)
		w.Observe(otelRestarts("k8s.container.restart.count", "synth-0", "p-1", "app", 6), t0)
		w.Observe(restarts("kube_pod_container_status_restarts_total", "synth-0", "p-1", "app", 7, false), t0)
	}
	for _, c := range []struct {
		name string
		w    *Watch
		sees float64
	}{{"ksm", ksm, 7}, {"k8s_cluster", k8s, 4}, {"semconv", semconv, 6}} {
		for _, v := range []float64{4, 5, 6, 7} {
			if _, ok := c.w.FirstSeen(v); ok != (v == c.sees) {
				t.Errorf("schema %s: value %g seen %v, want only %g", c.name, v, ok, c.sees)
			}
		}
	}
	if def := watch(""); def.Probe.Metric != ksm.Probe.Metric {
		t.Errorf("the default schema probes %s, want KSM's %s", def.Probe.Metric, ksm.Probe.Metric)
	}
	if _, err := ContainerRestartsProbeFor("prometheus", "synth-0", "p-1", "app"); err == nil || !strings.Contains(err.Error(), "schema") {
		t.Errorf("unknown schema: %v, want an error naming the schema", err)
	}
}
