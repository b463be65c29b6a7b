package seed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"

	"github.com/kubestate/kubestate/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return c
}

// Every fixture object is created and reads back, with the status the fixture gave it.
func TestFixturesApplyAndReadBack(t *testing.T) {
	cfg := testenv.RESTConfig(t)
	objs, err := ReadDir("../../../testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewApplier(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(ctx(t), objs); err != nil {
		t.Fatal(err)
	}
	// Applying twice is safe (make run re-seeds a running cluster).
	if err := a.Apply(ctx(t), objs); err != nil {
		t.Fatalf("re-applying the fixtures: %v", err)
	}
	dyn := dynamic.NewForConfigOrDie(cfg)
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(discovery.NewDiscoveryClientForConfigOrDie(cfg)))
	kinds := map[string]int{}
	for _, o := range objs {
		gvk := o.Obj.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			t.Fatalf("%s: %v", o, err)
		}
		var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			ns := o.Obj.GetNamespace()
			if ns == "" {
				ns = "default"
			}
			ri = dyn.Resource(m.Resource).Namespace(ns)
		}
		got, err := ri.Get(ctx(t), o.Obj.GetName(), metav1.GetOptions{})
		if err != nil {
			t.Errorf("%s: not readable: %v", o, err)
			continue
		}
		kinds[gvk.Kind]++
		want, _, _ := unstructured.NestedMap(o.Obj.Object, "status")
		if len(want) == 0 {
			continue
		}
		if _, err := a.statusResource(m.Resource); err != nil {
			continue // kind without a status subresource: its status is not ours to write
		}
		have, _, _ := unstructured.NestedMap(got.Object, "status")
		for k, v := range want {
			if _, ok := have[k]; !ok && !isZero(v) { // the apiserver omits zero values
				t.Errorf("%s: status.%s written by the fixture is missing", o, k)
			}
		}
		// Every condition as the fixture gives it, also those only a subresource other than
		// /status takes (a CertificateSigningRequest's Approved and Denied).
		for _, c := range conditionStates(want) {
			if !slices.Contains(conditionStates(have), c) {
				t.Errorf("%s: condition %s written by the fixture is missing (have %v)", o, c, conditionStates(have))
			}
		}
	}
	for _, k := range []string{"Node", "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service", "EndpointSlice",
		"Ingress", "PersistentVolume", "PersistentVolumeClaim", "StorageClass", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ResourceQuota",
		"LimitRange", "ConfigMap", "Secret", "Lease", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
		"ValidatingAdmissionPolicyBinding", "VolumeAttachment", "CertificateSigningRequest", "NetworkPolicy", "ReplicationController", "Namespace"} {
		if kinds[k] == 0 {
			t.Errorf("the demo fixtures hold no %s", k)
		}
	}
}

func writeFixture(t *testing.T, name, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A fixture the apiserver refuses fails with the file, the object and the apiserver's message.
func TestBadFixtureNamesTheObject(t *testing.T) {
	dir := writeFixture(t, "bad.yaml", `
apiVersion: v1
kind: Namespace
metadata:
  name: bad-fixture
---
apiVersion: v1
kind: Pod
metadata:
  name: no-containers
  namespace: bad-fixture
spec:
  containers: []
`)
	a, err := NewApplier(testenv.RESTConfig(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.ApplyDir(ctx(t), dir)
	if err == nil {
		t.Fatal("an invalid pod was accepted")
	}
	for _, want := range []string{"bad.yaml (document 2)", "Pod bad-fixture/no-containers", "spec.containers: Required value"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestFixtureParseErrors(t *testing.T) {
	for name, c := range map[string]struct{ yaml, want string }{
		"not yaml":      {"kind: [unclosed", "x.yaml (document 1)"},
		"no kind":       {"apiVersion: v1\nmetadata:\n  name: x\n", "x.yaml (document 1): every object needs apiVersion, kind and metadata.name"},
		"second doc":    {"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: Namespace\n", "(document 2)"},
		"unknown kind":  {"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n", "kind not served by this apiserver"},
		"missing owner": {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\n  ownerReferences:\n  - apiVersion: apps/v1\n    kind: Deployment\n    name: nowhere\n", "without a uid must name an object created earlier"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeFixture(t, "x.yaml", c.yaml)
			var err error
			if objs, perr := ReadDir(dir); perr != nil {
				err = perr
			} else {
				a, aerr := NewApplier(testenv.RESTConfig(t), nil)
				if aerr != nil {
					t.Fatal(aerr)
				}
				err = a.Apply(ctx(t), objs)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestSyntheticClusterAndSimulator(t *testing.T) {
	cs := testenv.Clientset(t)
	sz := Size{Nodes: 3, Namespaces: 2, Deployments: 4, Pods: 40}
	if err := Synthetic(ctx(t), cs, sz, nil); err != nil {
		t.Fatal(err)
	}
	pods, err := cs.CoreV1().Pods("").List(ctx(t), metav1.ListOptions{LabelSelector: "pod-template-hash=5d8f7c9b4"})
	if err != nil {
		t.Fatal(err)
	}
	phases := map[string]int{}
	for _, p := range pods.Items {
		if len(p.Spec.Containers) != 2 || p.Spec.NodeName == "" {
			t.Fatalf("pod %s: want two containers on a node", p.Name)
		}
		phases[string(p.Status.Phase)]++
	}
	if len(pods.Items) != 40 || phases["Running"] == 0 || phases["Pending"] == 0 || phases["Failed"] == 0 {
		t.Fatalf("synthetic pods: %d with phases %v", len(pods.Items), phases)
	}
	t.Cleanup(func() {
		// RemoveSynthetic leaves nothing of the synthetic cluster but its namespaces.
		if err := RemoveSynthetic(context.Background(), cs, sz); err != nil {
			t.Fatal(err)
		}
		left, err := cs.CoreV1().Pods("").List(context.Background(), metav1.ListOptions{LabelSelector: "pod-template-hash=5d8f7c9b4"})
		if err != nil || len(left.Items) != 0 {
			t.Errorf("after RemoveSynthetic: %d synthetic pods left (%v)", len(left.Items), err)
		}
		for _, get := range []func() error{
			func() error {
				_, err := cs.CoreV1().Nodes().Get(context.Background(), SyntheticNode(0, metav1.Time{}).Name, metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := cs.AppsV1().Deployments(nsOf(sz, 0)).Get(context.Background(), "app-0000", metav1.GetOptions{})
				return err
			},
		} {
			if err := get(); !apierrors.IsNotFound(err) {
				t.Errorf("after RemoveSynthetic: want NotFound, got %v", err)
			}
		}
	})

	// The simulator's steps: restart a marked pod, scale a marked deployment, run jobs.
	if _, err := cs.CoreV1().Namespaces().Get(ctx(t), "demo", metav1.GetOptions{}); err != nil {
		t.Skip("needs the demo namespace of the fixtures (TestFixturesApplyAndReadBack)")
	}
	for tick := 1; tick <= 4; tick++ {
		for _, err := range []error{restartPods(ctx(t), cs), scaleDeployments(ctx(t), cs, tick), cycleJobs(ctx(t), cs, tick)} {
			if err != nil {
				t.Fatalf("tick %d: %v", tick, err)
			}
		}
	}
	jobs, err := cs.BatchV1().Jobs("demo").List(ctx(t), metav1.ListOptions{LabelSelector: "app=simulated-batch"})
	if err != nil || len(jobs.Items) == 0 {
		t.Fatalf("simulated jobs: %v (%d)", err, len(jobs.Items))
	}
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case int64:
		return x == 0
	case float64:
		return x == 0
	case string:
		return x == ""
	case bool:
		return !x
	}
	return false
}

// conditionStates lists a status' conditions as "type=status".
func conditionStates(status map[string]any) []string {
	conds, _, _ := unstructured.NestedSlice(status, "conditions")
	var out []string
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok {
			out = append(out, fmt.Sprintf("%v=%v", m["type"], m["status"]))
		}
	}
	return out
}
