package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/kubestate/kubestate/internal/parity"
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

// Scrapes is what CaptureScrapes took.
type Scrapes struct {
	Captures []Capture
	At       time.Time  // when they were taken
	Parity   parity.Run // the parity comparison of the Prometheus path, made before
}

// CaptureScrapes runs kube-state-metrics and the distribution (the receiver's default config, the
// README's exporter settings) against the cluster of kubeconfig, waits until both are synced and
// stable, checks parity, and scrapes each side once per scrape protocol set with the Accept header a
// Prometheus server sends. Both processes are stopped before it returns.
func CaptureScrapes(ctx context.Context, root, kubeconfig, workDir string, bins Binaries, progress io.Writer) (*Scrapes, error) {
	cfg, err := parity.LoadConfig(filepath.Join(root, "testdata", "parity", "default.yaml"))
	if err != nil {
		return nil, err
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
		Collector: parity.CollectorOptions{Binary: bins.Collector},
		Inspect: func(ctx context.Context, ksm *parity.KSM, col *parity.Collector) error {
			out.At = time.Now()
			for _, ps := range ScrapeProtocolSets {
				accept := AcceptHeader(ps.Protocols)
				k, err := get(ctx, ksm.MetricsURL, accept)
				if err != nil {
					return fmt.Errorf("scraping kube-state-metrics: %w", err)
				}
				o, err := get(ctx, col.MetricsURL, accept)
				if err != nil {
					return fmt.Errorf("scraping the exporter: %w", err)
				}
				out.Captures = append(out.Captures, Capture{Protocols: ps.Name, KSM: k, Ours: o})
			}
			return nil
		},
	})
	out.Parity = run
	if err != nil {
		return out, err
	}
	if len(out.Captures) == 0 {
		return out, errors.New("nothing captured")
	}
	return out, nil
}

// Result is the whole evaluation: one comparison per scrape protocol set.
type Result struct {
	Rules       int
	Comparisons []*Comparison
}

// EqualAll is the number of expressions equal under every protocol set.
func (r *Result) EqualAll() int {
	n := 0
	for i := 0; i < r.Rules; i++ {
		ok := true
		for _, c := range r.Comparisons {
			ok = ok && c.Outcomes[i].Equal()
		}
		if ok {
			n++
		}
	}
	return n
}

// OK reports whether every expression gave the same answer on both sides under every protocol set.
func (r *Result) OK() bool { return r.Rules > 0 && r.EqualAll() == r.Rules }

// Summary is the last line of `make mixin`.
func (r *Result) Summary() string {
	nonEmpty := 0
	if len(r.Comparisons) > 0 {
		nonEmpty = r.Comparisons[0].NonEmpty
	}
	names := ""
	for i, c := range r.Comparisons {
		if i > 0 {
			names += ", "
		}
		names += c.Protocols
	}
	return fmt.Sprintf("mixin: %d expressions compared, %d equal, %d non-empty (scrape protocols: %s)", r.Rules, r.EqualAll(), nonEmpty, names)
}

// Evaluate compares every rule over each capture.
func Evaluate(ctx context.Context, dir string, rules []Rule, s *Scrapes) (*Result, error) {
	r := &Result{Rules: len(rules)}
	for _, c := range s.Captures {
		cmp, err := CompareRules(ctx, dir, rules, c.Protocols, c.KSM, c.Ours, s.At)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Protocols, err)
		}
		r.Comparisons = append(r.Comparisons, cmp)
	}
	return r, nil
}
