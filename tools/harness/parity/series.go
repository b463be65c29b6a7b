// Package parity compares kubestate with kube-state-metrics v2.20.0 series by series: it parses KSM's
// Prometheus text exposition, flattens a receiver snapshot (pdata) the same way, matches the two
// order-free by metric name, label set and value, and renders a per-family report. It also runs both
// against one apiserver, for `make parity` (cmd/parity) and the fast form inside `make test`: our side
// either the receiver's engine in-process (RunConfig) or the distribution's Prometheus exporter
// (RunConfigPrometheus, `make parity-prometheus`), whose text is also compared with KSM's byte for
// byte (CompareExposition) and whose metric_expiration is measured on a deleted object (CheckExpiry).
package parity

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Label is one label pair of a series.
type Label struct{ Name, Value string }

// Series is one sample: a metric name, its labels (sorted by name) and its value.
type Series struct {
	Name   string
	Labels []Label
	Value  float64
}

// Key identifies a series by name and label set, independent of label order.
func (s Series) Key() string {
	var b strings.Builder
	b.WriteString(s.Name)
	b.WriteByte('{')
	for i, l := range s.Labels {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l.Name)
		b.WriteString(`="`)
		b.WriteString(escapeValue(l.Value))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// Label returns the value of the named label ("" when absent).
func (s Series) Label(name string) string {
	for _, l := range s.Labels {
		if l.Name == name {
			return l.Value
		}
	}
	return ""
}

// String renders the series as an exposition line.
func (s Series) String() string { return s.Key() + " " + formatValue(s.Value) }

// FamilyMeta is what a side says about a family besides its series.
type FamilyMeta struct {
	Type string // "gauge" or "counter" ("unknown" and others as printed)
	Help string
}

// Set is one side's series, plus the families it declares.
type Set struct {
	Series   []Series
	Families map[string]FamilyMeta
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{Families: map[string]FamilyMeta{}} }

func (s *Set) add(name string, labels []Label, v float64) {
	slices.SortFunc(labels, func(a, b Label) int { return strings.Compare(a.Name, b.Name) })
	s.Series = append(s.Series, Series{Name: name, Labels: labels, Value: v})
}

var (
	valueEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
	helpUnescaper = strings.NewReplacer(`\\`, `\`, `\n`, "\n")
)

func escapeValue(s string) string  { return valueEscaper.Replace(s) }
func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// ParseText parses the Prometheus text exposition format (version 0.0.4) as kube-state-metrics
// writes it: "# HELP" and "# TYPE" lines, then samples "name{k="v",...} value [timestamp]".
func ParseText(r io.Reader) (*Set, error) {
	set := NewSet()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "#") {
			fields := strings.SplitN(text, " ", 4)
			if len(fields) < 3 {
				continue // a plain comment
			}
			meta := set.Families[fields[2]]
			rest := ""
			if len(fields) == 4 {
				rest = fields[3]
			}
			switch fields[1] {
			case "HELP":
				meta.Help = helpUnescaper.Replace(rest)
			case "TYPE":
				meta.Type = rest
			default:
				continue
			}
			set.Families[fields[2]] = meta
			continue
		}
		name, labels, value, err := parseSample(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w: %q", line, err, truncate(text, 200))
		}
		set.add(name, labels, value)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return set, nil
}

func parseSample(s string) (string, []Label, float64, error) {
	i := strings.IndexAny(s, "{ \t")
	if i <= 0 {
		return "", nil, 0, fmt.Errorf("no value")
	}
	name := s[:i]
	rest := s[i:]
	var labels []Label
	if rest[0] == '{' {
		var err error
		labels, rest, err = parseLabels(rest[1:])
		if err != nil {
			return "", nil, 0, err
		}
	}
	fields := strings.Fields(rest)
	if len(fields) < 1 || len(fields) > 2 {
		return "", nil, 0, fmt.Errorf("want a value and an optional timestamp after the labels")
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return "", nil, 0, fmt.Errorf("value: %w", err)
	}
	return name, labels, v, nil
}

// parseLabels reads `k="v",...}` and returns the labels and what follows the closing brace.
func parseLabels(s string) ([]Label, string, error) {
	var labels []Label
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return nil, "", fmt.Errorf("unterminated label set")
		}
		if s[0] == '}' {
			return labels, s[1:], nil
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, "", fmt.Errorf("label without '='")
		}
		key := strings.TrimSpace(s[:eq])
		s = strings.TrimLeft(s[eq+1:], " \t")
		if s == "" || s[0] != '"' {
			return nil, "", fmt.Errorf("label %s: value not quoted", key)
		}
		var b strings.Builder
		j := 1
		closed := false
		for j < len(s) {
			c := s[j]
			if c == '\\' && j+1 < len(s) {
				switch s[j+1] {
				case 'n':
					b.WriteByte('\n')
				case '\\':
					b.WriteByte('\\')
				case '"':
					b.WriteByte('"')
				default:
					b.WriteByte('\\')
					b.WriteByte(s[j+1])
				}
				j += 2
				continue
			}
			if c == '"' {
				closed = true
				j++
				break
			}
			b.WriteByte(c)
			j++
		}
		if !closed {
			return nil, "", fmt.Errorf("label %s: unterminated value", key)
		}
		labels = append(labels, Label{Name: key, Value: b.String()})
		s = strings.TrimLeft(s[j:], " \t")
		if s != "" && s[0] == ',' {
			s = s[1:]
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// AddMetrics flattens a pdata batch into the set: one series per data point of a Gauge or Sum, its
// attributes as labels. Families are recorded with type "gauge", or "counter" for monotonic
// cumulative sums (as the Prometheus exporter would print them).
func (s *Set) AddMetrics(md pmetric.Metrics) error {
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		sms := rms.At(i).ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				if err := s.addMetric(ms.At(k)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (s *Set) addMetric(m pmetric.Metric) error {
	var (
		dps pmetric.NumberDataPointSlice
		typ string
	)
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dps, typ = m.Gauge().DataPoints(), "gauge"
	case pmetric.MetricTypeSum:
		dps = m.Sum().DataPoints()
		typ = "gauge"
		if m.Sum().IsMonotonic() && m.Sum().AggregationTemporality() == pmetric.AggregationTemporalityCumulative {
			typ = "counter"
		}
	default:
		return fmt.Errorf("metric %s: type %s is not a gauge or a sum", m.Name(), m.Type())
	}
	s.Families[m.Name()] = FamilyMeta{Type: typ, Help: m.Description()}
	for i := 0; i < dps.Len(); i++ {
		dp := dps.At(i)
		if dp.Flags().NoRecordedValue() {
			continue // a stale marker: the series is gone
		}
		labels := make([]Label, 0, dp.Attributes().Len())
		dp.Attributes().Range(func(k string, v pcommon.Value) bool {
			labels = append(labels, Label{Name: k, Value: v.AsString()})
			return true
		})
		var v float64
		switch dp.ValueType() {
		case pmetric.NumberDataPointValueTypeInt:
			v = float64(dp.IntValue())
		default:
			v = dp.DoubleValue()
		}
		s.add(m.Name(), labels, v)
	}
	return nil
}

// CollapseDuplicates removes every series that repeats an earlier one with the same name, labels and
// value, as a Prometheus server ingests a line served twice once, and returns how many it removed.
func (s *Set) CollapseDuplicates() int {
	seen := map[string]bool{}
	out := s.Series[:0]
	for _, x := range s.Series {
		if k := x.String(); !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	n := len(s.Series) - len(out)
	s.Series = out
	return n
}
