package family

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kubestate/kubestate/internal/watchdog"
)

// FuzzAllowlist fuzzes metric_labels_allowlist / metric_annotations_allowlist parsing and the
// conversion of Kubernetes label keys into Prometheus label names.
//
//	go test ./internal/family -run='^$' -fuzz=FuzzAllowlist -fuzztime=10s
//
// keys is the allowlist (entries separated by "|"), labels the object's label keys (separated by
// "|"). Properties: ParseAllowlist refuses exactly the entries with more than one "*" and never
// panics; PromLabels returns one valid, distinct Prometheus label name per selected key, sorted
// by Kubernetes key, each value the key's own value; "*" first selects every key; an exact entry
// selects its key; and where KSM's own conflict naming yields distinct names, ours are the same.
func FuzzAllowlist(f *testing.F) {
	for _, s := range [][2]string{
		{"*", "app|team|app.kubernetes.io/name"},
		{"app|team", "app|team|other"},
		{"app.kubernetes.io/*", "app.kubernetes.io/name|app.kubernetes.io/part-of|helm.sh/chart"},
		{"*-hash", "pod-template-hash|controller-revision-hash|hash"},
		{"*", "a.b|a-b|a/b|a_b|a b|A.b"},
		{"*", "a.b|a/b|a_b_conflict1"},
		{"*", "fooBar|foo_bar|FooBar|foo-Bar"},
		{"**", "x"},
		{"a*b*c", "abc"},
		{"app|*", "app|team"},
		{"*", "\xff\xfe|\xc3\x28|ünï|0day|9"},
		{"\xbaapp*", "\xbaapp.kubernetes.io/name"}, // a pattern that is not UTF-8: refused or matched, never a panic
		{"", ""},
	} {
		f.Add(s[0], s[1])
	}
	nameRE := regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	f.Fuzz(func(t *testing.T, keysIn, labelsIn string) {
		defer watchdog.Start(watchdog.PerInput)() // a hung input fails, saved
		keys := strings.Split(keysIn, "|")
		a, err := ParseAllowlist(keys)
		tooMany := slices.ContainsFunc(keys, func(k string) bool { return strings.Count(k, "*") > 1 })
		if tooMany && err == nil {
			t.Fatalf("ParseAllowlist(%q) accepted an entry with more than one \"*\"", keys)
		}
		// Other entries are accepted; refusing one that is not UTF-8 is fine too (no real label key is).
		if err != nil && !tooMany && !slices.ContainsFunc(keys, func(k string) bool { return !utf8.ValidString(k) }) {
			t.Fatalf("ParseAllowlist(%q) refused valid entries: %v", keys, err)
		}
		if err != nil {
			return
		}
		m := map[string]string{}
		for i, k := range strings.Split(labelsIn, "|") {
			m[k] = fmt.Sprintf("v%d:%s", i, k)
		}
		names, values := a.PromLabels("label", m)
		if len(names) != len(values) {
			t.Fatalf("%d names, %d values", len(names), len(values))
		}
		seen := map[string]bool{}
		for _, n := range names {
			if !nameRE.MatchString(n) || !strings.HasPrefix(n, "label_") {
				t.Fatalf("%q is not a valid label_ name", n)
			}
			if seen[n] {
				t.Fatalf("label name %q emitted twice: %q", n, names)
			}
			seen[n] = true
		}
		// Selected keys, recovered from values, in sorted order and each one allowed.
		var selected []string
		for _, v := range values {
			_, k, _ := strings.Cut(v, ":")
			if m[k] != v {
				t.Fatalf("value %q is not the value of key %q", v, k)
			}
			selected = append(selected, k)
		}
		if !slices.IsSorted(selected) {
			t.Fatalf("keys not in sorted order: %q", selected)
		}
		for k := range m {
			want := keys[0] == "*" || k != "*" && slices.Contains(keys, k)
			if want && !slices.Contains(selected, k) {
				t.Fatalf("key %q is allowed by %q but not selected", k, keys)
			}
		}
		if ksmNames := ksmPromLabels("label", selected); distinct(ksmNames) && !slices.Equal(ksmNames, names) {
			t.Fatalf("names differ from KSM's for keys %q:\n ours %q\n ksm  %q", selected, names, ksmNames)
		}
		// Deterministic.
		names2, values2 := a.PromLabels("label", m)
		if !slices.Equal(names, names2) || !slices.Equal(values, values2) {
			t.Fatal("PromLabels is not deterministic")
		}
	})
}

// ksmPromLabels is KSM v2.20.0's mapToPrometheusLabels naming (internal/store/utils.go) for keys
// already sorted: the first collision renames the earlier name to _conflict1, later ones count on.
func ksmPromLabels(prefix string, sorted []string) []string {
	type conflict struct{ count, initial int }
	conflicts := map[string]*conflict{}
	var out []string
	for _, k := range sorted {
		name := PromLabelName(prefix, k)
		if c, ok := conflicts[name]; ok {
			if c.count == 1 {
				out[c.initial] = fmt.Sprintf("%s_conflict%d", out[c.initial], c.count)
			}
			c.count++
			name = fmt.Sprintf("%s_conflict%d", name, c.count)
		} else {
			conflicts[name] = &conflict{count: 1, initial: len(out)}
		}
		out = append(out, name)
	}
	return out
}

func distinct(s []string) bool {
	seen := map[string]bool{}
	for _, x := range s {
		if seen[x] {
			return false
		}
		seen[x] = true
	}
	return true
}

// FuzzPromLabelName checks KSM's key conversion always yields a valid label name with the prefix.
func FuzzPromLabelName(f *testing.F) {
	for _, s := range []string{"app", "app.kubernetes.io/name", "fooBar", "ABC", "\xff", "", "9lives", "ünï"} {
		f.Add(s)
	}
	nameRE := regexp.MustCompile(`^label_[a-z0-9_]*$`)
	f.Fuzz(func(t *testing.T, key string) {
		defer watchdog.Start(watchdog.PerInput)() // a hung input fails, saved
		if n := PromLabelName("label", key); !nameRE.MatchString(n) {
			t.Fatalf("PromLabelName(%q) = %q", key, n)
		}
	})
}
