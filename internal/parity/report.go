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
	b.WriteString("- method: one receiver snapshot and one kube-state-metrics scrape, both taken after each side's output was stable; " +
		"series are compared by name, label set (order-free) and value (floats exactly, except the time-derived families below).\n\n")

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
	list := func(title string, n int, lines []string) {
		if n == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n\n```\n", title, n)
		for i, l := range lines {
			if i == maxExamples {
				fmt.Fprintf(&b, "... %d more\n", len(lines)-maxExamples)
				break
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
		b.WriteString("```\n")
	}
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
