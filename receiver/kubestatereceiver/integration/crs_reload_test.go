package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/kubestate/kubestate/internal/customresource"
	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

const reloadConfig = `kind: CustomResourceStateMetrics
spec:
  resources:
    - groupVersionKind: {group: reload.kubestate.test, version: v1, kind: Sprocket}
      labelsFromPath: {name: [metadata, name]}
      metrics:
        - {name: METRIC, help: size, each: {type: Gauge, gauge: {path: [spec, size]}}}
`

// TestCustomResourceStateFileReload: the receiver exports a custom resource with the config of
// custom_resource_state_file; a bad new file is refused with a log line naming the file and the
// fault while the old config keeps exporting; a good new file replaces the config.
func TestCustomResourceStateFileReload(t *testing.T) {
	kubeconfig := testenv.Kubeconfig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dyn, err := dynamic.NewForConfig(testenv.RESTConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "sprockets.reload.kubestate.test"},
		"spec": map[string]any{"group": "reload.kubestate.test", "scope": "Namespaced",
			"names": map[string]any{"kind": "Sprocket", "plural": "sprockets", "singular": "sprocket", "listKind": "SprocketList"},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}},
	}}
	if _, err := dyn.Resource(customresource.CRDs).Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = dyn.Resource(customresource.CRDs).Delete(context.Background(), "sprockets.reload.kubestate.test", metav1.DeleteOptions{})
	})
	sprockets := dyn.Resource(schema.GroupVersionResource{Group: "reload.kubestate.test", Version: "v1", Resource: "sprockets"}).Namespace("default")
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "reload.kubestate.test/v1", "kind": "Sprocket",
		"metadata": map[string]any{"name": "s1"}, "spec": map[string]any{"size": int64(4)}}}
	deadline := time.Now().Add(time.Minute)
	for _, err := sprockets.Create(ctx, obj, metav1.CreateOptions{}); err != nil; _, err = sprockets.Create(ctx, obj, metav1.CreateOptions{}) {
		if time.Now().After(deadline) { // the apiserver serves a new CRD a moment after creating it
			t.Fatalf("creating the sprocket: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	file := filepath.Join(t.TempDir(), "crs.yaml")
	write := func(metric string) {
		t.Helper()
		data := []byte(reloadConfig)
		if metric != "" {
			data = []byte(replaceMetric(reloadConfig, metric))
		} else {
			data = []byte("spec:\n  resources:\n    - groupVersionKind: {group: reload.kubestate.test, version: v1, kind: Sprocket}\n      metrics:\n        - {name: x, each: {type: Summary}}\n")
		}
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("size_a")
	cfg := newConfig()
	cfg.AuthType, cfg.Kubeconfig = kubestatereceiver.AuthKubeConfig, kubeconfig
	cfg.CollectionInterval, cfg.ExportTimeout = 300*time.Millisecond, 200*time.Millisecond
	cfg.CustomResourceStateFile, cfg.CustomResourceStateOnly = file, true
	cfg.CustomResourceStateReloadInterval = 100 * time.Millisecond
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.InfoLevel)
	set := receivertest.NewNopSettings(typ)
	set.Logger = zap.New(core)
	sink := new(consumertest.MetricsSink)
	r, err := kubestatereceiver.NewFactory().CreateMetrics(ctx, set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx, &statusHost{}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Shutdown(sctx); err != nil {
			t.Error(err)
		}
	}()
	s1 := map[string]string{"name": "s1"}
	waitForPoint(t, sink, "kube_customresource_size_a", s1, 4)

	write("") // an unknown metric type
	waitForLog(t, logs, "custom_resource_state_file changed and is refused", file, `metrics[0] ("x"): each.type: unknown metric type "Summary"`)
	waitForPoint(t, sink, "kube_customresource_size_a", s1, 4) // the last good config keeps running

	write("size_b")
	waitForPoint(t, sink, "kube_customresource_size_b", s1, 4)
	sink.Reset()
	waitForPoint(t, sink, "kube_customresource_size_b", s1, 4)
	for _, md := range sink.AllMetrics() {
		if hasPoint(md, "kube_customresource_size_a", s1, 4) {
			t.Fatal("the replaced config's metric is still exported")
		}
	}
}

func replaceMetric(cfg, metric string) string { return strings.Replace(cfg, "METRIC", metric, 1) }

// waitForLog waits for a log entry whose message holds msg whose fields mention each of want.
func waitForLog(t *testing.T, logs *observer.ObservedLogs, msg string, want ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range logs.FilterMessageSnippet(msg).All() {
			text := ""
			for _, f := range e.Context {
				if f.Interface != nil {
					if err, ok := f.Interface.(error); ok {
						text += err.Error()
					}
				}
				text += f.String
			}
			ok := true
			for _, w := range want {
				ok = ok && contains(text, w)
			}
			if ok {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no log %q mentioning %q within 30s; logged: %v", msg, want, logs.All())
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
