// Command mixin evaluates the kubernetes-mixin alert and recording expressions that read only
// kube-state-metrics series (testdata/reference/kubernetes-mixin-ksm-rules.json) with Prometheus' own
// scrape parser, TSDB and PromQL engine, once over kube-state-metrics v2.20.0 and once over kubestate's
// Prometheus exporter, both scraped from the same apiserver, and requires the same answer from each
// (BRIEF §4 "Real clients decide").
//
// It is a module of its own so that none of Prometheus' dependencies reach the receiver module. Run it
// from the repository root with `make mixin`, or here with `go run .` / `go test ./...`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
)

// Rule is one expression of the rules file.
type Rule struct {
	Kind  string `json:"kind"` // "alerts" or "rules"
	Group string `json:"group"`
	Name  string `json:"name"` // alert name, or the recorded series' name
	Expr  string `json:"expr"`
}

// RulesFile is testdata/reference/kubernetes-mixin-ksm-rules.json.
type RulesFile struct {
	Source string `json:"source"`
	Rules  []Rule `json:"rules"`
}

// LoadRules reads the rules file.
func LoadRules(path string) (*RulesFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f RulesFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(f.Rules) == 0 {
		return nil, fmt.Errorf("%s: no rules", path)
	}
	return &f, nil
}

// Protocols is a set of scrape protocols a Prometheus server proposes, in its order of preference.
type Protocols struct {
	Name      string
	Protocols []config.ScrapeProtocol
}

// ScrapeProtocolSets are the two sets Prometheus 3 proposes: its default (OpenMetrics, then text),
// and the protobuf-first one it uses with native histograms or created-timestamp ingestion.
var ScrapeProtocolSets = []Protocols{
	{"default", config.DefaultScrapeProtocols},
	{"proto-first", config.DefaultProtoFirstScrapeProtocols},
}

// AcceptHeader is the Accept header a Prometheus server sends for protocols (as scrape.acceptHeader,
// with the default metric_name_escaping_scheme allow-utf-8).
func AcceptHeader(sps []config.ScrapeProtocol) string {
	var vals []string
	weight := len(config.ScrapeProtocolsHeaders) + 1
	for _, sp := range sps {
		val := config.ScrapeProtocolsHeaders[sp]
		if sp == config.PrometheusText1_0_0 || sp == config.OpenMetricsText1_0_0 {
			val += ";" + model.EscapingKey + "=" + model.AllowUTF8
		}
		val += fmt.Sprintf(";q=0.%d", weight)
		vals = append(vals, val)
		weight--
	}
	vals = append(vals, fmt.Sprintf("*/*;q=0.%d", weight))
	return strings.Join(vals, ",")
}

// Exposition is one scrape response.
type Exposition struct {
	Body        []byte
	ContentType string
}

// TargetLabels are the labels a scrape config adds to every series: job as kubernetes-mixin expects it
// (its selectors read job="kube-state-metrics"), and one instance for both sides, so that results
// compare (the two processes listen on different ports).
var TargetLabels = labels.FromStrings("job", "kube-state-metrics", "instance", "kube-state-metrics:8080")

// Sample is one parsed sample, its labels as Prometheus stores them.
type Sample struct {
	Labels labels.Labels
	Value  float64
}

// Parse parses a scrape response as Prometheus' scrape loop does (textparse with the response's
// Content-Type, then the target labels set with honor_labels false through a labels.Builder, which
// also drops empty-valued labels). Histograms, summaries and exemplars do not occur in either side's
// output and are refused.
func Parse(e Exposition) ([]Sample, error) {
	p, err := textparse.New(e.Body, e.ContentType, labels.NewSymbolTable(), textparse.ParserOptions{
		IgnoreNativeHistograms: true,
		FallbackContentType:    "text/plain",
	})
	if p == nil {
		return nil, fmt.Errorf("content type %q: %w", e.ContentType, err)
	}
	var out []Sample
	for {
		et, err := p.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("parsing (%s): %w", e.ContentType, err)
		}
		switch et {
		case textparse.EntrySeries:
			_, ts, v := p.Series()
			if ts != nil {
				return nil, errors.New("a sample carries a timestamp")
			}
			var lset labels.Labels
			p.Labels(&lset)
			lb := labels.NewBuilder(lset)
			TargetLabels.Range(func(l labels.Label) {
				if old := lset.Get(l.Name); old != "" {
					lb.Set("exported_"+l.Name, old)
				}
				lb.Set(l.Name, l.Value)
			})
			out = append(out, Sample{Labels: lb.Labels(), Value: v})
		case textparse.EntryHistogram:
			return nil, errors.New("unexpected histogram")
		}
	}
}

// Store is an in-memory Prometheus TSDB holding one side's samples.
type Store struct {
	DB         *tsdb.DB
	Series     int // distinct series appended
	Duplicates int // samples refused as duplicates of a series already appended for a timestamp
}

// NewStore opens a TSDB in dir and appends every sample at each timestamp (milliseconds), as a
// scrape at each of those times would have.
func NewStore(ctx context.Context, dir string, samples []Sample, timestamps []int64) (*Store, error) {
	opts := tsdb.DefaultOptions()
	db, err := tsdb.Open(dir, slog.New(slog.DiscardHandler), nil, opts, nil)
	if err != nil {
		return nil, err
	}
	st := &Store{DB: db}
	seen := map[uint64]bool{}
	for _, s := range samples {
		seen[s.Labels.Hash()] = true
	}
	st.Series = len(seen)
	for i, t := range timestamps {
		app := db.Appender(ctx)
		for _, s := range samples {
			if _, err := app.Append(0, s.Labels, t, s.Value); err != nil {
				if errors.Is(err, storage.ErrDuplicateSampleForTimestamp) {
					if i == 0 {
						st.Duplicates++
					}
					continue
				}
				_ = app.Rollback()
				_ = db.Close()
				return nil, fmt.Errorf("appending %s: %w", s.Labels, err)
			}
		}
		if err := app.Commit(); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	return st, nil
}

// Close closes the TSDB.
func (s *Store) Close() error { return s.DB.Close() }

// NewEngine is a PromQL engine with Prometheus' defaults.
func NewEngine() *promql.Engine {
	return promql.NewEngine(promql.EngineOpts{
		MaxSamples:    50_000_000,
		Timeout:       2 * time.Minute,
		LookbackDelta: 5 * time.Minute,
	})
}

// Eval evaluates expr instantly at t and renders the result as sorted lines `{labels} value`.
func Eval(ctx context.Context, eng *promql.Engine, q storage.Queryable, expr string, t time.Time) ([]string, error) {
	qry, err := eng.NewInstantQuery(ctx, q, nil, expr, t)
	if err != nil {
		return nil, err
	}
	defer qry.Close()
	res := qry.Exec(ctx)
	if res.Err != nil {
		return nil, res.Err
	}
	var lines []string
	switch v := res.Value.(type) {
	case promql.Vector:
		for _, s := range v {
			if s.H != nil {
				return nil, errors.New("histogram result")
			}
			lines = append(lines, s.Metric.String()+" "+formatFloat(s.F))
		}
	case promql.Scalar:
		lines = append(lines, "scalar "+formatFloat(v.V))
	case promql.Matrix:
		for _, s := range v {
			for _, p := range s.Floats {
				lines = append(lines, fmt.Sprintf("%s %s @%d", s.Metric, formatFloat(p.F), p.T))
			}
		}
	default:
		return nil, fmt.Errorf("unexpected result type %s", res.Value.Type())
	}
	slices.Sort(lines)
	return lines, nil
}

// formatFloat writes floats exactly (NaN, ±Inf and every bit of the mantissa).
func formatFloat(f float64) string {
	if math.IsNaN(f) {
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Outcome is one expression evaluated on both sides.
type Outcome struct {
	Rule            Rule
	KSM, Ours       []string
	KSMErr, OursErr error
}

// Equal reports whether both sides gave the same answer without errors.
func (o Outcome) Equal() bool {
	return o.KSMErr == nil && o.OursErr == nil && slices.Equal(o.KSM, o.Ours)
}

// NonEmpty reports whether kube-state-metrics' answer has at least one element.
func (o Outcome) NonEmpty() bool { return len(o.KSM) > 0 }

// Timestamps are the scrape times the samples are loaded at: every 30s over the 15 minutes before
// at (the longest range of the rules is 15m), so range functions see 31 samples.
func Timestamps(at time.Time) []int64 {
	var ts []int64
	for d := 15 * time.Minute; d >= 0; d -= 30 * time.Second {
		ts = append(ts, at.Add(-d).UnixMilli())
	}
	return ts
}

// Comparison is the result of evaluating every rule over both sides for one scrape protocol set.
type Comparison struct {
	Protocols                     string
	ContentTypeKSM, TypeOurs      string
	SeriesKSM, SeriesOurs         int
	DuplicatesKSM, DuplicatesOurs int
	Outcomes                      []Outcome
	Compared, Equal, NonEmpty     int
}

// Summary is the comparison's one-line result.
func (c *Comparison) Summary() string {
	return fmt.Sprintf("mixin[%s]: %d expressions compared, %d equal, %d non-empty (kube-state-metrics %d series as %s, kubestate %d series as %s)",
		c.Protocols, c.Compared, c.Equal, c.NonEmpty, c.SeriesKSM, mediaType(c.ContentTypeKSM), c.SeriesOurs, mediaType(c.TypeOurs))
}

func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.TrimSpace(ct)
}

// CompareRules loads both expositions into two TSDBs under dir at Timestamps(at) and evaluates every
// rule at at on each.
func CompareRules(ctx context.Context, dir string, rules []Rule, protocols string, ksm, ours Exposition, at time.Time) (*Comparison, error) {
	c := &Comparison{Protocols: protocols, ContentTypeKSM: ksm.ContentType, TypeOurs: ours.ContentType}
	ts := Timestamps(at)
	open := func(name string, e Exposition) (*Store, error) {
		samples, err := Parse(e)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		sub := filepath.Join(dir, protocols+"-"+name)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return nil, err
		}
		return NewStore(ctx, sub, samples, ts)
	}
	ks, err := open("kube-state-metrics", ksm)
	if err != nil {
		return nil, err
	}
	defer ks.Close()
	us, err := open("kubestate", ours)
	if err != nil {
		return nil, err
	}
	defer us.Close()
	c.SeriesKSM, c.SeriesOurs = ks.Series, us.Series
	c.DuplicatesKSM, c.DuplicatesOurs = ks.Duplicates, us.Duplicates

	eng := NewEngine()
	for _, r := range rules {
		o := Outcome{Rule: r}
		o.KSM, o.KSMErr = Eval(ctx, eng, ks.DB, r.Expr, at)
		o.Ours, o.OursErr = Eval(ctx, eng, us.DB, r.Expr, at)
		c.Outcomes = append(c.Outcomes, o)
		c.Compared++
		if o.Equal() {
			c.Equal++
		}
		if o.NonEmpty() {
			c.NonEmpty++
		}
	}
	return c, nil
}

// Details lists the expressions that differ, and one line per expression with its result sizes.
func (c *Comparison) Details(w io.Writer, verbose bool) {
	for _, o := range c.Outcomes {
		status := "equal"
		if !o.Equal() {
			status = "DIFFERENT"
		}
		if verbose || !o.Equal() {
			fmt.Fprintf(w, "mixin[%s]: %-9s %-6s %-40s %s: kube-state-metrics %d elements, kubestate %d\n",
				c.Protocols, status, o.Rule.Kind, o.Rule.Group, o.Rule.Name, len(o.KSM), len(o.Ours))
		}
		if o.Equal() {
			continue
		}
		if o.KSMErr != nil {
			fmt.Fprintf(w, "    kube-state-metrics error: %v\n", o.KSMErr)
		}
		if o.OursErr != nil {
			fmt.Fprintf(w, "    kubestate error: %v\n", o.OursErr)
		}
		ks, us := map[string]bool{}, map[string]bool{}
		for _, l := range o.KSM {
			ks[l] = true
		}
		for _, l := range o.Ours {
			us[l] = true
		}
		n := 0
		for _, l := range o.KSM {
			if !us[l] && n < 10 {
				fmt.Fprintf(w, "    only kube-state-metrics: %s\n", l)
				n++
			}
		}
		n = 0
		for _, l := range o.Ours {
			if !ks[l] && n < 10 {
				fmt.Fprintf(w, "    only kubestate:          %s\n", l)
				n++
			}
		}
	}
}
