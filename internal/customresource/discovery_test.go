package customresource

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func reducedCRD(t *testing.T, group, kind, plural, scope string, versions map[string]bool) *crd {
	t.Helper()
	var vs []any
	for _, name := range []string{"v1", "v2", "v3"} {
		if served, ok := versions[name]; ok {
			vs = append(vs, map[string]any{"name": name, "served": served})
		}
	}
	c, err := reduceCRD(&unstructured.Unstructured{Object: map[string]any{
		"metadata": map[string]any{"name": plural + "." + group, "resourceVersion": "1"},
		"spec":     map[string]any{"group": group, "scope": scope, "names": map[string]any{"kind": kind, "plural": plural}, "versions": vs},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c.(*crd)
}

// TestBindingsServedVersionsOnly: wildcards resolve to served versions only; a CRD serving no
// version, and a group/version/kind no CRD defines (a built-in kind), bind nothing and are logged
// once with the configured group/version/kind.
func TestBindingsServedVersionsOnly(t *testing.T) {
	cfg, err := Parse([]byte(`spec:
  resources:
    - groupVersionKind: {group: myteam.io, version: "*", kind: Foo}
      metrics: [{name: a, each: {type: Gauge, gauge: {path: [x]}}}]
    - groupVersionKind: {group: myteam.io, kind: "*", version: v1}
      metrics: [{name: b, each: {type: Gauge, gauge: {path: [x]}}}]
    - groupVersionKind: {group: apps, version: v1, kind: Deployment}
      metrics: [{name: c, each: {type: Gauge, gauge: {path: [x]}}}]
    - groupVersionKind: {group: idle.io, version: "*", kind: Idle}
      metrics: [{name: d, each: {type: Gauge, gauge: {path: [x]}}}]
`))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.WarnLevel)
	d := NewDiscovery(rs, nil, nil, zap.New(core))
	for _, c := range []*crd{
		reducedCRD(t, "myteam.io", "Foo", "foos", "Namespaced", map[string]bool{"v1": true, "v2": false, "v3": true}),
		reducedCRD(t, "myteam.io", "Bar", "bars", "Cluster", map[string]bool{"v1": true}),
		reducedCRD(t, "idle.io", "Idle", "idles", "Namespaced", map[string]bool{"v1": false}),
	} {
		if err := d.crds.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, b := range d.due() {
		got = append(got, b.key())
	}
	want := []string{
		"0|myteam.io|v1|Foo|foos|true", "0|myteam.io|v3|Foo|foos|true",
		"1|myteam.io|v1|Bar|bars|false", "1|myteam.io|v1|Foo|foos|true",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("bindings %v, want %v", got, want)
	}
	d.due() // logged once, not per change
	var missing []string
	for _, e := range logs.FilterMessageSnippet("no served CustomResourceDefinition matches").All() {
		missing = append(missing, e.ContextMap()["groupVersionKind"].(string))
	}
	if strings.Join(missing, " | ") != "apps/v1, Kind=Deployment | idle.io/*, Kind=Idle" {
		t.Errorf("logged as unmatched: %q, want the Deployment and Idle once each", missing)
	}
}

// A CRD being deleted (deletionTimestamp set, its finalizer still running) serves no version: its
// sources stop when the deletion starts, not when the CRD object is finally gone.
func TestTerminatingCRDServesNothing(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{
		"metadata": map[string]any{"name": "foos.myteam.io", "resourceVersion": "2", "deletionTimestamp": "2026-11-29T20:00:00Z"},
		"spec": map[string]any{"group": "myteam.io", "scope": "Namespaced", "names": map[string]any{"kind": "Foo", "plural": "foos"},
			"versions": []any{map[string]any{"name": "v1", "served": true}}},
	}}
	c, err := reduceCRD(u)
	if err != nil {
		t.Fatal(err)
	}
	if served := c.(*crd).served; len(served) != 0 {
		t.Errorf("a terminating CRD serves %v; want nothing", served)
	}
	u.SetDeletionTimestamp(nil)
	if c, _ := reduceCRD(u); len(c.(*crd).served) != 1 {
		t.Errorf("the same CRD not being deleted serves %v; want [v1]", c.(*crd).served)
	}
}
