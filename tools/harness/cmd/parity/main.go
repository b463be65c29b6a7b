// Command parity compares kubestate with kube-state-metrics v2.20.0 on the same apiserver (`make parity`):
// it starts a local control plane (or uses -kubeconfig), applies a fixture folder, and for each receiver
// config runs bin/kube-state-metrics with the equivalent flags next to the receiver's engine, takes one
// scrape and one snapshot once both have synced, and compares them series by series. It writes a
// per-family report and ends with
//
//	parity: <pct>% of kube-state-metrics series matched (<matched>/<total>), extra=<n>
//
// exiting 1 below 100% or when kubestate emits series kube-state-metrics does not.
//
// With -via prometheus our side is not the receiver's engine in-process but the distribution
// (_build/otelcol-kubestate, `make build`) with the receiver feeding the Prometheus exporter with the
// README's settings: both expositions are compared series by series and byte for byte (up to the
// order of lines and label pairs); with the fixtures applied it also creates a namespace whose
// annotations need escaping, and after the first config deletes an object to measure how long its
// series outlive it in the exporter (metric_expiration).
//
//	parity [-via engine|prometheus] [-fixtures DIR] [-config FILE]... [-kubeconfig FILE] [-bin bin]
//	       [-collector _build/otelcol-kubestate] [-report .local/parity-report.md]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/controlplane"
	"github.com/kubestate/kubestate/internal/testenv/seed"
	"github.com/kubestate/kubestate/tools/harness/parity"
)

type configList []string

func (c *configList) String() string     { return strings.Join(*c, ",") }
func (c *configList) Set(v string) error { *c = append(*c, v); return nil }

func main() { os.Exit(run()) }

func run() int {
	// Paths, in flags and their defaults, are relative to the repository root wherever this runs from.
	if root, err := testenv.RepoRoot(); err == nil {
		_ = os.Chdir(root)
	}
	defaultFixtures := "testdata/fixtures"
	if env := os.Getenv("PARITY_FIXTURES"); env != "" {
		defaultFixtures = env
	}
	var configs configList
	fixtures := flag.String("fixtures", defaultFixtures, "fixture folder applied to the cluster before comparing ($PARITY_FIXTURES overrides the default)")
	flag.Var(&configs, "config", "receiver config (the body of a `kubestate:` receiver); repeat for several; default testdata/parity/default.yaml, allowlists.yaml and all-resources.yaml")
	kubeconfig := flag.String("kubeconfig", "", "use this existing cluster instead of starting a local control plane")
	seedIt := flag.Bool("seed", true, "apply the fixture folder before comparing")
	bin := flag.String("bin", "bin", "directory holding kube-state-metrics, etcd and kube-apiserver")
	report := flag.String("report", ".local/parity-report.md", "Markdown report to write")
	timeout := flag.Duration("timeout", 3*time.Minute, "how long each side may take to sync")
	via := flag.String("via", parity.ViaEngine, "our side: engine (the receiver's engine in-process, compared as pdata), prometheus (the distribution's Prometheus exporter, compared as text) or pull (the receiver's own pull endpoint, compared as text, headers and label order included)")
	collector := flag.String("collector", "_build/otelcol-kubestate", "with -via prometheus or pull: the distribution binary (make build)")
	flag.Parse()
	if *via != parity.ViaEngine && *via != parity.ViaPrometheus && *via != parity.ViaPull {
		fmt.Fprintf(os.Stderr, "parity: -via %q: want %q, %q or %q\n", *via, parity.ViaEngine, parity.ViaPrometheus, parity.ViaPull)
		return 2
	}
	if len(configs) == 0 {
		configs = configList{"testdata/parity/default.yaml", "testdata/parity/allowlists.yaml", "testdata/parity/all-resources.yaml"}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	summary, err := compare(ctx, *fixtures, configs, *kubeconfig, *seedIt, *bin, *report, *timeout, *via, *collector)
	if err != nil && !errors.Is(err, errBelowParity) {
		fmt.Fprintln(os.Stderr, "parity:", err)
	}
	// Printed after every process has been stopped: the contract's last line.
	if summary != "" {
		fmt.Println(summary)
	}
	if err != nil {
		return 1
	}
	return 0
}

var errBelowParity = errors.New("below parity")

// compare runs everything and returns the summary line; errBelowParity when it is below 100% or
// kubestate emits extra series.
func compare(ctx context.Context, fixtures string, configs []string, kubeconfig string, seedIt bool, bin, report string, timeout time.Duration, via, collector string) (summary string, err error) {
	// Every config is read before anything starts, so a typo fails fast.
	type named struct {
		name, file string
	}
	var loaded []named
	for _, f := range configs {
		if _, err := parity.LoadConfig(f); err != nil {
			return "", err
		}
		loaded = append(loaded, named{strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)), f})
	}
	if seedIt {
		if _, err := os.Stat(fixtures); err != nil {
			return "", fmt.Errorf("fixture folder: %w", err)
		}
	}
	ksmBin, err := filepath.Abs(filepath.Join(bin, "kube-state-metrics"))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(ksmBin); err != nil {
		return "", fmt.Errorf("%w (run make tools)", err)
	}
	viaCollector := via == parity.ViaPrometheus || via == parity.ViaPull
	if viaCollector {
		if collector, err = filepath.Abs(collector); err != nil {
			return "", err
		}
		if _, err := os.Stat(collector); err != nil {
			return "", fmt.Errorf("%w (run make build)", err)
		}
	}
	workDir, err := filepath.Abs(filepath.Dir(report))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return "", err
	}

	cluster, err := controlplane.UseOrStart(ctx, kubeconfig, controlplane.Options{BinDir: bin, Progress: os.Stdout})
	if err != nil {
		return "", err
	}
	defer func() {
		if cluster.Local != nil {
			fmt.Println("parity: stopping the local control plane")
		}
		if rerr := cluster.Close(); rerr != nil && err == nil {
			summary, err = "", rerr
		}
	}()
	restCfg, clusterDesc := cluster.REST, cluster.Describe()
	kubeconfig = cluster.Kubeconfig
	restCfg.QPS, restCfg.Burst = 1000, 2000

	if seedIt {
		fmt.Printf("parity: applying %s\n", fixtures)
		a, err := seed.NewApplier(restCfg, os.Stdout)
		if err != nil {
			return "", err
		}
		n, err := a.ApplyDir(ctx, fixtures)
		if err != nil {
			return "", err
		}
		fmt.Printf("parity: applied %d objects\n", n)
	}
	var kube kubernetes.Interface
	if viaCollector && seedIt {
		if kube, err = kubernetes.NewForConfig(restCfg); err != nil {
			return "", err
		}
		fmt.Printf("parity: creating namespace %s, whose annotations need escaping\n", parity.EscapingNamespace)
		if err := parity.EnsureEscapingProbe(ctx, kube); err != nil {
			return "", err
		}
	}

	opts := parity.Options{KSMBinary: ksmBin, Kubeconfig: kubeconfig, WorkDir: workDir, Progress: os.Stdout, Timeout: timeout}
	var runs []parity.Run
	var expiry *parity.ExpiryResult
	for i, c := range loaded {
		cfg, err := parity.LoadConfig(c.file)
		if err != nil {
			return "", err
		}
		var r parity.Run
		if viaCollector {
			popts := parity.PrometheusOptions{Collector: parity.CollectorOptions{Binary: collector, Pull: via == parity.ViaPull}}
			if i == 0 && kube != nil {
				// Creates and deletes a ConfigMap in namespace default: only on the cluster we seeded.
				popts.Inspect = func(ctx context.Context, k *parity.KSM, col *parity.Collector) error {
					res, err := parity.CheckExpiry(ctx, kube, "default", k, col)
					if err == nil {
						expiry = &res
					}
					return err
				}
			}
			r, err = parity.RunConfigPrometheus(ctx, c.name, cfg, opts, popts)
			if expiry != nil && i == 0 {
				r.Notes = append(r.Notes, expiry.String())
			}
		} else {
			r, err = parity.RunConfig(ctx, c.name, cfg, opts)
		}
		if err != nil {
			return "", fmt.Errorf("config %s: %w", c.file, err)
		}
		r.ConfigFile = c.file
		runs = append(runs, r)
	}

	f, err := os.Create(report)
	if err != nil {
		return "", err
	}
	werr := parity.WriteReport(f, parity.ReportHeader{Fixtures: fixtures, Cluster: clusterDesc, Generated: time.Now().UTC().Format(time.RFC3339)}, runs)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return "", werr
	}
	fmt.Printf("parity: report written to %s\n", report)
	ok := true
	for _, r := range runs {
		for _, fam := range r.Result.Failing() {
			ok = false
			fmt.Printf("parity: [%s] %s: matched %d/%d, missing %d, extra %d, differing %d\n", r.Name, fam.Name, fam.Matched, fam.Total, fam.Missing, fam.Extra, fam.Differing)
		}
		for _, m := range r.Result.MetaDiffs {
			fmt.Printf("parity: [%s] note: %s\n", r.Name, m)
		}
		if e := r.Exposition; e != nil {
			if !e.OK() || (r.Via == parity.ViaPull && !e.Exact()) {
				ok = false
			}
			fmt.Printf("parity: [%s] %s\n", r.Name, e.Summary())
		}
		for _, n := range r.Notes {
			fmt.Printf("parity: [%s] %s\n", r.Name, n)
		}
		fmt.Printf("parity: [%s] %s\n", r.Name, r.Result.Summary())
	}
	if expiry != nil && !expiry.OK() {
		ok = false
		fmt.Printf("parity: the exporter kept a deleted object's series longer than %s\n", expiry.Bound)
	}
	matched, total, extra := parity.Totals(runs)
	summary = parity.SummaryLine(matched, total, extra)
	if !ok || matched < total || extra > 0 {
		return summary, errBelowParity
	}
	return summary, nil
}
