package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/kubestate/kubestate/internal/testenv/points"
)

// A sink without a Watch counts each OTLP request off the wire, reading field tags only:
//
//	ExportMetricsServiceRequest{1: ResourceMetrics{2: ScopeMetrics{2: Metric{5: Gauge, 7: Sum}}}}
//	Gauge, Sum{1: NumberDataPoint{3: time_unix_nano (fixed64), 8: flags (varint)}}
//
// the same counts Export takes from decoded pdata (TestWireCountMatchesDecodedCount).

// countingService is the OTLP metrics service whose Export gets a batchCount, not a request.
var countingService = grpc.ServiceDesc{
	ServiceName: "opentelemetry.proto.collector.metrics.v1.MetricsService",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Export",
		Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			var b batchCount
			if err := dec(&b); err != nil {
				return nil, err
			}
			srv.(*Sink).add(ctx, time.Now(), b)
			return emptyResponse{}, nil
		},
	}},
	Streams: []grpc.StreamDesc{},
}

type emptyResponse struct{}

// countingCodec reads a request into a batchCount and writes every response as the empty
// ExportMetricsServiceResponse (no partial success).
type countingCodec struct{}

func (countingCodec) Name() string                { return "proto" }
func (countingCodec) Marshal(any) ([]byte, error) { return nil, nil }
func (countingCodec) Unmarshal(data []byte, v any) error {
	b, ok := v.(*batchCount)
	if !ok {
		return fmt.Errorf("counting sink: cannot read into %T", v)
	}
	*b = countWire(data)
	if b.bytes < 0 {
		return fmt.Errorf("counting sink: malformed ExportMetricsServiceRequest of %d bytes", len(data))
	}
	return nil
}

// countWire counts an ExportMetricsServiceRequest's number data points; bytes is -1 if it cannot
// be read.
func countWire(req []byte) batchCount {
	b := batchCount{bytes: len(req)}
	first := true
	ok := eachField(req, 1, func(rm []byte) bool {
		return eachField(rm, 2, func(sm []byte) bool {
			return eachField(sm, 2, func(metric []byte) bool {
				return eachField(metric, 5, func(gauge []byte) bool {
					return eachField(gauge, 1, func(dp []byte) bool { return b.point(dp, &first) })
				}) && eachField(metric, 7, func(sum []byte) bool {
					return eachField(sum, 1, func(dp []byte) bool { return b.point(dp, &first) })
				})
			})
		})
	})
	if !ok {
		b.bytes = -1
	}
	return b
}

// point counts one NumberDataPoint; the first of the request gives the cycle, as points.Cycle does.
func (b *batchCount) point(dp []byte, first *bool) bool {
	var ts, flags uint64
	for len(dp) > 0 {
		num, typ, n := protowire.ConsumeTag(dp)
		if n < 0 {
			return false
		}
		m := protowire.ConsumeFieldValue(num, typ, dp[n:])
		if m < 0 {
			return false
		}
		switch {
		case num == 3 && typ == protowire.Fixed64Type:
			ts = binary.LittleEndian.Uint64(dp[n:])
		case num == 8 && typ == protowire.VarintType:
			flags, _ = protowire.ConsumeVarint(dp[n:])
		}
		dp = dp[n+m:]
	}
	stale := flags&1 != 0 // DataPointFlags FLAG_NO_RECORDED_VALUE
	if stale {
		b.stale++
	} else {
		b.live++
	}
	if *first {
		*first = false
		b.cycle = ts
		if stale && ts > 0 {
			b.cycle = ts + uint64(points.StaleLead)
		}
	}
	return true
}

// eachField calls fn with every length-delimited field num of msg, in order, until fn returns
// false; it reports whether msg was read to its end.
func eachField(msg []byte, num protowire.Number, fn func([]byte) bool) bool {
	for len(msg) > 0 {
		n, typ, l := protowire.ConsumeTag(msg)
		if l < 0 {
			return false
		}
		m := protowire.ConsumeFieldValue(n, typ, msg[l:])
		if m < 0 {
			return false
		}
		if n == num && typ == protowire.BytesType {
			v, _ := protowire.ConsumeBytes(msg[l:])
			if !fn(v) {
				return false
			}
		}
		msg = msg[l+m:]
	}
	return true
}
