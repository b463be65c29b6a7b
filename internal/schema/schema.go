// Package schema holds the naming schemas other than KSM's: tables that say, per resource, which
// metric each KSM family's points become (name, unit, type, attributes) and which of an object's
// values make up its resource. Compile turns a table row into the engine's SourceSchema; records
// are never rebuilt, so a schema costs nothing until batches are built.
package schema

import (
	"fmt"
	"slices"
	"sort"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
)

// Names of the schemas, as users configure them.
const (
	KSM        = "ksm"
	K8sCluster = "k8s_cluster"
	Semconv    = "semconv"
)

// Names lists every schema name.
func Names() []string { return []string{KSM, K8sCluster, Semconv} }

// resourceMap is one resource under a schema.
type resourceMap struct {
	// resource attributes from the record's prefix, by the resource's Prefix key names; "uid" is
	// the object's uid (family.Filter.UID keeps it when Prefix has none).
	resource []attr
	enrich   []enrich
	metrics  []metric
}

type attr struct{ key, from string }

// enrich adds resource attributes from the first point of family from in the same record; with
// match, to the sub-resources (ResourceLabels) whose first label value equals the point's label
// match.
type enrich struct {
	from, match string
	put         func(label func(string) string, put func(k, v string))
}

// metric is one output metric read from KSM family from.
type metric struct {
	from             string
	name, unit, help string
	int              bool
	sum              bool                           // a non-monotonic cumulative sum (an UpDownCounter); else a gauge
	where            map[string]string              // label -> value the point must have
	test             map[string]func(string) bool   // label -> a test its value must pass
	attrs            []attr                         // data point attributes: key from label
	convert          map[string]func(string) string // attribute key -> conversion of its label's value
	fixed            []engine.FixedAttr             // data point attributes with fixed values
	note             string                         // the points test takes, as docs/metrics.md says it
	resource         []attr                         // labels that make a sub-resource (a container)
	state            string                         // a state family: the point valued 1 is kept, valued states[label]
	states           map[string]float64
	stateDefault     float64
	value            func(v float64, label func(string) string) float64
}

// table is a schema: resource name -> its map.
type table map[string]*resourceMap

func tableOf(name string) (table, bool) {
	switch name {
	case K8sCluster:
		return k8sCluster, true
	case Semconv:
		return semconv, true
	}
	return nil, false
}

// Resources lists the resources a schema has metrics for (nil for KSM's: every resource).
func Resources(name string) []string {
	t, ok := tableOf(name)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(t))
	for r := range t {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// SchemaURL is the schema URL of a schema's resources.
func schemaURL(name string) string {
	switch name {
	case K8sCluster:
		return k8sClusterSchemaURL
	case Semconv:
		return semconvSchemaURL
	}
	return ""
}

// Option changes how Compile maps a resource.
type Option func(*options)

type options struct{ keepKSMFamilies bool }

// KeepKSMFamilies keeps the families the schema has no metric for under their KSM names, with
// every label as a data point attribute, in the object's resource (semconv's
// semconv_keep_ksm_families).
func KeepKSMFamilies() Option { return func(o *options) { o.keepKSMFamilies = true } }

// Compile builds the SourceSchema of src (compiled from res with family.Filter.UID set) under the
// named schema; nil for KSM's. A resource the schema has no metrics for is an error.
func Compile(name string, res family.AnyResource, src engine.Source, opts ...Option) (*engine.SourceSchema, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if name == "" || name == KSM {
		return nil, nil
	}
	t, ok := tableOf(name)
	if !ok {
		return nil, fmt.Errorf("unknown schema %q", name)
	}
	rm, ok := t[res.ResourceName()]
	if !ok {
		return nil, fmt.Errorf("resource %q has no metrics in schema %s", res.ResourceName(), name)
	}
	prefix := res.PrefixKeys()
	prefixIndex := func(key string) int {
		if i := slices.Index(prefix, key); i >= 0 {
			return i
		}
		if key == "uid" {
			return len(prefix) // kept after the prefix by family.Filter.UID
		}
		panic(fmt.Sprintf("schema %s: resource %s has no prefix key %q", name, res.ResourceName(), key))
	}
	descs := src.Families()
	famIndex := func(fam string) int {
		return slices.IndexFunc(descs, func(d engine.FamilyDesc) bool { return d.Name == fam })
	}
	out := &engine.SourceSchema{SchemaURL: schemaURL(name), Metrics: make([][]engine.MetricMap, len(descs))}
	for _, a := range rm.resource {
		out.Resource = append(out.Resource, engine.PrefixAttr{Key: a.key, Prefix: prefixIndex(a.from)})
	}
	for _, e := range rm.enrich {
		f := famIndex(e.from)
		if f < 0 {
			continue // the family is filtered out: its attributes are missing
		}
		en := engine.Enrich{Family: f, Put: e.put}
		if e.match != "" {
			en.Match = &engine.LabelIs{Label: labelIndex(descs[f], e.match)}
		}
		out.Enrich = append(out.Enrich, en)
	}
	for _, m := range rm.metrics {
		f := famIndex(m.from)
		if f < 0 {
			continue // the family is filtered out
		}
		d := descs[f]
		mm := engine.MetricMap{Name: m.name, Unit: m.unit, Description: m.help, Int: m.int, Sum: m.sum, Value: m.value, Fixed: m.fixed}
		for _, k := range sortedKeys(m.where) {
			mm.Where = append(mm.Where, engine.LabelIs{Label: labelIndex(d, k), Value: m.where[k]})
		}
		for _, k := range sortedKeys(m.test) {
			mm.Where = append(mm.Where, engine.LabelIs{Label: labelIndex(d, k), Test: m.test[k]})
		}
		for _, a := range m.attrs {
			mm.Attrs = append(mm.Attrs, engine.LabelAttr{Key: a.key, Label: labelIndex(d, a.from), Convert: m.convert[a.key]})
		}
		for _, a := range m.resource {
			mm.ResourceLabels = append(mm.ResourceLabels, engine.LabelAttr{Key: a.key, Label: labelIndex(d, a.from)})
		}
		if m.state != "" {
			mm.FromLabel = &engine.StateValue{Label: labelIndex(d, m.state), Values: m.states, Default: m.stateDefault}
		}
		out.Metrics[f] = append(out.Metrics[f], mm)
	}
	if o.keepKSMFamilies {
		for f, d := range descs {
			if len(out.Metrics[f]) == 0 {
				out.Metrics[f] = []engine.MetricMap{{Name: d.Name, Description: d.Help, Sum: d.Type == engine.Counter,
					Monotonic: d.Type == engine.Counter, AllLabels: true}}
			}
		}
	}
	return out, nil
}

// labelIndex is the index of label key in d's Keys; tables name only keys their families have
// (TestTablesNameExistingFamiliesAndLabels).
func labelIndex(d engine.FamilyDesc, key string) int {
	i := slices.Index(d.Keys, key)
	if i < 0 {
		panic(fmt.Sprintf("family %s has no label %q", d.Name, key))
	}
	return i
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
