// Command bench runs kube-state-metrics v2.20.0 and the kubestate distribution side by side on the same
// apiserver (`make bench`) and compares whole processes: CPU seconds, steady and start-up peak RSS, time
// to the first complete export, and the data each delivers per cycle.
//
// It starts a local control plane (or reuses one with -state / -kubeconfig), seeds a synthetic cluster
// of -pods pods (two containers each, with nodes, namespaces, deployments and replicasets), keeps it
// changing at a fixed rate (pod status updates and pod replacements), then starts both processes at
// the same moment. KSM is scraped over HTTP every -interval with the body read and discarded; the
// distribution exports every -interval over OTLP/gRPC to a local sink that decodes and discards.
// Neither side compresses (see -gzip). Once both deliver complete data, a steady window of -cycles
// intervals is measured. It prints a table and ends with
//
//	bench: pods=<n> series_ksm=<n> points_kubestate=<n> cpu_ratio=<x> rss_ratio=<x> peak_rss_ratio=<x> first_export_s=<x>
//
// With -pipeline it measures the pipelines users deploy instead: the distribution with the README's
// recommended exporter settings against KSM scraped by a reference Collector's Prometheus receiver
// (-peer, make peer) exporting OTLP with its defaults, each to a sink of its own; the peer's two
// processes are summed, and a change of one pod is timed end to end through both paths:
//
//	bench-pipeline: pods=<n> cpu_ratio_vs_ksm_plus_scraper=<x> rss_ratio_vs_ksm_plus_scraper=<x> freshness_s=<kubestate>/<ksm_pipeline> cpu_ratio_vs_ksm=<x> rss_ratio_vs_ksm=<x> points_per_min=<kubestate>/<ksm_pipeline> churn=<light|heavy> compression=<c> resend_interval=<d>
//
// With -k8scluster as well, the contrib k8s_cluster receiver v0.149.0 runs beside them as a third
// path (tools/k8sclusterref -otlp, make peer-k8scluster): one process, same cluster and interval,
// exporting OTLP with kubestate's compression (the exporter's other settings at their defaults) to a
// sink of its own, measured over the same window; the line then ends in
//
//	... cpu_ratio_vs_k8s_cluster=<x> rss_ratio_vs_k8s_cluster=<x> points_per_min_k8s_cluster=<x> freshness_k8s_cluster_s=<x>
//
// (ratios kubestate over the k8s_cluster receiver, as every ratio of the line). It emits far fewer
// points than KSM's families (about a fifth); -schema k8s_cluster makes kubestate emit the same set.
//
// Every run appends its figures as one JSON line to -results (docs/bench/results.jsonl), from which
// `make bench-plot` draws docs/bench/performance.svg.
//
// With -crs N it measures custom resource state instead (make bench-crs): N custom resources and one
// 5-metric config on both sides, after a check that both export the same series count (crs.go):
//
//	bench-crs: crs=<n> series=<kubestate>/<ksm> cpu_ratio=<x> rss_ratio=<x> kubestate_cpu_s=<x> ksm_cpu_s=<x> kubestate_rss_mb=<x> ksm_rss_mb=<x>
//
// With -apiserver it measures the kube-apiserver's cost of each collector instead (make
// bench-apiserver, apiserver.go): one line per variant,
//
//	bench-apiserver: pods=<n> client=<ksm|kubestate> encoding=<protobuf|json> watchlist=<on|off> sync_cpu_s=<x> sync_peak_rss_mb=<x> steady_cpu_s_per_min=<x>
//
// With -shards N it measures sharding (make bench-sharded): beside the unsharded pair, N shards of
// each side (KSM --shard/--total-shards, kubestate shard/total_shards), all on the same cluster and
// churn, each side's shards checked to add up to its unsharded instance (sharded.go):
//
//	bench-sharded: pods=<n> shards=<N> shard_rss_ratio_max=<x> shards_cpu_ratio=<x> ksm_shard_rss_ratio_max=<x> kubestate_vs_ksm_shards_cpu=<x> kubestate_vs_ksm_shards_rss=<x> shards_cpu_ratio_steady=<x> shard_anon_ratio_max=<x>
//
//	bench [-pods N] [-interval 30s] [-cycles 8] [-state DIR | -kubeconfig FILE] [-bin bin] [-collector _build/otelcol-kubestate]
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/internal/testenv/seed"
	"github.com/kubestate/kubestate/tools/harness/bench"
)

type options struct {
	pods                  int
	interval              time.Duration
	cycles                int
	state, kubeconfig     string
	bin, collector        string
	workDir               string
	updates, replacements float64
	gzip                  bool
	timeout               time.Duration
	maxBatch              int
	gogc                  string
	pprof                 string
	envCollector, envKSM  string
	collectorArgs         string
	pull                  bool
	pipeline              bool
	peer                  string
	light                 bool
	compression           string
	freshTrials           int
	crs                   int
	defaults              bool
	apiserver             bool
	schema                string
	shards                int
	results               string
	k8scluster            bool
	k8sclusterRef         string
}

func main() { os.Exit(run()) }

func run() int {
	// Paths, in flags and their defaults, are relative to the repository root wherever this runs from.
	if root, err := testenv.RepoRoot(); err == nil {
		_ = os.Chdir(root)
	}
	o := options{pods: 10000}
	if v := os.Getenv("BENCH_PODS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: BENCH_PODS=%q is not a positive number\n", v)
			return 2
		}
		o.pods = n
	}
	flag.IntVar(&o.pods, "pods", o.pods, "pods in the synthetic cluster ($BENCH_PODS)")
	flag.DurationVar(&o.interval, "interval", 30*time.Second, "collection interval of the receiver and scrape interval of KSM")
	flag.IntVar(&o.cycles, "cycles", 8, "intervals in the steady window")
	flag.StringVar(&o.state, "state", "", "reuse the control plane recorded in DIR, or start one there and leave it running (stop it with bin/devcluster down -state DIR); default: a temporary one, stopped at the end")
	flag.StringVar(&o.kubeconfig, "kubeconfig", "", "use this running cluster (seeded here if it has fewer synthetic pods)")
	flag.StringVar(&o.bin, "bin", "bin", "directory holding kube-state-metrics, etcd and kube-apiserver")
	flag.StringVar(&o.collector, "collector", "_build/otelcol-kubestate", "the distribution binary")
	flag.StringVar(&o.workDir, "workdir", "", "where configs and logs go; default a temporary directory, kept and named at the end")
	flag.Float64Var(&o.updates, "updates", 20, "pod status updates per second during the run")
	flag.Float64Var(&o.replacements, "replacements", 1, "pod replacements (delete + create) per second during the run")
	flag.BoolVar(&o.gzip, "gzip", false, "compress both sides: KSM scraped with Accept-Encoding gzip, OTLP exported with gzip")
	flag.DurationVar(&o.timeout, "sync-timeout", 10*time.Minute, "how long both sides may take to deliver complete data")
	flag.IntVar(&o.maxBatch, "max-batch", 8192, "max_data_points_per_batch of the receiver")
	flag.StringVar(&o.gogc, "gogc", "", "GOGC for both processes (default: unset, as deployed)")
	flag.StringVar(&o.envCollector, "env-collector", "", "extra environment of the distribution only, comma-separated VAR=value (e.g. GOGC=200,GODEBUG=gctrace=1)")
	flag.StringVar(&o.collectorArgs, "collector-args", "", "extra command-line arguments of the distribution, space-separated (e.g. --feature-gates=pdata.useProtoPooling)")
	flag.StringVar(&o.envKSM, "env-ksm", "", "extra environment of kube-state-metrics only, comma-separated VAR=value")
	flag.StringVar(&o.pprof, "pprof", "", "serve the collector's pprof extension on this address (needs a distribution built with it)")
	flag.BoolVar(&o.pull, "pull", false, "measure the pull path: the receiver's own endpoint (pull.endpoint, push: false) scraped like KSM, both asking for gzip as Prometheus does")
	flag.BoolVar(&o.pipeline, "pipeline", false, "measure the pipelines users deploy: kubestate as the README recommends (a sending queue sized in items, blocking; the exporter's default compression) against KSM scraped by a Collector's Prometheus receiver (-peer) exporting OTLP with its defaults; both processes of the peer summed, and end-to-end freshness of both paths")
	flag.StringVar(&o.peer, "peer", "_build/peer/otelcol-ksm-scraper", "with -pipeline: the reference collector scraping KSM (make peer)")
	flag.BoolVar(&o.light, "light", false, "light churn: 2 pod status updates/s and a pod replacement every 10 s (overrides -updates and -replacements)")
	flag.StringVar(&o.compression, "compression", "", "with -pipeline: compression of kubestate's otlp exporter (none, gzip, zstd, snappy); default: the README's (zstd)")
	flag.BoolVar(&o.defaults, "defaults", false, "with -pipeline: kubestate with every receiver and exporter setting at its default (queue of 1,000 requests, gzip, retries, no resend_interval) instead of the README's pipeline")
	flag.StringVar(&o.schema, "schema", "", "the receiver's schema: ksm (default), k8s_cluster or semconv; the KSM side is the same in every run")
	flag.IntVar(&o.freshTrials, "fresh-trials", 5, "with -pipeline: object changes timed end to end (median reported)")
	flag.IntVar(&o.crs, "crs", 0, "measure custom resources instead of pods: this many Releases with testdata/bench/crs/config.yaml on both sides (see crs.go)")
	flag.BoolVar(&o.apiserver, "apiserver", false, "measure the kube-apiserver's cost of each collector instead: CPU and memory during its initial sync and steady watch, protobuf vs JSON, WatchList on and off (see apiserver.go)")
	flag.IntVar(&o.shards, "shards", 0, "measure sharding: beside the unsharded pair, this many shards of each side (KSM --shard/--total-shards, kubestate shard/total_shards), each checked to add up to the unsharded one (see sharded.go)")
	flag.BoolVar(&o.k8scluster, "k8scluster", false, "with -pipeline: run the contrib k8s_cluster receiver v0.149.0 beside (-k8scluster-ref) as a further peer, exporting OTLP to a sink of its own with kubestate's compression and the exporter's other defaults; its CPU, RSS, points per minute and freshness")
	flag.StringVar(&o.k8sclusterRef, "k8scluster-ref", "_build/peer/k8sclusterref", "with -k8scluster: the k8s_cluster peer (tools/k8sclusterref; make peer-k8scluster)")
	flag.StringVar(&o.results, "results", bench.ResultsFile, "append the run's figures to this results file as a JSON line (\"\": don't)")
	flag.Parse()
	if o.light {
		o.updates, o.replacements = 2, 0.1
	}
	if o.defaults && !o.pipeline {
		fmt.Fprintln(os.Stderr, "bench: -defaults is a -pipeline run")
		return 2
	}
	if o.k8scluster && (!o.pipeline || o.crs > 0 || o.shards > 0 || o.apiserver) {
		fmt.Fprintln(os.Stderr, "bench: -k8scluster is a -pipeline run (not with -crs, -shards or -apiserver)")
		return 2
	}
	if o.pipeline && o.pull {
		fmt.Fprintln(os.Stderr, "bench: -pipeline and -pull are separate runs")
		return 2
	}
	switch o.compression {
	case "", "none", "gzip", "zstd", "snappy":
	default:
		fmt.Fprintf(os.Stderr, "bench: -compression %q: want none, gzip, zstd or snappy\n", o.compression)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runner := runBench
	switch {
	case o.crs > 0 && o.shards > 0:
		fmt.Fprintln(os.Stderr, "bench: -crs and -shards are separate runs")
		return 2
	case o.crs > 0:
		runner = runCRSBench
	case o.shards > 0:
		runner = runShardedBench
	}
	if o.apiserver && (o.crs > 0 || o.shards > 0) {
		fmt.Fprintln(os.Stderr, "bench: -apiserver is a run of its own")
		return 2
	}
	if o.apiserver {
		runner = runAPIServerBench
	}
	rep, err := runner(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	fmt.Println()
	fmt.Print(rep.Table())
	fmt.Println(rep.Line())
	// The results file and its plot are by cluster size in pods; a custom resource run is not one,
	// and -apiserver measures the apiserver, not the collectors. Nor is a sharded run: its unsharded
	// pair shares the cores with 2N other processes, so its figures would join the lean series while
	// not comparable to it, and a shard is not a cluster.
	if o.results != "" && o.crs == 0 && !o.apiserver && o.shards == 0 {
		if err := recordResult(o.results, rep, o, time.Now()); err != nil {
			fmt.Fprintln(os.Stderr, "bench: recording the result:", err)
			return 1
		}
	}
	return 0
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: %s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// report is what a run prints: bench.Result, or bench.Pipeline with -pipeline.
type report interface {
	Table() string
	Line() string
	Record(bench.RunInfo) bench.Record
}

func runBench(ctx context.Context, o options) (_ report, err error) {
	var res bench.Result
	binaries := []string{filepath.Join(o.bin, "kube-state-metrics"), o.collector}
	hint := "make tools build peer"
	if o.pipeline {
		binaries = append(binaries, o.peer)
	}
	if o.k8scluster {
		binaries = append(binaries, o.k8sclusterRef)
		hint += " peer-k8scluster"
	}
	be, closeEnv, err := setUp(ctx, &o, "kubestate-bench-", hint, binaries...)
	if err != nil {
		return res, err
	}
	defer closeEnv()
	kubeconfig, cs := be.kubeconfig, be.cs

	churn, have, err := seedPods(ctx, cs, o)
	if err != nil {
		return res, err
	}
	res.Pods, res.Interval = have, o.interval

	// With -pipeline, one pod leaves the churn: the bench changes it and times the change through
	// each path, each to a sink of its own, under the names that path emits.
	var probe bench.Probe
	var watchKS, watchPeer, watchK8s *bench.Watch
	if o.pipeline {
		if probe, err = reserveProbe(ctx, cs, churn); err != nil {
			return res, err
		}
		ksProbe, err := probeAs(o.schema, probe)
		if err != nil {
			return res, err
		}
		watchKS, watchPeer = &bench.Watch{Probe: ksProbe}, &bench.Watch{Probe: probe}
		if o.k8scluster {
			k8sProbe, err := probeAs("k8s_cluster", probe)
			if err != nil {
				return res, err
			}
			watchK8s = &bench.Watch{Probe: k8sProbe}
		}
	}

	// The sink, the churn, then the processes at the same moment.
	sink, sinkAddr, stopSink, err := bench.StartWatchedSink(watchKS)
	if err != nil {
		return res, err
	}
	defer stopSink()
	var peerSink *bench.Sink
	var peerSinkAddr string
	if o.pipeline {
		var stopPeerSink func()
		if peerSink, peerSinkAddr, stopPeerSink, err = bench.StartWatchedSink(watchPeer); err != nil {
			return res, err
		}
		defer stopPeerSink()
	}
	var k8sSink *bench.Sink
	var k8sSinkAddr string
	if o.k8scluster {
		var stopK8sSink func()
		if k8sSink, k8sSinkAddr, stopK8sSink, err = bench.StartWatchedSink(watchK8s); err != nil {
			return res, err
		}
		defer stopK8sSink()
	}
	defer runChurn(ctx, churn)()

	cfgPath := filepath.Join(o.workDir, "collector.yaml")
	pullPort, err := proc.FreePort()
	if err != nil {
		return res, err
	}
	if err := os.WriteFile(cfgPath, []byte(collectorConfig(kubeconfig, sinkAddr, pullPort, o).YAML()), 0o644); err != nil {
		return res, err
	}
	ksm, col, ksmPort, err := startPair(o, kubeconfig, cfgPath)
	if err != nil {
		return res, err
	}
	defer ksm.Stop(10 * time.Second)
	defer col.Stop(20 * time.Second)
	progress("kube-state-metrics (pid %d) and otelcol-kubestate (pid %d) started", ksm.PID(), col.PID())
	ksmSide := &bench.Side{Name: "kube-state-metrics", Started: ksm.Started}
	colSide := &bench.Side{Name: "kubestate", Started: col.Started}
	sampled := []sampledProc{{ksm, ksmSide}, {col, colSide}}
	var scraperSide *bench.Side
	if o.pipeline {
		scraperCfg := filepath.Join(o.workDir, "scraper.yaml")
		cfg := bench.ScraperConfig{Target: fmt.Sprintf("127.0.0.1:%d", ksmPort), Sink: peerSinkAddr, Interval: o.interval}
		if err := os.WriteFile(scraperCfg, []byte(cfg.YAML()), 0o644); err != nil {
			return res, err
		}
		scraper, err := proc.Start("otelcol-ksm-scraper", o.peer, filepath.Join(o.workDir, "otelcol-ksm-scraper.log"), gogcEnv(o), "--config="+scraperCfg)
		if err != nil {
			return res, err
		}
		defer scraper.Stop(20 * time.Second)
		progress("otelcol-ksm-scraper (pid %d) scrapes KSM every %s", scraper.PID(), o.interval)
		scraperSide = &bench.Side{Name: "scraper", Started: scraper.Started}
		sampled = append(sampled, sampledProc{scraper, scraperSide})
	}
	var k8sSide *bench.Side
	k8sPeer := bench.K8sClusterPeer{Sink: k8sSinkAddr, Interval: o.interval, Compression: collectorConfig(kubeconfig, sinkAddr, 0, o).PipelineCompression()}
	if o.k8scluster {
		k8s, err := proc.Start("k8sclusterref", o.k8sclusterRef, filepath.Join(o.workDir, "k8sclusterref.log"),
			append(gogcEnv(o), "KUBECONFIG="+kubeconfig), k8sPeer.Args()...)
		if err != nil {
			return res, err
		}
		defer k8s.Stop(20 * time.Second)
		progress("k8sclusterref (pid %d) collects every %s and exports to its sink", k8s.PID(), o.interval)
		k8sSide = &bench.Side{Name: "k8s_cluster", Started: k8s.Started}
		sampled = append(sampled, sampledProc{k8s, k8sSide})
	}
	// k8sCycles is what the k8s_cluster receiver has delivered so far (none without -k8scluster).
	k8sCycles := func(now time.Time) []bench.Delivery {
		if k8sSink == nil {
			return nil
		}
		return finished(k8sSink.Cycles(), now)
	}
	var mu sync.Mutex // guards ksmSide.Deliveries (the scraper) against the loop below

	scrapeCtx, stopScrapes := context.WithCancel(ctx)
	var scrapes sync.WaitGroup
	if !o.pipeline { // with -pipeline the reference collector scrapes KSM
		scrapeEvery(scrapeCtx, &scrapes, &mu, o.interval, fmt.Sprintf("http://127.0.0.1:%d/metrics", ksmPort), o.gzip || o.pull, ksmSide)
	}
	if o.pull {
		scrapeEvery(scrapeCtx, &scrapes, &mu, o.interval, fmt.Sprintf("http://127.0.0.1:%d/metrics", pullPort), true, colSide)
	}
	defer func() { stopScrapes(); scrapes.Wait() }()
	// ours is what kubestate has delivered so far: cycles received by the sink, or pull scrapes.
	ours := func(now time.Time) []bench.Delivery {
		if o.pull {
			mu.Lock()
			defer mu.Unlock()
			return append([]bench.Delivery(nil), colSide.Deliveries...)
		}
		return finished(sink.Cycles(), now)
	}
	// theirs is what KSM has delivered so far: the bench's scrapes, or the reference collector's exports.
	theirs := func(now time.Time) []bench.Delivery {
		if o.pipeline {
			return finished(peerSink.Cycles(), now)
		}
		mu.Lock()
		defer mu.Unlock()
		return append([]bench.Delivery(nil), ksmSide.Deliveries...)
	}
	// With -pipeline, the freshness trials run from the start of the steady window; the run ends
	// when both the window and the trials have.
	var fresh []bench.Freshness
	var freshErr error
	freshDone := make(chan struct{})
	startFreshness := func() {
		if !o.pipeline {
			close(freshDone)
			return
		}
		rnd := rand.New(rand.NewPCG(3, 4))
		pause := func(int) time.Duration { return time.Duration(rnd.Float64() * float64(o.interval)) }
		watches := []*bench.Watch{watchKS, watchPeer}
		if watchK8s != nil {
			watches = append(watches, watchK8s)
		}
		go func() {
			defer close(freshDone)
			fresh, freshErr = bench.FreshnessTrials(ctx, cs, probe, watches, o.freshTrials, pause, 2*o.interval+30*time.Second)
		}()
	}

	// Sample both processes until both deliver complete data, then for the steady window.
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
		for _, p := range sampled {
			if p.proc.Exited() {
				return res, fmt.Errorf("%s exited; last lines of %s:\n%s", p.proc.Name, p.proc.LogPath, p.proc.Tail(20))
			}
			s, err := bench.ReadProc(p.proc.PID())
			if err != nil {
				continue // exiting; caught above on the next round
			}
			p.side.Samples = append(p.side.Samples, s)
		}
		now := time.Now()
		if steadyFrom.IsZero() {
			scrapesSoFar := theirs(now)
			cycles := ours(now)
			k8s := k8sCycles(now)
			var k8sNote string
			if o.k8scluster {
				k8sNote = fmt.Sprintf(", k8s_cluster cycles %v", points(k8s))
			}
			if complete(scrapesSoFar, cycles, o.schema == "" || o.schema == "ksm", have) && (!o.k8scluster || settled(k8s)) {
				startFreshness()
				steadyFrom = now
				endAt = now.Add(time.Duration(o.cycles)*o.interval + o.interval/2)
				if o.k8scluster {
					k8sNote = fmt.Sprintf(", k8s_cluster %d points", k8s[len(k8s)-1].Points)
				}
				progress("all sides deliver complete data (KSM %d series, kubestate %d points%s); steady window of %d intervals until %s",
					scrapesSoFar[len(scrapesSoFar)-1].Points, cycles[len(cycles)-1].Points, k8sNote, o.cycles, endAt.Format("15:04:05"))
			} else if now.After(deadline) {
				return res, fmt.Errorf("no complete data from all sides after %s (KSM scrapes %v, kubestate cycles %v%s)", o.timeout, points(scrapesSoFar), points(cycles), k8sNote)
			} else if now.Sub(lastReport) > 15*time.Second {
				progress("waiting for complete data: KSM scrapes %v, kubestate cycles %v%s", points(scrapesSoFar), points(cycles), k8sNote)
				lastReport = now
			}
		} else if now.After(endAt) {
			select {
			case <-freshDone:
				break loop
			default:
			}
		}
	}
	res.SteadyFrom, res.EndedAt = steadyFrom, endAt

	ksmSide.Deliveries = theirs(time.Time{})
	colSide.Deliveries = ours(time.Time{})
	want := steadyMedian(ksmSide.Deliveries, steadyFrom, endAt)
	const tol = 0.005
	res.KSM = bench.Summarize(ksmSide, steadyFrom, endAt, want, tol)
	otherSchema := o.schema != "" && o.schema != "ksm"
	if otherSchema { // kubestate's complete cycle is its own steady count, not KSM's
		want = steadyMedian(colSide.Deliveries, steadyFrom, endAt)
	}
	res.Kubestate = bench.Summarize(colSide, steadyFrom, endAt, want, tol)
	if res.KSM.PerCycle != res.Kubestate.PerCycle && !otherSchema && !o.pipeline { // the pipeline resends unchanged series every RecommendedResend only
		res.Notes = append(res.Notes, fmt.Sprintf("median counts per cycle differ by %d (%.3f%%): objects change while they are read (run with -updates 0 -replacements 0 to compare a still cluster)",
			res.Kubestate.PerCycle-res.KSM.PerCycle, 100*math.Abs(float64(res.Kubestate.PerCycle-res.KSM.PerCycle))/float64(max(1, res.KSM.PerCycle))))
	}
	res.Pull = o.pull
	if otherSchema {
		res.Schema = o.schema
	}
	churnNote := fmt.Sprintf("churn during the run: %g pod status updates/s, %g pod replacements/s", o.updates, o.replacements)
	if !o.pipeline {
		churnNote += fmt.Sprintf("; compression: %v; pull path: %v", o.gzip || o.pull, o.pull)
	}
	res.Notes = append(res.Notes, churnNote,
		"the machine may be shared: CPU seconds are per process, but other work changes caches and clocks")
	if !o.pipeline {
		return res, nil
	}
	if freshErr != nil {
		return res, fmt.Errorf("freshness trials: %w", freshErr)
	}
	compression, resend, setup := o.compression, bench.RecommendedResend, "the README's pipeline"
	switch {
	case o.defaults && compression == "":
		compression, resend, setup = "gzip", 0, "every setting at its default"
	case o.defaults:
		resend, setup = 0, "every setting at its default but compression"
	case compression == "":
		compression = bench.RecommendedCompression
	}
	pl := bench.Pipeline{Result: res, Churn: "heavy", Compression: compression, Resend: resend, Defaults: o.defaults,
		FreshKubestate: fresh[0], FreshPeer: fresh[1]}
	if o.light {
		pl.Churn = "light"
	}
	scraperSide.Deliveries = ksmSide.Deliveries
	pl.Scraper = bench.Summarize(scraperSide, steadyFrom, endAt, want, tol)
	pl.Notes = append(pl.Notes,
		kubestateSetup(setup, resend, compression, collectorConfig(kubeconfig, sinkAddr, 0, o)),
		"peer: kube-state-metrics with default flags, scraped by the contrib prometheusreceiver v0.165.1 (scrape_timeout = interval) exporting otlp_grpc with its defaults (queue, retries, gzip); both collectors' own metrics off",
		fmt.Sprintf("freshness: %s/%s's restart count set %d times, each to a new value; time to the first point with it at each sink", probe.Labels["namespace"], probe.Labels["pod"], o.freshTrials))
	if o.k8scluster {
		k8sSide.Deliveries = k8sCycles(time.Time{})
		k8sWant := steadyMedian(k8sSide.Deliveries, steadyFrom, endAt)
		pl.K8sCluster = &bench.K8sClusterRun{Summary: bench.Summarize(k8sSide, steadyFrom, endAt, k8sWant, tol),
			Fresh: fresh[2], Compression: k8sPeer.Compression}
		k8sCompression := k8sPeer.Compression
		if k8sCompression == "" {
			k8sCompression = "gzip, the exporter's default"
		}
		pl.Notes = append(pl.Notes, fmt.Sprintf("k8s_cluster: the contrib k8s_cluster receiver v0.149.0 (tools/k8sclusterref %s), its defaults but collection_interval, exporting otlp_grpc with kubestate's compression (%s) and the exporter's other defaults (queue of 1,000 requests, retries); logs at info, no metrics of its own",
			strings.Join(k8sPeer.Args(), " "), k8sCompression))
	}
	return pl, nil
}

// seedPods seeds the synthetic cluster once (a reused cluster that holds enough pods is not
// touched) and returns its churn, loaded, and how many synthetic pods it holds.
func seedPods(ctx context.Context, cs kubernetes.Interface, o options) (*bench.Churn, int, error) {
	churn := &bench.Churn{Client: cs, UpdatesPerSec: o.updates, ReplacementsPerSec: o.replacements, NamespacePrefix: "synth-"}
	have, err := churn.Load(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("listing pods: %w", err)
	}
	if have < o.pods {
		sz := seed.Size{Pods: o.pods, Nodes: max(1, o.pods/100), Namespaces: 20, Deployments: max(20, o.pods/10)}
		progress("seeding %d nodes, %d namespaces, %d deployments, %d pods", sz.Nodes, sz.Namespaces, sz.Deployments, sz.Pods)
		if err := seed.Synthetic(ctx, cs, sz, os.Stderr); err != nil {
			return nil, 0, fmt.Errorf("seeding: %w", err)
		}
		churn = &bench.Churn{Client: cs, UpdatesPerSec: o.updates, ReplacementsPerSec: o.replacements, NamespacePrefix: "synth-"}
		if have, err = churn.Load(ctx); err != nil {
			return nil, 0, fmt.Errorf("listing pods: %w", err)
		}
	}
	if have != o.pods {
		progress("the cluster holds %d synthetic pods (asked for %d)", have, o.pods)
	}
	return churn, have, nil
}

type sampledProc struct {
	proc *proc.Process
	side *bench.Side
}

// kubestateSetup says how the pipeline run's kubestate was configured.
func kubestateSetup(setup string, resend time.Duration, compression string, c bench.CollectorConfig) string {
	if c.Defaults {
		return fmt.Sprintf("kubestate: %s (resend_interval 0; otlp_grpc with compression %s, the sending queue of 1,000 requests, retries)", setup, compression)
	}
	return fmt.Sprintf("kubestate: %s (resend_interval %s; otlp_grpc with compression %s, sending_queue sizer items, queue_size %d, block_on_overflow; retries at their defaults)",
		setup, resend, compression, c.QueueItems())
}

// reserveProbe takes a pod out of the churn and names its first container's restart count.
func reserveProbe(ctx context.Context, cs kubernetes.Interface, churn *bench.Churn) (bench.Probe, error) {
	ns, name, ok := churn.Reserve()
	if !ok {
		return bench.Probe{}, fmt.Errorf("freshness: the cluster has too few synthetic pods")
	}
	p, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return bench.Probe{}, fmt.Errorf("freshness probe pod: %w", err)
	}
	if len(p.Status.ContainerStatuses) == 0 {
		return bench.Probe{}, fmt.Errorf("freshness probe pod %s/%s has no container status", ns, name)
	}
	return bench.ContainerRestartsProbe(ns, name, p.Status.ContainerStatuses[0].Name), nil
}

// probeAs is the KSM-named probe ksm (its namespace, pod and container) as a receiver emitting
// schema names it.
func probeAs(schema string, ksm bench.Probe) (bench.Probe, error) {
	return bench.ContainerRestartsProbeFor(schema, ksm.Labels["namespace"], ksm.Labels["pod"], ksm.Labels["container"])
}

// settled reports whether a receiver whose count has no KSM scrape to agree with delivers complete
// data: its last two cycles agree and hold points (its informers have all listed).
func settled(cycles []bench.Delivery) bool {
	n := len(cycles)
	return n >= 2 && cycles[n-1].Points > 0 && near(cycles[n-2].Points, cycles[n-1].Points)
}

func near(x, y int) bool { return math.Abs(float64(x-y)) <= 0.005*float64(max(x, y)) }

// seriesPerPodFloor is fewer series than KSM gives any pod of the synthetic cluster (its info,
// owner, phases and two containers' families: about 50 with the rest of the cluster): a scrape
// holding fewer than this many per pod has not listed the pods yet.
const seriesPerPodFloor = 10

// complete reports whether both sides deliver complete data: KSM's last two scrapes agree (its
// reflectors have all listed) and hold at least seriesPerPodFloor series per synthetic pod (with a
// large cluster on a busy apiserver, listing the pods can take longer than two scrapes, and both
// sides then agree on everything but the pods), and a kubestate cycle held as many points as KSM's
// last scrape (with resend_interval only the first cycle after sync sends every series).
func complete(scrapes, cycles []bench.Delivery, kubestateNames bool, pods int) bool {
	if len(scrapes) < 2 || len(cycles) == 0 || scrapes[len(scrapes)-1].Points < seriesPerPodFloor*pods {
		return false
	}
	a, b := scrapes[len(scrapes)-2].Points, scrapes[len(scrapes)-1].Points
	c := 0
	for _, cy := range cycles {
		c = max(c, cy.Points)
	}
	if !kubestateNames {
		// Another schema's points are not KSM's series: kubestate is complete when its last two
		// cycles agree.
		return b > 0 && near(a, b) && settled(cycles)
	}
	return b > 0 && near(a, b) && near(b, c)
}

func splitEnv(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// finished drops a cycle still being delivered: the last one, if a batch arrived within 2s.
func finished(cycles []bench.Delivery, now time.Time) []bench.Delivery {
	if n := len(cycles); n > 0 && now.Sub(cycles[n-1].End) < 2*time.Second {
		return cycles[:n-1]
	}
	return cycles
}

func steadyMedian(ds []bench.Delivery, from, to time.Time) int {
	var xs []bench.Delivery
	for _, d := range ds {
		if !d.Start.Before(from) && !d.End.After(to) {
			xs = append(xs, d)
		}
	}
	if len(xs) == 0 && len(ds) > 0 {
		return ds[len(ds)-1].Points
	}
	s := bench.Summarize(&bench.Side{Deliveries: xs}, from, to, 0, 0)
	return s.PerCycle
}

func points(ds []bench.Delivery) []int {
	out := make([]int, len(ds))
	for i, d := range ds {
		out[i] = d.Points
	}
	return out
}

// collectorConfig is the distribution's pipeline: kubestate -> OTLP/gRPC to the sink. By default
// lean (no queue, no retries, so each batch is encoded and sent inside the cycle that built it);
// with -pipeline as the README recommends; with -pull the receiver serves its pull endpoint on
// pullPort and builds no batches (push: false).
func collectorConfig(kubeconfig, sink string, pullPort int, o options) bench.CollectorConfig {
	c := bench.CollectorConfig{Kubeconfig: kubeconfig, Sink: sink, Interval: o.interval, MaxBatch: o.maxBatch,
		Recommended: o.pipeline, Defaults: o.defaults, Compression: o.compression, Pprof: o.pprof, Schema: o.schema}
	if !o.pipeline && o.gzip {
		c.Compression = "gzip"
	}
	if o.pull {
		c.PullPort = pullPort
	}
	return c
}
