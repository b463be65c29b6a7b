package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// Invariant 6 with real apiserver objects, on what the engine really keeps: a record per object
// (the strings its points carry), never the object. Objects carry a unique marker in fields no
// family reads (Secret and ConfigMap values, container env, command and args, an annotation no
// allowlist names, the field manager in managedFields) and in one field families do read (a
// ConfigMap's name). Every string held for every resource, all families enabled, is searched:
// the name must be found (the search sees what is kept), and nothing else.
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
	marker := fmt.Sprintf("kubestate-marker-%d", time.Now().UnixNano())
	ns := marker
	mgr := metav1.CreateOptions{FieldManager: marker + "-manager"}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, mgr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, mgr); err != nil {
		t.Fatal(err)
	}
	unread := map[string]string{"annotations": marker + "-annotation"}
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: ns, Annotations: map[string]string{"note": unread["annotations"]}}
	}
	unread["secret data"], unread["secret stringData"] = marker+"-secret-data", marker+"-secret-stringdata"
	if _, err := cs.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: meta("s"),
		Data: map[string][]byte{"k": []byte(unread["secret data"])}, StringData: map[string]string{"s": unread["secret stringData"]}}, mgr); err != nil {
		t.Fatal(err)
	}
	unread["configmap data"] = marker + "-configmap-data"
	read := "held-" + marker // a ConfigMap's name: kube_configmap_info reads it
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: meta(read), Data: map[string]string{"k": unread["configmap data"]}}, mgr); err != nil {
		t.Fatal(err)
	}
	unread["container env"], unread["container command"], unread["container args"] = marker+"-env", marker+"-command", marker+"-args"
	unread["field manager"] = marker + "-manager"
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: meta("p"), Spec: corev1.PodSpec{Containers: []corev1.Container{{
		Name: "c", Image: "registry.example/app:1",
		Env:     []corev1.EnvVar{{Name: "E", Value: unread["container env"]}},
		Command: []string{unread["container command"]}, Args: []string{unread["container args"]},
	}}}}, mgr); err != nil {
		t.Fatal(err)
	}

	var all []engine.Source
	everything := family.Filter{Enabled: func(string, bool) bool { return true }}
	for _, m := range resources.All {
		all = append(all, m.Compile(everything))
	}
	eng := engine.New(engine.Options{
		Sources: all,
		Clients: engine.Clients{Kube: cs},
		Config:  engine.Config{CollectionInterval: time.Hour, ExportTimeout: time.Minute, MaxDataPointsPerBatch: 1000},
		Next:    consumertest.NewNop(),
		Hooks:   engine.Hooks{},
		Logger:  zap.NewNop(),
		Scope:   "test",
		Version: "v0",
	})
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = eng.Shutdown(ctx) }()
	if !eng.WaitForSync(ctx) {
		t.Fatal("no sync")
	}
	found := map[string][]string{} // marker string -> resources whose records hold it
	held := 0
	for _, m := range resources.All {
		for _, rec := range eng.Cached(m.ResourceName()) {
			text := rec.Text()
			held += len(text)
			for field, s := range unread {
				if strings.Contains(text, s) {
					found[field] = append(found[field], m.ResourceName())
				}
			}
			if strings.Contains(text, read) {
				found["name"] = append(found["name"], m.ResourceName())
			}
		}
	}
	t.Logf("records of %d resources hold %d bytes of strings", len(resources.All), held)
	if got := found["name"]; len(got) == 0 || got[0] != "configmaps" {
		t.Fatalf("the ConfigMap name %q, which kube_configmap_info reads, is in the records of %v; want configmaps: the search does not see what is kept", read, got)
	}
	for field := range unread {
		if got := found[field]; len(got) > 0 {
			t.Errorf("%s (read by no family) held in the records of %v", field, got)
		}
	}
	// One record per object: the secrets are all there, and only as records.
	list, err := cs.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(eng.Cached("secrets")); n != len(list.Items) || n == 0 {
		t.Fatalf("%d secret records, the cluster has %d secrets", n, len(list.Items))
	}
}
