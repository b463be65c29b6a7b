package resources

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// Object -> record, per resource, with the default families (what a handler pays per event):
//
//	go test ./internal/resources -run '^$' -bench BenchmarkRecord -benchmem -count 6 | tee new.txt
//
// "record" runs the families over an already stripped object; "event" is the whole per-event path
// of the informer: protobuf decode, transform (strip), record.

func BenchmarkRecord(b *testing.B) {
	benchRecord(b, "pods", Pods, family.Filter{}, seed.ServedPods(64))
	benchRecord(b, "nodes", Nodes, family.Filter{}, benchNodes(16))
	benchRecord(b, "deployments", Deployments, family.Filter{}, benchDeployments(16))
	// object_labels_as_attributes: each pod's two labels on every series.
	labels, err := family.ParseAllowlist([]string{"app", "pod-template-hash"})
	if err != nil {
		b.Fatal(err)
	}
	benchRecord(b, "pods-objectlabels", Pods, family.Filter{ObjectLabels: labels}, seed.ServedPods(64))
}

type protoObject interface {
	kruntime.Object
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

func benchRecord[T protoObject](b *testing.B, name string, r *family.Resource[T], filter family.Filter, objs []T) {
	src := r.Compile(filter)
	stripped := make([]any, len(objs))
	wire := make([][]byte, len(objs))
	points := 0
	for i, o := range objs {
		data, err := o.Marshal()
		if err != nil {
			b.Fatal(err)
		}
		wire[i] = data
		s, err := src.Transform(o.DeepCopyObject())
		if err != nil {
			b.Fatal(err)
		}
		stripped[i] = s
		points += src.Record(s).Len()
	}
	perObject := float64(points) / float64(len(objs))
	b.Run(name+"/record", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = src.Record(stripped[i%len(stripped)])
		}
		b.ReportMetric(perObject, "points/op")
	})
	// What the engine keeps per object: the record (and nothing of the object, see engine.toEntry).
	b.Run(name+"/retained", func(b *testing.B) {
		const n = 4096
		keep := make([]any, n)
		for b.Loop() {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := range keep {
				o := r.New()
				if err := o.Unmarshal(wire[i%len(wire)]); err != nil {
					b.Fatal(err)
				}
				s, err := src.Transform(o)
				if err != nil {
					b.Fatal(err)
				}
				keep[i] = src.Record(s)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "retained-B/object")
			b.ReportMetric(float64(after.HeapObjects-before.HeapObjects)/n, "retained-objects/object")
			clear(keep)
		}
	})
	b.Run(name+"/event", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			o := r.New()
			if err := o.Unmarshal(wire[i%len(wire)]); err != nil {
				b.Fatal(err)
			}
			s, err := src.Transform(o)
			if err != nil {
				b.Fatal(err)
			}
			_ = src.Record(s)
		}
		b.ReportMetric(perObject, "points/op")
	})
}

func benchNodes(n int) []*corev1.Node {
	out := make([]*corev1.Node, n)
	for i := range out {
		out[i] = seed.SyntheticNode(i, metav1.NewTime(time.Unix(1700000000, 0)))
		out[i].UID, out[i].CreationTimestamp = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", metav1.NewTime(time.Unix(1700000000, 0))
	}
	return out
}

func benchDeployments(n int) []*appsv1.Deployment {
	out := make([]*appsv1.Deployment, n)
	for i := range out {
		name := fmt.Sprintf("app-%04d", i)
		labels := map[string]string{"app": name}
		out[i] = &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: fmt.Sprintf("synth-%03d", i%20), Labels: labels, UID: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
				Generation: 1, CreationTimestamp: metav1.NewTime(time.Unix(1700000000, 0))},
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](10), Selector: &metav1.LabelSelector{MatchLabels: labels},
				Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{}},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example/" + name + ":1.4.2"}}}}},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 10, UpdatedReplicas: 10, ReadyReplicas: 10, AvailableReplicas: 10,
				Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable"}, {Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable"}}},
		}
	}
	return out
}

// What decoding costs, and what it would cost if the decoder skipped every field no family reads:
//
//	go test ./internal/resources -run '^$' -bench BenchmarkDecode -benchmem -count 6
//
// The pod is one the seeder's synthetic cluster holds, as the kube-apiserver serves it (managed
// fields, defaults, the service account volume), captured into testdata/bench. "served" decodes
// its protobuf as the reflector does; "needed" decodes the protobuf of the same pod after the
// transform stripped it: a lower bound for any decoder that skips what families do not read.
func BenchmarkDecode(b *testing.B) {
	raw, err := os.ReadFile("../../testdata/bench/served-pod.json")
	if err != nil {
		b.Fatal(err)
	}
	var pod corev1.Pod
	if err := json.Unmarshal(raw, &pod); err != nil {
		b.Fatal(err)
	}
	src := Pods.Compile(family.Filter{})
	served, err := pod.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	stripped, err := src.Transform(pod.DeepCopy())
	if err != nil {
		b.Fatal(err)
	}
	needed, err := stripped.(*corev1.Pod).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		wire []byte
	}{{"served", served}, {"needed", needed}} {
		b.Run("pods/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.wire)))
			for b.Loop() {
				var p corev1.Pod
				if err := p.Unmarshal(c.wire); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
