package schema

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/kubestate/kubestate/internal/resources"
)

var update = flag.Bool("update", false, "rewrite docs/metrics.md from the tables")

const referencePath = "../../docs/metrics.md"

// TestMetricsReference checks docs/metrics.md: KSM's families from package resources, side by
// side with what the k8s_cluster and semconv tables make of them.
func TestMetricsReference(t *testing.T) {
	want := resources.Reference(
		resources.Column{Header: "`k8s_cluster`", Cell: referenceCell(K8sCluster)},
		resources.Column{Header: "`semconv`", Cell: referenceCell(Semconv)},
	)
	if *update {
		if err := os.WriteFile(referencePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatalf("%v (run make generate)", err)
	}
	if string(got) != want {
		t.Fatal("docs/metrics.md is stale: run make generate and commit it")
	}
}

// referenceCell lists the metrics of schema name a family feeds, each with the label values it
// takes, or "—".
func referenceCell(name string) func(resource, family string) string {
	t, _ := tableOf(name)
	return func(resource, family string) string {
		rm, ok := t[resource]
		if !ok {
			return "—"
		}
		var out []string
		seen := map[string]bool{}
		for _, m := range rm.metrics {
			if m.from != family {
				continue
			}
			cell := "`" + m.name + "`"
			var cond []string
			for _, k := range sortedKeys(m.where) {
				cond = append(cond, fmt.Sprintf("%s=%q", k, m.where[k]))
			}
			if m.note != "" {
				cond = append(cond, m.note)
			}
			if len(cond) > 0 {
				cell += " (" + strings.Join(cond, ", ") + ")"
			}
			if !seen[cell] {
				seen[cell] = true
				out = append(out, cell)
			}
		}
		for _, e := range rm.enrich {
			if e.from == family {
				out = append(out, "resource attributes")
			}
		}
		if len(out) == 0 {
			return "—"
		}
		sort.Strings(out)
		return strings.Join(out, "<br>")
	}
}
