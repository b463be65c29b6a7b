package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/storage/remote"
)

// ViaOTLP is kubestate's side pushed over OTLP (the distribution's otlphttp exporter) into
// Prometheus' own OTLP write handler, job and instance coming from the receiver's resource_attributes.
const ViaOTLP = "otlp"

// OTLPResourceAttributes are the receiver's resource_attributes in the OTLP comparison: Prometheus
// turns service.name into job and service.instance.id into instance, so the series get the labels
// kube-state-metrics' scrape gets (TargetLabels).
var OTLPResourceAttributes = map[string]string{
	"service.name":        "kube-state-metrics",
	"service.instance.id": "kube-state-metrics:8080",
}

// OTLPPath is where Prometheus serves its OTLP receiver; the otlphttp exporter appends /v1/metrics
// to its endpoint.
const OTLPPath = "/api/v1/otlp/v1/metrics"

// OTLPSink is Prometheus' OTLP write handler (storage/remote.NewOTLPWriteHandler, what a Prometheus
// server with the OTLP receiver enabled runs, with its default OTLP config) on a loopback port, over
// an appender that keeps what the server would store. The receiver stamps every live point of one
// collection cycle with one time, so samples are kept by timestamp: one cycle each.
type OTLPSink struct {
	Endpoint string // for the otlphttp exporter: http://127.0.0.1:<port>/api/v1/otlp

	srv  *http.Server
	done chan struct{}

	mu       sync.Mutex
	cycles   map[int64][]Sample // live samples by timestamp (ms)
	stale    map[int64]int      // staleness markers (points flagged NoRecordedValue) by timestamp
	requests int
}

// StartOTLPSink listens on a free loopback port; Close stops it.
func StartOTLPSink() (*OTLPSink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &OTLPSink{
		Endpoint: "http://" + ln.Addr().String() + "/api/v1/otlp",
		done:     make(chan struct{}),
		cycles:   map[int64][]Sample{},
		stale:    map[int64]int{},
	}
	cfg := config.Config{OTLPConfig: config.DefaultOTLPConfig}
	handler := remote.NewOTLPWriteHandler(slog.New(slog.DiscardHandler), prometheus.NewRegistry(), s, func() config.Config { return cfg }, remote.OTLPOptions{})
	mux := http.NewServeMux()
	mux.Handle(OTLPPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		s.mu.Unlock()
		handler.ServeHTTP(w, r)
	}))
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server and waits for it.
func (s *OTLPSink) Close() error {
	err := s.srv.Close()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		return errors.New("the OTLP sink's server did not stop")
	}
	return err
}

// AppenderV2 implements storage.AppendableV2: each request's samples are kept once it commits.
func (s *OTLPSink) AppenderV2(context.Context) storage.AppenderV2 { return &sinkAppender{sink: s} }

type sinkSample struct {
	Sample
	t int64
}

type sinkAppender struct {
	sink    *OTLPSink
	samples []sinkSample
}

func (a *sinkAppender) Append(_ storage.SeriesRef, ls labels.Labels, _, t int64, v float64, h *histogram.Histogram, fh *histogram.FloatHistogram, _ storage.AppendV2Options) (storage.SeriesRef, error) {
	if h != nil || fh != nil {
		return 0, fmt.Errorf("%s: unexpected histogram", ls)
	}
	a.samples = append(a.samples, sinkSample{Sample{Labels: ls.Copy(), Value: v}, t})
	return storage.SeriesRef(ls.Hash()), nil
}

func (a *sinkAppender) Commit() error {
	s := a.sink
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range a.samples {
		if value.IsStaleNaN(x.Value) {
			s.stale[x.t]++
			continue
		}
		s.cycles[x.t] = append(s.cycles[x.t], x.Sample)
	}
	a.samples = nil
	return nil
}

func (a *sinkAppender) Rollback() error {
	a.samples = nil
	return nil
}

// OTLPCycle is one collection cycle as Prometheus stored it.
type OTLPCycle struct {
	T       time.Time // the cycle's timestamp
	Samples []Sample
	Stale   int // staleness markers stamped just before it (series that vanished at this cycle)
}

// Cycle waits until the first cycle stamped after `after` is complete (a later cycle has begun
// arriving: one cycle is exported at a time) and returns it.
func (s *OTLPSink) Cycle(ctx context.Context, after time.Time) (OTLPCycle, error) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		s.mu.Lock()
		var ts []int64
		for k := range s.cycles {
			if k > after.UnixMilli() {
				ts = append(ts, k)
			}
		}
		slices.Sort(ts)
		if len(ts) >= 2 {
			c := OTLPCycle{T: time.UnixMilli(ts[0]), Samples: slices.Clone(s.cycles[ts[0]])}
			// Stale points are stamped 1 ms before their cycle's live points.
			for k, n := range s.stale {
				if k < ts[0] && k >= ts[0]-1 {
					c.Stale += n
				}
			}
			s.mu.Unlock()
			return c, nil
		}
		requests := s.requests
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return OTLPCycle{}, fmt.Errorf("no complete OTLP cycle after %s (%d requests received): %w", after.Format(time.RFC3339Nano), requests, ctx.Err())
		case <-t.C:
		}
	}
}

// Ingested is an Exposition whose samples Prometheus' OTLP handler stored: labelled by it (job and
// instance from the resource), not by a scrape config.
func Ingested(c OTLPCycle) Exposition {
	return Exposition{ContentType: "OTLP, Prometheus' OTLP write handler", Ingested: c.Samples}
}
