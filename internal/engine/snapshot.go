package engine

import (
	"context"

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
}

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
	for _, c := range cols {
		b.source(c.Source)
		for _, st := range c.Stores {
			st.Range(func(r *Record) bool {
				b.add(r)
				total += r.Len()
				return ctx.Err() == nil
			})
		}
		if ctx.Err() != nil {
			break
		}
	}
	b.flush()
	return SnapshotStats{Points: total, Sent: b.sent, Batches: b.batches, Errors: b.errs}
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
	// The prefix values, sliced once per record.
	var prefixBuf [8]string
	prefix := prefixBuf[:0]
	start := uint32(0)
	for _, end := range r.ends[:r.prefix] {
		prefix = append(prefix, r.data[start:end])
		start = end
	}
	next := int(r.prefix) // index in r.ends of the next string
	for i := range r.points {
		p := &r.points[i]
		desc := &b.descs[p.family]
		dp := b.family(int(p.family)).AppendEmpty()
		dp.SetTimestamp(b.Now)
		if desc.Type == Counter {
			dp.SetStartTimestamp(b.Start)
		}
		dp.SetDoubleValue(p.value)
		attrs := dp.Attributes()
		attrs.EnsureCapacity(len(prefix) + int(p.n))
		for k, v := range prefix[:min(len(prefix), len(b.prefixKeys))] {
			attrs.PutStr(b.prefixKeys[k], v)
		}
		if p.kv {
			for range p.n {
				kEnd, vEnd := r.ends[next], r.ends[next+1]
				attrs.PutStr(r.data[start:kEnd], r.data[kEnd:vEnd])
				start, next = vEnd, next+2
			}
		} else {
			for _, key := range desc.Keys[:p.n] {
				end := r.ends[next]
				attrs.PutStr(key, r.data[start:end])
				start, next = end, next+1
			}
		}
		b.points++
		if b.points >= b.MaxPoints {
			b.flush()
		}
	}
}

// SnapshotStats says what one snapshot produced.
type SnapshotStats struct {
	Points  int     // points built
	Sent    int     // points in batches the consumer accepted
	Batches int     // batches handed on
	Errors  []error // one per refused batch
}

// snapshot collects every resource of the engine.
func (e *Engine) snapshot(ctx context.Context, now pcommon.Timestamp, emit func(pmetric.Metrics) error) SnapshotStats {
	cols := make([]Collection, len(e.resources))
	for i, rs := range e.resources {
		cols[i] = Collection{Source: rs.src, Stores: rs.stores}
	}
	return Collect(ctx, cols, BatchOptions{Scope: e.scope, Version: e.version, MaxPoints: e.cfg.MaxPointsPerBatch, Now: now, Start: e.startTime}, emit)
}
