package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"google.golang.org/grpc"

	"github.com/kubestate/kubestate/internal/testenv/points"
)

// Delivery is what one side handed over in one cycle: one KSM scrape, or every OTLP batch of one
// kubestate collection cycle (batches of a cycle share their data points' timestamp).
type Delivery struct {
	Start, End time.Time // request sent / first batch received; body read / last batch received
	Points     int       // series (KSM) or live data points (kubestate)
	Stale      int       // kubestate's stale markers: series gone since the previous cycle
	Batches    int
	Bytes      int // exposition bytes (KSM) or OTLP protobuf bytes (kubestate)
	WireBytes  int // OTLP requests as received, compressed if they were (sinks only)
}

// Sink is an OTLP/gRPC metrics server that counts the points of every request per cycle and
// discards it (decoded only when a Watch needs the values; rawsink.go).
type Sink struct {
	pmetricotlp.UnimplementedGRPCServer

	// Watch, when set before the sink serves, records when each value of a probed series arrives.
	Watch *Watch

	mu     sync.Mutex
	cycles map[uint64]*Delivery
	sizer  pmetric.ProtoMarshaler
}

// Export counts one batch decoded whole (a sink with a Watch: it reads probed series' values).
func (s *Sink) Export(ctx context.Context, req pmetricotlp.ExportRequest) (pmetricotlp.ExportResponse, error) {
	now := time.Now()
	md := req.Metrics()
	n, stale := livePoints(md)
	s.Watch.Observe(md, now)
	s.add(ctx, now, batchCount{cycle: firstTimestamp(md), live: n, stale: stale, bytes: s.sizer.MetricsSize(md)})
	return pmetricotlp.NewExportResponse(), nil
}

// batchCount is what a sink keeps of one batch.
type batchCount struct {
	cycle              uint64 // the cycle's timestamp (points.Cycle of its first point)
	live, stale, bytes int
}

func (s *Sink) add(ctx context.Context, now time.Time, b batchCount) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cycles == nil {
		s.cycles = map[uint64]*Delivery{}
	}
	d := s.cycles[b.cycle]
	if d == nil {
		d = &Delivery{Start: now}
		s.cycles[b.cycle] = d
	}
	d.End = now
	d.Points += b.live
	d.Stale += b.stale
	d.Batches++
	d.Bytes += b.bytes
	d.WireBytes += wireBytesOf(ctx)
}

// Cycles returns the cycles received so far, oldest first.
func (s *Sink) Cycles() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, 0, len(s.cycles))
	for _, d := range s.cycles {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// livePoints counts md's points, and apart its stale markers (NoRecordedValue: series gone since
// the previous cycle), which a scrape of KSM has no counterpart for.
func livePoints(md pmetric.Metrics) (live, stale int) {
	points.Each(md, func(_ pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		if dp.Flags().NoRecordedValue() {
			stale++
		} else {
			live++
		}
		return true
	})
	return live, stale
}

// firstTimestamp is the timestamp of md's first point: the cycle it belongs to.
func firstTimestamp(md pmetric.Metrics) (ts uint64) {
	points.Each(md, func(_ pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		ts = uint64(points.Cycle(dp))
		return false
	})
	return ts
}

// StartSink serves a Sink on a free loopback port; stop shuts it down.
func StartSink() (s *Sink, addr string, stop func(), err error) { return StartWatchedSink(nil) }

// StartWatchedSink serves a Sink that records w's probed series (w may be nil).
func StartWatchedSink(w *Watch) (s *Sink, addr string, stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	s = &Sink{Watch: w}
	opts := []grpc.ServerOption{grpc.MaxRecvMsgSize(256 << 20), grpc.StatsHandler(wireBytes{})}
	if w != nil {
		srv := grpc.NewServer(opts...)
		pmetricotlp.RegisterGRPCServer(srv, s)
		return s, l.Addr().String(), serve(srv, l), nil
	}
	// Without a Watch nothing needs the points themselves: counting them off the wire costs the
	// bench a fraction of decoding them (rawsink.go), which matters when it sinks millions a cycle
	// beside the processes it measures.
	srv := grpc.NewServer(append(opts, grpc.ForceServerCodec(countingCodec{}))...)
	srv.RegisterService(&countingService, s)
	return s, l.Addr().String(), serve(srv, l), nil
}

// serve runs srv on l; the function returned stops it.
func serve(srv *grpc.Server, l net.Listener) func() {
	done := make(chan struct{})
	go func() { _ = srv.Serve(l); close(done) }()
	return func() { srv.Stop(); <-done }
}

// Scraper reads a Prometheus text endpoint the way a scraper that discards the data would: the
// whole body is read, series lines are counted, nothing is kept. Compression is off unless Gzip.
type Scraper struct {
	URL    string
	Gzip   bool
	client *http.Client
}

// NewScraper returns a scraper of url.
func NewScraper(url string, gzip bool) *Scraper {
	return &Scraper{URL: url, Gzip: gzip, client: &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{DisableCompression: !gzip},
	}}
}

// Scrape reads the endpoint once.
func (s *Scraper) Scrape(ctx context.Context) (Delivery, error) {
	d := Delivery{Start: time.Now(), Batches: 1}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return d, err
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := s.client.Do(req)
	if err != nil {
		return d, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return d, fmt.Errorf("GET %s: %s", s.URL, resp.Status)
	}
	d.Points, d.Bytes, err = CountSeries(resp.Body)
	d.End = time.Now()
	return d, err
}

// Close releases idle connections.
func (s *Scraper) Close() { s.client.CloseIdleConnections() }

// CountSeries reads a Prometheus text exposition to its end and counts its series: lines that are
// neither empty nor comments.
func CountSeries(r io.Reader) (series, bytes int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	atLineStart := true
	for {
		chunk, err := br.ReadSlice('\n')
		bytes += len(chunk)
		if len(chunk) > 0 {
			if atLineStart && chunk[0] != '#' && chunk[0] != '\n' {
				series++
			}
			atLineStart = chunk[len(chunk)-1] == '\n'
		}
		switch {
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF):
			return series, bytes, nil
		default:
			return series, bytes, err
		}
	}
}
