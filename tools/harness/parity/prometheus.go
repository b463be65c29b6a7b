package parity

import (
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubestate/kubestate/internal/customresource"

	"bytes"
	"context"
	"fmt"

	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// Ways of running our side.
const (
	ViaEngine     = "engine"     // the receiver's engine in-process, compared as pdata (RunConfig)
	ViaPrometheus = "prometheus" // the distribution's Prometheus exporter, compared as text (RunConfigPrometheus)
	ViaPull       = "pull"       // the distribution's receiver serving its own pull endpoint, compared as text (RunConfigPrometheus, CollectorOptions.Pull)
)

// PrometheusOptions add what the Prometheus path needs to Options.
type PrometheusOptions struct {
	// Collector runs the distribution; Kubeconfig, WorkDir and Name are filled in from Options.
	Collector CollectorOptions
	// Inspect, when set, runs after the comparison while both processes still run (for checks that
	// change the cluster, or to capture more scrapes). Its error fails the run.
	Inspect func(ctx context.Context, ksm *KSM, col *Collector) error
}

// RunConfigPrometheus compares one receiver configuration through the Prometheus path: it starts
// kube-state-metrics with the equivalent flags and the distribution (_build/otelcol-kubestate) with
// the receiver config feeding the Prometheus exporter with the README's settings, waits until both
// have synced and serve stable output, scrapes both back to back as Prometheus text 0.0.4, and
// compares them series by series (Compare) and byte for byte (CompareExposition). Both processes are
// stopped before it returns.
func RunConfigPrometheus(ctx context.Context, name string, cfg *kubestatereceiver.Config, opts Options, popts PrometheusOptions) (run Run, err error) {
	opts = opts.withDefaults()
	run.Name, run.Via = name, ViaPrometheus
	ksm, err := startKSMFor(name, cfg, opts, &run)
	if err != nil {
		return run, err
	}
	defer ksm.Stop()

	co := popts.Collector
	co.Kubeconfig, co.WorkDir, co.Name = opts.Kubeconfig, opts.WorkDir, name
	col, err := StartCollector(cfg, co)
	if err != nil {
		return run, err
	}
	defer col.Stop()
	s := col.Settings
	if s.Pull {
		run.Via = ViaPull
	}
	run.Collector = fmt.Sprintf("%s (collection_interval %s, export_timeout %s; prometheus exporter: translation_strategy %s, without_scope_info %v, metric_expiration %s)",
		s.Binary, s.CollectionInterval, s.ExportTimeout, PrometheusExporterSettings["translation_strategy"], PrometheusExporterSettings["without_scope_info"], s.MetricExpiration)
	if s.Pull {
		run.Collector = fmt.Sprintf("%s (collection_interval %s; the receiver's pull endpoint, push: false)", s.Binary, s.CollectionInterval)
	}
	opts.progress("[%s] started %s, config %s", name, run.Collector, col.ConfigPath)

	waitCtx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	if n, err := customStores(waitCtx, cfg, opts.Kubeconfig); err != nil {
		return run, err
	} else if n > 0 {
		ksm.CustomStores, ksm.CRSOnly = n, cfg.CustomResourceStateOnly
		if cfg.CustomResourceStateOnly {
			col.MinResources = n // the collector's custom resource sources come after its first sync
		}
		opts.progress("[%s] %d custom resource stores expected", name, n)
	}
	if err := ksm.WaitStable(waitCtx, opts.Settle); err != nil {
		return run, err
	}
	opts.progress("[%s] kube-state-metrics synced (log %s)", name, ksm.LogPath)
	if err := col.WaitStable(waitCtx); err != nil {
		return run, err
	}
	opts.progress("[%s] collector synced, exporter output stable (log %s)", name, col.LogPath)

	ksmBody, oursBody, err := ScrapeBoth(ctx, ksm, col)
	if err != nil {
		return run, err
	}
	ksmSet, err := ParseText(bytes.NewReader(ksmBody))
	if err != nil {
		return run, fmt.Errorf("kube-state-metrics exposition: %w", err)
	}
	ours, err := ParseText(bytes.NewReader(oursBody))
	if err != nil {
		return run, fmt.Errorf("exporter exposition: %w", err)
	}
	// A line served twice (same series and value: KSM does it, and so does the pull endpoint; the
	// exporter serves one line per series) is one sample to a Prometheus server: compared once.
	if n, m := ksmSet.CollapseDuplicates(), ours.CollapseDuplicates(); n+m > 0 {
		opts.progress("[%s] lines served twice (same series and value), compared once: kube-state-metrics %d, ours %d", name, n, m)
	}
	run.Result = Compare(ksmSet, ours, opts.Tolerances)
	if run.Exposition, err = CompareExposition(ksmBody, oursBody, opts.Tolerances); err != nil {
		return run, err
	}
	opts.progress("[%s] kube-state-metrics %d series, exporter %d series: %s", name, len(ksmSet.Series), len(ours.Series), run.Result.Summary())
	opts.progress("[%s] %s", name, run.Exposition.Summary())

	if popts.Inspect != nil {
		if err := popts.Inspect(ctx, ksm, col); err != nil {
			return run, err
		}
	}
	return run, nil
}

// customStores is how many custom resource stores cfg's custom resource state config resolves to
// on the cluster of kubeconfig now; 0 without one.
func customStores(ctx context.Context, cfg *kubestatereceiver.Config, kubeconfig string) (int, error) {
	res, err := cfg.CustomResources()
	if err != nil || res == nil {
		return 0, err
	}
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return 0, err
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return 0, err
	}
	return customresource.CountBindings(ctx, dyn, res)
}

// ScrapeBoth reads both expositions back to back, KSM first: the exporter serves the last completed
// cycle, so the two reflect the cluster at nearly the same time.
func ScrapeBoth(ctx context.Context, ksm *KSM, col *Collector) (ksmBody, oursBody []byte, err error) {
	if ksmBody, err = ksm.Exposition(ctx); err != nil {
		return nil, nil, fmt.Errorf("scraping kube-state-metrics: %w", err)
	}
	if oursBody, err = col.Exposition(ctx); err != nil {
		return nil, nil, fmt.Errorf("scraping the Prometheus exporter: %w", err)
	}
	return ksmBody, oursBody, nil
}
