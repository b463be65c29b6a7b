package exposition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
)

// ServerConfig says where and how the page is served.
type ServerConfig struct {
	Endpoint       string        // host:port
	WriteTimeout   time.Duration // a scrape that has not been written by then is cut
	MaxConnections int           // connections past this are answered 503 at once and closed
}

// Server serves the current page of Pages at /metrics (and /healthz: 200 once a page exists).
type Server struct {
	cfg   ServerConfig
	pages *Pages
	srv   *http.Server
	ln    *limitListener
	done  chan struct{}

	// Counters for telemetry and tests.
	Served, Refused, Cut atomic.Int64
}

// eofGzip is "# EOF\n" as a gzip member: appended to a page's member it ends an OpenMetrics
// answer without recompressing the page (a gzip stream may hold several members).
var eofGzip = func() []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(eofLine))
	_ = zw.Close()
	return b.Bytes()
}()

const eofLine = "# EOF\n"

// Listen binds the endpoint (so a taken port is an error at start) and serves in the background.
func Listen(cfg ServerConfig, pages *Pages) (*Server, error) {
	ln, err := net.Listen("tcp", cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("pull.endpoint %q: %w", cfg.Endpoint, err)
	}
	s := &Server{cfg: cfg, pages: pages, done: make(chan struct{})}
	s.ln = &limitListener{Listener: ln, max: int64(max(cfg.MaxConnections, 1)), refused: &s.Refused}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(s.ln) // returns when closed
	}()
	return s, nil
}

// Addr is the address served (with the port chosen, for ":0").
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Shutdown closes the listener and every connection, stuck scrapes included, and waits for the
// server goroutine; it never waits for a scraper to read.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Close()
	select {
	case <-s.done:
	case <-ctx.Done():
		return errors.Join(err, ctx.Err())
	}
	return err
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/metrics":
	case "/healthz":
		if s.pages.Current() == nil {
			http.Error(w, "no page rendered yet (informers syncing)", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "OK")
		return
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	page := s.pages.Current()
	if page == nil {
		http.Error(w, "no page rendered yet (informers syncing)", http.StatusServiceUnavailable)
		return
	}
	f := Negotiate(r.Header.Get("Accept"))
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	var err error
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		n := len(page.Gzip)
		if f.OpenMetrics {
			n += len(eofGzip)
		}
		h.Set("Content-Length", strconv.Itoa(n))
		if r.Method == http.MethodHead {
			return
		}
		if _, err = w.Write(page.Gzip); err == nil && f.OpenMetrics {
			_, err = w.Write(eofGzip)
		}
	} else {
		n := page.Size
		if f.OpenMetrics {
			n += len(eofLine)
		}
		h.Set("Content-Length", strconv.Itoa(n))
		if r.Method == http.MethodHead {
			return
		}
		err = writePlain(w, page)
		if err == nil && f.OpenMetrics {
			_, err = io.WriteString(w, eofLine)
		}
	}
	if err != nil {
		s.Cut.Add(1) // the write deadline passed, or the scraper went away
		return
	}
	s.Served.Add(1)
}

var readers sync.Pool // *gzip.Reader

// writePlain decompresses the page into w as it goes: a scraper that does not ask for gzip costs
// a decompressor's state, never a copy of the page.
func writePlain(w io.Writer, page *Page) error {
	src := bytes.NewReader(page.Gzip)
	zr, _ := readers.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(src)
	} else {
		err = zr.Reset(src)
	}
	if err != nil {
		return err
	}
	defer readers.Put(zr)
	_, err = io.Copy(w, zr)
	return err
}

// acceptsGzip reads Accept-Encoding as kube-state-metrics does.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		if part == "gzip" || strings.HasPrefix(part, "gzip;") {
			return true
		}
	}
	return false
}

// limitListener bounds open connections. One past the bound is answered 503 at once and closed
// instead of waiting in the accept queue: stuck scrapers must not make healthy ones wait.
type limitListener struct {
	net.Listener
	max     int64
	open    atomic.Int64
	refused *atomic.Int64
}

const refusal = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\n" +
	"Content-Length: 29\r\n\r\ntoo many connections to pull\n"

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) > l.max {
			l.open.Add(-1)
			l.refused.Add(1)
			refuse(c)
			continue
		}
		return &countedConn{Conn: c, open: &l.open}, nil
	}
}

// refuse writes the 503 into the new connection's empty socket buffer (which takes no wait; the
// deadline is a guard) and closes it.
func refuse(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	_, _ = io.WriteString(c, refusal)
	_ = c.Close()
}

type countedConn struct {
	net.Conn
	open *atomic.Int64
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.open.Add(-1) })
	return c.Conn.Close()
}
