package resources

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
)

// referenceFile is testdata/reference/NAME at the repository root. The data is part of the repository,
// so a missing file is a failure, not a reason to skip.
func referenceFile(t *testing.T, name string) string {
	p := filepath.Join("..", "..", "testdata", "reference", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("reference data missing (it belongs in the repository, see testdata/reference/README.md): %v", err)
	}
	return p
}

// TestFamilyChecklist compares every table with KSM v2.20.0's list of 336 families: same resources,
// default set, names, types, stability, opt-in and deprecation, and nothing extra.
func TestFamilyChecklist(t *testing.T) {
	f, err := os.Open(referenceFile(t, "ksm-v2.20.0-families.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type row struct{ resource, def, typ, stability, optIn, deprecated string }
	want := map[string]row{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "resource\t") || line == "" {
			continue
		}
		c := strings.Split(line, "\t")
		want[c[2]] = row{c[0], c[1], c[3], c[4], c[5], c[6]}
	}
	if len(want) != 336 {
		t.Fatalf("reference lists %d families, expected 336", len(want))
	}
	got := 0
	for _, m := range All {
		def := "no"
		if m.IsDefault() {
			def = "yes"
		}
		for _, fi := range m.FamilyInfo() {
			got++
			w, ok := want[fi.Name]
			if !ok {
				t.Errorf("%s: family %s is not in KSM v2.20.0", m.ResourceName(), fi.Name)
				continue
			}
			delete(want, fi.Name)
			typ := "gauge"
			if fi.Type == engine.Counter {
				typ = "counter"
			}
			optIn := "no"
			if fi.OptIn {
				optIn = "yes"
			}
			dep := fi.Deprecated
			if dep == "" {
				dep = "-"
			}
			if g := (row{m.ResourceName(), def, typ, strings.ToLower(fi.Stability), optIn, dep}); g != w {
				t.Errorf("%s: got %+v, KSM has %+v", fi.Name, g, w)
			}
		}
	}
	for name, w := range want {
		t.Errorf("family %s of %s is not implemented", name, w.resource)
	}
	if got != 336 {
		t.Errorf("tables declare %d families, want 336", got)
	}
	if n := len(DefaultNames()); n != 32 {
		t.Errorf("%d resources on by default, KSM has 32", n)
	}
}

// TestFamilyDescriptions checks every family compiles to a non-empty description.
func TestFamilyDescriptions(t *testing.T) {
	for _, m := range All {
		src := m.Compile(family.Filter{Enabled: func(string, bool) bool { return true }})
		for _, d := range src.Families() {
			if d.Help == "" || strings.HasPrefix(d.Help, " ") {
				t.Errorf("%s: empty or badly spaced help %q", d.Name, d.Help)
			}
		}
	}
}
