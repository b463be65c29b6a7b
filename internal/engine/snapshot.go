package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Collection is what a snapshot reads of one Source: the stores of its informers.
type Collection struct {
	Source Source
	Stores []*Store
	// Schema, if set, renames the Source's families for export (nil: KSM's names); the pull path
	// ignores it.
	Schema *SourceSchema
}

// batchOptions say how a snapshot's batches are built.
type batchOptions struct {
	Scope, Version string
	// Resource is every batch's resource attributes (none if empty).
	Resource              map[string]string
	MaxDataPointsPerBatch int               // points per batch, at least 1
	Now                   pcommon.Timestamp // every live point's timestamp (stale points: staleLead earlier)
	Start                 pcommon.Timestamp // start timestamp of cumulative sums
	// Last, if set, is what earlier snapshots may have delivered: series they held that this one
	// does not (deleted objects, changed label values) are exported once more, flagged
	// NoRecordedValue, so that consumers drop them at once as Prometheus drops a series gone from a
	// scrape. Nil: no stale points.
	Last *lastExported
	// ResendEvery, with Last and above 1, sends a record only if the consumer may not hold it (it
	// changed, or an earlier cycle's delivery was partial) or its slot is due: slot i is due when
	// (Seq + i) % ResendEvery == 0, so every record is sent at least every ResendEvery cycles and the
	// heartbeats spread evenly over the cycles. 0 or 1: every record, every cycle.
	ResendEvery int
	Seq         uint64 // the cycle's number
}

// collect walks every store once and hands batches of at most MaxDataPointsPerBatch points to emit, one after
// another: a batch is built only once the previous one has been handed on, so a snapshot never
// holds more than one batch (invariant 5). It takes no lock: records are read with atomic loads.
// ctx only stops it early.
func collect(ctx context.Context, cols []Collection, o batchOptions, emit func(pmetric.Metrics) error) SnapshotStats {
	b := &batcher{batchOptions: o, emit: emit, ctx: ctx}
	if b.MaxDataPointsPerBatch < 1 {
		b.MaxDataPointsPerBatch = 1
	}
	b.startBatch()
	total, unchanged := 0, 0
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
		b.source(c.Source, c.Schema)
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
			held := o.Last.held(st)
			o.Last.markVanished(b, st, cur)
			o.Last.spare[st] = cur
			visited = append(visited, visit{st, b.added})
			for i, r := range cur {
				if r == nil {
					continue
				}
				if ctx.Err() != nil {
					cut = true
					break
				}
				if o.ResendEvery > 1 && (o.Seq+uint64(i))%uint64(o.ResendEvery) != 0 && held.holds(i, r) {
					// Counted as added, so that cycleDone's count of records still matches.
					b.added++
					unchanged += r.Len()
					continue
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
	return SnapshotStats{Points: total, Unchanged: unchanged, Stale: b.stale, Sent: b.sent, Batches: b.batches, Errors: b.errs}
}

// batcher appends points to a pmetric.Metrics and hands it on when it holds MaxDataPointsPerBatch.
type batcher struct {
	batchOptions
	emit func(pmetric.Metrics) error
	ctx  context.Context

	// added counts the records added so far; handed is added when the last batch was handed on
	// before ctx ended: the records numbered below it may have reached a consumer, the others not
	// (a batch handed on after ctx ended is dropped unsent, and so is every later one).
	added, handed int

	// The current source.
	descs      []FamilyDesc
	prefixKeys []string

	schema *SourceSchema // the current source's, nil for KSM's names
	ss     schemaState

	md      pmetric.Metrics
	metrics pmetric.MetricSlice // of the batch's one resource (KSM's schema), once it has one
	hasRM   bool
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
	b.hasRM = false
	b.ss.rec, b.ss.groups = nil, b.ss.groups[:0]
	clear(b.present)
	b.points = 0
}

// batchMetrics is the metrics of the batch's one resource under KSM's schema, added on first use.
func (b *batcher) batchMetrics() pmetric.MetricSlice {
	if !b.hasRM {
		rm := b.md.ResourceMetrics().AppendEmpty()
		b.putResource(rm.Resource().Attributes())
		sm := rm.ScopeMetrics().AppendEmpty()
		sm.Scope().SetName(b.Scope)
		sm.Scope().SetVersion(b.Version)
		b.metrics, b.hasRM = sm.Metrics(), true
	}
	return b.metrics
}

// putResource adds the configured resource attributes (batchOptions.Resource), in key order.
func (b *batcher) putResource(attrs pcommon.Map) {
	if len(b.Resource) == 0 {
		return
	}
	attrs.EnsureCapacity(attrs.Len() + len(b.Resource))
	for _, k := range slices.Sorted(maps.Keys(b.Resource)) {
		attrs.PutStr(k, b.Resource[k])
	}
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
func (b *batcher) source(s Source, schema *SourceSchema) {
	b.descs, b.prefixKeys = s.Families(), s.PrefixKeys()
	b.schema, b.ss.rec = schema, nil
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
	m := b.batchMetrics().AppendEmpty()
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
	for c := r.Cursor(); !c.Done(); c.Next() {
		b.point(prefix, &c, false)
	}
}

// point appends the current point of c (prefix: its record's prefix values) to the current batch.
// It returns the number of points appended: one, or under a SourceSchema as many as the point
// maps to.
func (b *batcher) point(prefix []string, c *Cursor, stale bool) int {
	if b.schema != nil {
		n := b.schemaPoint(prefix, c, stale)
		b.points += n
		if b.points >= b.MaxDataPointsPerBatch {
			b.flush()
		}
		return n
	}
	f := c.Family()
	desc := &b.descs[f]
	dp := b.family(f).AppendEmpty()
	dp.SetTimestamp(b.Now)
	if desc.Type == Counter {
		dp.SetStartTimestamp(b.Start)
	}
	if stale {
		dp.SetTimestamp(staleTimestamp(b.Now))
		dp.SetDoubleValue(staleValue)
		dp.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))
	} else {
		dp.SetDoubleValue(c.Value())
	}
	attrs := dp.Attributes()
	n, rec := c.Labels(), c.Record()
	attrs.EnsureCapacity(len(prefix) + n + rec.ObjectLabels())
	for k, v := range prefix[:min(len(prefix), len(b.prefixKeys))] {
		attrs.PutStr(b.prefixKeys[k], v)
	}
	for j := range n {
		attrs.PutStr(c.Label(j, desc.Keys))
	}
	for i := range rec.ObjectLabels() {
		// Last, and only where the series has no attribute of that key: the family's own wins.
		if k, _, v := rec.ObjectLabel(i); !has(attrs, k) {
			attrs.PutStr(k, v)
		}
	}
	b.points++
	if b.points >= b.MaxDataPointsPerBatch {
		b.flush()
	}
	return 1
}

// has reports whether attrs holds key.
func has(attrs pcommon.Map, key string) bool {
	_, ok := attrs.Get(key)
	return ok
}

// SnapshotStats says what one snapshot produced.
type SnapshotStats struct {
	Points    int     // points built
	Unchanged int     // points not sent again: the consumer holds them already (batchOptions.ResendEvery)
	Stale     int     // stale points built (series the previous snapshot held and this one does not)
	Sent      int     // points (stale ones included) in batches the consumer accepted
	Batches   int     // batches handed on
	Errors    []error // one per refused batch
}

// snapshot collects every resource of the engine; with last, it also marks what vanished since.
func (e *Engine) snapshot(ctx context.Context, now pcommon.Timestamp, last *lastExported, emit func(pmetric.Metrics) error) SnapshotStats {
	return collect(ctx, e.collections(), e.batchOptions(now, last), emit)
}

func (e *Engine) batchOptions(now pcommon.Timestamp, last *lastExported) batchOptions {
	return batchOptions{Scope: e.scope, Version: e.version, Resource: e.cfg.ResourceAttributes, MaxDataPointsPerBatch: e.cfg.MaxDataPointsPerBatch, Now: now, Start: e.startTime, Last: last}
}

// Batches builds one snapshot of cols, without stale points, into batches of at most maxPoints
// points handed to emit: what a cycle exports, for tests and tools outside the engine.
func Batches(cols []Collection, maxPoints int, now pcommon.Timestamp, emit func(pmetric.Metrics) error) SnapshotStats {
	return collect(context.Background(), cols, batchOptions{MaxDataPointsPerBatch: maxPoints, Now: now, Start: now}, emit)
}
