package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// objectSeries is what one batch holds of one object: the value of an attribute on each of its
// points (KSM: a data point attribute; other schemas: the resource's), "" where it is missing.
type objectSeries struct {
	live  []string // one per live point
	stale []string // one per stale point
}

// seriesOf collects the points of md whose identity attribute idKey is id, reading attribute key
// from the point (KSM) or from its resource (other schemas).
func seriesOf(md pmetric.Metrics, idKey, id, key string) objectSeries {
	var out objectSeries
	get := func(m pcommon.Map, k string) (string, bool) {
		if v, ok := m.Get(k); ok {
			return v.AsString(), true
		}
		return "", false
	}
	rms := md.ResourceMetrics()
	for i := range rms.Len() {
		res := rms.At(i).Resource().Attributes()
		sms := rms.At(i).ScopeMetrics()
		for j := range sms.Len() {
			ms := sms.At(j).Metrics()
			for k := range ms.Len() {
				m := ms.At(k)
				var dps pmetric.NumberDataPointSlice
				if m.Type() == pmetric.MetricTypeSum {
					dps = m.Sum().DataPoints()
				} else {
					dps = m.Gauge().DataPoints()
				}
				for l := range dps.Len() {
					dp := dps.At(l)
					if v, ok := get(res, idKey); ok && v == id {
						// the object's identity is in the resource
					} else if v, ok := get(dp.Attributes(), idKey); !ok || v != id {
						continue
					}
					v, ok := get(res, key)
					if !ok {
						v, _ = get(dp.Attributes(), key)
					}
					if dp.Flags().NoRecordedValue() {
						out.stale = append(out.stale, v)
					} else {
						out.live = append(out.live, v)
					}
				}
			}
		}
	}
	return out
}

func allEqual(vs []string, want string) bool {
	for _, v := range vs {
		if v != want {
			return false
		}
	}
	return len(vs) > 0
}

// TestObjectLabelsAsAttributes runs two receivers on a real apiserver with
// object_labels_as_attributes: {pods: [app]}, one under KSM's names and one under k8s_cluster's.
// Every series of a labelled pod carries its label (label_app on each point; k8s.pod.label.app
// on each resource of the pod, its containers' too); after the label changes, the first batch
// that shows the new value shows it on every live series and ends the old ones with stale points;
// the namespace, labelled alike but not listed, gains nothing.
func TestObjectLabelsAsAttributes(t *testing.T) {
	kubeconfig := testenv.Kubeconfig(t) // starts the control plane before the leak baseline
	cs := testenv.Clientset(t)
	ctx := context.Background()

	ns := fmt.Sprintf("objlabels-%d", time.Now().UnixNano()%100000)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{"app": "ns-label"}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// No controller manager runs here to create the namespace's default service account.
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns, Labels: map[string]string{"app": "web", "tier": "front"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
		}}}},
	}
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent()) // after the clientset's connection is up

	type receiver struct {
		schema                     string
		podID, nsID, podKey, nsKey string
		batches                    chan pmetric.Metrics
		shutdown                   func()
	}
	var rcvs []*receiver
	for _, r := range []*receiver{
		{schema: "ksm", podID: "pod", nsID: "namespace", podKey: "label_app", nsKey: "label_app"},
		{schema: "k8s_cluster", podID: "k8s.pod.name", nsID: "k8s.namespace.name", podKey: "k8s.pod.label.app", nsKey: "k8s.namespace.label.app"},
		{schema: "semconv", podID: "k8s.pod.name", nsID: "k8s.namespace.name", podKey: "k8s.pod.label.app", nsKey: "k8s.namespace.label.app"},
	} {
		cfg := newConfig()
		cfg.AuthType, cfg.Kubeconfig, cfg.Schema = kubestatereceiver.AuthKubeConfig, kubeconfig, r.schema
		cfg.CollectionInterval, cfg.ExportTimeout = 300*time.Millisecond, 200*time.Millisecond
		cfg.Resources, cfg.Namespaces = []string{"pods", "namespaces"}, []string{ns}
		cfg.ObjectLabelsAsAttributes = map[string][]string{"pods": {"app"}}
		r.batches = make(chan pmetric.Metrics, 256)
		next, err := consumer.NewMetrics(func(_ context.Context, md pmetric.Metrics) error {
			select {
			case r.batches <- md:
			default: // the test is behind: drop this batch, a later cycle repeats it
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rc, err := kubestatereceiver.NewFactory().CreateMetrics(ctx, receivertest.NewNopSettings(typ), cfg, next)
		if err != nil {
			t.Fatal(err)
		}
		if err := rc.Start(ctx, &statusHost{}); err != nil {
			t.Fatal(err)
		}
		r.shutdown = func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := rc.Shutdown(sctx); err != nil {
				t.Error(err)
			}
		}
		rcvs = append(rcvs, r)
	}
	defer func() {
		for _, r := range rcvs {
			r.shutdown()
		}
	}()

	// next waits for a batch of r that holds the pod's points with label value want somewhere.
	next := func(r *receiver, want string) pmetric.Metrics {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for {
			select {
			case md := <-r.batches:
				for _, v := range seriesOf(md, r.podID, "web", r.podKey).live {
					if v == want {
						return md
					}
				}
			case <-deadline:
				t.Fatalf("%s: no batch with %s=%s within 30s", r.schema, r.podKey, want)
			}
		}
	}
	for _, r := range rcvs {
		md := next(r, "web")
		s := seriesOf(md, r.podID, "web", r.podKey)
		if !allEqual(s.live, "web") || len(s.live) < 3 {
			t.Fatalf("%s: %s of the pod's %d live series: %q; want web on every one", r.schema, r.podKey, len(s.live), s.live)
		}
		if tier := seriesOf(md, r.podID, "web", "label_tier").live; r.schema == "ksm" && !allEqual(tier, "") {
			t.Fatalf("%s: a label not listed (tier) was added: %q", r.schema, tier)
		}
		// Every series in the namespace (the namespace's own and its pod's) lacks the namespace's
		// label: namespaces are not listed.
		nsSeries := seriesOf(md, r.nsID, ns, r.nsKey)
		if len(nsSeries.live) <= len(s.live) {
			t.Fatalf("%s: no series of the namespace itself in the batch", r.schema)
		}
		for _, v := range nsSeries.live {
			if v == "ns-label" {
				t.Fatalf("%s: a series gained the namespace's label %s=%s; namespaces are not listed", r.schema, r.nsKey, v)
			}
		}
	}

	patch := []byte(`{"metadata":{"labels":{"app":"shop"}}}`)
	if _, err := cs.CoreV1().Pods(ns).Patch(ctx, "web", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range rcvs {
		md := next(r, "shop")
		s := seriesOf(md, r.podID, "web", r.podKey)
		if !allEqual(s.live, "shop") {
			t.Fatalf("%s: after the label change, live %s values %q; want shop on every series", r.schema, r.podKey, s.live)
		}
		if !allEqual(s.stale, "web") || len(s.stale) != len(s.live) {
			t.Fatalf("%s: after the label change, %d stale points with %q; want one per series (%d), with the old value", r.schema, len(s.stale), s.stale, len(s.live))
		}
	}
}
