package customresource

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
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
	goyaml "sigs.k8s.io/yaml/goyaml.v3"
)

// TestGoldenKSMExamples runs every case under testdata/customresource (the examples of KSM's
// custom resource state documentation, and cases of our own for paths and value conversions) and
// compares the series with want.txt, which tools/ksm/crsgolden wrote with KSM v2.20.0's own
// pkg/customresourcestate on the same config and objects: the samples of Evaluate, and the points
// of the records a Source builds of them (where points with their family's keys keep none).
func TestGoldenKSMExamples(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/customresource/*/config.yaml")
	if err != nil || len(dirs) < 14 {
		t.Fatalf("want the 14 cases of testdata/customresource, found %d (%v)", len(dirs), err)
	}
	for _, cfgPath := range dirs {
		dir := filepath.Dir(cfgPath)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			got, _ := evaluateCase(t, dir)
			want := readWant(t, filepath.Join(dir, "want.txt"))
			if len(want) == 0 {
				t.Fatal("want.txt holds no series")
			}
			if !slices.Equal(got, want) {
				t.Errorf("series differ from KSM's\n got:\n%s\nwant:\n%s", strings.Join(got, ""), strings.Join(want, ""))
			}
			if got := recordCase(t, dir); !slices.Equal(got, want) {
				t.Errorf("the records' series differ from KSM's\n got:\n%s\nwant:\n%s", strings.Join(got, ""), strings.Join(want, ""))
			}
		})
	}
}

// eachCase compiles dir/config.yaml and calls fn for each resource and each object of
// dir/objects.yaml whose group/version/kind it matches (wildcards resolved to the object's).
func eachCase(t *testing.T, dir string, fn func(r *Resource, gvk GroupVersionKind, u *unstructured.Unstructured)) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	resources, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resources {
		for _, u := range readObjects(t, filepath.Join(dir, "objects.yaml")) {
			gvk := u.GroupVersionKind()
			got := GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}
			if r.Matches(got) {
				fn(r, got, u)
			}
		}
	}
}

// evaluateCase evaluates each case object as series lines in crsgolden's format, sorted, and the
// evaluation errors.
func evaluateCase(t *testing.T, dir string) ([]string, []error) {
	t.Helper()
	var lines []string
	var errs []error
	eachCase(t, dir, func(r *Resource, got GroupVersionKind, u *unstructured.Unstructured) {
		b := r.Bind(got, "", true)
		errs = append(errs, b.Evaluate(u.Object, func(i int, s Sample) {
			lines = append(lines, seriesLine(b.Metrics[i].Name, s))
		})...)
	})
	slices.Sort(lines)
	return lines, errs
}

// recordCase is evaluateCase through a Source: the points of each object's record.
func recordCase(t *testing.T, dir string) []string {
	t.Helper()
	var lines []string
	eachCase(t, dir, func(r *Resource, got GroupVersionKind, u *unstructured.Unstructured) {
		src := NewSource(r.Bind(got, "", true), "case", nil)
		rec := src.Record(u)
		if rec == nil {
			return
		}
		for _, p := range rec.Points(src.Families()) {
			lines = append(lines, seriesLine(src.Families()[p.Family].Name, Sample{Keys: p.Keys, Values: p.Values, Value: p.Value}))
		}
	})
	slices.Sort(lines)
	return lines
}

func seriesLine(name string, s Sample) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i := range s.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", s.Keys[i], s.Values[i])
	}
	b.WriteString("} ")
	b.WriteString(strconv.FormatFloat(s.Value, 'g', -1, 64))
	b.WriteByte('\n')
	return b.String()
}

func readWant(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// readObjects decodes numbers as the dynamic client does (int64, float64).
func readObjects(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []*unstructured.Unstructured
	dec := goyaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		if doc == nil {
			continue
		}
		y, err := goyaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		j, err := yaml.YAMLToJSON(y)
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(j); err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
}
