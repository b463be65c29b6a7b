package engine

import "go.opentelemetry.io/collector/pdata/pmetric"

// EachPoint calls fn with every number data point of md (gauges and sums, the only kinds the
// engine exports) and its metric, in order, until fn returns false. For the engine's consumers:
// tests, the bench's sink, the parity harness.
func EachPoint(md pmetric.Metrics, fn func(pmetric.Metric, pmetric.NumberDataPoint) bool) {
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
				for p := 0; p < dps.Len(); p++ {
					if !fn(m, dps.At(p)) {
						return
					}
				}
			}
		}
	}
}
