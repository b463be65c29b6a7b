package integration

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componentstatus"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/testenv"
)

// TestRBACMissingPermissionThenGranted runs the receiver, with KSM's default resources, as an
// identity that may not list configmaps and may list but not watch secrets. Configmap families
// are absent while every other resource exports; the log and the status name the resource and the
// verb that failed; granting the permissions later recovers without a restart.
func TestRBACMissingPermissionThenGranted(t *testing.T) {
	cluster := testenv.Cluster(t)
	leakCheck(t)
	cs := adminClient(t)
	ctx := context.Background()

	ns := makeNamespace(t, cs, "rel-rbac")
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "visible-later"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "listed"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// ClusterRole for group kubestate:limited: list+watch on every default resource except
	// configmaps (nothing) and secrets (list only).
	var full []string
	for _, r := range resources.DefaultNames() {
		if r != "configmaps" && r != "secrets" {
			full = append(full, r)
		}
	}
	role := testenv.NewLimitedRole(t, cs,
		rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: full, Verbs: []string{"list", "watch"}},
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"list"}},
	)

	kubeconfig := writeKubeconfig(t, cluster.Server, "kubestate-limited-token", cluster.CAData)
	sink := newCycleSink("kube_configmap_info", "namespace", "configmap")
	sink.keep = 50
	cfg := newConfig() // KSM's default resources
	cfg.CollectionInterval, cfg.ExportTimeout = 300*time.Millisecond, 200*time.Millisecond
	run := startReceiver(t, cfg, kubeconfig, sink)

	// The failures are logged with resource and verb, and reported as a recoverable error.
	failed := func(resource, verb string) bool {
		return run.logs.FilterMessageSnippet("cannot read resource").
			FilterField(zap.String("resource", resource)).FilterField(zap.String("verb", verb)).Len() > 0
	}
	if err := pollUntil(30*time.Second, func() bool { return failed("configmaps", "list") && failed("secrets", "watch") }); err != nil {
		for _, e := range run.logs.FilterMessageSnippet("cannot read resource").All() {
			t.Logf("log: %s %v", e.Message, e.ContextMap())
		}
		t.Fatalf("no error log naming configmaps/list and secrets/watch (configmaps/list: %v, secrets/watch: %v)",
			failed("configmaps", "list"), failed("secrets", "watch"))
	}
	statusNames := func(resource, verb string) bool {
		for _, ev := range run.host.all() {
			if ev.Status() == componentstatus.StatusRecoverableError && strings.Contains(ev.Err().Error(), verb+" "+resource) {
				return true
			}
		}
		return false
	}
	if !statusNames("configmaps", "list") || !statusNames("secrets", "watch") {
		t.Errorf("status events do not name the failures (configmaps list: %v, secrets watch: %v)", statusNames("configmaps", "list"), statusNames("secrets", "watch"))
	}
	if ev := run.host.last(); ev == nil || ev.Status() == componentstatus.StatusOK {
		t.Errorf("last status %v while configmaps cannot be listed, want a recoverable error", ev)
	}

	// Everything else exports: every other informer syncs; no configmap point is exported.
	c := sink.waitCycle(t, 0, 30*time.Second, "namespaces are exported", func(c *cycle) bool { return c.names["kube_namespace_status_phase"] })
	if err := pollUntil(30*time.Second, func() bool {
		synced := run.gauge(t, "otelcol_kubestate_informer_synced")
		for _, r := range resources.DefaultNames() {
			if want := int64(1); r == "configmaps" {
				want = 0
				if synced[r] != want {
					return false
				}
			} else if synced[r] != want {
				return false
			}
		}
		return true
	}); err != nil {
		t.Fatalf("informer_synced = %v, want 1 for every default resource but configmaps", run.gauge(t, "otelcol_kubestate_informer_synced"))
	}
	for n := range c.names {
		if strings.HasPrefix(n, "kube_configmap_") {
			t.Errorf("family %s exported without permission to list configmaps", n)
		}
	}
	if !c.names["kube_secret_info"] {
		t.Errorf("secrets can be listed, but kube_secret_info is not exported (families: %v)", slices.Sorted(func(yield func(string) bool) {
			for n := range c.names {
				if !yield(n) {
					return
				}
			}
		}))
	}

	// Grant, and recover without a restart.
	role.Set(rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: resources.DefaultNames(), Verbs: []string{"list", "watch"}})
	granted := time.Now()
	got := sink.waitCycle(t, sink.completed(), 2*time.Minute, "kube_configmap_info of the configmap is exported", func(c *cycle) bool {
		return c.objects[ns+"/visible-later"] == 1
	})
	if err := pollUntil(30*time.Second, func() bool {
		ev := run.host.last()
		return ev != nil && ev.Status() == componentstatus.StatusOK
	}); err != nil {
		t.Errorf("status after granting: %v, want OK", run.host.last())
	}
	okAt := time.Now()
	// Once recovered, no more permission errors.
	errorsAtOK := run.logs.FilterMessageSnippet("cannot read resource").Len()
	n := sink.completed()
	sink.waitCycle(t, n+5, 10*time.Second, "five more cycles", func(*cycle) bool { return true })
	if later := run.logs.FilterMessageSnippet("cannot read resource").Len(); later != errorsAtOK {
		t.Errorf("%d more permission errors after recovery", later-errorsAtOK)
	}
	t.Logf("figures: rbac: configmaps exported %.1fs after the grant, status OK after %.1fs; %d permission errors logged before",
		got.received.Sub(granted).Seconds(), okAt.Sub(granted).Seconds(), errorsAtOK)
}
