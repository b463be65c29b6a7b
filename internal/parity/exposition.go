package parity

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The byte-level comparison of two text expositions (Prometheus text 0.0.4), for the Prometheus path:
// kube-state-metrics' /metrics against the distribution's Prometheus exporter. Compare already
// matches the parsed series; this says what a byte diff of the two outputs would show and why.

// RawSample is one sample line split into its raw (still escaped) parts.
type RawSample struct {
	Line   string   // the line as served
	Name   string   // the metric name
	Labels []string // the label pairs as written, `name="escaped value"`, in the order written
	Value  string   // the value as written
}

// Canonical is the line with its label pairs sorted: every byte of the name, of each label pair
// (name, quotes, escaping) and of the value as served, only the order of the pairs normalised.
func (r RawSample) Canonical() string {
	labels := slices.Clone(r.Labels)
	slices.Sort(labels)
	return r.Name + "{" + strings.Join(labels, ",") + "} " + r.Value
}

func (r RawSample) identity() string {
	labels := slices.Clone(r.Labels)
	slices.Sort(labels)
	return r.Name + "{" + strings.Join(labels, ",") + "}"
}

// RawExposition is a text exposition split into sample lines and HELP/TYPE lines.
type RawExposition struct {
	Samples []RawSample
	Help    map[string]string // family -> the whole "# HELP" line
	Type    map[string]string // family -> the whole "# TYPE" line
}

// ParseRaw splits a text exposition without unescaping anything.
func ParseRaw(body []byte) (*RawExposition, error) {
	e := &RawExposition{Help: map[string]string{}, Type: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			f := strings.SplitN(line, " ", 4)
			if len(f) >= 3 {
				switch f[1] {
				case "HELP":
					e.Help[f[2]] = line
				case "TYPE":
					e.Type[f[2]] = line
				}
			}
			continue
		}
		s, err := splitRawSample(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w: %q", n, err, truncate(line, 200))
		}
		e.Samples = append(e.Samples, s)
	}
	return e, sc.Err()
}

func splitRawSample(line string) (RawSample, error) {
	s := RawSample{Line: line}
	i := strings.IndexAny(line, "{ ")
	if i <= 0 {
		return s, fmt.Errorf("no value")
	}
	s.Name = line[:i]
	rest := line[i:]
	if rest[0] == '{' {
		j := 1
		for {
			if j >= len(rest) {
				return s, fmt.Errorf("unterminated label set")
			}
			if rest[j] == '}' {
				j++
				break
			}
			start := j
			eq := strings.IndexByte(rest[j:], '=')
			if eq < 0 || j+eq+1 >= len(rest) || rest[j+eq+1] != '"' {
				return s, fmt.Errorf("label without a quoted value")
			}
			j += eq + 2
			for j < len(rest) && rest[j] != '"' {
				if rest[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(rest) {
				return s, fmt.Errorf("unterminated label value")
			}
			j++ // closing quote
			s.Labels = append(s.Labels, rest[start:j])
			if j < len(rest) && rest[j] == ',' {
				j++
			}
		}
		rest = rest[j:]
	}
	f := strings.Fields(rest)
	if len(f) < 1 || len(f) > 2 {
		return s, fmt.Errorf("want a value and an optional timestamp")
	}
	if len(f) == 2 {
		return s, fmt.Errorf("sample has a timestamp (%s)", f[1])
	}
	s.Value = f[0]
	return s, nil
}

// ValueDiff is a sample both sides print with the same name and label pairs but another value text.
type ValueDiff struct {
	Identity   string
	KSM, Ours  string
	WithinTol  bool // equal within the family's time-derived tolerance
	SameNumber bool // the same float, written differently
}

// ExpositionResult is the byte-level comparison of two expositions.
type ExpositionResult struct {
	KSMSamples, OurSamples int
	// ByteIdentical samples are the same line byte for byte; Reordered ones differ only in the order
	// of their label pairs (KSM writes them in its generators' order, the Prometheus client library
	// sorts them by name); both count as Identical.
	ByteIdentical, Reordered, Identical int
	ValueDiffs                          []ValueDiff
	KSMOnly, OursOnly                   []string // canonical lines

	// Empty-valued label pairs (name="") on each side.
	EmptyLabelsKSM, EmptyLabelsOurs int

	// HeaderDiffs are families with samples on both sides whose HELP or TYPE lines differ.
	HeaderDiffs []string
	// KSMHeaderOnly are families KSM declares (HELP and TYPE) without a single sample; the exporter
	// only knows families that have data points.
	KSMHeaderOnly []string
	// OursHeaderOnly are families the exporter declares that KSM does not.
	OursHeaderOnly []string
	// KSMDuplicates are lines KSM served more than once, same series and value (kube_endpoint_ports of
	// a port listed in two subsets): a Prometheus server ingests such a line once, and the exporter
	// serves it once. They are compared once and not counted in KSMSamples.
	KSMDuplicates []string
	// OurDuplicates are the same on our side: the pull endpoint serves such a line twice, as KSM
	// does; the Prometheus exporter never does.
	OurDuplicates []string
}

// OK reports whether every sample is identical (values within the time-derived tolerances) and
// every family with samples has the same HELP and TYPE lines. Families KSM declares without samples
// are allowed (see KSMHeaderOnly).
func (r *ExpositionResult) OK() bool {
	if len(r.KSMOnly) > 0 || len(r.OursOnly) > 0 || len(r.HeaderDiffs) > 0 || len(r.OursHeaderOnly) > 0 {
		return false
	}
	for _, d := range r.ValueDiffs {
		if !d.WithinTol {
			return false
		}
	}
	return true
}

// Exact reports what the pull endpoint promises beyond OK: every sample line byte for byte with
// KSM's label order, and HELP/TYPE for the same families, those without samples included.
func (r *ExpositionResult) Exact() bool {
	return r.OK() && r.Reordered == 0 && len(r.KSMHeaderOnly) == 0 && len(r.OurDuplicates) == len(r.KSMDuplicates)
}

// Summary is one line about the byte-level comparison.
func (r *ExpositionResult) Summary() string {
	tol := 0
	for _, d := range r.ValueDiffs {
		if d.WithinTol {
			tol++
		}
	}
	dup := ""
	if len(r.KSMDuplicates)+len(r.OurDuplicates) > 0 {
		dup = fmt.Sprintf(", lines served twice (compared once) kube-state-metrics %d, ours %d", len(r.KSMDuplicates), len(r.OurDuplicates))
	}
	return fmt.Sprintf("exposition: %d/%d kube-state-metrics sample lines identical (%d byte for byte, %d up to label order; %d within a time tolerance), "+
		"kube-state-metrics-only %d, exporter-only %d, other values %d, HELP/TYPE differing %d, families KSM declares without samples %d, empty-valued labels %d/%d%s",
		r.Identical, r.KSMSamples, r.ByteIdentical, r.Reordered, tol, len(r.KSMOnly), len(r.OursOnly), len(r.ValueDiffs)-tol,
		len(r.HeaderDiffs), len(r.KSMHeaderOnly), r.EmptyLabelsKSM, r.EmptyLabelsOurs, dup)
}

// collapseRaw drops every line that repeats an earlier one (same series and value) and returns
// the lines left and the dropped ones.
func collapseRaw(samples []RawSample) (unique []RawSample, dups []string) {
	seen := map[string]bool{}
	unique = samples[:0:0]
	for _, s := range samples {
		key := s.identity() + " " + s.Value
		if seen[key] {
			dups = append(dups, s.Canonical())
			continue
		}
		seen[key] = true
		unique = append(unique, s)
	}
	return unique, dups
}

// CompareExposition compares KSM's exposition with the exporter's byte for byte, up to the order of
// lines and of the label pairs within a line. Values of the time-derived families (tolerances) may
// differ by their tolerance.
func CompareExposition(ksmBody, oursBody []byte, tolerances map[string]Tolerance) (*ExpositionResult, error) {
	k, err := ParseRaw(ksmBody)
	if err != nil {
		return nil, fmt.Errorf("kube-state-metrics exposition: %w", err)
	}
	o, err := ParseRaw(oursBody)
	if err != nil {
		return nil, fmt.Errorf("exporter exposition: %w", err)
	}
	r := &ExpositionResult{}
	k.Samples, r.KSMDuplicates = collapseRaw(k.Samples)
	o.Samples, r.OurDuplicates = collapseRaw(o.Samples)
	r.KSMSamples, r.OurSamples = len(k.Samples), len(o.Samples)
	countEmpty := func(ss []RawSample) (n int) {
		for _, s := range ss {
			for _, l := range s.Labels {
				if strings.HasSuffix(l, `=""`) {
					n++
				}
			}
		}
		return n
	}
	r.EmptyLabelsKSM, r.EmptyLabelsOurs = countEmpty(k.Samples), countEmpty(o.Samples)

	// Multisets by identity (name and sorted label pairs).
	ours := map[string][]RawSample{}
	for _, s := range o.Samples {
		ours[s.identity()] = append(ours[s.identity()], s)
	}
	var unmatched []RawSample
	for _, s := range k.Samples {
		id := s.identity()
		cands := ours[id]
		idx := slices.IndexFunc(cands, func(c RawSample) bool { return c.Value == s.Value })
		if idx < 0 {
			unmatched = append(unmatched, s)
			continue
		}
		c := cands[idx]
		ours[id] = slices.Delete(cands, idx, idx+1)
		r.Identical++
		if c.Line == s.Line {
			r.ByteIdentical++
		} else {
			r.Reordered++
		}
	}
	for _, s := range unmatched {
		id := s.identity()
		cands := ours[id]
		if len(cands) == 0 {
			r.KSMOnly = append(r.KSMOnly, s.Canonical())
			continue
		}
		c := cands[0]
		ours[id] = cands[1:]
		d := ValueDiff{Identity: id, KSM: s.Value, Ours: c.Value}
		kv, err1 := strconv.ParseFloat(s.Value, 64)
		ov, err2 := strconv.ParseFloat(c.Value, 64)
		if err1 == nil && err2 == nil {
			d.SameNumber = equal(kv, ov, 0)
			if t, ok := tolerances[s.Name]; ok {
				labels, _, err := parseLabels(strings.TrimPrefix(id[len(s.Name):], "{"))
				if err == nil && (t.Applies == nil || t.Applies(Series{Name: s.Name, Labels: labels, Value: kv})) {
					d.WithinTol = equal(kv, ov, t.Abs)
				}
			}
		}
		r.ValueDiffs = append(r.ValueDiffs, d)
	}
	for _, cands := range ours {
		for _, c := range cands {
			r.OursOnly = append(r.OursOnly, c.Canonical())
		}
	}
	slices.Sort(r.KSMOnly)
	slices.Sort(r.OursOnly)
	slices.SortFunc(r.ValueDiffs, func(a, b ValueDiff) int { return strings.Compare(a.Identity, b.Identity) })

	withSamples := func(e *RawExposition) map[string]bool {
		m := map[string]bool{}
		for _, s := range e.Samples {
			m[s.Name] = true
		}
		return m
	}
	kHas := withSamples(k)
	families := map[string]bool{}
	for _, e := range []*RawExposition{k, o} {
		for f := range e.Help {
			families[f] = true
		}
		for f := range e.Type {
			families[f] = true
		}
	}
	for _, f := range sortedKeys(families) {
		_, kDecl := k.Type[f]
		_, oDecl := o.Type[f]
		switch {
		case kDecl && !oDecl:
			if !kHas[f] {
				r.KSMHeaderOnly = append(r.KSMHeaderOnly, f)
			} else {
				r.HeaderDiffs = append(r.HeaderDiffs, f+": the exporter prints no TYPE line")
			}
		case oDecl && !kDecl:
			r.OursHeaderOnly = append(r.OursHeaderOnly, f)
		case k.Help[f] != o.Help[f] || k.Type[f] != o.Type[f]:
			r.HeaderDiffs = append(r.HeaderDiffs, fmt.Sprintf("%s: kube-state-metrics %q %q, exporter %q %q", f, k.Help[f], k.Type[f], o.Help[f], o.Type[f]))
		}
	}
	return r, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
