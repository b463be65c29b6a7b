package engine

import (
	"context"
	"fmt"
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Collection is what a snapshot reads of one Source: the stores of its informers.
type Collection struct {
	Source Source
	Stores []*Store
}

// BatchOptions say how a snapshot's batches are built.
type BatchOptions struct {
	Scope, Version string
	MaxPoints      int               // points per batch, at least 1
	Now            pcommon.Timestamp // every point's timestamp
	Start          pcommon.Timestamp // start timestamp of cumulative sums
	// Last, if set, is what the previous snapshot exported: series it held that this one does not
	// (deleted objects, changed label values) are exported once more, flagged NoRecordedValue, so
	// that consumers drop them at once as Prometheus drops a series gone from a scrape. Nil: no
	// stale points.
	Last *LastExported
}

// LastExported remembers, for every Store slot, the record the last snapshot delivered whole
// exported. It belongs to one snapshot at a time (the engine's cycles never overlap).
type LastExported struct {
	prev, spare map[*Store][]*Record
}

// NewLastExported starts with nothing exported.
func NewLastExported() *LastExported {
	return &LastExported{prev: map[*Store][]*Record{}, spare: map[*Store][]*Record{}}
}

// staleValue is the value of a stale point: Prometheus' staleness marker, the value the remote-write
// exporter writes for such points, so that a consumer that ignores the flag still sees no number
// (the Collector's Prometheus receiver leaves the value empty, which reads as 0).
var staleValue = math.Float64frombits(0x7ff0000000000002)

// Collect walks every store once and hands batches of at most MaxPoints points to emit, one after
// another: a batch is built only once the previous one has been handed on, so a snapshot never
// holds more than one batch (invariant 5). It takes no lock: records are read with atomic loads.
// ctx only stops it early.
func Collect(ctx context.Context, cols []Collection, o BatchOptions, emit func(pmetric.Metrics) error) SnapshotStats {
	b := &batcher{BatchOptions: o, emit: emit}
	if b.MaxPoints < 1 {
		b.MaxPoints = 1
	}
	b.startBatch()
	total := 0
	cut := false // ctx ended before every record was added
	for _, c := range cols {
		if ctx.Err() != nil {
			cut = true
			break
		}
		b.source(c.Source)
		for _, st := range c.Stores {
			if o.Last == nil {
				st.Range(func(r *Record) bool {
					b.add(r)
					total += r.Len()
					return ctx.Err() == nil
				})
				continue
			}
			// Load every slot once, mark what vanished since the last snapshot, then export what
			// was loaded: stale points come first, so that a series that moved to another slot (an
			// object deleted and created again under the same labels) ends up live.
			cur := st.Load(o.Last.spare[st][:0])
			prev := o.Last.prev[st]
			for i, p := range prev {
				var q *Record
				if i < len(cur) {
					q = cur[i]
				}
				if p != nil && p != q {
					b.vanished(p, q)
				}
			}
			o.Last.spare[st] = cur
			for _, r := range cur {
				if r == nil {
					continue
				}
				if ctx.Err() != nil {
					cut = true
					break
				}
				b.add(r)
				total += r.Len()
			}
		}
	}
	b.flush()
	if cut && len(b.errs) == 0 {
		// Cut between two batches: nothing was refused, but records were never exported.
		b.errs = append(b.errs, fmt.Errorf("snapshot cut, records left out: %w", ctx.Err()))
	}
	if o.Last != nil && !cut && len(b.errs) == 0 {
		// Delivered whole (even if the deadline passed just after): the next snapshot compares with
		// this one. Otherwise with the last one that was, so stale points lost with a refused batch
		// are sent again.
		o.Last.prev, o.Last.spare = o.Last.spare, o.Last.prev
	}
	return SnapshotStats{Points: total, Stale: b.stale, Sent: b.sent, Batches: b.batches, Errors: b.errs}
}

// batcher appends points to a pmetric.Metrics and hands it on when it holds MaxPoints.
type batcher struct {
	BatchOptions
	emit func(pmetric.Metrics) error

	// The current source.
	descs      []FamilyDesc
	prefixKeys []string

	md      pmetric.Metrics
	metrics pmetric.MetricSlice
	// Per family of the current source: its data points in the current batch, once it has one.
	dps     []pmetric.NumberDataPointSlice
	present []bool
	points  int
	stale   int
	batches int
	sent    int
	errs    []error
}

func (b *batcher) startBatch() {
	b.md = pmetric.NewMetrics()
	sm := b.md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty()
	sm.Scope().SetName(b.Scope)
	sm.Scope().SetVersion(b.Version)
	b.metrics = sm.Metrics()
	clear(b.present)
	b.points = 0
}

func (b *batcher) flush() {
	if b.points == 0 {
		return
	}
	n := b.points
	b.batches++
	if err := b.emit(b.md); err != nil {
		b.errs = append(b.errs, err)
	} else {
		b.sent += n
	}
	b.startBatch()
}

// source switches to a new Source: family indexes restart, so a family met again in the same batch
// gets a metric of its own (as the previous source's families are other metrics anyway).
func (b *batcher) source(s Source) {
	b.descs, b.prefixKeys = s.Families(), s.PrefixKeys()
	n := len(b.descs)
	if cap(b.dps) < n {
		b.dps = make([]pmetric.NumberDataPointSlice, n)
		b.present = make([]bool, n)
	}
	b.dps, b.present = b.dps[:n], b.present[:n]
	clear(b.present)
}

// family returns the data points of family f in the current batch, adding its metric if needed.
func (b *batcher) family(f int) pmetric.NumberDataPointSlice {
	if b.present[f] {
		return b.dps[f]
	}
	d := &b.descs[f]
	m := b.metrics.AppendEmpty()
	m.SetName(d.Name)
	m.SetDescription(d.Help)
	var dps pmetric.NumberDataPointSlice
	if d.Type == Counter {
		s := m.SetEmptySum()
		s.SetIsMonotonic(true)
		s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		dps = s.DataPoints()
	} else {
		dps = m.SetEmptyGauge().DataPoints()
	}
	b.dps[f], b.present[f] = dps, true
	return dps
}

func (b *batcher) add(r *Record) {
	var prefixBuf [8]string
	prefix := r.prefixValues(prefixBuf[:0])
	s := int(r.prefix) // index in r.ends of the current point's first string
	for i := range r.points {
		p := &r.points[i]
		b.point(r, prefix, p, s, false)
		s += p.strings()
	}
}

// vanished adds a stale point for every series of prev that cur (the same slot's record now; nil
// if the slot is empty) does not hold.
func (b *batcher) vanished(prev, cur *Record) {
	var prefixBuf [8]string
	prefix := prev.prefixValues(prefixBuf[:0])
	if cur != nil && !sameStrings(prev, 0, cur, 0, int(prev.prefix)) {
		cur = nil // another object now: none of prev's series is in cur
	}
	var inCur map[string]struct{} // cur's series, built on the first point not found in place
	ps, cs := int(prev.prefix), 0
	if cur != nil {
		cs = int(cur.prefix)
	}
	for i := range prev.points {
		p := &prev.points[i]
		found := false
		if cur != nil {
			// Records of one object mostly keep their points in order: look in place first.
			if i < len(cur.points) && samePoint(prev, p, ps, cur, &cur.points[i], cs) {
				found = true
			} else {
				if inCur == nil {
					inCur = cur.seriesSet()
				}
				_, found = inCur[prev.seriesKey(p, ps)]
			}
		}
		if !found {
			b.point(prev, prefix, p, ps, true)
			b.stale++
		}
		ps += p.strings()
		if cur != nil && i < len(cur.points) {
			cs += cur.points[i].strings()
		}
	}
}

// point appends one point of r (its strings start at index s of r.ends) to the current batch.
func (b *batcher) point(r *Record, prefix []string, p *point, s int, stale bool) {
	desc := &b.descs[p.family]
	dp := b.family(int(p.family)).AppendEmpty()
	dp.SetTimestamp(b.Now)
	if desc.Type == Counter {
		dp.SetStartTimestamp(b.Start)
	}
	if stale {
		dp.SetDoubleValue(staleValue)
		dp.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))
	} else {
		dp.SetDoubleValue(p.value)
	}
	attrs := dp.Attributes()
	attrs.EnsureCapacity(len(prefix) + int(p.n))
	for k, v := range prefix[:min(len(prefix), len(b.prefixKeys))] {
		attrs.PutStr(b.prefixKeys[k], v)
	}
	start := uint32(0)
	if s > 0 {
		start = r.ends[s-1]
	}
	if p.kv {
		for range p.n {
			kEnd, vEnd := r.ends[s], r.ends[s+1]
			attrs.PutStr(r.data[start:kEnd], r.data[kEnd:vEnd])
			start, s = vEnd, s+2
		}
	} else {
		for _, key := range desc.Keys[:p.n] {
			end := r.ends[s]
			attrs.PutStr(key, r.data[start:end])
			start, s = end, s+1
		}
	}
	b.points++
	if b.points >= b.MaxPoints {
		b.flush()
	}
}

// SnapshotStats says what one snapshot produced.
type SnapshotStats struct {
	Points  int     // points built
	Stale   int     // stale points built (series the previous snapshot held and this one does not)
	Sent    int     // points (stale ones included) in batches the consumer accepted
	Batches int     // batches handed on
	Errors  []error // one per refused batch
}

// snapshot collects every resource of the engine; with last, it also marks what vanished since.
func (e *Engine) snapshot(ctx context.Context, now pcommon.Timestamp, last *LastExported, emit func(pmetric.Metrics) error) SnapshotStats {
	return Collect(ctx, e.collections(), BatchOptions{Scope: e.scope, Version: e.version, MaxPoints: e.cfg.MaxPointsPerBatch, Now: now, Start: e.startTime, Last: last}, emit)
}
