package customresource

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
)

// TestSourceRecordAndTombstones: an object becomes one record with a point per sample, metrics of
// one name share a family; a DeletedFinalStateUnknown (or anything not an object) is no record
// and no panic, in the source and in the CRD reduction.
func TestSourceRecordAndTombstones(t *testing.T) {
	cfg, err := Parse([]byte(`spec:
  resources:
  - groupVersionKind: {group: g.io, version: v1, kind: K}
    metrics:
    - {name: size, commonLabels: {unit: a}, each: {type: Gauge, gauge: {path: [spec, a]}}}
    - {name: size, commonLabels: {unit: b}, each: {type: Gauge, gauge: {path: [spec, b]}}}
    - {name: phase, each: {type: StateSet, stateSet: {path: [status, phase], labelName: phase, list: [Up, Down]}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(rs[0].Bind(GroupVersionKind{Group: "g.io", Version: "v1", Kind: "K"}, "ks", true), "ks.v1.g.io", nil)
	if f := src.Families(); len(f) != 2 || f[0].Type != engine.Gauge || f[1].Type != engine.Gauge {
		t.Fatalf("families %+v, want size once and phase, gauges", f)
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"metadata": map[string]any{"name": "x", "managedFields": []any{map[string]any{"manager": "m"}}},
		"spec":     map[string]any{"a": int64(1), "b": "2"}, "status": map[string]any{"phase": "Down"},
	}}
	obj, _ := src.Transform(u)
	if _, found, _ := unstructured.NestedSlice(u.Object, "metadata", "managedFields"); found {
		t.Error("managedFields kept")
	}
	rec := src.Record(obj)
	var got []engine.Point
	if rec != nil {
		got = rec.Points(src.Families())
	}
	if len(got) != 4 || got[0].Family != 0 || got[1].Family != 0 || got[2].Family != 1 || got[2].Value != 1 || got[3].Value != 0 {
		t.Errorf("points %+v, want size a, size b, phase Down 1, phase Up 0 (sorted by labels)", got)
	}
	tomb := cache.DeletedFinalStateUnknown{Key: "ns/x", Obj: u}
	if rec := src.Record(tomb); rec != nil {
		t.Error("a tombstone became a record")
	}
	if out, err := reduceCRD(tomb); err != nil || out != any(tomb) {
		t.Errorf("reduceCRD(tombstone) = %v, %v; want it passed through", out, err)
	}
}
