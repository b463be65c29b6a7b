package customresource

import (
	"os"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/testenv/seed"
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

// TestSourcePointsWithTheirFamilysKeysKeepNone: a point whose labels are all its metric can have
// (every label path resolved) is stored with its values only, its keys being its family's, shared
// by every record; a point missing one keeps its own keys. Either reads back with the same labels.
func TestSourcePointsWithTheirFamilysKeysKeepNone(t *testing.T) {
	data, err := os.ReadFile("../../testdata/bench/crs/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	gvk := GroupVersionKind{Group: "bench.kubestate.io", Version: "v1", Kind: "Release"}
	src := NewSource(rs[0].Bind(gvk, "releases", true), "releases", nil)
	info := slices.IndexFunc(src.Families(), func(d engine.FamilyDesc) bool { return d.Name == "kube_customresource_release_info" })
	if info < 0 {
		t.Fatal("no release_info family")
	}
	wantKeys := []string{"chart", LabelGroup, LabelKind, LabelVersion, "name", "namespace", "version"}
	if got := src.Families()[info].Keys; !slices.Equal(got, wantKeys) {
		t.Fatalf("release_info keys %v, want %v", got, wantKeys)
	}

	whole := src.Record(seed.Release(7, 0))
	if strings.Contains(whole.Text(), LabelGroup) || strings.Contains(whole.Text(), "namespace") {
		t.Errorf("a record whose paths all resolve holds label keys: %q", whole.Text())
	}
	infoPoint := func(rec *engine.Record) engine.Point {
		for _, p := range rec.Points(src.Families()) {
			if p.Family == info {
				return p
			}
		}
		t.Fatal("no release_info point")
		return engine.Point{}
	}
	if p := infoPoint(whole); !slices.Equal(p.Keys, wantKeys) || p.Values[0] != "chart-07" {
		t.Errorf("release_info read back as %v = %v", p.Keys, p.Values)
	}

	noChart := seed.Release(7, 0)
	unstructured.RemoveNestedField(noChart.Object, "spec", "chart")
	rec := src.Record(noChart)
	if !strings.Contains(rec.Text(), LabelGroup) {
		t.Errorf("the info point without its chart label keeps no keys of its own: %q", rec.Text())
	}
	if p := infoPoint(rec); !slices.Equal(p.Keys, wantKeys[1:]) || p.Values[len(p.Values)-1] != "1.0.7" {
		t.Errorf("release_info without chart read back as %v = %v, want keys %v", p.Keys, p.Values, wantKeys[1:])
	}
	if got, want := rec.Len(), whole.Len(); got != want {
		t.Errorf("%d points without the chart, want %d", got, want)
	}
}
