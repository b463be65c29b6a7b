package customresource

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Bound is a Resource bound to one served group/version/kind: what one informer's objects are
// evaluated with.
type Bound struct {
	GVK        GroupVersionKind // no wildcards
	Plural     string
	Namespaced bool
	Metrics    []*Metric
	common     []map[string]string // per metric: commonLabels with the reserved labels
	keys       [][]string          // per metric: the label keys of a sample whose paths all resolve
}

// Bind binds r to a resolved group/version/kind and its plural.
func (r *Resource) Bind(gvk GroupVersionKind, plural string, namespaced bool) *Bound {
	b := &Bound{GVK: gvk, Plural: plural, Namespaced: namespaced, Metrics: r.Metrics}
	for _, m := range r.Metrics {
		c := maps.Clone(m.resourceCommon)
		if c == nil {
			c = map[string]string{}
		}
		c[LabelGroup], c[LabelVersion], c[LabelKind] = gvk.Group, gvk.Version, gvk.Kind
		maps.Copy(c, m.metricCommon)
		b.common = append(b.common, c)
		b.keys = append(b.keys, fullKeys(m, c))
	}
	return b
}

// Keys are the label keys, sorted, of every sample of metric i whose label paths all resolve:
// nil when star labels or labelFromKey make its keys depend on the object.
func (b *Bound) Keys(i int) []string { return b.keys[i] }

func fullKeys(m *Metric, common map[string]string) []string {
	if len(m.root.stars) > 0 || len(m.each.stars) > 0 || m.labelFromKey != "" {
		return nil
	}
	set := maps.Clone(common)
	for _, pl := range slices.Concat(m.root.plain, m.each.plain) {
		set[pl.key] = ""
	}
	if m.Type == StateSet {
		set[m.labelName] = ""
	}
	return slices.Sorted(maps.Keys(set))
}

// Sample is one point of a metric: its labels (keys sorted) and value.
type Sample struct {
	Keys, Values []string
	Value        float64
}

// Evaluate computes every metric's samples for one object (unstructured content). Samples of a
// metric come sorted by their labels; errors name the metric and the path that failed, and never
// stop the other metrics.
func (b *Bound) Evaluate(obj map[string]any, emit func(metric int, s Sample)) []error {
	var errs []error
	for i, m := range b.Metrics {
		base := maps.Clone(b.common[i])
		addPathLabels(obj, m.root, base)
		baseKeys := slices.Sorted(maps.Keys(base))
		samples, merrs := m.samples(m.path.Get(obj))
		for _, err := range merrs {
			errs = append(errs, &EvalError{Metric: m.Name, Quiet: m.quiet, Err: err})
		}
		// Each sample's own keys, sorted once: they order the samples, then merge with the base's.
		for j := range samples {
			samples[j].keys = slices.Sorted(maps.Keys(samples[j].labels))
		}
		slices.SortFunc(samples, compareSamples)
		for _, s := range samples {
			keys := mergeKeys(s.keys, baseKeys)
			values := make([]string, len(keys))
			for j, k := range keys {
				v, own := s.labels[k]
				if !own {
					v = base[k]
				}
				values[j] = v
			}
			emit(i, Sample{Keys: keys, Values: values, Value: s.value})
		}
	}
	return errs
}

// mergeKeys is the sorted union of two sorted key lists.
func mergeKeys(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch c := strings.Compare(a[0], b[0]); {
		case c < 0:
			out, a = append(out, a[0]), a[1:]
		case c > 0:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// EvalError is a metric that could not be evaluated (in part) on an object.
type EvalError struct {
	Metric string
	Quiet  bool // errorLogV > 0
	Err    error
}

func (e *EvalError) Error() string { return e.Metric + ": " + e.Err.Error() }
func (e *EvalError) Unwrap() error { return e.Err }

type sample struct {
	labels map[string]string
	keys   []string // of labels, sorted (set by Evaluate)
	value  float64
}

// samples turns what the metric's path found into samples, by type.
func (m *Metric) samples(v any) ([]sample, []error) {
	switch m.Type {
	case Gauge:
		return m.gauge(v)
	case StateSet:
		return m.stateSet(v)
	default:
		return m.info(v), nil
	}
}

// gauge: an object gives a sample per field (labelFromKey names the key), a list a sample per
// element, anything else one sample; the value is valueFrom in each.
func (m *Metric) gauge(v any) (out []sample, errs []error) {
	switch t := v.(type) {
	case map[string]any:
		for _, key := range slices.Sorted(maps.Keys(t)) {
			it := t[key]
			var s *sample
			if m.mapValueKey != "" && key == m.mapValueKey {
				f, err := toFloat(it, m.nilIsZero)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: [%s]: %w", m.path, key, err))
					continue
				}
				s = &sample{labels: map[string]string{}, value: f}
			} else if s, _ = m.gaugeValue(it); s == nil {
				// KSM drops a field's errors here: a field without the value is not a sample.
				continue
			}
			if key != "" && m.labelFromKey != "" {
				s.labels[m.labelFromKey] = key
			}
			addPathLabels(it, m.each, s.labels)
			addPathLabels(v, m.each, s.labels) // the object's own fields win
			out = append(out, *s)
		}
	case []any:
		for i, it := range t {
			s, err := m.gaugeValue(it)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: [%d]: %w", m.path, i, err))
				continue
			}
			if s == nil {
				continue
			}
			addPathLabels(it, m.each, s.labels)
			out = append(out, *s)
		}
	default:
		s, err := m.gaugeValue(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.path, err))
			break
		}
		if s != nil {
			addPathLabels(v, m.each, s.labels)
			out = append(out, *s)
		}
	}
	return out, errs
}

// gaugeValue reads valueFrom in it: nil and no error when it is missing (0 with nilIsZero), an
// error when there was nothing to read it in or it is not a number.
func (m *Metric) gaugeValue(it any) (*sample, error) {
	got := m.valueFrom.Get(it)
	if got == nil {
		if m.nilIsZero {
			return &sample{labels: map[string]string{}}, nil
		}
		if it == nil {
			return nil, fmt.Errorf("got nil while resolving path")
		}
		return nil, nil
	}
	f, err := toFloat(got, m.nilIsZero)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.valueFrom, err)
	}
	return &sample{labels: map[string]string{}, value: f}, nil
}

// stateSet: one sample per entry of list, 1 for the entry valueFrom equals, 0 for the others; per
// element when the path found a list. A value that does not resolve gives no sample.
func (m *Metric) stateSet(v any) (out []sample, errs []error) {
	one := func(it any) {
		got := m.valueFrom.Get(it)
		if got == nil {
			return
		}
		str, ok := got.(string)
		if !ok {
			full := append(append(Path{}, m.path...), m.valueFrom...)
			errs = append(errs, fmt.Errorf("%s: expected value for path to be string, got %T", full, got))
			return
		}
		for _, entry := range m.list {
			s := sample{labels: map[string]string{m.labelName: entry}}
			if str == entry {
				s.value = 1
			}
			addPathLabels(it, m.each, s.labels)
			out = append(out, s)
		}
	}
	if list, ok := v.([]any); ok {
		for _, it := range list {
			one(it)
		}
		return out, errs
	}
	one(v)
	return out, errs
}

// info: value 1, labels from labelsFromPath; per element of a list. On an object, one sample from
// the object's own labels plus one per field (labelFromKey naming its key, labelsFromPath read in
// the field); samples without any label are dropped.
func (m *Metric) info(v any) (out []sample) {
	one := func(it any) {
		if it == nil {
			return
		}
		s := sample{labels: map[string]string{}, value: 1}
		addPathLabels(it, m.each, s.labels)
		if len(s.labels) > 0 {
			out = append(out, s)
		}
	}
	switch t := v.(type) {
	case []any:
		for _, it := range t {
			one(it)
		}
	case map[string]any:
		for _, key := range slices.Sorted(maps.Keys(t)) {
			s := sample{labels: map[string]string{}, value: 1}
			if key != "" && m.labelFromKey != "" {
				s.labels[m.labelFromKey] = key
			}
			addPathLabels(t[key], m.each, s.labels)
			if len(s.labels) > 0 {
				out = append(out, s)
			}
		}
		one(v)
	default:
		one(v)
	}
	return out
}

// addPathLabels sets labels read from paths in obj: stars first (each copies the fields of the
// object it finds, keys prefixed and sanitized), then plain ones; a path that does not resolve
// sets nothing. Values are printed as Go's %v prints them.
func addPathLabels(obj any, lp labelPaths, into map[string]string) {
	for _, st := range lp.stars {
		fields, ok := st.path.Get(obj).(map[string]any)
		if !ok {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			into[sanitizeLabelName(st.prefix+k)] = labelValue(fields[k])
		}
	}
	for _, pl := range lp.plain {
		if v := pl.path.Get(obj); v != nil {
			into[pl.key] = labelValue(v)
		}
	}
}

func labelValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprintf("%v", v)
}

// compareSamples orders samples by their own labels as KSM does: key by key, then value, in key
// order; a shorter set first.
func compareSamples(a, b sample) int {
	for i := range min(len(a.keys), len(b.keys)) {
		if c := strings.Compare(a.keys[i], b.keys[i]); c != 0 {
			return c
		}
		if c := strings.Compare(a.labels[a.keys[i]], b.labels[b.keys[i]]); c != 0 {
			return c
		}
	}
	return len(a.keys) - len(b.keys)
}
