package parity

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Run is one compared configuration, as the report shows it.
type Run struct {
	Name       string   // e.g. "default"
	ConfigFile string   // the receiver config it came from
	KSMArgs    []string // the equivalent kube-state-metrics flags
	Result     *Result
	Ours       *Set // kubestate's series, with ViaEngine

	Via        string            // ViaEngine ("" too) or ViaPrometheus
	Collector  string            // with ViaPrometheus: the distribution and its settings
	Exposition *ExpositionResult // with ViaPrometheus: the byte-level comparison
	Notes      []string          // more findings of the run (e.g. metric_expiration), one line each
}

// Totals adds up several runs.
func Totals(runs []Run) (matched, total, extra int) {
	for _, r := range runs {
		matched += r.Result.Matched
		total += r.Result.Total
		extra += r.Result.Extra
	}
	return matched, total, extra
}

// ReportHeader describes the environment of a report.
type ReportHeader struct {
	Fixtures  string
	Cluster   string // "local control plane" or a kubeconfig path
	Generated string // timestamp
}

// maxExamples bounds the series listed per family and kind of difference.
const maxExamples = 25

// WriteReport renders the Markdown report: a summary, the time-derived families, then per config a
// per-family table and the differing series. It ends with the summary line over all runs.
func WriteReport(w io.Writer, h ReportHeader, runs []Run) error {
	var b strings.Builder
	b.WriteString("# kubestate vs kube-state-metrics v2.20.0: parity report\n\n")
	if h.Fixtures != "" {
		fmt.Fprintf(&b, "- fixtures: `%s`\n", h.Fixtures)
	}
	if h.Cluster != "" {
		fmt.Fprintf(&b, "- cluster: %s\n", h.Cluster)
	}
	if h.Generated != "" {
		fmt.Fprintf(&b, "- generated: %s\n", h.Generated)
	}
	if viaPrometheus(runs) {
		b.WriteString("- method: one scrape of the distribution's Prometheus exporter (`_build/otelcol-kubestate`, the README's exporter settings) and one kube-state-metrics scrape, " +
			"both as Prometheus text 0.0.4, taken back to back after each side's output was stable; series are compared by name, label set (order-free) and value " +
			"(floats exactly, except the time-derived families below), then the two outputs byte for byte up to the order of lines and of label pairs.\n\n")
	} else {
		b.WriteString("- method: one receiver snapshot and one kube-state-metrics scrape, both taken after each side's output was stable; " +
			"series are compared by name, label set (order-free) and value (floats exactly, except the time-derived families below).\n\n")
	}

	b.WriteString("## Summary\n\n")
	b.WriteString("| config | KSM series | matched | missing | extra | differing | parity |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range runs {
		res := r.Result
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %s%% |\n", r.Name, res.Total, res.Matched, res.Missing, res.Extra, res.Differing, Percent(res.Matched, res.Total))
	}
	b.WriteString("\n## Families compared within a tolerance (time-derived)\n\n")
	b.WriteString("| family | series | tolerance | why |\n|---|---|---:|---|\n")
	var tnames []string
	for name := range TimeDerived {
		tnames = append(tnames, name)
	}
	slices.Sort(tnames)
	for _, name := range tnames {
		t := TimeDerived[name]
		scope := "all"
		if t.Scope != "" {
			scope = "`" + t.Scope + "` (others exactly)"
		}
		fmt.Fprintf(&b, "| %s | %s | ±%gs | %s |\n", name, scope, t.Abs, t.Why)
	}

	for _, r := range runs {
		res := r.Result
		fmt.Fprintf(&b, "\n## Config `%s`\n\n", r.Name)
		if r.ConfigFile != "" {
			fmt.Fprintf(&b, "- receiver config: `%s`\n", r.ConfigFile)
		}
		if len(r.KSMArgs) == 0 {
			b.WriteString("- kube-state-metrics flags: none (its defaults)\n")
		} else {
			fmt.Fprintf(&b, "- kube-state-metrics flags: `%s`\n", strings.Join(r.KSMArgs, " "))
		}
		if r.Collector != "" {
			fmt.Fprintf(&b, "- collector: `%s`\n", r.Collector)
		}
		fmt.Fprintf(&b, "- %s\n\n", res.Summary())
		b.WriteString("| family | KSM series | matched | missing | extra | differing | |\n|---|---:|---:|---:|---:|---:|---|\n")
		for _, f := range res.Families {
			mark := "ok"
			if !f.OK() {
				mark = "**DIFF**"
			}
			if f.Tolerance != nil {
				mark += fmt.Sprintf(" (±%gs)", f.Tolerance.Abs)
			}
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %s |\n", f.Name, f.Total, f.Matched, f.Missing, f.Extra, f.Differing, mark)
		}
		if failing := res.Failing(); len(failing) > 0 {
			b.WriteString("\n### Differences\n")
			for _, f := range failing {
				b.WriteString("\n")
				b.WriteString(FamilyDetails(f))
			}
		}
		if r.Exposition != nil {
			b.WriteString(ExpositionDetails(r.Exposition))
		}
		if len(r.Notes) > 0 {
			b.WriteString("\n### Notes\n\n")
			for _, n := range r.Notes {
				fmt.Fprintf(&b, "- %s\n", n)
			}
		}
		if len(res.MetaDiffs) > 0 {
			b.WriteString("\n### Family type / help differences\n\n")
			for _, m := range res.MetaDiffs {
				fmt.Fprintf(&b, "- %s\n", m)
			}
		}
	}
	matched, total, extra := Totals(runs)
	b.WriteString("\n")
	b.WriteString(SummaryLine(matched, total, extra))
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// FamilyDetails lists a family's missing, extra and differing series (bounded), for the report and
// for test failures.
func FamilyDetails(f FamilyResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### %s: matched %d/%d, missing %d, extra %d, differing %d\n", f.Name, f.Matched, f.Total, f.Missing, f.Extra, f.Differing)
	list := func(title string, n int, lines []string) { writeExamples(&b, title, n, lines) }
	var lines []string
	for _, s := range f.MissingSeries {
		lines = append(lines, s.String())
	}
	list("missing (kube-state-metrics only)", f.Missing, lines)
	lines = nil
	for _, s := range f.ExtraSeries {
		lines = append(lines, s.String())
	}
	list("extra (kubestate only)", f.Extra, lines)
	lines = nil
	for _, d := range f.DifferingSeries {
		lines = append(lines, fmt.Sprintf("%s  kube-state-metrics=%s kubestate=%s", d.KSM.Key(), formatValue(d.KSM.Value), formatValue(d.Ours.Value)))
	}
	list("differing values", f.Differing, lines)
	return b.String()
}

func viaPrometheus(runs []Run) bool {
	for _, r := range runs {
		if r.Via == ViaPrometheus {
			return true
		}
	}
	return false
}

// ExpositionDetails renders the byte-level comparison of the Prometheus path, with what each kind of
// difference means for a Prometheus server.
func ExpositionDetails(e *ExpositionResult) string {
	var b strings.Builder
	b.WriteString("\n### Exposition, byte for byte\n\n")
	fmt.Fprintf(&b, "- %s\n", e.Summary())
	fmt.Fprintf(&b, "- sample lines: kube-state-metrics %d, exporter %d. Every line is compared as served: metric name, each label pair "+
		"`name=\"value\"` with its quoting and escaping, and the value's text; only the order of lines and of the pairs within a line is normalised. "+
		"%d lines are identical byte for byte and %d differ only in label order (kube-state-metrics writes pairs in its generators' order, "+
		"the Prometheus client library sorts them by name; a Prometheus server sorts every label set on ingestion, so the order is not part of a series' identity).\n",
		e.KSMSamples, e.OurSamples, e.ByteIdentical, e.Reordered)
	fmt.Fprintf(&b, "- empty-valued labels (`name=\"\"`): kube-state-metrics %d, exporter %d. ", e.EmptyLabelsKSM, e.EmptyLabelsOurs)
	if e.EmptyLabelsKSM == e.EmptyLabelsOurs {
		b.WriteString("The exporter keeps them, so the bytes match; a Prometheus server drops them on ingestion anyway (an empty label is the same as no label), " +
			"and `owner_kind=\"\"` selectors match either way.\n")
	} else {
		b.WriteString("The counts differ; a Prometheus server drops empty-valued labels on ingestion, so series identity in Prometheus is unaffected, but the bytes differ.\n")
	}
	if len(e.KSMHeaderOnly) > 0 {
		fmt.Fprintf(&b, "- %d families are declared by kube-state-metrics (`# HELP` and `# TYPE`) without a single sample; the exporter only knows families that "+
			"have data points, so it prints no lines for them. No series, query, rule or alert can see this; the only trace is in a server's "+
			"metadata API (`/api/v1/metadata`, `/api/v1/targets/metadata`), which lists these names for kube-state-metrics' target only: %s\n",
			len(e.KSMHeaderOnly), "`"+strings.Join(e.KSMHeaderOnly, "`, `")+"`")
	}
	list := func(title string, lines []string) { writeExamples(&b, title, len(lines), lines) }
	list("sample lines only kube-state-metrics serves", e.KSMOnly)
	list("sample lines only the exporter serves", e.OursOnly)
	var vals []string
	for _, d := range e.ValueDiffs {
		note := ""
		switch {
		case d.WithinTol:
			note = " (within the time-derived tolerance)"
		case d.SameNumber:
			note = " (the same number, written differently)"
		}
		vals = append(vals, fmt.Sprintf("%s  kube-state-metrics=%s exporter=%s%s", d.Identity, d.KSM, d.Ours, note))
	}
	list("values written differently", vals)
	list("families whose HELP/TYPE lines differ", e.HeaderDiffs)
	list("families only the exporter declares", e.OursHeaderOnly)
	return b.String()
}

// writeExamples writes a titled code block of at most maxExamples lines (n is the total counted).
func writeExamples(b *strings.Builder, title string, n int, lines []string) {
	if n == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s (%d):\n\n```\n", title, n)
	for i, l := range lines {
		if i == maxExamples {
			fmt.Fprintf(b, "... %d more\n", len(lines)-maxExamples)
			break
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteString("```\n")
}
