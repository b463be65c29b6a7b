package engine

import (
	"math"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// SourceSchema renames a Source's families for export under another naming schema (k8s_cluster,
// semantic conventions): which metric each family's points become, with what unit, type and
// attributes, and which values make up the resource. It is applied as batches are built, so
// records and stores stay schema-free and the pull path keeps KSM's names. Nil is KSM's schema:
// families as they are, one resource per batch.
//
// Under a SourceSchema every object is a resource of its own (attributes from its prefix values
// and Enrich), and points whose ResourceLabels differ are resources of their own within it (a
// pod's containers). A resource may be split across batches: batches stay bounded by
// MaxDataPointsPerBatch (invariant 5).
type SourceSchema struct {
	SchemaURL string
	// Resource are the object's resource attributes, each from one of the record's prefix values
	// (which may go past the Source's PrefixKeys: values kept for the schema only, such as a uid).
	Resource []PrefixAttr
	// Metrics[f] are what family f's points become; an empty entry drops the family.
	Metrics [][]MetricMap
	// Enrich adds resource attributes read from other points of the same record.
	Enrich []Enrich
}

// PrefixAttr is a resource attribute taken from prefix value Prefix.
type PrefixAttr struct {
	Key    string
	Prefix int
}

// LabelAttr is an attribute taken from label Label (an index into the family's Keys).
type LabelAttr struct {
	Key   string
	Label int
	// Convert, if set, turns the label's value into the attribute's (e.g. a phase in the schema's
	// lower case, a storage class out of a quota's resource name).
	Convert func(string) string
}

// LabelIs matches a point whose label Label has value Value (or, with Test set, whose value
// passes Test).
type LabelIs struct {
	Label int
	Value string
	Test  func(string) bool
}

// FixedAttr is a data point attribute with a fixed value: several families feeding one metric,
// each with its own value (a container's running, waiting and terminated flags as one state
// metric).
type FixedAttr struct{ Key, Value string }

// MetricMap is one metric a family's points become. MetricMaps with the same Name (of one or
// several families) feed one metric of a resource; they must agree on its description, unit and
// type.
type MetricMap struct {
	Name, Description, Unit string
	Sum, Monotonic          bool // a cumulative Sum; else a Gauge
	Int                     bool // integer points (rounded up, as a Kubernetes quantity's Value)
	// Value, if set, converts the family's value; label reads the point's labels by key.
	Value func(v float64, label func(key string) string) float64
	// Where keeps only the points whose labels all match (e.g. resource="cpu").
	Where []LabelIs
	// Attrs are the data point attributes; labels not listed are dropped.
	Attrs []LabelAttr
	// Fixed are data point attributes added to every point, after Attrs.
	Fixed []FixedAttr
	// AllLabels makes every label of the point a data point attribute under its own key (a family
	// kept under its KSM name), instead of Attrs.
	AllLabels bool
	// ResourceLabels make points with other values of these labels resources of their own, with
	// these attributes added to the object's (a container within its pod).
	ResourceLabels []LabelAttr
	// FromLabel, if set, turns a KSM state family (one point per state, 1 for the actual one) into
	// one point: only the point valued 1 is kept, and its value is FromLabel.Values of its label
	// (Default if none matches).
	FromLabel *StateValue
}

// StateValue maps the state label of a KSM state family to a number.
type StateValue struct {
	Label   int
	Values  map[string]float64
	Default float64
}

// Enrich adds resource attributes from the first point of family Family in the same record. With
// Match set, only to the resources made by ResourceLabels whose first label value equals the
// point's label Match.Label (Match.Value is unused), e.g. a container's id from its info point.
// Without such a point, Put is called with every label empty, so a resource always has the same
// attribute keys.
type Enrich struct {
	Family int
	Match  *LabelIs
	// Put reads the point's labels by key and adds attributes with put.
	Put func(label func(key string) string, put func(key, value string))
}

// resourceGroup is one resource of the current record in the current batch.
type resourceGroup struct {
	key     string // values of the ResourceLabels, "" for the object itself
	metrics pmetric.MetricSlice
	// dps of each MetricMap that has points in this group, found by linear search: few per group.
	maps []*MetricMap
	dps  []pmetric.NumberDataPointSlice
}

// schemaState is the batcher's state for the current record under a SourceSchema.
type schemaState struct {
	rec    *Record
	object []kv // the object's resource attributes (prefix and object-level Enrich)
	groups []resourceGroup
}

type kv struct{ k, v string }

// schemaPoint appends the current point of c, mapped by b.schema, to the batch. It returns the
// number of points appended.
func (b *batcher) schemaPoint(prefix []string, c *Cursor, stale bool) int {
	s := b.schema
	f := c.Family()
	if f >= len(s.Metrics) || len(s.Metrics[f]) == 0 {
		return 0
	}
	if c.Record() != b.ss.rec {
		b.ss.rec = c.Record()
		b.ss.groups = b.ss.groups[:0]
		b.ss.object = b.objectAttrs(c.Record(), prefix)
	}
	keys := b.descs[f].Keys
	n := 0
	for i := range s.Metrics[f] {
		m := &s.Metrics[f][i]
		if !matches(c, keys, m.Where) {
			continue
		}
		value := c.Value()
		if m.FromLabel != nil {
			if value != 1 {
				continue
			}
			v, ok := m.FromLabel.Values[label(c, m.FromLabel.Label, keys)]
			if !ok {
				v = m.FromLabel.Default
			}
			value = v
		}
		if m.Value != nil {
			// A copy for the closure, which escapes: captured, c itself would move to the heap
			// in every caller, one allocation per point of every source.
			cur := *c
			value = m.Value(value, func(key string) string { return labelByKey(&cur, keys, key) })
		}
		g := b.group(c, keys, m)
		dps := g.dataPoints(m)
		dp := dps.AppendEmpty()
		dp.SetTimestamp(b.Now)
		if m.Sum {
			dp.SetStartTimestamp(b.Start)
		}
		switch {
		case stale:
			dp.SetTimestamp(staleTimestamp(b.Now))
			if m.Int {
				dp.SetIntValue(0)
			} else {
				dp.SetDoubleValue(staleValue)
			}
			dp.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))
		case m.Int:
			dp.SetIntValue(int64(math.Ceil(value)))
		default:
			dp.SetDoubleValue(value)
		}
		attrs := dp.Attributes()
		if m.AllLabels {
			for j := range c.Labels() {
				k, v := c.Label(j, keys)
				attrs.PutStr(k, v)
			}
		}
		for _, a := range m.Attrs {
			v := label(c, a.Label, keys)
			if a.Convert != nil {
				v = a.Convert(v)
			}
			attrs.PutStr(a.Key, v)
		}
		for _, a := range m.Fixed {
			attrs.PutStr(a.Key, a.Value)
		}
		n++
	}
	return n
}

// label is label j of c's point, "" if it has fewer labels (a labels family's point).
func label(c *Cursor, j int, keys []string) string {
	if j >= c.Labels() {
		return ""
	}
	_, v := c.Label(j, keys)
	return v
}

// labelByKey is the value of c's label key, "" if it has none.
func labelByKey(c *Cursor, keys []string, key string) string {
	for j := range c.Labels() {
		if k, v := c.Label(j, keys); k == key {
			return v
		}
	}
	return ""
}

func matches(c *Cursor, keys []string, where []LabelIs) bool {
	for _, w := range where {
		v := label(c, w.Label, keys)
		if w.Test != nil {
			if !w.Test(v) {
				return false
			}
		} else if v != w.Value {
			return false
		}
	}
	return true
}

// objectAttrs are the resource attributes every resource of r gets.
func (b *batcher) objectAttrs(r *Record, prefix []string) []kv {
	out := b.ss.object[:0]
	for _, a := range b.schema.Resource {
		if a.Prefix < len(prefix) {
			out = append(out, kv{a.Key, prefix[a.Prefix]})
		}
	}
	for i := range b.schema.Enrich {
		if e := &b.schema.Enrich[i]; e.Match == nil {
			out = b.enrich(out, r, e, "")
		}
	}
	for i := range r.ObjectLabels() {
		// Last, and only where the resource has no attribute of that key: the schema's own (and
		// resource_attributes) win.
		_, k, v := r.ObjectLabel(i)
		if _, configured := b.Resource[k]; configured || slices.ContainsFunc(out, func(a kv) bool { return a.k == k }) {
			continue
		}
		out = append(out, kv{k, v})
	}
	return out
}

// enrich appends e's attributes from the first point of e.Family in r (with match, the first
// whose label e.Match.Label is match).
func (b *batcher) enrich(out []kv, r *Record, e *Enrich, match string) []kv {
	if e.Family >= len(b.descs) {
		return out
	}
	keys := b.descs[e.Family].Keys
	for c := r.Cursor(); !c.Done(); c.Next() {
		if c.Family() != e.Family {
			continue
		}
		if e.Match != nil {
			if label(&c, e.Match.Label, keys) != match {
				continue
			}
		}
		e.Put(func(key string) string { return labelByKey(&c, keys, key) }, func(k, v string) { out = append(out, kv{k, v}) })
		return out
	}
	e.Put(func(string) string { return "" }, func(k, v string) { out = append(out, kv{k, v}) })
	return out
}

// group returns the resource of the current record that c's point belongs to under m, adding it
// to the batch if needed.
func (b *batcher) group(c *Cursor, keys []string, m *MetricMap) *resourceGroup {
	key := ""
	if len(m.ResourceLabels) > 0 {
		var sb strings.Builder
		for _, a := range m.ResourceLabels {
			sb.WriteString(label(c, a.Label, keys))
			sb.WriteByte(0)
		}
		key = sb.String()
	}
	for i := range b.ss.groups {
		if b.ss.groups[i].key == key {
			return &b.ss.groups[i]
		}
	}
	rm := b.md.ResourceMetrics().AppendEmpty()
	rm.SetSchemaUrl(b.schema.SchemaURL)
	attrs := rm.Resource().Attributes()
	put := func(list []kv) {
		for _, a := range list {
			attrs.PutStr(a.k, a.v)
		}
	}
	b.putResource(attrs)
	put(b.ss.object)
	if len(m.ResourceLabels) > 0 {
		extra := make([]kv, 0, len(m.ResourceLabels)+4)
		for _, a := range m.ResourceLabels {
			extra = append(extra, kv{a.Key, label(c, a.Label, keys)})
		}
		first := label(c, m.ResourceLabels[0].Label, keys)
		for i := range b.schema.Enrich {
			if e := &b.schema.Enrich[i]; e.Match != nil {
				extra = b.enrich(extra, c.Record(), e, first)
			}
		}
		put(extra)
	}
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName(b.Scope)
	sm.Scope().SetVersion(b.Version)
	b.ss.groups = append(b.ss.groups, resourceGroup{key: key, metrics: sm.Metrics()})
	return &b.ss.groups[len(b.ss.groups)-1]
}

// dataPoints returns the points of m in g, adding its metric if needed; a metric of the same name
// fed by another MetricMap is m's.
func (g *resourceGroup) dataPoints(m *MetricMap) pmetric.NumberDataPointSlice {
	for i, x := range g.maps {
		if x == m || x.Name == m.Name {
			return g.dps[i]
		}
	}
	met := g.metrics.AppendEmpty()
	met.SetName(m.Name)
	met.SetDescription(m.Description)
	met.SetUnit(m.Unit)
	var dps pmetric.NumberDataPointSlice
	if m.Sum {
		s := met.SetEmptySum()
		s.SetIsMonotonic(m.Monotonic)
		s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		dps = s.DataPoints()
	} else {
		dps = met.SetEmptyGauge().DataPoints()
	}
	g.maps = append(g.maps, m)
	g.dps = append(g.dps, dps)
	return dps
}
