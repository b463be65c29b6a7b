package kubestatereceiver

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// alloyPins are the newest versions of the modules Grafana Alloy's collector build pins that the
// receiver module may require, so that adding the receiver to that build upgrades none of them.
// A module path ending in "/" stands for every module under it; v0 and v1 modules of a project
// have a bound each (the collector's v0.x/v1.x releases go together, as do otel-go's).
var alloyPins = []struct {
	path   string
	v1, v0 string // "" where the project has no such modules
}{
	{path: "k8s.io/api", v0: "v0.35.4"},
	{path: "k8s.io/apimachinery", v0: "v0.35.6"},
	{path: "k8s.io/client-go", v0: "v0.35.4"},
	{path: "go.opentelemetry.io/collector/", v1: "v1.64.0", v0: "v0.158.0"},
	{path: "go.opentelemetry.io/otel", v1: "v1.44.0"},
	{path: "go.opentelemetry.io/otel/", v1: "v1.44.0", v0: "v0.66.0"},
	{path: "google.golang.org/grpc", v1: "v1.83.0"},
}

// TestGoModNoNewerThanAlloyPins fails when the module's go.mod requires any of Alloy's pinned
// modules at a newer version (or a pre-release of a newer one): an upgrade must be a decision.
func TestGoModNoNewerThanAlloyPins(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := goModRequires(string(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, pin := range alloyPins {
		matched := 0
		for path, v := range reqs {
			if path != pin.path && !(strings.HasSuffix(pin.path, "/") && strings.HasPrefix(path, pin.path)) {
				continue
			}
			matched++
			limit := pin.v1
			if strings.HasPrefix(v, "v0.") {
				limit = pin.v0
			}
			if limit == "" {
				t.Errorf("go.mod requires %s %s: no bound for that major version among Alloy's pins", path, v)
				continue
			}
			if newer, err := semverNewer(v, limit); err != nil {
				t.Errorf("go.mod requires %s %s: %v", path, v, err)
			} else if newer {
				t.Errorf("go.mod requires %s %s, newer than Grafana Alloy's %s: adding the receiver to Alloy's build would upgrade it", path, v, limit)
			}
		}
		if matched == 0 {
			t.Errorf("go.mod requires no %s: the pin list is out of date", pin.path)
		}
	}
}

func TestGoModRequiresParsesBothForms(t *testing.T) {
	reqs, err := goModRequires("module x\n\ngo 1.26.0\n\nrequire k8s.io/api v0.35.4\n\nrequire (\n\tgoogle.golang.org/grpc v1.85.0-dev // indirect\n\n\tk8s.io/client-go v0.36.3\n)\n")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"k8s.io/api": "v0.35.4", "google.golang.org/grpc": "v1.85.0-dev", "k8s.io/client-go": "v0.36.3"}
	if fmt.Sprint(reqs) != fmt.Sprint(want) {
		t.Errorf("requires %v, want %v", reqs, want)
	}
	if _, err := goModRequires("require (\n\tk8s.io/api\n)\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a requirement without a version: error %v, want one naming line 2", err)
	}
}

func TestSemverNewer(t *testing.T) {
	for _, c := range []struct {
		v, limit string
		newer    bool
	}{
		{"v0.35.4", "v0.35.4", false},
		{"v0.35.3", "v0.35.4", false},
		{"v0.36.3", "v0.35.4", true},
		{"v0.35.10", "v0.35.4", true},
		{"v1.85.0-dev", "v1.83.0", true},
		{"v1.83.0-rc.1", "v1.83.0", false},
		{"v1.83.0+incompatible", "v1.83.0", false},
		{"v0.0.0-20250910181357-589584f1c912", "v0.35.4", false},
	} {
		if got, err := semverNewer(c.v, c.limit); err != nil || got != c.newer {
			t.Errorf("semverNewer(%s, %s) = %v, %v; want %v", c.v, c.limit, got, err, c.newer)
		}
	}
	if _, err := semverNewer("1.2.3", "v1.2.3"); err == nil {
		t.Error("a version without its v: no error")
	}
}

// goModRequires reads the require directives of a go.mod, in the single-line and block forms.
func goModRequires(gomod string) (map[string]string, error) {
	reqs := map[string]string{}
	inBlock := false
	for i, line := range strings.Split(gomod, "\n") {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			continue
		case inBlock && f[0] == ")":
			inBlock = false
			continue
		case !inBlock && f[0] == "require" && len(f) == 2 && f[1] == "(":
			inBlock = true
			continue
		case !inBlock && f[0] == "require":
			f = f[1:]
		case !inBlock:
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("go.mod line %d: a requirement is a module path and a version, got %q", i+1, strings.TrimSpace(line))
		}
		reqs[f[0]] = f[1]
	}
	return reqs, nil
}

// semverNewer reports whether version v is newer than limit, comparing major.minor.patch; a
// pre-release or build suffix of the limit's own release is not newer.
func semverNewer(v, limit string) (bool, error) {
	a, err := semverCore(v)
	if err != nil {
		return false, err
	}
	b, err := semverCore(limit)
	if err != nil {
		return false, err
	}
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i], nil
		}
	}
	return false, nil
}

func semverCore(v string) ([3]int, error) {
	var out [3]int
	core, ok := strings.CutPrefix(v, "v")
	if !ok {
		return out, fmt.Errorf("version %q does not start with v", v)
	}
	if i := strings.IndexAny(core, "-+"); i >= 0 {
		core = core[:i]
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return out, fmt.Errorf("version %q is not vMAJOR.MINOR.PATCH", v)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return out, fmt.Errorf("version %q: %q is not a number", v, p)
		}
		out[i] = n
	}
	return out, nil
}
