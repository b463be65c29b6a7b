// Command mixin evaluates the kubernetes-mixin alert and recording expressions that read only
// kube-state-metrics series (testdata/reference/kubernetes-mixin-ksm-rules.json) with Prometheus' own
// scrape parser, TSDB and PromQL engine, once over kube-state-metrics v2.20.0 and once over kubestate's
// Prometheus exporter (or, with -via pull, the receiver's own pull endpoint), both scraped from the
// same apiserver, and requires the same answer from each
// (real clients decide: the answers users see, not only the series, must be equal).
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
	"github.com/prometheus/prometheus/model/value"
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

// TimeProbes are expressions of our own, beside the mixin's, that read how series evolve over the
// timeline: counter increase and rate, changes, samples over time, and staleness (a deleted or
// re-created object's series must end at once, as they do when a KSM scrape no longer has them).
var TimeProbes = []Rule{
	{Kind: "probe", Group: "timeline", Name: "restarts increase", Expr: `increase(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[5m])`},
	{Kind: "probe", Group: "timeline", Name: "restarts rate", Expr: `rate(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[5m])`},
	{Kind: "probe", Group: "timeline", Name: "replicas changes", Expr: `changes(kube_deployment_spec_replicas{job="kube-state-metrics"}[10m])`},
	{Kind: "probe", Group: "timeline", Name: "available replicas changes", Expr: `changes(kube_deployment_status_replicas_available{job="kube-state-metrics"}[10m])`},
	{Kind: "probe", Group: "timeline", Name: "pods per namespace", Expr: `count by (namespace) (kube_pod_info{job="kube-state-metrics"})`},
	{Kind: "probe", Group: "timeline", Name: "timeline pods", Expr: `kube_pod_info{job="kube-state-metrics", namespace="` + TimelineNamespace + `"}`},
	{Kind: "probe", Group: "timeline", Name: "deployment absent", Expr: `absent(kube_deployment_created{job="kube-state-metrics", namespace="` + TimelineNamespace + `", deployment="web"})`},
	{Kind: "probe", Group: "timeline", Name: "configmap samples", Expr: `count_over_time(kube_configmap_info{job="kube-state-metrics", namespace="` + TimelineNamespace + `"}[3m])`},
	{Kind: "probe", Group: "timeline", Name: "last waiting reason", Expr: `last_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics"}[2m])`},
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
	// Ingested, if set, are samples Prometheus stored from OTLP (see OTLPSink): Parse returns them
	// as they are, labelled from the resource rather than by a scrape config.
	Ingested []Sample
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
	if e.Ingested != nil {
		return e.Ingested, nil
	}
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
	Duplicates int // samples of the first scrape refused as duplicates of a series already appended for its timestamp
	Stale      int // staleness markers appended (series gone from a scrape)
}

// Scrape is one scrape's samples and its time (milliseconds).
type Scrape struct {
	T       int64
	Samples []Sample
}

// NewStore opens a TSDB in dir and appends every scrape's samples at its time, as Prometheus' scrape
// loop would: a series the previous scrape had and this one does not gets a staleness marker at
// this scrape's time, so instant queries stop seeing it at once and range functions end it there.
func NewStore(ctx context.Context, dir string, scrapes []Scrape) (*Store, error) {
	opts := tsdb.DefaultOptions()
	db, err := tsdb.Open(dir, slog.New(slog.DiscardHandler), nil, opts, nil)
	if err != nil {
		return nil, err
	}
	st := &Store{DB: db}
	all := map[uint64]bool{}
	var prev map[uint64]labels.Labels
	for i, sc := range scrapes {
		app := db.Appender(ctx)
		cur := make(map[uint64]labels.Labels, len(sc.Samples))
		for _, s := range sc.Samples {
			h := s.Labels.Hash()
			cur[h], all[h] = s.Labels, true
			if _, err := app.Append(0, s.Labels, sc.T, s.Value); err != nil {
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
		for h, l := range prev {
			if _, ok := cur[h]; !ok {
				if _, err := app.Append(0, l, sc.T, math.Float64frombits(value.StaleNaN)); err != nil {
					_ = app.Rollback()
					_ = db.Close()
					return nil, fmt.Errorf("staleness marker for %s: %w", l, err)
				}
				st.Stale++
			}
		}
		if err := app.Commit(); err != nil {
			_ = db.Close()
			return nil, err
		}
		prev = cur
	}
	st.Series = len(all)
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

// Outcome is one expression evaluated on both sides at each scrape time.
type Outcome struct {
	Rule      Rule
	At        []time.Time
	KSM, Ours [][]string // per time
	// Errors, per side: the first evaluation error.
	KSMErr, OursErr error
}

// Equal reports whether both sides gave the same answer at every time, without errors.
func (o Outcome) Equal() bool {
	if o.KSMErr != nil || o.OursErr != nil || len(o.KSM) != len(o.Ours) {
		return false
	}
	for i := range o.KSM {
		if !slices.Equal(o.KSM[i], o.Ours[i]) {
			return false
		}
	}
	return true
}

// NonEmpty reports whether kube-state-metrics' answer has at least one element at some time.
func (o Outcome) NonEmpty() bool {
	for _, r := range o.KSM {
		if len(r) > 0 {
			return true
		}
	}
	return false
}

// EmptyBoth reports an expression equal only because neither side answered anything at any time:
// it shows nothing about kubestate.
func (o Outcome) EmptyBoth() bool {
	if !o.Equal() {
		return false
	}
	for _, r := range o.Ours {
		if len(r) > 0 {
			return false
		}
	}
	return !o.NonEmpty()
}

// Changing reports whether kube-state-metrics' answer differs between two of the times: the
// expression saw the cluster change.
func (o Outcome) Changing() bool {
	for i := 1; i < len(o.KSM); i++ {
		if !slices.Equal(o.KSM[i], o.KSM[0]) {
			return true
		}
	}
	return false
}

// ScrapeInterval is the time between two scrapes as loaded into the TSDBs; Lookback the range the
// scrapes before the first are filled over (the longest range of the rules is 15m), so range
// functions see full windows.
const (
	ScrapeInterval = 30 * time.Second
	Lookback       = 15 * time.Minute
)

// Timestamps are the times the scrapes of a timeline of n are loaded at, each ScrapeInterval apart and
// the last at at, and the times before the first, back to Lookback before it, at which the first
// scrape is loaded again (the cluster as it was before the timeline started). first is the index in
// the result of the timeline's first scrape.
func Timestamps(at time.Time, n int) (ts []int64, first int) {
	start := at.Add(-time.Duration(n-1) * ScrapeInterval)
	for d := Lookback; d > 0; d -= ScrapeInterval {
		ts = append(ts, start.Add(-d).UnixMilli())
	}
	first = len(ts)
	for i := range n {
		ts = append(ts, start.Add(time.Duration(i)*ScrapeInterval).UnixMilli())
	}
	return ts, first
}

// Comparison is the result of evaluating every rule over both sides for one scrape protocol set.
type Comparison struct {
	Protocols                            string
	ContentTypeKSM, TypeOurs             string
	SeriesKSM, SeriesOurs                int
	DuplicatesKSM, DuplicatesOurs        int
	StaleKSM, StaleOurs                  int
	Times                                int
	Outcomes                             []Outcome
	Compared, Equal, NonEmpty, EmptyBoth int
	Changing                             int
}

// Summary is the comparison's one-line result.
func (c *Comparison) Summary() string {
	return fmt.Sprintf("mixin[%s]: %d expressions compared at %d scrapes, %d equal (%d with answers, %d changing over time; %d empty on both sides) (kube-state-metrics %d series, %d staleness markers, as %s; kubestate %d series, %d staleness markers, as %s)",
		c.Protocols, c.Compared, c.Times, c.Equal, c.Equal-c.EmptyBoth, c.Changing, c.EmptyBoth,
		c.SeriesKSM, c.StaleKSM, mediaType(c.ContentTypeKSM), c.SeriesOurs, c.StaleOurs, mediaType(c.TypeOurs))
}

func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.TrimSpace(ct)
}

// CompareRules loads both sides' timelines of scrapes (the same length) into two TSDBs under dir,
// the last scrape at at (see Timestamps), and evaluates every rule on each at every scrape time of
// the timeline.
func CompareRules(ctx context.Context, dir string, rules []Rule, protocols string, ksm, ours []Exposition, at time.Time) (*Comparison, error) {
	if len(ksm) == 0 || len(ksm) != len(ours) {
		return nil, fmt.Errorf("timelines of %d and %d scrapes: want the same number, at least one", len(ksm), len(ours))
	}
	c := &Comparison{Protocols: protocols, ContentTypeKSM: ksm[len(ksm)-1].ContentType, TypeOurs: ours[len(ours)-1].ContentType, Times: len(ksm)}
	ts, first := Timestamps(at, len(ksm))
	open := func(name string, timeline []Exposition) (*Store, error) {
		scrapes := make([]Scrape, len(ts))
		for i, e := range timeline {
			samples, err := Parse(e)
			if err != nil {
				return nil, fmt.Errorf("%s, scrape %d: %w", name, i, err)
			}
			if i == 0 {
				for j := range first {
					scrapes[j] = Scrape{T: ts[j], Samples: samples}
				}
			}
			scrapes[first+i] = Scrape{T: ts[first+i], Samples: samples}
		}
		sub := filepath.Join(dir, protocols+"-"+name)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return nil, err
		}
		return NewStore(ctx, sub, scrapes)
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
	c.StaleKSM, c.StaleOurs = ks.Stale, us.Stale

	eng := NewEngine()
	for _, r := range rules {
		o := Outcome{Rule: r}
		for _, t := range ts[first:] {
			at := time.UnixMilli(t)
			k, kerr := Eval(ctx, eng, ks.DB, r.Expr, at)
			u, uerr := Eval(ctx, eng, us.DB, r.Expr, at)
			if o.KSMErr == nil {
				o.KSMErr = kerr
			}
			if o.OursErr == nil {
				o.OursErr = uerr
			}
			o.At, o.KSM, o.Ours = append(o.At, at), append(o.KSM, k), append(o.Ours, u)
		}
		c.Outcomes = append(c.Outcomes, o)
		c.Compared++
		if o.Equal() {
			c.Equal++
		}
		if o.NonEmpty() {
			c.NonEmpty++
		}
		if o.EmptyBoth() {
			c.EmptyBoth++
		}
		if o.Changing() {
			c.Changing++
		}
	}
	return c, nil
}

// Details lists the expressions that differ (at the first time they differ), then, apart, those
// empty on both sides at every time; verbose adds one line per expression.
func (c *Comparison) Details(w io.Writer, verbose bool) {
	var empty []string
	for _, o := range c.Outcomes {
		status := "equal"
		switch {
		case !o.Equal():
			status = "DIFFERENT"
		case o.EmptyBoth():
			status = "empty"
			empty = append(empty, o.Rule.Name)
		}
		if verbose || !o.Equal() {
			last := len(o.KSM) - 1
			fmt.Fprintf(w, "mixin[%s]: %-9s %-6s %-40s %s: at the last scrape kube-state-metrics %d elements, kubestate %d\n",
				c.Protocols, status, o.Rule.Kind, o.Rule.Group, o.Rule.Name, len(o.KSM[last]), len(o.Ours[last]))
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
		for i := range o.KSM {
			if slices.Equal(o.KSM[i], o.Ours[i]) {
				continue
			}
			fmt.Fprintf(w, "    first difference at scrape %d of %d:\n", i+1, len(o.KSM))
			ks, us := map[string]bool{}, map[string]bool{}
			for _, l := range o.KSM[i] {
				ks[l] = true
			}
			for _, l := range o.Ours[i] {
				us[l] = true
			}
			n := 0
			for _, l := range o.KSM[i] {
				if !us[l] && n < 10 {
					fmt.Fprintf(w, "    only kube-state-metrics: %s\n", l)
					n++
				}
			}
			n = 0
			for _, l := range o.Ours[i] {
				if !ks[l] && n < 10 {
					fmt.Fprintf(w, "    only kubestate:          %s\n", l)
					n++
				}
			}
			break
		}
	}
	if len(empty) > 0 {
		fmt.Fprintf(w, "mixin[%s]: %d expressions empty on both sides at every scrape (equal, but they show nothing): %s\n",
			c.Protocols, len(empty), strings.Join(empty, ", "))
	}
}
