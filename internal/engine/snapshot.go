package engine

import (
	"context"
	"fmt"

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
	Now            pcommon.Timestamp // every live point's timestamp (stale points: staleLead earlier)
	Start          pcommon.Timestamp // start timestamp of cumulative sums
	// Last, if set, is what earlier snapshots may have delivered: series they held that this one
	// does not (deleted objects, changed label values) are exported once more, flagged
	// NoRecordedValue, so that consumers drop them at once as Prometheus drops a series gone from a
	// scrape. Nil: no stale points.
	Last *LastExported
}

// Collect walks every store once and hands batches of at most MaxPoints points to emit, one after
// another: a batch is built only once the previous one has been handed on, so a snapshot never
// holds more than one batch (invariant 5). It takes no lock: records are read with atomic loads.
// ctx only stops it early.
func Collect(ctx context.Context, cols []Collection, o BatchOptions, emit func(pmetric.Metrics) error) SnapshotStats {
	b := &batcher{BatchOptions: o, emit: emit, ctx: ctx}
	if b.MaxPoints < 1 {
		b.MaxPoints = 1
	}
	b.startBatch()
	total := 0
	cut := false // ctx ended before every record was added
	var visited []visit
	var live map[*Store]bool // every store of cols: the others known to Last were removed
	if o.Last != nil {
		live = map[*Store]bool{}
		for _, c := range cols {
			for _, st := range c.Stores {
				live[st] = true
				o.Last.srcs[st] = c.Source
			}
		}
	}
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
			o.Last.markVanished(b, st, cur)
			o.Last.spare[st] = cur
			visited = append(visited, visit{st, b.added})
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
	if o.Last != nil && !cut && ctx.Err() == nil {
		o.Last.markGone(b, live)
	}
	b.flush()
	if cut && len(b.errs) == 0 {
		// Cut between two batches: nothing was refused, but records were never exported.
		b.errs = append(b.errs, fmt.Errorf("snapshot cut, records left out: %w", ctx.Err()))
	}
	if o.Last != nil {
		o.Last.cycleDone(visited, !cut && len(b.errs) == 0, b.handed)
	}
	return SnapshotStats{Points: total, Stale: b.stale, Sent: b.sent, Batches: b.batches, Errors: b.errs}
}

// batcher appends points to a pmetric.Metrics and hands it on when it holds MaxPoints.
type batcher struct {
	BatchOptions
	emit func(pmetric.Metrics) error
	ctx  context.Context

	// added counts the records added so far; handed is added when the last batch was handed on
	// before ctx ended: the records numbered below it may have reached a consumer, the others not
	// (a batch handed on after ctx ended is dropped unsent, and so is every later one).
	added, handed int

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
	if b.ctx.Err() == nil {
		b.handed = b.added
	}
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
	b.added++ // counted first: a batch handed on while r is half added carries some of r
	var prefixBuf [8]string
	prefix := r.prefixValues(prefixBuf[:0])
	s := int(r.prefix) // index in r.ends of the current point's first string
	for i := range r.points {
		p := &r.points[i]
		b.point(r, prefix, p, s, false)
		s += p.strings()
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
		dp.SetTimestamp(staleTimestamp(b.Now))
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
