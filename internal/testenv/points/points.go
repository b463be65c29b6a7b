// Package points walks the receiver's exports as a consumer sees them: number data points, and
// the cycle each belongs to by the receiver's documented timestamps.
package points

import (
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Each calls fn with every number data point of md (gauges and sums, the only kinds the receiver
// emits) and its metric, until fn returns false.
func Each(md pmetric.Metrics, fn func(pmetric.Metric, pmetric.NumberDataPoint) bool) {
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		sms := rms.At(i).ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				m := ms.At(k)
				var dps pmetric.NumberDataPointSlice
				switch m.Type() {
				case pmetric.MetricTypeGauge:
					dps = m.Gauge().DataPoints()
				case pmetric.MetricTypeSum:
					dps = m.Sum().DataPoints()
				default:
					continue
				}
				for l := 0; l < dps.Len(); l++ {
					if !fn(m, dps.At(l)) {
						return
					}
				}
			}
		}
	}
}

// StaleLead is how much earlier than its cycle's live points the README says a stale point
// (flagged NoRecordedValue) is stamped: 1 ms.
const StaleLead = pcommon.Timestamp(1e6)

// Cycle is the time of the cycle that exported dp: every live point of a cycle carries it.
func Cycle(dp pmetric.NumberDataPoint) pcommon.Timestamp {
	if dp.Flags().NoRecordedValue() && dp.Timestamp() > 0 {
		return dp.Timestamp() + StaleLead
	}
	return dp.Timestamp()
}

// Attrs renders m as its sorted "key=value" pairs joined by commas: a stable key for comparing
// attribute sets.
func Attrs(m pcommon.Map) string {
	kv := make([]string, 0, m.Len())
	m.Range(func(k string, v pcommon.Value) bool { kv = append(kv, k+"="+v.AsString()); return true })
	slices.Sort(kv)
	return strings.Join(kv, ",")
}
