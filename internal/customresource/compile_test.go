package customresource

import (
	"strings"
	"testing"
)

// TestCompileErrorsNameResourceMetricAndField: every refused config says which resource (index
// and group/version/kind), which metric (index and name) and which field.
func TestCompileErrorsNameResourceMetricAndField(t *testing.T) {
	const head = "kind: CustomResourceStateMetrics\nspec:\n  resources:\n  - groupVersionKind: {group: myteam.io, version: v1, kind: Foo}\n"
	metric := func(each string) string {
		return head + "    metrics:\n    - name: m\n      each:\n" + each
	}
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown type", metric("        type: Counter\n        gauge: {path: [a]}\n"),
			[]string{`spec.resources[0] (myteam.io/v1, Kind=Foo)`, `metrics[0] ("m")`, `each.type: unknown metric type "Counter"`}},
		{"type without its block", metric("        type: Gauge\n        info: {path: [a]}\n"),
			[]string{`metrics[0] ("m")`, "each.gauge is required with type Gauge"}},
		{"bad path", metric("        type: Gauge\n        gauge: {path: [status, \"[Ready]\"]}\n"),
			[]string{`metrics[0] ("m")`, "each.gauge.path", `"[Ready]"`, "[key=value]"}},
		{"bad valueFrom", metric("        type: StateSet\n        stateSet: {labelName: s, valueFrom: [\"[x]\"]}\n"),
			[]string{"each.stateSet.valueFrom", `"[x]"`}},
		{"bad each labelsFromPath", metric("        type: Info\n        info: {labelsFromPath: {x: [\"[]\"]}}\n"),
			[]string{"each.info.labelsFromPath: x", `"[]"`}},
		{"bad resource labelsFromPath", strings.Replace(metric("        type: Info\n        info: {}\n"), "    metrics:", "    labelsFromPath: {x: [\"[y]\"]}\n    metrics:", 1),
			[]string{`metrics[0] ("m")`, "labelsFromPath: x"}},
		{"stateSet without labelName", metric("        type: StateSet\n        stateSet: {path: [a], list: [x]}\n"),
			[]string{"each.stateSet.labelName", "not a valid label name"}},
		{"invalid metric name", strings.Replace(metric("        type: Info\n        info: {}\n"), "name: m", "name: my-metric", 1),
			[]string{`"kube_customresource_my-metric" is not a valid metric name`}},
		{"invalid commonLabels key", strings.Replace(metric("        type: Info\n        info: {}\n"), "    metrics:", "    commonLabels: {bad-key: x}\n    metrics:", 1),
			[]string{`commonLabels: "bad-key" is not a valid label name`}},
		{"no group", strings.Replace(metric("        type: Info\n        info: {}\n"), "group: myteam.io", "group: \"*\"", 1),
			[]string{"groupVersionKind.group is required"}},
		{"no metrics", head, []string{"spec.resources[0] (myteam.io/v1, Kind=Foo)", "metrics: none configured"}},
		{"no resources", "kind: CustomResourceStateMetrics\nspec: {}\n", []string{"spec.resources: no resource configured"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tc.yaml))
			if err == nil {
				_, err = Compile(cfg)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestParseRefusesEmptyAndMalformed(t *testing.T) {
	if _, err := Parse(nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty config: %v", err)
	}
	if _, err := Parse([]byte("spec: [")); err == nil {
		t.Error("malformed YAML accepted")
	}
	if _, err := Parse([]byte("spec:\n  resources: 3\n")); err == nil {
		t.Error("resources not a list accepted")
	}
}

// TestTypeIsCaseInsensitiveAndPrefixes: KSM lowercases each.type; a missing metricNamePrefix is
// kube_customresource, an empty one none.
func TestTypeIsCaseInsensitiveAndPrefixes(t *testing.T) {
	cfg, err := Parse([]byte(`spec:
  resources:
  - groupVersionKind: {group: g.io, version: v1, kind: K}
    metrics:
    - {name: a, each: {type: gAuGe, gauge: {path: [x]}}}
    - {name: b, each: {type: stateset, stateSet: {labelName: s, path: [x]}}}
    - {name: c_info, each: {type: INFO, info: {}}}
  - groupVersionKind: {group: g.io, version: v1, kind: K}
    metricNamePrefix: ""
    metrics:
    - {name: a, each: {type: Gauge, gauge: {}}}
  - groupVersionKind: {group: g.io, version: v1, kind: K}
    metricNamePrefix: team
    metrics:
    - {name: a, each: {type: Gauge, gauge: {}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, r := range rs {
		for _, m := range r.Metrics {
			got = append(got, m.Name+":"+m.Type.String())
		}
	}
	want := "kube_customresource_a:gauge kube_customresource_b:stateset kube_customresource_c_info:info a:gauge team_a:gauge"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

// TestReservedLabels: the resource's commonLabels cannot replace customresource_group/version/kind;
// a metric's commonLabels can (KSM applies them last).
func TestReservedLabels(t *testing.T) {
	cfg, err := Parse([]byte(`spec:
  resources:
  - groupVersionKind: {group: g.io, version: "*", kind: K}
    commonLabels: {customresource_group: mine, customresource_kind: mine, team: a}
    metrics:
    - name: a
      commonLabels: {customresource_version: metric, team: b}
      each: {type: Gauge, gauge: {path: [x]}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b := rs[0].Bind(GroupVersionKind{Group: "g.io", Version: "v2", Kind: "K"}, "ks", true)
	var got []string
	b.Evaluate(map[string]any{"x": int64(1)}, func(_ int, s Sample) { got = append(got, seriesLine("a", s)) })
	want := `a{customresource_group="g.io",customresource_kind="K",customresource_version="metric",team="b"} 1` + "\n"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSanitizeLabelName(t *testing.T) {
	for in, want := range map[string]string{"app.kubernetes.io/name": "app_kubernetes_io_name", "ok_1": "ok_1", "é-x": "__x", "*bar": "_bar"} {
		if got := sanitizeLabelName(in); got != want {
			t.Errorf("sanitizeLabelName(%q) = %q, want %q", in, got, want)
		}
	}
}
