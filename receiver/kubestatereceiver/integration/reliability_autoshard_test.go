package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componentstatus"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// TestAutoShardingRBACMissingThenGranted runs an auto-sharded receiver as an identity that may list
// and watch pods but neither get its own pod nor read its StatefulSet: it starts (no crash), logs
// what it cannot read, reports a recoverable status and exports nothing; each grant lets it go on
// without a restart, and once it can read the StatefulSet it exports its shard. Scaling the
// StatefulSet then changes the shard gauges without a restart.
func TestAutoShardingRBACMissingThenGranted(t *testing.T) {
	cluster := testenv.Cluster(t)
	leakCheck(t)
	cs := adminClient(t)
	ctx := context.Background()

	ns := makeNamespace(t, cs, "rel-autoshard")
	labels := map[string]string{"app": "ks"}
	sts, err := cs.AppsV1().StatefulSets(ns).Create(ctx, &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "ks", Namespace: ns},
		Spec: appsv1.StatefulSetSpec{
			Replicas: ptr.To(int32(1)), ServiceName: "ks", Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.example/app:1"}}}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod := simplePod(ns, "ks-0")
	pod.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "ks", UID: sts.UID, Controller: ptr.To(true)}}
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	role := testenv.NewLimitedRole(t, cs, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list", "watch"}})
	grant := role.Grant

	kubeconfig := writeKubeconfig(t, cluster.Server, "kubestate-limited-token", cluster.CAData)
	sink := newCycleSink("kube_pod_info", "namespace", "pod")
	cfg := newConfig()
	cfg.Resources, cfg.Namespaces = []string{"pods"}, []string{ns}
	cfg.CollectionInterval, cfg.ExportTimeout = 300*time.Millisecond, 200*time.Millisecond
	cfg.AutoSharding = kubestatereceiver.AutoShardingConfig{Enabled: true, PodName: "ks-0", PodNamespace: ns}
	run := startReceiver(t, cfg, kubeconfig, sink)

	refused := func(what string) {
		t.Helper()
		if err := pollUntil(30*time.Second, func() bool {
			logged := false
			for _, e := range run.logs.FilterMessageSnippet("auto_sharding cannot read").All() {
				logged = logged || strings.Contains(e.ContextMap()["error"].(string), what)
			}
			ev := run.host.last()
			return logged && ev != nil && ev.Status() == componentstatus.StatusRecoverableError && strings.Contains(ev.Err().Error(), what)
		}); err != nil {
			t.Fatalf("no error log and recoverable status naming %q (last status: %v)", what, run.host.last())
		}
	}
	refused("cannot get pod " + ns + "/ks-0")
	grant(rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}})
	refused("cannot list StatefulSet " + ns + "/ks")
	if n := sink.completed(); n != 0 {
		t.Errorf("%d cycles exported before the shard was known", n)
	}
	grant(rbacv1.PolicyRule{APIGroups: []string{"apps"}, Resources: []string{"statefulsets"}, Verbs: []string{"get", "list", "watch"}})
	sink.waitCycle(t, 0, 60*time.Second, "ks-0 is exported", func(c *cycle) bool { return c.objects[ns+"/ks-0"] == 1 })
	if err := pollUntil(30*time.Second, func() bool {
		ev := run.host.last()
		return ev != nil && ev.Status() == componentstatus.StatusOK
	}); err != nil {
		t.Errorf("status after granting: %v, want OK", run.host.last())
	}
	if g := run.gauge(t, "otelcol_kubestate_total_shards")[""]; g != 1 {
		t.Errorf("otelcol_kubestate_total_shards = %d, want 1 (replicas)", g)
	}

	// Scale to 2 and report both ready: shard 0 of 2 without a restart.
	sts, err = cs.AppsV1().StatefulSets(ns).Get(ctx, "ks", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sts.Spec.Replicas = ptr.To(int32(2))
	if sts, err = cs.AppsV1().StatefulSets(ns).Update(ctx, sts, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	sts.Status = appsv1.StatefulSetStatus{ObservedGeneration: sts.Generation, Replicas: 2, ReadyReplicas: 2}
	if _, err := cs.AppsV1().StatefulSets(ns).UpdateStatus(ctx, sts, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := pollUntil(30*time.Second, func() bool {
		return run.gauge(t, "otelcol_kubestate_total_shards")[""] == 2 && run.gauge(t, "otelcol_kubestate_shard")[""] == 0
	}); err != nil {
		t.Fatalf("otelcol_kubestate_total_shards = %d after scaling to 2, want 2", run.gauge(t, "otelcol_kubestate_total_shards")[""])
	}
}
