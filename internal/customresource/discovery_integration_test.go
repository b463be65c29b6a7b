package customresource_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/kubestate/kubestate/internal/customresource"
	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/points"
)

func TestMain(m *testing.M) { testenv.Main(m, func() error { return goleak.Find() }) }

// crdObject is a CustomResourceDefinition of kind in group, namespaced, with versions name ->
// served (the first is the storage version).
func crdObject(group, kind, plural string, versions ...string) *unstructured.Unstructured {
	var vs []any
	for i, v := range versions {
		name, served := strings.CutSuffix(v, "-unserved")
		vs = append(vs, map[string]any{
			"name": name, "served": !served, "storage": i == 0,
			"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
		})
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": plural + "." + group},
		"spec": map[string]any{
			"group": group, "scope": "Namespaced", "versions": vs,
			"names": map[string]any{"kind": kind, "plural": plural, "singular": strings.ToLower(kind), "listKind": kind + "List"},
		},
	}}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitForWithin(t, 60*time.Second, what, cond)
}

func waitForWithin(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// series snapshots eng into name{k="v",...} value lines, sorted.
func series(eng *engine.Engine) []string {
	var out []string
	eng.Snapshot(context.Background(), func(md pmetric.Metrics) error {
		points.Each(md, func(m pmetric.Metric, dp pmetric.NumberDataPoint) bool {
			var kv []string
			dp.Attributes().Range(func(k string, v pcommon.Value) bool {
				kv = append(kv, fmt.Sprintf("%s=%q", k, v.AsString()))
				return true
			})
			slices.Sort(kv)
			out = append(out, m.Name()+"{"+strings.Join(kv, ",")+"} "+strconv.FormatFloat(dp.DoubleValue(), 'g', -1, 64))
			return true
		})
		return nil
	})
	slices.Sort(out)
	return out
}

// TestDiscoveryFollowsCRDs: with a wildcard version, a CRD created after start gets a source per
// served version, objects of it become series; a version no longer served loses its source, a
// deleted CRD all of them; afterwards no goroutine is left of them, and Stop leaves none at all.
func TestDiscoveryFollowsCRDs(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	restCfg := testenv.RESTConfig(t)
	dyn, err := dynamic.NewForConfig(restCfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := customresource.Parse([]byte(`kind: CustomResourceStateMetrics
spec:
  resources:
    - groupVersionKind: {group: discovery.kubestate.test, version: "*", kind: Widget}
      labelsFromPath:
        name: [metadata, name]
        namespace: [metadata, namespace]
      metrics:
        - name: widget_size
          help: size
          each: {type: Gauge, gauge: {path: [spec, size]}}
`))
	if err != nil {
		t.Fatal(err)
	}
	resources, err := customresource.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Options{
		Clients: engine.Clients{Dynamic: dyn},
		Config:  engine.Config{CollectionInterval: time.Hour, ExportTimeout: time.Minute, MaxDataPointsPerBatch: 1000},
		Next:    consumertest.NewNop(),
		Logger:  zaptest.NewLogger(t),
	})
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := eng.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	d := customresource.NewDiscovery(resources, eng, dyn, zaptest.NewLogger(t))
	d.Start()
	stopped := false
	defer func() {
		if !stopped {
			_ = d.Stop(context.Background())
		}
	}()

	crds := dyn.Resource(customresource.CRDs)
	crd := crdObject("discovery.kubestate.test", "Widget", "widgets", "v1")
	if _, err := crds.Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = crds.Delete(context.Background(), "widgets.discovery.kubestate.test", metav1.DeleteOptions{})
	})
	waitFor(t, "a source for v1", func() bool { return slices.Equal(d.Sources(), []string{"widgets.v1.discovery.kubestate.test"}) })

	widgets := dyn.Resource(schema.GroupVersionResource{Group: "discovery.kubestate.test", Version: "v1", Resource: "widgets"}).Namespace("default")
	w := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "discovery.kubestate.test/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w1", "namespace": "default"}, "spec": map[string]any{"size": int64(3)},
	}}
	// The apiserver serves a new CRD's resource a moment after the CRD is established.
	waitFor(t, "the widget created", func() bool { _, err := widgets.Create(ctx, w, metav1.CreateOptions{}); return err == nil })
	want := `kube_customresource_widget_size{customresource_group="discovery.kubestate.test",customresource_kind="Widget",customresource_version="v1",name="w1",namespace="default"} 3`
	waitFor(t, "the widget's series", func() bool { return slices.Equal(series(eng), []string{want}) })

	// A second served version: a second source (KSM lists the same objects under both).
	setVersions := func(versions ...string) {
		t.Helper()
		cur, err := crds.Get(ctx, "widgets.discovery.kubestate.test", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		spec := crdObject("discovery.kubestate.test", "Widget", "widgets", versions...).Object["spec"]
		cur.Object["spec"] = spec
		if _, err := crds.Update(ctx, cur, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	baseline := goleak.IgnoreCurrent() // one source running
	setVersions("v1", "v2")
	waitFor(t, "a source per served version", func() bool { return len(d.Sources()) == 2 })
	waitFor(t, "the widget under both versions", func() bool { return len(series(eng)) == 2 })
	setVersions("v1", "v2-unserved")
	waitFor(t, "v2's source gone", func() bool { return slices.Equal(d.Sources(), []string{"widgets.v1.discovery.kubestate.test"}) })
	if err := goleak.Find(baseline); err != nil {
		t.Errorf("v2's source left goroutines: %v", err)
	}
	if got := series(eng); !slices.Equal(got, []string{want}) {
		t.Errorf("after v2 stopped being served: %v", got)
	}

	if err := crds.Delete(ctx, "widgets.discovery.kubestate.test", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every source gone", func() bool { return len(d.Sources()) == 0 })
	if got := series(eng); len(got) != 0 {
		t.Errorf("after the CRD was deleted: %v", got)
	}
	stopped = true
	if err := d.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}
