package engine_test

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/seed"
	"github.com/kubestate/kubestate/internal/testenv"
)

// Invariant 6 with real apiserver objects: informer caches hold no managedFields, and no Secret
// value ever reaches our heap, whatever the families. The caches hold entries (an object's key and
// its record), never the objects themselves.
func TestInformerCachesHoldOnlyWhatFamiliesRead(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := testenv.RESTConfig(t)
	a, err := seed.NewApplier(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ApplyDir(ctx, "../../testdata/fixtures"); err != nil {
		t.Fatal(err)
	}
	cs := testenv.Clientset(t)
	var all []engine.Source
	everything := family.Filter{Enabled: func(string, bool) bool { return true }}
	for _, m := range resources.All {
		all = append(all, m.Compile(everything))
	}
	eng := engine.New(all, engine.Clients{Kube: cs}, engine.Config{CollectionInterval: time.Hour, ExportTimeout: time.Minute, MaxPointsPerBatch: 1000},
		consumertest.NewNop(), engine.Hooks{}, zap.NewNop(), "test", "v0")
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = eng.Shutdown(ctx) }()
	if !eng.WaitForSync(ctx) {
		t.Fatal("no sync")
	}
	secrets := 0
	for _, m := range resources.All {
		objs := eng.Cached(m.ResourceName())
		for _, o := range objs {
			acc, err := meta.Accessor(o)
			if err != nil {
				t.Fatalf("%s: %T is not an object", m.ResourceName(), o)
			}
			if len(acc.GetManagedFields()) > 0 {
				t.Errorf("%s %s/%s: managedFields cached", m.ResourceName(), acc.GetNamespace(), acc.GetName())
			}
			if _, ok := o.(runtime.Object); ok {
				t.Errorf("%s %s/%s: the object itself is cached (%T), not just its record", m.ResourceName(), acc.GetNamespace(), acc.GetName(), o)
			}
			if m.ResourceName() == "secrets" {
				secrets++
			}
			if s, ok := o.(*corev1.Secret); ok {
				if s.Data != nil || s.StringData != nil {
					t.Errorf("secret %s/%s: values cached", s.Namespace, s.Name)
				}
			}
			if p, ok := o.(*corev1.Pod); ok {
				for _, c := range p.Spec.Containers {
					if len(c.Env) > 0 || len(c.Command) > 0 || len(c.Args) > 0 || c.LivenessProbe != nil {
						t.Errorf("pod %s/%s: container fields no family reads are cached", p.Namespace, p.Name)
					}
				}
			}
		}
	}
	list, err := cs.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if secrets != len(list.Items) || secrets == 0 {
		t.Fatalf("cached %d secrets, the cluster has %d", secrets, len(list.Items))
	}
}
