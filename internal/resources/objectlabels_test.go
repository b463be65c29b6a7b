package resources

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
)

// objectLabelsOf runs obj through src as the informer would (Transform, then Record) and lists the
// record's object labels as "pointKey resourceKey=value".
func objectLabelsOf(t *testing.T, src engine.Source, obj runtime.Object) (*engine.Record, []string) {
	t.Helper()
	o, err := src.Transform(obj.DeepCopyObject())
	if err != nil {
		t.Fatal(err)
	}
	rec := src.Record(o)
	var out []string
	for i := range rec.ObjectLabels() {
		k, rk, v := rec.ObjectLabel(i)
		out = append(out, fmt.Sprintf("%s %s=%s", k, rk, v))
	}
	return rec, out
}

// Object label keys: under KSM's names exactly the *_labels family's label names (sanitized,
// snake_cased, "label_" prefix, KSM's _conflictN suffixes when two keys sanitize alike), as
// resource attributes k8s.<kind>.label.<key as it is>; only the allowlisted keys.
func TestObjectLabelKeys(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p", UID: "u", Labels: map[string]string{
		"app": "web", "app.kubernetes.io/name": "shop", "app_kubernetes_io_name": "other", "teamName": "pay", "secret": "no",
	}}}
	allowed := allow(t, "app", "app*name", "teamName")
	src := Pods.Compile(family.Filter{ObjectLabels: allowed, Labels: allowed})
	rec, got := objectLabelsOf(t, src, pod)
	want := []string{
		"label_app k8s.pod.label.app=web",
		"label_app_kubernetes_io_name_conflict1 k8s.pod.label.app.kubernetes.io/name=shop",
		"label_app_kubernetes_io_name_conflict2 k8s.pod.label.app_kubernetes_io_name=other",
		"label_team_name k8s.pod.label.teamName=pay",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("object labels\n%q\nwant\n%q", got, want)
	}
	// The same names as kube_pod_labels gives them.
	var famKeys []string
	for _, p := range rec.Points(src.Families()) {
		if src.Families()[p.Family].Name == "kube_pod_labels" {
			famKeys = p.Keys
		}
	}
	if !slices.Equal(famKeys, []string{"label_app", "label_app_kubernetes_io_name_conflict1", "label_app_kubernetes_io_name_conflict2", "label_team_name"}) {
		t.Fatalf("kube_pod_labels keys %v differ from the object labels' names", famKeys)
	}

	// Off: no object labels, nothing of them kept, the same points.
	off, none := objectLabelsOf(t, Pods.Compile(family.Filter{Labels: allowed}), pod)
	if len(none) != 0 || strings.Contains(off.Text(), "k8s.pod.label") || len(off.Text()) >= len(rec.Text()) ||
		fmt.Sprint(off.Points(src.Families())) != fmt.Sprint(rec.Points(src.Families())) {
		t.Fatalf("without object_labels_as_attributes: labels %q, text %q", none, off.Text())
	}
}

// A resource whose Strip drops labels (no family of it reads them) still gets its object labels,
// and the kind's attribute name is the semantic conventions' (k8s.hpa.*, not
// k8s.horizontalpodautoscaler.*).
func TestObjectLabelsSurviveStripAndKindNames(t *testing.T) {
	lr := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "lr", Labels: map[string]string{"team": "pay"}}}
	if _, got := objectLabelsOf(t, LimitRanges.Compile(family.Filter{ObjectLabels: allow(t, "*")}), lr); !slices.Equal(got, []string{"label_team k8s.limitrange.label.team=pay"}) {
		t.Fatalf("limit range: %q", got)
	}
	// Strip itself still drops them when the option is off (what the informer keeps is unchanged).
	stripped, err := LimitRanges.Compile(family.Filter{}).Transform(lr.DeepCopyObject())
	if err != nil || stripped.(*corev1.LimitRange).Labels != nil {
		t.Fatalf("limit range without the option keeps labels %v (%v)", stripped.(*corev1.LimitRange).Labels, err)
	}
	hpa := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "h", Labels: map[string]string{"team": "pay"}}}
	if _, got := objectLabelsOf(t, HorizontalPodAutoscalers.Compile(family.Filter{ObjectLabels: allow(t, "team")}), hpa); !slices.Equal(got, []string{"label_team k8s.hpa.label.team=pay"}) {
		t.Fatalf("hpa: %q", got)
	}
}

// resourceKeyOf is the resource attribute key r gives an object's label "app.kubernetes.io/name".
func resourceKeyOf[T runtime.Object](t *testing.T, r *family.Resource[T]) string {
	t.Helper()
	obj := r.New()
	m, err := meta.Accessor(obj)
	if err != nil {
		t.Fatal(err)
	}
	m.SetNamespace("ns")
	m.SetName("x")
	m.SetLabels(map[string]string{"app.kubernetes.io/name": "shop"})
	_, got := objectLabelsOf(t, r.Compile(family.Filter{ObjectLabels: allow(t, "*")}), obj)
	if len(got) != 1 {
		t.Fatalf("%s: object labels %q", r.Name, got)
	}
	return got[0][len("label_app_kubernetes_io_name "):strings.Index(got[0], "=")]
}

// Where the semantic conventions name a kind's labels (k8s.<kind>.label.<key>), the resource
// attribute is theirs, checked against the registry's Go functions.
func TestObjectLabelKeysAreTheSemanticConventions(t *testing.T) {
	const key = "app.kubernetes.io/name"
	for _, c := range []struct{ got, want string }{
		{resourceKeyOf(t, CronJobs), string(semconv.K8SCronJobLabel(key, "").Key)},
		{resourceKeyOf(t, DaemonSets), string(semconv.K8SDaemonSetLabel(key, "").Key)},
		{resourceKeyOf(t, Deployments), string(semconv.K8SDeploymentLabel(key, "").Key)},
		{resourceKeyOf(t, Jobs), string(semconv.K8SJobLabel(key, "").Key)},
		{resourceKeyOf(t, Namespaces), string(semconv.K8SNamespaceLabel(key, "").Key)},
		{resourceKeyOf(t, Nodes), string(semconv.K8SNodeLabel(key, "").Key)},
		{resourceKeyOf(t, PersistentVolumes), string(semconv.K8SPersistentvolumeLabel(key, "").Key)},
		{resourceKeyOf(t, PersistentVolumeClaims), string(semconv.K8SPersistentvolumeclaimLabel(key, "").Key)},
		{resourceKeyOf(t, Pods), string(semconv.K8SPodLabel(key, "").Key)},
		{resourceKeyOf(t, ReplicaSets), string(semconv.K8SReplicaSetLabel(key, "").Key)},
		{resourceKeyOf(t, Services), string(semconv.K8SServiceLabel(key, "").Key)},
		{resourceKeyOf(t, StatefulSets), string(semconv.K8SStatefulSetLabel(key, "").Key)},
	} {
		if c.got != c.want {
			t.Errorf("resource attribute %q; the semantic conventions say %q", c.got, c.want)
		}
	}
}
