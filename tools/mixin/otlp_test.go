package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
)

// cycleAt is one export cycle as the receiver builds it: resource attributes, a gauge with an
// empty-valued attribute (KSM's owner_kind=""), a monotonic sum, and a stale point 1 ms before.
func cycleAt(t time.Time, withStale bool) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	for k, v := range OTLPResourceAttributes {
		rm.Resource().Attributes().PutStr(k, v)
	}
	ms := rm.ScopeMetrics().AppendEmpty().Metrics()
	g := ms.AppendEmpty()
	g.SetName("kube_pod_owner")
	dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetTimestamp(pcommon.NewTimestampFromTime(t))
	dp.SetDoubleValue(1)
	dp.Attributes().PutStr("namespace", "shop")
	dp.Attributes().PutStr("pod", "web-0")
	dp.Attributes().PutStr("owner_kind", "")
	if withStale {
		st := g.Gauge().DataPoints().AppendEmpty()
		st.SetTimestamp(pcommon.NewTimestampFromTime(t.Add(-time.Millisecond)))
		st.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))
		st.Attributes().PutStr("namespace", "shop")
		st.Attributes().PutStr("pod", "gone")
	}
	s := ms.AppendEmpty()
	s.SetName("kube_pod_container_status_restarts_total")
	sum := s.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	sp := sum.DataPoints().AppendEmpty()
	sp.SetTimestamp(pcommon.NewTimestampFromTime(t))
	sp.SetDoubleValue(3)
	sp.Attributes().PutStr("namespace", "shop")
	sp.Attributes().PutStr("pod", "web-0")
	sp.Attributes().PutStr("container", "app")
	return md
}

// What Prometheus' OTLP handler stores of the receiver's batches: job and instance from the
// resource, KSM's names unchanged (no suffix added), an empty-valued attribute dropped as a scrape
// drops an empty label, and stale points as staleness markers, apart from the cycle's samples.
func TestOTLPSinkStoresWhatPrometheusStores(t *testing.T) {
	sink, err := StartOTLPSink()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sink.Close(); err != nil {
			t.Error(err)
		}
	})
	start := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	post := func(md pmetric.Metrics) {
		t.Helper()
		body, err := pmetricotlp.NewExportRequestFromMetrics(md).MarshalProto()
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(sink.Endpoint+"/v1/metrics", "application/x-protobuf", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the OTLP handler answered %s", resp.Status)
		}
	}
	post(cycleAt(start, false))
	post(cycleAt(start.Add(2*time.Second), true))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// The first cycle is complete once the second has begun; the second is not yet.
	c, err := sink.Cycle(ctx, start.Add(-time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !c.T.Equal(start) || c.Stale != 0 {
		t.Fatalf("cycle at %s with %d staleness markers, want %s and 0", c.T, c.Stale, start)
	}
	var got []string
	for _, s := range c.Samples {
		got = append(got, s.Labels.String())
	}
	want := []string{
		`{__name__="kube_pod_owner", instance="kube-state-metrics:8080", job="kube-state-metrics", namespace="shop", pod="web-0"}`,
		`{__name__="kube_pod_container_status_restarts_total", container="app", instance="kube-state-metrics:8080", job="kube-state-metrics", namespace="shop", pod="web-0"}`,
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("stored %q,\nwant %q", got, want)
	}
	post(cycleAt(start.Add(4*time.Second), false))
	c, err = sink.Cycle(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	if !c.T.Equal(start.Add(2*time.Second)) || c.Stale != 1 || len(c.Samples) != 2 {
		t.Fatalf("second cycle at %s: %d samples, %d staleness markers; want 2 and 1", c.T, len(c.Samples), c.Stale)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	if _, err := sink.Cycle(short, start.Add(2*time.Second)); err == nil {
		t.Fatal("the last cycle counted as complete before another began")
	}
}
