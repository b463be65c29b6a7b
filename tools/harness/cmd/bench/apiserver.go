package main

// bench -apiserver (make bench-apiserver): what each collector costs the kube-apiserver. On one
// seeded synthetic cluster with light churn, each variant (-apiserver-variants) runs alone, one after
// the other: first the apiserver with no collector (its baseline), then the collector from its start
// to its sync (kubestate: its first export, which it makes as soon as every informer has synced;
// KSM: the first scrape holding every pod, confirmed by the next), then a steady window of -cycles
// intervals. The apiserver's /proc is sampled throughout; CPU is counted beyond the baseline's rate,
// the sync's memory peak is VmHWM reset at the collector's start. It prints a table and a line per
// variant:
//
//	bench-apiserver: pods=<n> client=<ksm|kubestate> encoding=<protobuf|json> watchlist=<on|off> sync_cpu_s=<x> sync_peak_rss_mb=<x> steady_cpu_s_per_min=<x> ...
//
// WatchList is switched by client-go's own environment variable, KUBE_FEATURE_WatchListClient, in
// the collector's process. Both collectors ask for protobuf and have no setting for JSON; a json
// variant reaches the apiserver through bench.APIProxy, which rewrites the Accept header.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/internal/testenv/controlplane"
	"github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/tools/harness/bench"
)

var (
	apiVariantsFlag = flag.String("apiserver-variants", bench.DefaultAPIVariants,
		"with -apiserver: the runs, comma-separated client/encoding/watchlist[/proxy] (client ksm or kubestate, encoding protobuf or json, watchlist on or off; /proxy passes protobuf through the JSON proxy unchanged)")
	apiBaselineFlag = flag.Duration("apiserver-baseline", 0, "with -apiserver: the apiserver alone before each run (default: as long as the steady window)")
	apiSettleFlag   = flag.Duration("apiserver-settle", 10*time.Second, "with -apiserver: pause after a collector stops, before the next baseline")
)

// apiReport is printed, never recorded: the results file holds the collectors' own figures.
type apiReport struct{ bench.APIResult }

func (apiReport) Record(bench.RunInfo) bench.Record { return bench.Record{} }

// apiInterval is 15 s unless -interval was given: the steady window is a few intervals, and the
// interval changes nothing the apiserver does.
func apiInterval(o options) time.Duration {
	d := 15 * time.Second
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "interval" {
			d = o.interval
		}
	})
	return d
}

// apiCycles is the steady window in intervals: 4 unless -cycles was given.
func apiCycles(o options) int {
	n := 4
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "cycles" {
			n = o.cycles
		}
	})
	return n
}

func runAPIServerBench(ctx context.Context, o options) (_ report, err error) {
	res := apiReport{}
	if o.pull || o.pipeline || o.crs > 0 {
		return res, fmt.Errorf("-apiserver is a run of its own (not with -pull, -pipeline or -crs)")
	}
	variants, err := bench.ParseAPIVariants(*apiVariantsFlag)
	if err != nil {
		return res, err
	}
	o.interval, o.cycles = apiInterval(o), apiCycles(o)
	steady := time.Duration(o.cycles) * o.interval
	baseline := *apiBaselineFlag
	if baseline <= 0 {
		baseline = steady
	}
	updates, replacements := crsChurnRates(o) // -light's unless -updates or -replacements
	ksmBin := filepath.Join(o.bin, "kube-state-metrics")
	for _, v := range variants {
		bin := o.collector
		if v.Client == "ksm" {
			bin = ksmBin
		}
		if _, err := os.Stat(bin); err != nil {
			return res, fmt.Errorf("%w (run make tools build)", err)
		}
	}
	if o.kubeconfig != "" {
		return res, errors.New("-apiserver samples the local apiserver's process: use -state, not -kubeconfig")
	}
	be, closeEnv, err := setUp(ctx, &o, "kubestate-bench-apiserver-", "make tools build")
	if err != nil {
		return res, err
	}
	defer closeEnv()
	apiPID, cs := be.cluster.Local.APIServerPID, be.cs
	if err := bench.ResetPeakRSS(apiPID); err != nil {
		return res, fmt.Errorf("resetting the apiserver's VmHWM: %w", err)
	}

	light := o // the churn's rates: -light's unless -updates or -replacements say otherwise
	light.updates, light.replacements = updates, replacements
	churn, have, err := seedPods(ctx, cs, light)
	if err != nil {
		return res, err
	}
	res.Pods, res.Interval = have, o.interval

	defer runChurn(ctx, churn)()

	// The apiserver, sampled every 200 ms for the whole run.
	sampler := &apiSampler{pid: apiPID}
	sampleCtx, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() { defer close(sampled); sampler.run(sampleCtx, 200*time.Millisecond) }()
	defer func() { stopSampling(); <-sampled }()

	var failed []error
	for i, v := range variants {
		if i > 0 {
			if err := pause(ctx, *apiSettleFlag); err != nil {
				return res, err
			}
		}
		run, err := runAPIVariant(ctx, o, v, apiVariantEnv{cluster: be.cluster.Local, cs: cs, sampler: sampler, pods: have, baseline: baseline, steady: steady, ksmBin: ksmBin, seq: i})
		if err != nil {
			return res, fmt.Errorf("%s: %w", v, err)
		}
		if err := run.CheckRequests(); err != nil {
			failed = append(failed, err)
		}
		res.Runs = append(res.Runs, run)
		progress("%s", bench.APIResult{Pods: res.Pods, Runs: []bench.APIRun{run}}.Line())
	}
	res.Notes = append(res.Notes,
		fmt.Sprintf("each collector alone against the apiserver, one after the other; the apiserver alone for %s before each (its baseline), then the collector's sync, then %s of watching; %s between runs", baseline, steady, *apiSettleFlag),
		fmt.Sprintf("churn throughout: %g pod status updates/s, %g pod replacements/s", updates, replacements),
		"sync: kubestate from its start to its first export (made as soon as every informer has synced); KSM from its start to the first scrape (scraped every second) holding every pod, confirmed by the next",
		"WatchList switched by client-go's KUBE_FEATURE_WatchListClient in the collector's environment; json: through a reverse proxy rewriting Accept to application/json (kubestate's Secrets are read as Table JSON either way); LIST / WATCH / streamed lists are the apiserver's own request counters over the run",
		"the machine may be shared: CPU seconds are per process, but other work changes caches and clocks")
	if len(failed) > 0 {
		return res, fmt.Errorf("%w\n\n%s", errors.Join(failed...), res.Table())
	}
	return res, nil
}

type apiVariantEnv struct {
	cluster          *controlplane.Cluster
	cs               kubernetes.Interface
	sampler          *apiSampler
	pods             int
	baseline, steady time.Duration
	ksmBin           string
	seq              int
}

func runAPIVariant(ctx context.Context, o options, v bench.APIVariant, e apiVariantEnv) (bench.APIRun, error) {
	run := bench.APIRun{Variant: v}
	name := fmt.Sprintf("%d-%s", e.seq, strings.ReplaceAll(v.String(), "/", "-"))
	before, err := apiRequests(ctx, e.cs)
	if err != nil {
		return run, err
	}
	progress("%s: the apiserver alone for %s", v, e.baseline)
	baseFrom := time.Now()
	if err := pause(ctx, e.baseline); err != nil {
		return run, err
	}
	baseTo := time.Now()

	kubeconfig := e.cluster.KubeconfigPath()
	var proxy *bench.APIProxy
	if v.ViaProxy() {
		if proxy, err = bench.StartAPIProxy(e.cluster.Server, e.cluster.CAData, v.Encoding == "json"); err != nil {
			return run, err
		}
		defer proxy.Close()
		kubeconfig = filepath.Join(o.workDir, name+".kubeconfig")
		if err := bench.WriteKubeconfig(kubeconfig, proxy.URL(), proxy.CAPEM, e.cluster.AdminToken); err != nil {
			return run, err
		}
	}

	if err := bench.ResetPeakRSS(e.sampler.pid); err != nil {
		return run, fmt.Errorf("resetting the apiserver's VmHWM: %w", err)
	}
	var (
		p      *proc.Process
		synced func() (time.Time, bool)
		// stopProbing ends what watched for the sync (KSM's scrapes) before the steady window.
		stopProbing = func() {}
	)
	switch v.Client {
	case "ksm":
		port, err := proc.FreePort()
		if err != nil {
			return run, err
		}
		telemetry, err := proc.FreePort()
		if err != nil {
			return run, err
		}
		if p, err = proc.Start("kube-state-metrics", e.ksmBin, filepath.Join(o.workDir, name+".log"), v.Env(),
			"--kubeconfig="+kubeconfig, "--host=127.0.0.1", "--port="+strconv.Itoa(port),
			"--telemetry-host=127.0.0.1", "--telemetry-port="+strconv.Itoa(telemetry)); err != nil {
			return run, err
		}
		scrapeCtx, stopScrapes := context.WithCancel(ctx)
		scrapes := &ksmScrapes{url: fmt.Sprintf("http://127.0.0.1:%d/metrics", port)}
		done := make(chan struct{})
		go func() { defer close(done); scrapes.run(scrapeCtx, time.Second) }()
		stopProbing = sync.OnceFunc(func() { stopScrapes(); <-done })
		defer stopProbing()
		synced = func() (time.Time, bool) { return bench.KSMSynced(scrapes.all(), e.pods, 0.005) }
	default:
		sink, sinkAddr, stopSink, err := bench.StartSink()
		if err != nil {
			return run, err
		}
		defer stopSink()
		cfgPath := filepath.Join(o.workDir, name+".yaml")
		if err := os.WriteFile(cfgPath, []byte(collectorConfig(kubeconfig, sinkAddr, 0, o).YAML()), 0o644); err != nil {
			return run, err
		}
		if p, err = proc.Start("otelcol-kubestate", o.collector, filepath.Join(o.workDir, name+".log"), v.Env(), "--config="+cfgPath); err != nil {
			return run, err
		}
		synced = func() (time.Time, bool) {
			if cs := sink.Cycles(); len(cs) > 0 {
				return cs[0].Start, true
			}
			return time.Time{}, false
		}
	}
	defer p.Stop(20 * time.Second)
	progress("%s: %s started (pid %d)", v, p.Name, p.PID())

	var syncAt time.Time
	deadline := time.Now().Add(o.timeout)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return run, ctx.Err()
		case <-tick.C:
		}
		if p.Exited() {
			return run, fmt.Errorf("%s exited; last lines of %s:\n%s", p.Name, p.LogPath, p.Tail(20))
		}
		if at, ok := synced(); ok {
			syncAt = at
			break
		}
		if time.Now().After(deadline) {
			return run, fmt.Errorf("%s did not sync within %s (-sync-timeout); log %s", p.Name, o.timeout, p.LogPath)
		}
	}
	hwm, err := bench.ReadProc(e.sampler.pid)
	if err != nil {
		return run, fmt.Errorf("reading the apiserver: %w", err)
	}
	run.SyncPeakRSS = hwm.HWM
	stopProbing()
	steadyFrom := time.Now()
	progress("%s: synced after %s; watching for %s", v, syncAt.Sub(p.Started).Round(100*time.Millisecond), e.steady)
	if err := pause(ctx, e.steady); err != nil {
		return run, err
	}
	steadyTo := time.Now()
	p.Stop(20 * time.Second)
	if proxy != nil {
		run.ProtobufBodies, run.JSONBody, run.GzipBodies = proxy.Responses()
		_ = proxy.Close()
	}
	after, err := apiRequests(ctx, e.cs)
	if err != nil {
		return run, err
	}
	run.Requests = after.Sub(before)

	samples := e.sampler.all()
	if run.Baseline, err = bench.MeasureWindow(samples, baseFrom, baseTo); err != nil {
		return run, fmt.Errorf("baseline: %w", err)
	}
	mid := baseFrom.Add(baseTo.Sub(baseFrom) / 2)
	for i, w := range [][2]time.Time{{baseFrom, mid}, {mid, baseTo}} {
		if run.BaselineHalves[i], err = bench.MeasureWindow(samples, w[0], w[1]); err != nil {
			return run, fmt.Errorf("baseline: %w", err)
		}
	}
	if run.Sync, err = bench.MeasureWindow(samples, p.Started, syncAt); err != nil {
		return run, fmt.Errorf("sync: %w", err)
	}
	if run.Steady, err = bench.MeasureWindow(samples, steadyFrom, steadyTo); err != nil {
		return run, fmt.Errorf("steady: %w", err)
	}
	return run, nil
}

// pause waits d, or until ctx ends: a measurement window, not a wait for anything.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// apiRequests reads the apiserver's request counters (outside every measured window: the read
// costs it CPU).
func apiRequests(ctx context.Context, cs kubernetes.Interface) (bench.APIRequests, error) {
	rc, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").Stream(ctx)
	if err != nil {
		return bench.APIRequests{}, fmt.Errorf("apiserver /metrics: %w", err)
	}
	defer rc.Close()
	return bench.ParseAPIRequests(rc)
}

// apiSampler reads one process's /proc every period.
type apiSampler struct {
	pid     int
	mu      sync.Mutex
	samples []bench.ProcSample
}

func (s *apiSampler) run(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		if x, err := bench.ReadProc(s.pid); err == nil {
			s.mu.Lock()
			s.samples = append(s.samples, x)
			s.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *apiSampler) all() []bench.ProcSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bench.ProcSample(nil), s.samples...)
}

// ksmScrapes scrapes KSM one scrape after the other, at most one per period, counting its pods.
type ksmScrapes struct {
	url     string
	mu      sync.Mutex
	scrapes []bench.KSMScrape
}

func (k *ksmScrapes) run(ctx context.Context, period time.Duration) {
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	for {
		start := time.Now()
		if s, err := k.scrape(ctx, client); err == nil {
			k.mu.Lock()
			k.scrapes = append(k.scrapes, s)
			k.mu.Unlock()
		}
		if err := pause(ctx, time.Until(start.Add(period))); err != nil {
			return
		}
	}
}

func (k *ksmScrapes) scrape(ctx context.Context, client *http.Client) (bench.KSMScrape, error) {
	s := bench.KSMScrape{Start: time.Now()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return s, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return s, err // not listening yet
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("GET %s: %s", k.url, resp.Status)
	}
	s.Series, s.Pods, err = bench.CountKSMPage(resp.Body)
	s.End = time.Now()
	return s, err
}

func (k *ksmScrapes) all() []bench.KSMScrape {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]bench.KSMScrape(nil), k.scrapes...)
}
