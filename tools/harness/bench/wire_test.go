package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/kubestate/kubestate/internal/testenv/points"
)

// TestSinkReadsEveryCompressionAndCountsWireBytes sends the same compressible batch with each
// compression the Collector's exporter offers: the sink reads it whole, and counts what came over
// the wire apart from the uncompressed size.
func TestSinkReadsEveryCompressionAndCountsWireBytes(t *testing.T) {
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	for i := range 200 {
		m := ms.AppendEmpty()
		m.SetName("kube_pod_info")
		dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
		dp.SetTimestamp(5e9)
		dp.SetDoubleValue(1)
		dp.Attributes().PutStr("namespace", "synth-1")
		dp.Attributes().PutStr("pod", fmt.Sprintf("pod-%d", i))
	}
	for _, tc := range []struct {
		name  string
		watch *Watch
	}{{"", nil}, {"gzip", nil}, {"zstd", nil}, {"snappy", nil}, {"zstd", &Watch{}}} {
		name := tc.name
		t.Run(fmt.Sprintf("compression=%s,decoded=%v", name, tc.watch != nil), func(t *testing.T) {
			sink, addr, stop, err := StartWatchedSink(tc.watch)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			exportTo(t, addr, name, md)
			cycles := sink.Cycles()
			if len(cycles) != 1 || cycles[0].Points != 200 {
				t.Fatalf("cycles %+v, want one of 200 points", cycles)
			}
			d := cycles[0]
			if d.Bytes == 0 || d.WireBytes == 0 {
				t.Fatalf("bytes %d, wire %d", d.Bytes, d.WireBytes)
			}
			if name == "" && d.WireBytes != d.Bytes {
				t.Errorf("uncompressed: wire %d != decoded %d", d.WireBytes, d.Bytes)
			}
			if name != "" && d.WireBytes*2 > d.Bytes {
				t.Errorf("%s: wire %d not well below decoded %d", name, d.WireBytes, d.Bytes)
			}
		})
	}
}

// A sink without a Watch counts points off the wire; what it counts is what decoding pdata counts:
// live and stale points of gauges and sums across resources and scopes, the cycle of a batch (a
// batch starting with stale points included), and the uncompressed size.
func TestWireCountMatchesDecodedCount(t *testing.T) {
	batch := func(cycle uint64, staleFirst bool) pmetric.Metrics {
		md := pmetric.NewMetrics()
		for r := range 3 {
			rm := md.ResourceMetrics().AppendEmpty()
			rm.Resource().Attributes().PutStr("k8s.pod.name", fmt.Sprint("p", r))
			for sc := range 2 {
				ms := rm.ScopeMetrics().AppendEmpty().Metrics()
				if r == 0 && sc == 0 && staleFirst {
					dp := ms.AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty()
					dp.SetTimestamp(pcommon.Timestamp(cycle) - points.StaleLead)
					dp.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))
				}
				for i := range 5 {
					g := ms.AppendEmpty()
					g.SetName("kube_pod_info")
					dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
					dp.SetTimestamp(pcommon.Timestamp(cycle))
					dp.SetIntValue(int64(i))
					dp.Attributes().PutStr("pod", fmt.Sprint(i))
					sum := ms.AppendEmpty().SetEmptySum()
					sum.SetIsMonotonic(true)
					for range 2 {
						dp := sum.DataPoints().AppendEmpty()
						dp.SetTimestamp(pcommon.Timestamp(cycle))
						dp.SetDoubleValue(1.5)
					}
					stale := sum.DataPoints().AppendEmpty()
					stale.SetTimestamp(pcommon.Timestamp(cycle) - points.StaleLead)
					stale.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))
				}
			}
		}
		ms := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics()
		ms.AppendEmpty().SetEmptyHistogram().DataPoints().AppendEmpty().SetTimestamp(pcommon.Timestamp(cycle)) // not a number point: counted by neither
		return md
	}
	counts := func(w *Watch) []Delivery {
		sink, addr, stop, err := StartWatchedSink(w)
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
		exportTo(t, addr, "", batch(5e9, false), batch(5e9, true), batch(6e9, true), batch(7e9, false))
		return sink.Cycles()
	}
	wire, decoded := counts(nil), counts(&Watch{})
	if len(decoded) != 3 || decoded[0].Points != 2*3*2*5*3 || decoded[0].Stale != 2*3*2*5+1 {
		t.Fatalf("decoded %+v: want 3 cycles, the first of 180 live and 61 stale points", decoded)
	}
	for i := range decoded {
		w, d := wire[i], decoded[i]
		if w.Points != d.Points || w.Stale != d.Stale || w.Batches != d.Batches || w.Bytes != d.Bytes || w.WireBytes != d.WireBytes {
			t.Errorf("cycle %d: counted off the wire %+v, decoded %+v", i, w, d)
		}
	}
	if n := countWire([]byte{0x0a, 0x05, 0x12}).bytes; n != -1 {
		t.Errorf("a truncated request counted as %d bytes; want it refused", n)
	}
}

// exportTo sends each of mds to the sink at addr as one OTLP/gRPC request, compressed with
// compression unless it is "".
func exportTo(t *testing.T, addr, compression string, mds ...pmetric.Metrics) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var opts []grpc.CallOption
	if compression != "" {
		opts = append(opts, grpc.UseCompressor(compression))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, md := range mds {
		if _, err := pmetricotlp.NewGRPCClient(conn).Export(ctx, pmetricotlp.NewExportRequestFromMetrics(md), opts...); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
}
