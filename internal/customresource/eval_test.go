package customresource

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestToFloat(t *testing.T) {
	cases := []struct {
		in        any
		nilIsZero bool
		want      float64
		err       string
	}{
		{nil, true, 0, ""},
		{nil, false, 0, "expected number but found nil value"},
		{true, false, 1, ""},
		{false, false, 0, ""},
		{"TRUE", false, 1, ""},
		{"yes", false, 1, ""},
		{"False", false, 0, ""},
		{"NO", false, 0, ""},
		{"unknown", false, 0, ""},
		{"2022-06-28T00:00:00Z", false, 1656374400, ""},
		{"250m", false, 0.25, ""},
		{"5Gi", false, 5 * 1024 * 1024 * 1024, ""},
		{"28%", false, 0.28, ""},
		{"-1.5", false, -1.5, ""},
		{"1e3", false, 1000, ""},
		{"abc", false, 0, "invalid syntax"},
		{int64(7), false, 7, ""},
		{float64(43.21), false, 43.21, ""},
		{int32(3), false, 3, ""},
		{uint8(2), false, 2, ""},
		{map[string]any{"a": 1}, false, 0, "expected number but was map[a:1]"},
		{[]any{int64(1)}, false, 0, "expected number but was [1]"},
	}
	for _, tc := range cases {
		got, err := toFloat(tc.in, tc.nilIsZero)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("toFloat(%#v) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("toFloat(%#v) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestPathGet(t *testing.T) {
	obj := map[string]any{
		"metadata": map[string]any{"name": "foo"},
		"list": []any{
			map[string]any{"name": "a", "n": int64(1), "ok": true},
			map[string]any{"name": "b", "n": "2", "ok": false},
			"scalar",
		},
	}
	cases := []struct {
		path []string
		want any
	}{
		{nil, obj},
		{[]string{"metadata", "name"}, "foo"},
		{[]string{"metadata", "name=foo"}, "foo"},
		{[]string{"metadata", "name=bar"}, nil},
		{[]string{"list", "0", "name"}, "a"},
		{[]string{"list", "-1"}, "scalar"},
		{[]string{"list", "-4"}, nil},
		{[]string{"list", "3"}, nil},
		{[]string{"list", "name"}, nil},
		{[]string{"list", "[name=b]", "n"}, "2"},
		{[]string{"list", "[n=2]", "name"}, "b"},   // number against a numeric string
		{[]string{"list", "[n=1.0]", "name"}, "a"}, // number against a number
		{[]string{"list", "[ok=false]", "name"}, "b"},
		{[]string{"list", "[name=z]"}, nil},
		{[]string{"metadata", "[name=foo]"}, nil}, // a selector on an object
		{[]string{"missing", "deeper", "still"}, nil},
	}
	for _, tc := range cases {
		p, err := CompilePath(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		got := p.Get(obj)
		if m, ok := tc.want.(map[string]any); ok {
			if g, ok := got.(map[string]any); !ok || len(g) != len(m) {
				t.Errorf("%v: got %v", p, got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%v: got %#v, want %#v", p, got, tc.want)
		}
	}
}

// TestEvaluationErrorsNameMetricAndPath: a value that is not a number, a state that is not a
// string, a gauge path that never resolves: each an error naming the metric and the path, and the
// object's other metrics still evaluated.
func TestEvaluationErrorsNameMetricAndPath(t *testing.T) {
	cfg, err := Parse([]byte(`spec:
  resources:
  - groupVersionKind: {group: g.io, version: v1, kind: K}
    metrics:
    - {name: not_number, each: {type: Gauge, gauge: {path: [spec, text]}}}
    - {name: not_string, each: {type: StateSet, stateSet: {path: [spec, n], labelName: s, list: [a]}}}
    - {name: never, errorLogV: 4, each: {type: Gauge, gauge: {path: [spec, nothing]}}}
    - {name: fine, each: {type: Gauge, gauge: {path: [spec, n]}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b := rs[0].Bind(GroupVersionKind{Group: "g.io", Version: "v1", Kind: "K"}, "ks", true)
	var points []string
	errs := b.Evaluate(map[string]any{"spec": map[string]any{"text": "abc", "n": int64(3)}}, func(i int, s Sample) {
		points = append(points, seriesLine(b.Metrics[i].Name, s))
	})
	if len(points) != 1 || !strings.HasPrefix(points[0], "kube_customresource_fine{") {
		t.Errorf("points %q, want only kube_customresource_fine", points)
	}
	want := []string{
		`kube_customresource_not_number: [spec,text]: [] : strconv.ParseFloat: parsing "abc": invalid syntax`,
		`kube_customresource_not_string: [spec,n]: expected value for path to be string, got int64`,
		`kube_customresource_never: [spec,nothing]: got nil while resolving path`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %v, want %d", errs, len(want))
	}
	for i, err := range errs {
		w := strings.ReplaceAll(want[i], "[] : ", "[]: ")
		if err.Error() != w {
			t.Errorf("error %d: %q, want %q", i, err, w)
		}
		var ee *EvalError
		if !errors.As(err, &ee) || ee.Quiet != (i == 2) {
			t.Errorf("error %d: not an EvalError with Quiet=%v", i, i == 2)
		}
	}
}
