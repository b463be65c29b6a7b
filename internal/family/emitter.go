package family

import (
	"fmt"

	"github.com/kubestate/kubestate/internal/engine"
)

// Emitter collects one object's points while its families run. It is scratch space reused across
// objects; record() packs what it collected into a compact immutable engine.Record.
type Emitter struct {
	family int
	keys   []string
	filter Filter
	b      engine.RecordBuilder
}

func (e *Emitter) reset(f Filter) {
	e.filter = f
	e.b.Reset()
}

// Add emits a point labelled with the family's Labels; values must match them one to one.
func (e *Emitter) Add(value float64, values ...string) {
	if len(values) != len(e.keys) {
		panic(fmt.Sprintf("family %d: %d label values for keys %v", e.family, len(values), e.keys))
	}
	e.b.Add(e.family, value, values)
}

// AddKV emits a point with keys chosen per object (labels and annotations families).
func (e *Emitter) AddKV(value float64, keys []string, values ...string) {
	if len(values) != len(keys) {
		panic(fmt.Sprintf("family %d: %d label values for keys %v", e.family, len(values), keys))
	}
	e.b.AddKV(e.family, value, keys, values)
}

// LabelsAllowed and AnnotationsAllowed are this resource's allowlists; nil when none is configured.
func (e *Emitter) LabelsAllowed() *Allowlist      { return e.filter.Labels }
func (e *Emitter) AnnotationsAllowed() *Allowlist { return e.filter.Annotations }

// objectLabels adds the labels of m that allow selects as object labels of the record: under
// KSM's names "label_<sanitized key>", exactly as the resource's *_labels family names them
// (KSM's _conflictN suffixes included), under other schemas attrPrefix + the key as it is.
func (e *Emitter) objectLabels(allow *Allowlist, attrPrefix string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	kube, prom, values := allow.promLabels("label", m)
	for i, k := range kube {
		e.b.ObjectLabel(prom[i], attrPrefix+k, values[i])
	}
}

// record packs the collected points, after the prefix values, into one immutable record.
func (e *Emitter) record(prefix []string) *engine.Record { return e.b.Build(prefix) }
