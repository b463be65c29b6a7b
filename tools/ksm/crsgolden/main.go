// Command crsgolden writes the expected series of each custom resource state case under
// testdata/customresource as kube-state-metrics v2.20.0 computes them: its own
// pkg/customresourcestate run over the case's objects. internal/customresource's golden test
// compares kubestate's evaluation with these files.
//
//	cd tools/ksm && go run ./crsgolden ../../testdata/customresource
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/kube-state-metrics/v2/pkg/customresourcestate"
	"k8s.io/kube-state-metrics/v2/pkg/metric"
	"sigs.k8s.io/yaml"
	goyaml "sigs.k8s.io/yaml/goyaml.v3"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: crsgolden DIR")
		os.Exit(2)
	}
	dirs, err := filepath.Glob(filepath.Join(os.Args[1], "*", "config.yaml"))
	if err != nil {
		panic(err)
	}
	for _, cfg := range dirs {
		dir := filepath.Dir(cfg)
		lines, err := run(dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", dir, err)
			os.Exit(1)
		}
		out := "# kube-state-metrics v2.20.0 pkg/customresourcestate on config.yaml and objects.yaml (tools/ksm/crsgolden)\n" + strings.Join(lines, "")
		if err := os.WriteFile(filepath.Join(dir, "want.txt"), []byte(out), 0o644); err != nil {
			panic(err)
		}
		fmt.Printf("%s: %d series\n", dir, len(lines))
	}
}

func run(dir string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		return nil, err
	}
	var cfg customresourcestate.Metrics
	if err := goyaml.NewDecoder(bytes.NewReader(data)).Decode(&cfg); err != nil {
		return nil, err
	}
	objs, err := objects(filepath.Join(dir, "objects.yaml"))
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, res := range cfg.Spec.Resources {
		for i := range res.Metrics {
			res.Metrics[i].Each.Type = metric.Type(strings.ToLower(string(res.Metrics[i].Each.Type)))
		}
		want := res.GroupVersionKind
		for _, u := range objs {
			gvk := u.GroupVersionKind()
			if gvk.Group != want.Group || !matches(want.Version, gvk.Version) || !matches(want.Kind, gvk.Kind) {
				continue
			}
			bound := res
			bound.GroupVersionKind = customresourcestate.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}
			bound.CommonLabels = clone(res.CommonLabels)
			f, err := customresourcestate.NewCustomResourceMetrics(bound)
			if err != nil {
				return nil, err
			}
			for _, g := range f.MetricFamilyGenerators() {
				for _, m := range g.GenerateFunc(u).Metrics {
					lines = append(lines, line(g.Name, m.LabelKeys, m.LabelValues, m.Value))
				}
			}
		}
	}
	slices.Sort(lines)
	return lines, nil
}

func matches(want, got string) bool { return want == "" || want == "*" || want == got }

func clone(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// line is the test's own series format: name{key="value",...} value, %q-quoted values, keys in
// the order given (sorted by both sides), the value in Go's shortest form.
func line(name string, keys, values []string, v float64) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", keys[i], values[i])
	}
	b.WriteString("} ")
	b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	b.WriteByte('\n')
	return b.String()
}

// objects reads a multi-document YAML file into unstructured objects, numbers as the dynamic
// client decodes them (int64, float64).
func objects(path string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	dec := goyaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if doc == nil {
			continue
		}
		y, err := goyaml.Marshal(doc)
		if err != nil {
			return nil, err
		}
		j, err := yaml.YAMLToJSON(y)
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(j); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
}
