package customresource

import (
	"encoding/json"
	"testing"
)

// FuzzEvaluate: any object (as JSON decodes it) evaluates without panicking under a config that
// uses every metric type, selectors, indexes, stars and labelFromKey.
func FuzzEvaluate(f *testing.F) {
	cfg, err := Parse([]byte(`spec:
  resources:
  - groupVersionKind: {group: g.io, version: v1, kind: K}
    labelsFromPath: {"*": [metadata, labels], "x_*": [spec], name: [metadata, name]}
    metrics:
    - {name: g1, each: {type: Gauge, gauge: {path: [spec], labelFromKey: k, valueFrom: [v]}}}
    - {name: g2, each: {type: Gauge, gauge: {path: [spec, l], labelsFromPath: {i: [id]}, valueFrom: ["[a=1]", v], nilIsZero: true}}}
    - {name: g3, each: {type: Gauge, gauge: {path: [spec], valueFrom: [v]}}}
    - {name: s, each: {type: StateSet, stateSet: {path: [spec, l], labelName: st, list: [a, b], valueFrom: ["-1"]}}}
    - {name: i, each: {type: Info, info: {path: [spec], labelFromKey: k, labelsFromPath: {v: [v], w: []}}}}
`))
	if err != nil {
		f.Fatal(err)
	}
	rs, err := Compile(cfg)
	if err != nil {
		f.Fatal(err)
	}
	b := rs[0].Bind(GroupVersionKind{Group: "g.io", Version: "v1", Kind: "K"}, "ks", true)
	for _, seed := range []string{
		`{}`, `{"spec":null}`, `{"spec":{"v":"1","a":{"v":2}},"metadata":{"labels":{"a.b":"c"}}}`,
		`{"spec":{"l":[{"a":1,"v":"x"},null,3,"s",[1]]}}`, `{"spec":[1,2,{"v":"5Gi"}]}`, `{"spec":"text"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var obj map[string]any
		if json.Unmarshal([]byte(doc), &obj) != nil {
			return
		}
		b.Evaluate(obj, func(int, Sample) {})
	})
}
