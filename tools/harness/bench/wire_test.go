package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// TestSinkReadsEveryCompressionAndCountsWireBytes sends the same compressible batch with each
// compression the Collector's exporter offers: the sink decodes it whole, and counts what came over
// the wire apart from the decoded size.
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
	for _, name := range []string{"", "gzip", "zstd", "snappy"} {
		t.Run("compression="+name, func(t *testing.T) {
			sink, addr, stop, err := StartSink()
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var opts []grpc.CallOption
			if name != "" {
				opts = append(opts, grpc.UseCompressor(name))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := pmetricotlp.NewGRPCClient(conn).Export(ctx, pmetricotlp.NewExportRequestFromMetrics(md), opts...); err != nil {
				t.Fatal(err)
			}
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
