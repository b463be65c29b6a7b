package resources

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubestate/kubestate/internal/family"
)

// golden is one table-driven case: an object, the filter to run with, the families to look at,
// and the exposition lines KSM v2.20.0 prints for them (any order, indentation ignored).
type golden[T runtime.Object] struct {
	name     string
	obj      T
	filter   family.Filter
	families []string
	want     string
}

func runGolden[T runtime.Object](t *testing.T, r *family.Resource[T], cases []golden[T]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Run the families on what the informer would cache: a transformed copy, so a Strip that
			// drops a field some family reads fails here.
			src := r.Compile(c.filter)
			obj, err := src.Transform(c.obj.DeepCopyObject())
			if err != nil {
				t.Fatal(err)
			}
			rec := src.Record(obj)
			got := lines(family.Text(src, rec, c.families...))
			want := lines(c.want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: families %v\n got:\n  %s\nwant:\n  %s", r.Name, c.families, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

// allow builds an allowlist for a test filter.
func allow(t *testing.T, keys ...string) *family.Allowlist {
	t.Helper()
	a, err := family.ParseAllowlist(keys)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
