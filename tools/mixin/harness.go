package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/tools/harness/parity"
)

// RulesFileName is the rules file's name in testdata/reference.
const RulesFileName = "kubernetes-mixin-ksm-rules.json"

// Root is the repository root: the first directory above the working directory with go.mod and
// builder-config.yaml.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "builder-config.yaml")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root (with go.mod and builder-config.yaml) not found above the working directory")
		}
		dir = parent
	}
}

// RulesPath is the rules file in the repository: <root>/testdata/reference/kubernetes-mixin-ksm-rules.json.
func RulesPath(root string) string {
	return filepath.Join(root, "testdata", "reference", RulesFileName)
}

// Binaries are the two processes the comparison runs.
type Binaries struct{ KSM, Collector string }

// FindBinaries returns root/bin/kube-state-metrics and root/_build/otelcol-kubestate, or an error
// naming the make target that builds the missing one.
func FindBinaries(root string) (Binaries, error) {
	b := Binaries{
		KSM:       filepath.Join(root, "bin", "kube-state-metrics"),
		Collector: filepath.Join(root, "_build", "otelcol-kubestate"),
	}
	if _, err := os.Stat(b.KSM); err != nil {
		return b, fmt.Errorf("%s is not built (make tools): %w", b.KSM, err)
	}
	if _, err := os.Stat(b.Collector); err != nil {
		return b, fmt.Errorf("%s is not built (make build): %w", b.Collector, err)
	}
	return b, nil
}

// Capture is one scrape of each side per scrape protocol set, taken back to back.
type Capture struct {
	Protocols string
	KSM, Ours Exposition
}

// StepCapture is what was scraped after one step of the timeline.
type StepCapture struct {
	Step     string
	Settled  bool          // both sides served the same series when scraped
	Settle   time.Duration // how long after the change that took
	Captures []Capture     // one per scrape protocol set, in ScrapeProtocolSets' order
}

// Scrapes is what CaptureScrapes took.
type Scrapes struct {
	Steps  []StepCapture
	At     time.Time  // when the last were taken
	Parity parity.Run // the parity comparison of the Prometheus path, made before
}

// SettleLimit bounds the wait for both sides to agree after a change: a few of the collector's
// 2s collection intervals. A side that has not caught up by then is scraped anyway, and the
// evaluation shows the difference.
const SettleLimit = 20 * time.Second

// CaptureScrapes runs kube-state-metrics and the distribution (its Prometheus exporter with the
// README's settings, via the parity harness's Prometheus path; with pull, the receiver's own pull
// endpoint instead) against kubeconfig's cluster, and
// once both are complete and equal, scrapes both, then takes the timeline: for each of steps it
// changes the cluster through kube, waits until kube-state-metrics shows the change and both sides serve the same series
// (at most SettleLimit), and scrapes both with each set of Accept headers a Prometheus server sends.
// Both processes are stopped before it returns.
//
// With o.Via ViaOTLP, kubestate's side is what Prometheus' own OTLP write handler stored of the first
// export cycle after both sides agreed: the receiver sets OTLPResourceAttributes, and the
// distribution's otlphttp exporter sends every cycle to an OTLPSink (the Prometheus exporter, which
// tells when the sides agree, gets the same cycles without those attributes).
func CaptureScrapes(ctx context.Context, root, kubeconfig, workDir string, bins Binaries, kube kubernetes.Interface, steps []Step, o CaptureOptions, progress io.Writer) (*Scrapes, error) {
	cfg, err := parity.LoadConfig(filepath.Join(root, "testdata", "parity", "default.yaml"))
	if err != nil {
		return nil, err
	}
	cfg.ResendInterval = o.ResendInterval
	collector := parity.CollectorOptions{Binary: bins.Collector, Pull: o.Via == parity.ViaPull}
	var sink *OTLPSink
	if o.Via == ViaOTLP {
		if sink, err = StartOTLPSink(); err != nil {
			return nil, err
		}
		defer sink.Close()
		cfg.ResourceAttributes = OTLPResourceAttributes
		collector.OTLPEndpoint = sink.Endpoint
	}
	out := &Scrapes{}
	hc := &http.Client{Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	get := func(ctx context.Context, url, accept string) (Exposition, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return Exposition{}, err
		}
		req.Header.Set("Accept", accept)
		resp, err := hc.Do(req)
		if err != nil {
			return Exposition{}, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return Exposition{}, err
		}
		if resp.StatusCode != http.StatusOK {
			return Exposition{}, fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return Exposition{Body: body, ContentType: resp.Header.Get("Content-Type")}, nil
	}
	run, err := parity.RunConfigPrometheus(ctx, "mixin", cfg, parity.Options{
		KSMBinary:  bins.KSM,
		Kubeconfig: kubeconfig,
		WorkDir:    workDir,
		Progress:   progress,
	}, parity.PrometheusOptions{
		Collector: collector,
		Inspect: func(ctx context.Context, ksm *parity.KSM, col *parity.Collector) error {
			capture := func(name string, start time.Time) error {
				left := max(SettleLimit-time.Since(start), time.Second)
				_, settled, err := Settle(ctx, ksm, col, 200*time.Millisecond, left)
				if err != nil {
					return err
				}
				sc := StepCapture{Step: name, Settled: settled, Settle: time.Since(start)}
				fmt.Fprintf(progress, "mixin: scrape %d: %s: both sides agree after %v: %v\n", len(out.Steps)+1, name, sc.Settle.Round(time.Millisecond), settled)
				out.At = time.Now()
				var cycle OTLPCycle
				if sink != nil {
					if cycle, err = sink.Cycle(ctx, out.At); err != nil {
						return err
					}
					fmt.Fprintf(progress, "mixin: scrape %d: the OTLP cycle of %s: %d samples stored by Prometheus' OTLP handler, %d staleness markers\n",
						len(out.Steps)+1, cycle.T.Format("15:04:05.000"), len(cycle.Samples), cycle.Stale)
				}
				for _, ps := range ScrapeProtocolSets {
					accept := AcceptHeader(ps.Protocols)
					k, err := get(ctx, ksm.MetricsURL, accept)
					if err != nil {
						return fmt.Errorf("scraping kube-state-metrics: %w", err)
					}
					o := Ingested(cycle)
					if sink == nil {
						if o, err = get(ctx, col.MetricsURL, accept); err != nil {
							return fmt.Errorf("scraping the exporter: %w", err)
						}
					}
					sc.Captures = append(sc.Captures, Capture{Protocols: ps.Name, KSM: k, Ours: o})
				}
				out.Steps = append(out.Steps, sc)
				return nil
			}
			if err := capture("the cluster as seeded", time.Now()); err != nil {
				return err
			}
			before, err := timelineSeries(ctx, ksm)
			if err != nil {
				return err
			}
			for i, step := range steps {
				start := time.Now()
				if err := step.Do(ctx, kube); err != nil {
					return fmt.Errorf("timeline step %d (%s): %w", i+1, step.Name, err)
				}
				if before, err = waitChanged(ctx, ksm, before, SettleLimit); err != nil {
					return fmt.Errorf("timeline step %d (%s): %w", i+1, step.Name, err)
				}
				if err := capture(step.Name, start); err != nil {
					return err
				}
			}
			return nil
		},
	})
	out.Parity = run
	if err != nil {
		return out, err
	}
	if len(out.Steps) == 0 {
		return out, errors.New("nothing captured")
	}
	return out, nil
}

// CaptureOptions say how kubestate's side runs.
type CaptureOptions struct {
	// Via is kubestate's side: parity.ViaPrometheus (the distribution's Prometheus exporter; also
	// ""), parity.ViaPull (the receiver's own pull endpoint) or ViaOTLP.
	Via string
	// ResendInterval is the receiver's resend_interval: unchanged series are sent only this often,
	// and the exporter must keep them in between.
	ResendInterval time.Duration
}

// timelineSeries renders kube-state-metrics' series of the timeline's namespace, to tell when a
// change has reached it.
func timelineSeries(ctx context.Context, ksm *parity.KSM) (string, error) {
	set, err := ksm.Scrape(ctx)
	if err != nil {
		return "", fmt.Errorf("scraping kube-state-metrics: %w", err)
	}
	var lines []string
	for _, s := range set.Series {
		if s.Label("namespace") == TimelineNamespace {
			lines = append(lines, s.String())
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n"), nil
}

// waitChanged waits until kube-state-metrics' series of the timeline's namespace differ from
// before, and returns them.
func waitChanged(ctx context.Context, ksm *parity.KSM, before string, limit time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		now, err := timelineSeries(ctx, ksm)
		if err != nil {
			return "", err
		}
		if now != before {
			return now, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("kube-state-metrics did not show the change: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Result is the whole evaluation: one comparison per scrape protocol set.
type Result struct {
	Rules       int
	Comparisons []*Comparison
	Unsettled   []string // steps after which the two sides did not agree within SettleLimit
}

// EqualAll is the number of expressions equal under every protocol set.
func (r *Result) EqualAll() int { return r.count(Outcome.Equal) }

// EmptyAll is the number of expressions empty on both sides at every time under every protocol set.
func (r *Result) EmptyAll() int { return r.count(Outcome.EmptyBoth) }

// ChangingAll is the number of expressions whose answer changed over the timeline (under every
// protocol set).
func (r *Result) ChangingAll() int { return r.count(Outcome.Changing) }

func (r *Result) count(pred func(Outcome) bool) int {
	n := 0
	for i := 0; i < r.Rules; i++ {
		ok := len(r.Comparisons) > 0
		for _, c := range r.Comparisons {
			ok = ok && pred(c.Outcomes[i])
		}
		if ok {
			n++
		}
	}
	return n
}

// OK reports whether every expression gave the same answer on both sides at every time under every
// protocol set, and the two sides agreed after every step.
func (r *Result) OK() bool { return r.Rules > 0 && r.EqualAll() == r.Rules && len(r.Unsettled) == 0 }

// Summary is the last line of `make mixin`.
func (r *Result) Summary() string {
	names, times := "", 0
	for i, c := range r.Comparisons {
		if i > 0 {
			names += ", "
		}
		names += c.Protocols
		times = c.Times
	}
	equal, empty := r.EqualAll(), r.EmptyAll()
	return fmt.Sprintf("mixin: %d expressions compared at %d scrapes, %d equal with answers (%d changing over time), %d empty on both sides, %d different (scrape protocols: %s)",
		r.Rules, times, equal-empty, r.ChangingAll(), empty, r.Rules-equal, names)
}

// Evaluate compares every rule over each protocol set's timeline.
func Evaluate(ctx context.Context, dir string, rules []Rule, s *Scrapes) (*Result, error) {
	r := &Result{Rules: len(rules)}
	for _, st := range s.Steps {
		if !st.Settled {
			r.Unsettled = append(r.Unsettled, st.Step)
		}
	}
	for p, ps := range ScrapeProtocolSets {
		var ksm, ours []Exposition
		for _, st := range s.Steps {
			ksm, ours = append(ksm, st.Captures[p].KSM), append(ours, st.Captures[p].Ours)
		}
		cmp, err := CompareRules(ctx, dir, rules, ps.Name, ksm, ours, s.At)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ps.Name, err)
		}
		r.Comparisons = append(r.Comparisons, cmp)
	}
	return r, nil
}
