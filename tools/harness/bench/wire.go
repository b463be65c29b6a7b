package bench

import (
	"context"
	"io"
	"sync/atomic"

	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/gzip" // the sink reads gzip requests

	"google.golang.org/grpc/stats"
)

// The sink reads every compression the Collector's OTLP/gRPC exporter can send: grpc-go brings
// gzip; zstd and snappy (framed, as the Collector writes it) are registered here.
func init() {
	encoding.RegisterCompressor(zstdCodec{})
	encoding.RegisterCompressor(snappyCodec{})
}

type zstdCodec struct{}

func (zstdCodec) Name() string { return "zstd" }
func (zstdCodec) Compress(w io.Writer) (io.WriteCloser, error) {
	return zstd.NewWriter(w)
}
func (zstdCodec) Decompress(r io.Reader) (io.Reader, error) {
	d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	return closingReader{d}, nil
}

// closingReader releases the zstd decoder's goroutines and buffers at the end of the message.
type closingReader struct{ d *zstd.Decoder }

func (c closingReader) Read(p []byte) (int, error) {
	n, err := c.d.Read(p)
	if err == io.EOF {
		c.d.Close()
	}
	return n, err
}

type snappyCodec struct{}

func (snappyCodec) Name() string { return "snappy" }
func (snappyCodec) Compress(w io.Writer) (io.WriteCloser, error) {
	return snappy.NewBufferedWriter(w), nil
}
func (snappyCodec) Decompress(r io.Reader) (io.Reader, error) { return snappy.NewReader(r), nil }

// wireBytes is a gRPC stats handler that hands each request's size on the wire (compressed, as
// sent) to the handler of that request, through its context.
type wireBytes struct{}

type wireKey struct{}

func (wireBytes) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return context.WithValue(ctx, wireKey{}, new(atomic.Int64))
}

func (wireBytes) HandleRPC(ctx context.Context, s stats.RPCStats) {
	if in, ok := s.(*stats.InPayload); ok {
		if n, ok := ctx.Value(wireKey{}).(*atomic.Int64); ok {
			n.Add(int64(in.CompressedLength))
		}
	}
}

func (wireBytes) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (wireBytes) HandleConn(context.Context, stats.ConnStats)                       {}

// wireBytesOf is the request's compressed size as received, 0 if unknown.
func wireBytesOf(ctx context.Context) int {
	if n, ok := ctx.Value(wireKey{}).(*atomic.Int64); ok {
		return int(n.Load())
	}
	return 0
}
