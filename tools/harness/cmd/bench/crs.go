package main

// bench -crs N (make bench-crs): custom resource state instead of pods. N Releases of
// bench.kubestate.io, both sides started with testdata/bench/crs/config.yaml alone (KSM with
// --custom-resource-state-only, kubestate with custom_resource_state_only), KSM scraped and
// kubestate exporting to the sink as in the lean push run. It ends with
//
//	bench-crs: crs=<n> series=<kubestate>/<ksm> cpu_ratio=<x> rss_ratio=<x> kubestate_cpu_s=<x> ksm_cpu_s=<x> kubestate_rss_mb=<x> ksm_rss_mb=<x>

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/client-go/dynamic"

	"github.com/kubestate/kubestate/tools/harness/bench"
)

// crsChurnRates are -light's rates (2 updates/s, a replacement every 10 s) unless -updates or
// -replacements were given.
func crsChurnRates(o options) (updates, replacements float64) {
	updates, replacements = 2, 0.1
	flag.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "updates":
			updates = o.updates
		case "replacements":
			replacements = o.replacements
		}
	})
	return updates, replacements
}

func runCRSBench(ctx context.Context, o options) (_ report, err error) {
	var res bench.CRSResult
	if o.pull || o.pipeline {
		return res, fmt.Errorf("-crs measures the lean push path only (not with -pull or -pipeline)")
	}
	updates, replacements := crsChurnRates(o)
	ksmBin := filepath.Join(o.bin, "kube-state-metrics")
	crsConfig, err := filepath.Abs(bench.CRSConfigFile())
	if err != nil {
		return res, err
	}
	be, closeEnv, err := setUp(ctx, &o, "kubestate-bench-crs-", "make tools build", ksmBin, o.collector)
	if err != nil {
		return res, err
	}
	defer closeEnv()
	kubeconfig, restCfg, cs := be.kubeconfig, be.rest, be.cs
	dyn, err := dynamic.NewForConfig(restCfg)
	if err != nil {
		return res, err
	}

	// The Releases, seeded once: a reused cluster that holds enough is not touched.
	have, err := bench.CountReleases(ctx, dyn)
	if err != nil {
		return res, fmt.Errorf("listing releases: %w", err)
	}
	if have < o.crs {
		progress("seeding %d releases", o.crs)
		if err := bench.SeedReleases(ctx, cs, dyn, o.crs, 0, os.Stderr); err != nil {
			return res, fmt.Errorf("seeding: %w", err)
		}
		if have, err = bench.CountReleases(ctx, dyn); err != nil {
			return res, fmt.Errorf("listing releases: %w", err)
		}
	}
	if have != o.crs {
		progress("the cluster holds %d releases (asked for %d)", have, o.crs)
	}
	res.Releases, res.Want, res.Interval = have, have*bench.CRSSeriesPerObject, o.interval

	sink, sinkAddr, stopSink, err := bench.StartSink()
	if err != nil {
		return res, err
	}
	defer stopSink()
	cfg := collectorConfig(kubeconfig, sinkAddr, 0, o)
	cfg.CustomResourceStateFile = crsConfig
	cfgPath := filepath.Join(o.workDir, "collector.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg.YAML()), 0o644); err != nil {
		return res, err
	}
	ksm, col, ksmPort, err := startPair(o, kubeconfig, cfgPath, "--custom-resource-state-only", "--custom-resource-state-config-file="+crsConfig)
	if err != nil {
		return res, err
	}
	defer ksm.Stop(10 * time.Second)
	defer col.Stop(20 * time.Second)
	progress("kube-state-metrics (pid %d) and otelcol-kubestate (pid %d) started with %s", ksm.PID(), col.PID(), bench.CRSConfigFile())
	ksmSide := &bench.Side{Name: "kube-state-metrics", Started: ksm.Started}
	colSide := &bench.Side{Name: "kubestate", Started: col.Started}

	// KSM scraped every interval, like a Prometheus server.
	var mu sync.Mutex // guards ksmSide.Deliveries
	scrapeCtx, stopScrapes := context.WithCancel(ctx)
	var scrapes sync.WaitGroup
	scrapeEvery(scrapeCtx, &scrapes, &mu, o.interval, fmt.Sprintf("http://127.0.0.1:%d/metrics", ksmPort), o.gzip, ksmSide)
	defer func() { stopScrapes(); scrapes.Wait() }()
	theirs := func() []bench.Delivery {
		mu.Lock()
		defer mu.Unlock()
		return append([]bench.Delivery(nil), ksmSide.Deliveries...)
	}

	// The churn starts once both sides agree on the still cluster.
	churn := &bench.ReleaseChurn{Client: dyn, Releases: have, UpdatesPerSec: updates, ReplacementsPerSec: replacements}
	churnCtx, stopChurn := context.WithCancel(ctx)
	var churnDone sync.WaitGroup
	churned := false
	defer func() {
		stopChurn()
		churnDone.Wait()
		if churned {
			progress("churn: %d updates, %d replacements, %d errors", churn.Updates.Load(), churn.Replacements.Load(), churn.Errors.Load())
		}
	}()

	var steadyFrom, endAt time.Time
	deadline := time.Now().Add(o.timeout)
	sample := time.NewTicker(200 * time.Millisecond)
	defer sample.Stop()
	lastReport := time.Now()
loop:
	for {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-sample.C:
		}
		for _, p := range []sampledProc{{ksm, ksmSide}, {col, colSide}} {
			if p.proc.Exited() {
				return res, fmt.Errorf("%s exited; last lines of %s:\n%s", p.proc.Name, p.proc.LogPath, p.proc.Tail(20))
			}
			if s, err := bench.ReadProc(p.proc.PID()); err == nil {
				p.side.Samples = append(p.side.Samples, s)
			}
		}
		now := time.Now()
		if !steadyFrom.IsZero() {
			if now.After(endAt) {
				break loop
			}
			continue
		}
		scrapesSoFar, cycles := theirs(), finished(sink.Cycles(), now)
		done, err := bench.CRSSync(scrapesSoFar, cycles, res.Want)
		switch {
		case err != nil:
			return res, fmt.Errorf("parity sanity check on the still cluster: %w (KSM scrapes %v, kubestate cycles %v)", err, points(scrapesSoFar), points(cycles))
		case done:
			steadyFrom = now
			endAt = now.Add(time.Duration(o.cycles)*o.interval + o.interval/2)
			progress("both sides deliver all %d series; churn (%g updates/s, %g replacements/s) and a steady window of %d intervals until %s",
				res.Want, updates, replacements, o.cycles, endAt.Format("15:04:05"))
			churned = true
			churnDone.Add(1)
			go func() { defer churnDone.Done(); churn.Run(churnCtx) }()
		case now.After(deadline):
			return res, fmt.Errorf("parity sanity check: not every series from both sides after %s: want %d; KSM scrapes %v, kubestate cycles %v", o.timeout, res.Want, points(scrapesSoFar), points(cycles))
		case now.Sub(lastReport) > 15*time.Second:
			progress("waiting for %d series: KSM scrapes %v, kubestate cycles %v", res.Want, points(scrapesSoFar), points(cycles))
			lastReport = now
		}
	}
	res.SteadyFrom, res.EndedAt = steadyFrom, endAt
	ksmSide.Deliveries = theirs()
	colSide.Deliveries = sink.Cycles()
	const tol = 0.005
	res.KSM = bench.Summarize(ksmSide, steadyFrom, endAt, res.Want, tol)
	res.Kubestate = bench.Summarize(colSide, steadyFrom, endAt, res.Want, tol)
	res.Notes = append(res.Notes,
		fmt.Sprintf("both sides read %s alone (KSM --custom-resource-state-only, kubestate custom_resource_state_only); the series counts were checked equal on the still cluster before the window", bench.CRSConfigFile()),
		fmt.Sprintf("churn during the window: %g release updates/s, %g release replacements/s; compression: %v", updates, replacements, o.gzip),
		"the machine may be shared: CPU seconds are per process, but other work changes caches and clocks")
	// Churn changes values, never the set of series: the medians must still agree.
	if err := bench.CheckSeriesCounts(res.KSM.PerCycle, res.Kubestate.PerCycle, res.Want); err != nil {
		return res, fmt.Errorf("in the steady window (median per cycle): %w\n\n%s", err, res.Table())
	}
	return res, nil
}
