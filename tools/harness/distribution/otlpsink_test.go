package distribution

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/kubestate/kubestate/internal/testenv/points"
)

// otlpSink is an OTLP/HTTP metrics endpoint that records every batch it receives, per data point
// (metric name, attributes, timestamp), and can be told to stop answering: it then records a batch
// and never acknowledges it, until the client goes away. A cycle's points all carry the cycle's
// timestamp, so counting points per timestamp finds any batch delivered twice.
type otlpSink struct {
	srv     *httptest.Server
	release chan struct{}
	hanging atomic.Int32 // requests held unanswered now

	mu       sync.Mutex
	batches  []sinkBatch
	points   map[uint64]map[string]int // cycle timestamp -> point key -> times received
	hangFrom int                       // > 0: the hangFrom-th batch of a cycle newer than armedAt, and all after it, hang
	armedAt  uint64
	hangAll  bool
}

type sinkBatch struct {
	ts     uint64 // the cycle's timestamp (of its first point)
	index  int    // 1-based position within its cycle, in arrival order
	points int
	at     time.Time
	hung   bool
}

func newOTLPSink(t *testing.T) *otlpSink {
	t.Helper()
	s := &otlpSink{release: make(chan struct{}), points: map[uint64]map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		close(s.release)
		s.srv.Close()
	})
	return s
}

func (s *otlpSink) endpoint() string { return s.srv.URL }

func (s *otlpSink) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/metrics" {
		http.NotFound(w, r)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// An ExportMetricsServiceRequest has MetricsData's wire format.
	md, err := (&pmetric.ProtoUnmarshaler{}).UnmarshalMetrics(raw)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if s.record(md) {
		s.hanging.Add(1)
		select {
		case <-r.Context().Done():
		case <-s.release:
		}
		s.hanging.Add(-1)
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK) // an empty ExportMetricsServiceResponse
}

// record stores the batch and says whether to leave it unanswered.
func (s *otlpSink) record(md pmetric.Metrics) (hang bool) {
	var ts uint64
	keys := pointKeys(md, &ts)
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := s.points[ts]
	if seen == nil {
		seen = map[string]int{}
		s.points[ts] = seen
	}
	for _, k := range keys {
		seen[k]++
	}
	b := sinkBatch{ts: ts, points: len(keys), at: time.Now()}
	for _, o := range s.batches {
		if o.ts == ts {
			b.index++
		}
	}
	b.index++
	if s.hangFrom > 0 && ts > s.armedAt && b.index >= s.hangFrom {
		s.hangAll = true
	}
	b.hung = s.hangAll
	s.batches = append(s.batches, b)
	return b.hung
}

// pointKeys lists one key per data point: metric, timestamp and sorted attributes.
func pointKeys(md pmetric.Metrics, ts *uint64) []string {
	var keys []string
	points.Each(md, func(m pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		if *ts == 0 {
			*ts = uint64(points.Cycle(dp))
		}
		var attrs []string
		dp.Attributes().Range(func(k string, v pcommon.Value) bool {
			attrs = append(attrs, k+"="+v.AsString())
			return true
		})
		slices.Sort(attrs)
		stale := ""
		if dp.Flags().NoRecordedValue() {
			stale = " stale" // a stale marker and a live point of one series may share a cycle
		}
		keys = append(keys, fmt.Sprintf("%s{%s}@%d%s", m.Name(), strings.Join(attrs, ","), dp.Timestamp(), stale))
		return true
	})
	return keys
}

// armHang makes the n-th batch of the next cycle, and every request after it, hang.
func (s *otlpSink) armHang(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.batches {
		s.armedAt = max(s.armedAt, b.ts)
	}
	s.hangFrom = n
}

// answer makes the sink acknowledge every batch again.
func (s *otlpSink) answer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangFrom, s.hangAll = 0, false
}

func (s *otlpSink) snapshot() []sinkBatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches)
}

// cycles groups the batches of cycles stamped at or after since by timestamp, in order; a cycle is
// complete when a later one has begun and none of its batches hung. Selecting by the cycle's own
// timestamp, not by arrival, keeps batches a stopped collector wrote before it exited (read late by
// a busy sink) out of a restarted collector's cycles.
type sinkCycle struct {
	ts       uint64
	batches  int
	points   int
	first    time.Time
	complete bool
	hung     bool
}

func (s *otlpSink) cycles(since time.Time) []sinkCycle {
	var out []sinkCycle
	for _, b := range s.snapshot() {
		if time.Unix(0, int64(b.ts)).Before(since) {
			continue
		}
		if len(out) == 0 || out[len(out)-1].ts != b.ts {
			if len(out) > 0 {
				out[len(out)-1].complete = !out[len(out)-1].hung
			}
			out = append(out, sinkCycle{ts: b.ts, first: b.at})
		}
		c := &out[len(out)-1]
		c.batches++
		c.points += b.points
		c.hung = c.hung || b.hung
	}
	return out
}

// duplicates lists points received more than once for the same cycle timestamp.
func (s *otlpSink) duplicates() (dups []string, points int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, seen := range s.points {
		for k, n := range seen {
			points += n
			if n > 1 {
				dups = append(dups, fmt.Sprintf("%s x%d", k, n))
			}
		}
	}
	slices.Sort(dups)
	return dups, points
}
