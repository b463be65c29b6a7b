package points

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

func TestEachAndCycle(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	g := ms.AppendEmpty().SetEmptyGauge().DataPoints()
	g.AppendEmpty().SetTimestamp(5e9)
	stale := g.AppendEmpty()
	stale.SetTimestamp(5e9 - 1e6)
	stale.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))
	ms.AppendEmpty().SetEmptySum().DataPoints().AppendEmpty().SetTimestamp(5e9)
	ms.AppendEmpty().SetEmptyHistogram() // not a number point: skipped

	var cycles []pcommon.Timestamp
	Each(md, func(_ pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		cycles = append(cycles, Cycle(dp))
		return true
	})
	if len(cycles) != 3 || cycles[0] != 5e9 || cycles[1] != 5e9 || cycles[2] != 5e9 {
		t.Fatalf("cycles %v, want three points of cycle 5e9 (the stale one included)", cycles)
	}
	n := 0
	Each(md, func(pmetric.Metric, pmetric.NumberDataPoint) bool { n++; return false })
	if n != 1 {
		t.Fatalf("fn returned false after the first point, but was called %d times", n)
	}
}
