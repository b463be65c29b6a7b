package exposition

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kubestate/kubestate/internal/engine"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct{ accept, want string }{
		{"", textContentType},
		{"*/*", textContentType},
		{"text/plain", textContentType},
		// Prometheus 3's default scrape_protocols.
		{"application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
			"application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8"},
		// Prometheus 2's default.
		{"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
			"application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"application/openmetrics-text;version=0.0.1", "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=underscores"},
		{"application/openmetrics-text", "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=underscores"},
		// Protobuf first, as Prometheus with PrometheusProto first: answered with text, like KSM.
		{"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;q=0.5",
			textContentType},
		{"application/openmetrics-text;version=2.0.0,text/plain;version=0.0.4;q=0.5", textContentType},
		{"text/plain;q=0.1,application/openmetrics-text;version=1.0.0;escaping=bogus;q=0.9",
			"application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"},
	} {
		if got := Negotiate(tc.accept).ContentType; got != tc.want {
			t.Errorf("Accept %q:\n got %q\nwant %q", tc.accept, got, tc.want)
		}
	}
}

// bigPages renders a page of n objects with 20 series each (about 120 bytes a line).
func bigPages(n int) (*Pages, []engine.Collection, *engine.Store) {
	src := &fakeSource{name: "pods", prefix: []string{"namespace", "pod", "uid"}, fams: []engine.FamilyDesc{
		{Name: "kube_pod_container_status_waiting_reason", Help: "h", Keys: []string{"container", "reason"}},
	}}
	st := engine.NewStore()
	var b engine.RecordBuilder
	for i := range n {
		b.Reset()
		for j := range 20 {
			b.Add(0, float64(i%2), []string{"container-" + strconv.Itoa(j), "CrashLoopBackOff"})
		}
		name := fmt.Sprintf("pod-%07d", i)
		st.Put(name, b.Build([]string{"namespace-" + strconv.Itoa(i%20), name, fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i*7919)}))
	}
	p := NewPages()
	cols := []engine.Collection{{Source: src, Stores: []*engine.Store{st}}}
	p.Render(cols)
	return p, cols, st
}

func listen(t *testing.T, p *Pages, cfg ServerConfig) *Server {
	t.Helper()
	cfg.Endpoint = "127.0.0.1:0"
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	if cfg.MaxConnections == 0 {
		cfg.MaxConnections = 32
	}
	s, err := Listen(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

func scrape(t *testing.T, addr string, gz bool, accept string) (string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := (&http.Client{Transport: tr, Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s", resp.Status)
	}
	var body io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), resp.Header
}

// Every way of asking gets the same text: gzip or not, text or OpenMetrics (plus "# EOF").
func TestServeFormats(t *testing.T) {
	p, _, _ := bigPages(50)
	s := listen(t, p, ServerConfig{})
	want := text(t, p.Current())
	for _, gz := range []bool{false, true} {
		got, h := scrape(t, s.Addr(), gz, "")
		if got != want || h.Get("Content-Type") != textContentType {
			t.Fatalf("gzip=%v: %d bytes, content type %q; want the page (%d bytes) as text", gz, len(got), h.Get("Content-Type"), len(want))
		}
		om, h := scrape(t, s.Addr(), gz, "application/openmetrics-text;version=1.0.0")
		if om != want+"# EOF\n" || !strings.HasPrefix(h.Get("Content-Type"), "application/openmetrics-text; version=1.0.0") {
			t.Fatalf("gzip=%v OpenMetrics: content type %q, ends %q", gz, h.Get("Content-Type"), om[max(0, len(om)-40):])
		}
	}
}

// Before the first render, /metrics and /healthz say 503 (a scraper sees the target down, not an
// empty page that would end every series).
func TestNoPageBeforeFirstRender(t *testing.T) {
	s := listen(t, NewPages(), ServerConfig{})
	for _, path := range []string{"/metrics", "/healthz"} {
		resp, err := http.Get("http://" + s.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("%s before the first render: %s, want 503", path, resp.Status)
		}
	}
}

// A scrape copies nothing: it writes the shared page (gzip) or decompresses it as it goes, so what
// a scrape allocates does not grow with the page (invariant 1).
func TestScrapesShareOnePage(t *testing.T) {
	p, _, _ := bigPages(2000) // about 7 MB of text
	page := p.Current()
	s := &Server{pages: p}
	for _, gz := range []bool{true, false} {
		req, _ := http.NewRequest(http.MethodGet, "/metrics", nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		w := &countingWriter{header: http.Header{}}
		s.ServeHTTP(w, req) // warm the decompressor pool
		const scrapes = 8
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range scrapes {
			s.ServeHTTP(w, req)
		}
		runtime.ReadMemStats(&after)
		perScrape := (after.TotalAlloc - before.TotalAlloc) / scrapes
		if w.n == 0 || perScrape > 256<<10 {
			t.Fatalf("gzip=%v: %d bytes allocated per scrape of a %d-byte page (%d gzip): a scrape must not copy the page", gz, perScrape, page.Size, len(page.Gzip))
		}
		t.Logf("gzip=%v: %d bytes allocated per scrape of a %d-byte page (%d gzip)", gz, perScrape, page.Size, len(page.Gzip))
	}
}

type countingWriter struct {
	header http.Header
	n      int
}

func (w *countingWriter) Header() http.Header         { return w.header }
func (w *countingWriter) WriteHeader(int)             {}
func (w *countingWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// stuckClient sends a scrape request and never reads the answer.
func stuckClient(t *testing.T, addr string, gz bool) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4096) // a small window, so the server's writes block soon
	}
	req := "GET /metrics HTTP/1.1\r\nHost: x\r\n"
	if gz {
		req += "Accept-Encoding: gzip\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Ten scrapers that never read do not delay renders, do not keep a healthy scraper from the newest
// page, and are cut at the write deadline; then nothing of them is left (invariants 2 and 3).
func TestStuckScrapersDoNotDelayPages(t *testing.T) {
	p, cols, st := bigPages(2000)
	s := listen(t, p, ServerConfig{WriteTimeout: 2 * time.Second})
	for range 10 {
		stuckClient(t, s.Addr(), false)
	}
	waitUntil(t, "ten scrapes stuck in their writes", func() bool { return inFlight(s) == 10 })

	// A new object, a new page: rendered and served while the ten are stuck.
	st.Put("new", engine.NewRecord([]string{"ns", "pod-new", "uid"}, []engine.Point{{Values: []string{"c", "r"}, Value: 7}}))
	p.Render(cols)
	got, _ := scrape(t, s.Addr(), true, "")
	if !strings.Contains(got, `pod="pod-new",uid="uid",container="c",reason="r"} 7`) {
		t.Fatal("the healthy scraper did not get the page rendered while ten were stuck")
	}
	waitUntil(t, "the write deadline to cut the ten stuck scrapes", func() bool { return s.Cut.Load() == 10 })
	if s.Served.Load() != 1 {
		t.Fatalf("served %d scrapes, want 1", s.Served.Load())
	}
}

// inFlight counts open connections with an unfinished scrape: the limit listener's open count less
// idle ones is not visible, so count connections open (each stuck client holds one).
func inFlight(s *Server) int { return int(s.ln.open.Load()) }

// Past max_connections a connection is answered 503 at once; it does not wait for a slot.
func TestScrapeLimit(t *testing.T) {
	p, _, _ := bigPages(2000)
	s := listen(t, p, ServerConfig{MaxConnections: 2, WriteTimeout: time.Minute})
	stuckClient(t, s.Addr(), false)
	stuckClient(t, s.Addr(), false)
	waitUntil(t, "two connections open", func() bool { return inFlight(s) == 2 })
	c, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.Contains(line, "503") {
		t.Fatalf("third connection: %q, %v; want an immediate 503", line, err)
	}
	if s.Refused.Load() != 1 {
		t.Fatalf("refused = %d, want 1", s.Refused.Load())
	}
}

// Shutdown with stuck scrapers returns at once and leaves no goroutine (goleak in TestMain).
func TestShutdownWithStuckScrapers(t *testing.T) {
	p, _, _ := bigPages(2000)
	s, err := Listen(ServerConfig{Endpoint: "127.0.0.1:0", WriteTimeout: time.Hour, MaxConnections: 32}, p)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		stuckClient(t, s.Addr(), true)
		stuckClient(t, s.Addr(), false)
	}
	waitUntil(t, "ten connections open", func() bool { return inFlight(s) == 10 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("shutdown with 10 stuck scrapes took %s", time.Since(start))
}

func TestListenErrorNamesEndpoint(t *testing.T) {
	p := NewPages()
	s := listen(t, p, ServerConfig{})
	_, err := Listen(ServerConfig{Endpoint: s.Addr(), WriteTimeout: time.Second, MaxConnections: 1}, p)
	if err == nil || !strings.Contains(err.Error(), "pull.endpoint") {
		t.Fatalf("listening on a taken port: %v; want an error naming pull.endpoint", err)
	}
}

// waitUntil polls what the server cannot signal (a client's bytes having arrived).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
