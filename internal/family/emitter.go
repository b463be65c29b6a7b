package family

import (
	"fmt"

	"github.com/kubestate/kubestate/internal/engine"
)

// Emitter collects one object's points while its families run. It is scratch space reused across
// objects; record() copies what it collected into a compact immutable engine.Record.
type Emitter struct {
	family int
	keys   []string
	filter Filter
	points []engine.Point // Values filled in by record()
	offs   []int32        // start of each point's values in vals
	vals   []string
}

func (e *Emitter) reset(f Filter) {
	e.filter = f
	e.points = e.points[:0]
	e.offs = e.offs[:0]
	clear(e.vals) // drop references to the previous object's strings
	e.vals = e.vals[:0]
}

// Add emits a point labelled with the family's Labels; values must match them one to one.
func (e *Emitter) Add(value float64, values ...string) {
	if len(values) != len(e.keys) {
		panic(fmt.Sprintf("family %d: %d label values for keys %v", e.family, len(values), e.keys))
	}
	e.add(value, e.keys, values)
}

// AddKV emits a point with keys chosen per object (labels and annotations families). keys must not
// be modified afterwards: the record keeps it.
func (e *Emitter) AddKV(value float64, keys []string, values ...string) {
	if len(values) != len(keys) {
		panic(fmt.Sprintf("family %d: %d label values for keys %v", e.family, len(values), keys))
	}
	e.add(value, keys, values)
}

func (e *Emitter) add(value float64, keys, values []string) {
	e.offs = append(e.offs, int32(len(e.vals)))
	e.vals = append(e.vals, values...)
	e.points = append(e.points, engine.Point{Family: e.family, Keys: keys, Value: value})
}

// LabelsAllowed and AnnotationsAllowed are this resource's allowlists; nil when none is configured.
func (e *Emitter) LabelsAllowed() *Allowlist      { return e.filter.Labels }
func (e *Emitter) AnnotationsAllowed() *Allowlist { return e.filter.Annotations }

// record packs the collected points, with the prefix values, into two exact-size allocations.
func (e *Emitter) record(prefix []string) *engine.Record {
	arena := make([]string, len(prefix)+len(e.vals))
	n := copy(arena, prefix)
	copy(arena[n:], e.vals)
	rec := &engine.Record{Prefix: arena[:n:n], Points: make([]engine.Point, len(e.points))}
	for i, p := range e.points {
		start := n + int(e.offs[i])
		end := n + len(e.vals)
		if i+1 < len(e.offs) {
			end = n + int(e.offs[i+1])
		}
		p.Values = arena[start:end:end]
		rec.Points[i] = p
	}
	return rec
}
