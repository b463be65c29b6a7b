package resources

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
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
