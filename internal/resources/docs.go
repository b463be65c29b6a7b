package resources

import (
	"fmt"
	"strings"

	"github.com/kubestate/kubestate/internal/engine"
)

// Column is a column of the reference after a family's labels: what the family becomes under
// another naming schema (package schema fills it; it imports this package, not the reverse).
type Column struct {
	Header string
	Cell   func(resource, family string) string
}

// Reference renders docs/metrics.md: every resource and family, generated from the tables so the
// document cannot drift from the code (TestMetricsReference in package schema checks the
// checked-in copy, with the schemas' columns).
func Reference(cols ...Column) string {
	var b strings.Builder
	b.WriteString("# Metrics reference\n\n")
	b.WriteString("Generated from `internal/resources` by `make generate`; do not edit. Every family matches\n")
	b.WriteString("kube-state-metrics v2.20.0: name, type, stability, labels, and whether it is opt-in.\n")
	b.WriteString("Gauges export as OTLP gauges; counters as monotonic cumulative sums. Labels become data point\n")
	b.WriteString("attributes. `*_labels` / `*_annotations` families stay empty unless `metric_labels_allowlist` /\n")
	b.WriteString("`metric_annotations_allowlist` name keys for the resource; their `label_*` / `annotation_*`\n")
	b.WriteString("attributes depend on the object.\n\n")
	if len(cols) > 0 {
		b.WriteString("The schema columns name what each family becomes under that `schema` (docs/schemas.md);\n")
		b.WriteString("\"—\" means the schema leaves it out.\n\n")
	}
	total := 0
	for _, m := range All {
		total += len(m.FamilyInfo())
	}
	fmt.Fprintf(&b, "%d resources, %d families. Resources marked *default* are watched when `resources` is empty.\n\n", len(All), total)
	for _, m := range All {
		def := "off by default"
		if m.IsDefault() {
			def = "default"
		}
		fmt.Fprintf(&b, "## %s (%s)\n\n", m.ResourceName(), def)
		b.WriteString("| family | type | stability | labels |")
		for _, c := range cols {
			b.WriteString(" " + c.Header + " |")
		}
		b.WriteString(" help |\n|---|---|---|---|" + strings.Repeat("---|", len(cols)) + "---|\n")
		for _, f := range m.FamilyInfo() {
			typ := "gauge"
			if f.Type == engine.Counter {
				typ = "counter"
			}
			stab := strings.ToLower(f.Stability)
			if f.OptIn {
				stab += ", opt-in"
			}
			if f.Deprecated != "" {
				stab += ", deprecated since " + f.Deprecated
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |", f.Name, typ, stab, strings.Join(f.Labels, ", "))
			for _, c := range cols {
				b.WriteString(" " + c.Cell(m.ResourceName(), f.Name) + " |")
			}
			fmt.Fprintf(&b, " %s |\n", strings.ReplaceAll(f.Help, "|", "\\|"))
		}
		b.WriteString("\n")
	}
	return b.String()
}
