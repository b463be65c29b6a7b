package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/kubestate/kubestate/internal/pbwire"
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
	ok := pbwire.EachBytes(req, 1, func(rm []byte) bool {
		return pbwire.EachBytes(rm, 2, func(sm []byte) bool {
			return pbwire.EachBytes(sm, 2, func(metric []byte) bool {
				return pbwire.EachBytes(metric, 5, func(gauge []byte) bool {
					return pbwire.EachBytes(gauge, 1, func(dp []byte) bool { return b.point(dp, &first) })
				}) && pbwire.EachBytes(metric, 7, func(sum []byte) bool {
					return pbwire.EachBytes(sum, 1, func(dp []byte) bool { return b.point(dp, &first) })
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
	if !pbwire.Each(dp, func(f pbwire.Field) bool {
		switch {
		case f.Num == 3 && f.Type == protowire.Fixed64Type:
			ts = binary.LittleEndian.Uint64(f.Value)
		case f.Num == 8 && f.Type == protowire.VarintType:
			flags, _ = protowire.ConsumeVarint(f.Value)
		}
		return true
	}) {
		return false
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
