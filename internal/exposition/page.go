// Package exposition is kubestate's pull path: the whole exposition, in kube-state-metrics' text
// format, rendered once per cycle from the engine's records into an immutable, gzip-compressed
// page that is swapped in atomically; every scrape writes the page current when it started.
//
// What makes it safe under scrapers that stop reading (the failure KSM was known for):
//
//  1. A scrape never renders, copies or locks anything: it writes a shared immutable page
//     (TestScrapesShareOnePage). N scrapers, stuck or not, hold at most the pages current when
//     they started, never a copy each.
//  2. Rendering runs on the engine's timer, apart from scrapes and exports; a scraper cannot delay
//     it, and a new page is published whatever old pages stuck scrapers still hold
//     (TestStuckScrapersDoNotDelayPages).
//  3. Each scrape has a write deadline and the number of scrapes in flight is bounded; past the
//     bound a scrape is refused at once with 503, never queued (TestScrapeLimit,
//     TestWriteDeadlineFreesStuckScrape).
//
// The text is byte for byte what kube-state-metrics v2.20.0 serves: each resource's families in
// table order, HELP and TYPE for every family of a resource that has at least one object, label
// pairs in KSM's order and escaping, KSM's number formatting, content negotiation as KSM's
// (OpenMetrics adds "# EOF"; protobuf is answered with text). Object labels
// (object_labels_as_attributes, off by default) follow each sample's own labels
// (TestRenderObjectLabels).
package exposition

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/kubestate/kubestate/internal/engine"
)

// Page is one rendered exposition. Immutable once published.
type Page struct {
	Gzip     []byte // the text as one gzip member
	Size     int    // bytes of text
	Series   int    // sample lines
	Rendered time.Time
	Took     time.Duration // rendering and compressing
}

// Pages renders pages (engine.Renderer) and holds the current one.
type Pages struct {
	current atomic.Pointer[Page]
	// OnRender, if set, is told of every new page (telemetry). Called from the render goroutine.
	OnRender func(*Page)

	// Scratch of the single render goroutine (the engine never overlaps renders).
	zw      *gzip.Writer
	line    []byte
	recs    []*engine.Record
	cursors []engine.Cursor
	seen    map[string]struct{}
}

// lineFlush is how much text is gathered before it goes to the compressor.
const lineFlush = 64 << 10

// NewPages returns a holder with no page yet (scrapes get 503 until the first render).
func NewPages() *Pages {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // level is valid: no error
	return &Pages{zw: zw, line: make([]byte, 0, lineFlush+4096), seen: map[string]struct{}{}}
}

// Current is the page to serve, nil before the first render.
func (p *Pages) Current() *Page { return p.current.Load() }

// Render builds a page from the records of cols and publishes it (engine.Renderer). Each Store is
// loaded once, so every line of an object comes from one version of it.
func (p *Pages) Render(cols []engine.Collection) {
	start := time.Now()
	var out bytes.Buffer
	if prev := p.current.Load(); prev != nil {
		out.Grow(len(prev.Gzip) + len(prev.Gzip)/8)
	}
	p.zw.Reset(&out)
	size, series := 0, 0
	flush := func() {
		size += len(p.line)
		_, _ = p.zw.Write(p.line) // writes to a bytes.Buffer cannot fail
		p.line = p.line[:0]
	}
	clear(p.seen)
	for _, c := range cols {
		p.recs = p.recs[:0]
		for _, st := range c.Stores {
			p.recs = st.Load(p.recs)
		}
		p.cursors = p.cursors[:0]
		for _, r := range p.recs {
			if r != nil {
				p.cursors = append(p.cursors, r.Cursor())
			}
		}
		clear(p.recs) // drop the references: old records must not outlive their Store
		if len(p.cursors) == 0 {
			continue // KSM writes no headers for a resource without objects
		}
		prefixKeys := c.Source.PrefixKeys()
		for f, d := range c.Source.Families() {
			if _, dup := p.seen[d.Name]; !dup {
				p.seen[d.Name] = struct{}{}
				p.line = appendHeader(p.line, &d)
			}
			for i := range p.cursors {
				cur := &p.cursors[i]
				for !cur.Done() && cur.Family() == f {
					p.line = appendSample(p.line, &d, prefixKeys, cur)
					series++
					cur.Next()
				}
				if len(p.line) >= lineFlush {
					flush()
				}
			}
		}
		clear(p.cursors)
	}
	flush()
	_ = p.zw.Close()
	page := &Page{Gzip: out.Bytes(), Size: size, Series: series, Rendered: start, Took: time.Since(start)}
	p.current.Store(page)
	if p.OnRender != nil {
		p.OnRender(page)
	}
}

// appendHeader appends KSM's HELP and TYPE lines of a family.
func appendHeader(b []byte, d *engine.FamilyDesc) []byte {
	b = append(b, "# HELP "...)
	b = append(b, d.Name...)
	b = append(b, ' ')
	for i := 0; i < len(d.Help); i++ { // KSM escapes backslash and newline in help texts
		switch c := d.Help[i]; c {
		case '\\':
			b = append(b, `\\`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = append(b, c)
		}
	}
	b = append(b, "\n# TYPE "...)
	b = append(b, d.Name...)
	if d.Type == engine.Counter {
		return append(b, " counter\n"...)
	}
	return append(b, " gauge\n"...)
}

// appendSample appends one sample line: name{prefix labels,point labels} value.
func appendSample(b []byte, d *engine.FamilyDesc, prefixKeys []string, cur *engine.Cursor) []byte {
	b = append(b, d.Name...)
	sep := byte('{')
	rec := cur.Record()
	for i := range min(rec.PrefixLen(), len(prefixKeys)) {
		b = appendLabel(b, sep, prefixKeys[i], rec.PrefixValue(i))
		sep = ','
	}
	for j := range cur.Labels() {
		k, v := cur.Label(j, d.Keys)
		b = appendLabel(b, sep, k, v)
		sep = ','
	}
	for i := range rec.ObjectLabels() {
		// Last, and only where the sample has no label of that name: the family's own wins.
		if k, _, v := rec.ObjectLabel(i); !hasLabel(d, prefixKeys, cur, k) {
			b = appendLabel(b, sep, k, v)
			sep = ','
		}
	}
	if sep == ',' {
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = appendValue(b, cur.Value())
	return append(b, '\n')
}

// hasLabel reports whether the sample of cur has a label named key (a prefix or point label).
func hasLabel(d *engine.FamilyDesc, prefixKeys []string, cur *engine.Cursor, key string) bool {
	if slices.Contains(prefixKeys[:min(cur.Record().PrefixLen(), len(prefixKeys))], key) {
		return true
	}
	for j := range cur.Labels() {
		if k, _ := cur.Label(j, d.Keys); k == key {
			return true
		}
	}
	return false
}

func appendLabel(b []byte, sep byte, k, v string) []byte {
	b = append(b, sep)
	b = append(b, k...)
	b = append(b, '=', '"')
	b = appendEscaped(b, v)
	return append(b, '"')
}

// appendEscaped escapes backslash, double quote and newline, as KSM (and the text format) do.
func appendEscaped(b []byte, s string) []byte {
	i := strings.IndexAny(s, "\\\"\n")
	if i < 0 {
		return append(b, s...) // most values: nothing to escape
	}
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendValue formats a value as KSM does.
func appendValue(b []byte, v float64) []byte {
	switch {
	case v == 1:
		return append(b, '1')
	case v == 0:
		return append(b, '0')
	case v == -1:
		return append(b, "-1"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, +1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
