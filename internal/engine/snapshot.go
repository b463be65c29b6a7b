package engine

import (
	"context"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// batcher appends points to a pmetric.Metrics and hands it on when it holds maxPoints, so that a
// snapshot never holds more than one batch in memory (invariant 5).
type batcher struct {
	scope     string
	version   string
	maxPoints int
	now, from pcommon.Timestamp
	emit      func(pmetric.Metrics) error

	md      pmetric.Metrics
	metrics pmetric.MetricSlice
	byFam   []int // per family of the current source: index into metrics, -1 if not yet in this batch
	points  int
	batches int
	sent    int
	errs    []error
}

func (b *batcher) startBatch() {
	b.md = pmetric.NewMetrics()
	sm := b.md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty()
	sm.Scope().SetName(b.scope)
	sm.Scope().SetVersion(b.version)
	b.metrics = sm.Metrics()
	for i := range b.byFam {
		b.byFam[i] = -1
	}
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

// source switches to a new Source: family indexes restart, so forget the previous mapping.
func (b *batcher) source(n int) {
	if cap(b.byFam) < n {
		b.byFam = make([]int, n)
	}
	b.byFam = b.byFam[:n]
	for i := range b.byFam {
		b.byFam[i] = -1
	}
}

func (b *batcher) add(fams []FamilyDesc, prefixKeys []string, r *Record) {
	for i := range r.Points {
		p := &r.Points[i]
		var dps pmetric.NumberDataPointSlice
		if mi := b.byFam[p.Family]; mi >= 0 {
			m := b.metrics.At(mi)
			if fams[p.Family].Type == Counter {
				dps = m.Sum().DataPoints()
			} else {
				dps = m.Gauge().DataPoints()
			}
		} else {
			f := &fams[p.Family]
			b.byFam[p.Family] = b.metrics.Len()
			m := b.metrics.AppendEmpty()
			m.SetName(f.Name)
			m.SetDescription(f.Help)
			if f.Type == Counter {
				s := m.SetEmptySum()
				s.SetIsMonotonic(true)
				s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
				dps = s.DataPoints()
			} else {
				dps = m.SetEmptyGauge().DataPoints()
			}
		}
		dp := dps.AppendEmpty()
		dp.SetTimestamp(b.now)
		if fams[p.Family].Type == Counter {
			dp.SetStartTimestamp(b.from)
		}
		dp.SetDoubleValue(p.Value)
		attrs := dp.Attributes()
		attrs.EnsureCapacity(len(prefixKeys) + len(p.Keys))
		for k, key := range prefixKeys {
			attrs.PutStr(key, r.Prefix[k])
		}
		for k, key := range p.Keys {
			attrs.PutStr(key, p.Values[k])
		}
		b.points++
		if b.points >= b.maxPoints {
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

// snapshot walks every store once and hands batches to emit. ctx only stops it early.
func (e *Engine) snapshot(ctx context.Context, now pcommon.Timestamp, emit func(pmetric.Metrics) error) SnapshotStats {
	b := &batcher{scope: e.scope, version: e.version, maxPoints: e.cfg.MaxPointsPerBatch, now: now, from: e.startTime, emit: emit}
	b.startBatch()
	total := 0
	for _, rs := range e.resources {
		fams, keys := rs.src.Families(), rs.src.PrefixKeys()
		b.source(len(fams))
		for _, st := range rs.stores {
			st.Range(func(r *Record) bool {
				b.add(fams, keys, r)
				total += len(r.Points)
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
